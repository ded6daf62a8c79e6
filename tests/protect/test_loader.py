"""Document loading: text, source, PDF and DOCX; folders recursively; binary files skipped."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from douane.errors import BadRequest
from douane.protect.loader import collect_files, extract_text

_PDF_STREAM = b"BT /F1 18 Tf 72 720 Td (Gate stack recipe anneal at 450 degrees) Tj ET"


def _minimal_pdf() -> bytes:
    """A one-page PDF with one line of Helvetica text (hand-written, offsets computed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(_PDF_STREAM) + _PDF_STREAM + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_text_pdf_and_docx_are_extracted(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Titel\nGeheime Rezeptur für Nordlicht")
    (tmp_path / "b.pdf").write_bytes(_minimal_pdf())
    document = docx.Document()
    document.add_paragraph("Preisstrategie 2025 vertraulich")
    document.save(str(tmp_path / "c.docx"))
    assert "Geheime Rezeptur" in (extract_text(tmp_path / "a.md") or "")
    assert "anneal at 450 degrees" in (extract_text(tmp_path / "b.pdf") or "")
    assert "Preisstrategie 2025" in (extract_text(tmp_path / "c.docx") or "")


def test_binary_files_are_skipped_and_broken_pdfs_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"\x00\x01\x02binary")
    assert extract_text(tmp_path / "x.bin") is None
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(BadRequest):
        extract_text(tmp_path / "bad.pdf")


def test_folders_are_walked_recursively_without_hidden_entries(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for p in ("a.txt", "sub/b.py", "sub/deep/c.md", ".git/config", "sub/.hidden"):
        (tmp_path / p).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in collect_files([tmp_path])]
    assert found == ["a.txt", "sub/b.py", "sub/deep/c.md"]
    with pytest.raises(BadRequest):
        collect_files([tmp_path / "missing"])
