"""Tests for text extraction: formats, invalid UTF-8, binary files, corrupt documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from douane.errors import BadRequest
from douane.extract import extract_bytes, extract_text, is_binary, iter_files


def test_invalid_utf8_is_replaced_not_fatal(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"IBAN \xff\xfe DE89 3704 0044 0532 0130 00\n")
    text = extract_text(p)
    assert "DE89 3704 0044 0532 0130 00" in text and "\ufffd" in text


def test_binary_yields_no_text(tmp_path: Path) -> None:
    p = tmp_path / "a.bin"
    p.write_bytes(bytes(range(256)) * 10)
    assert is_binary(p.read_bytes())
    assert extract_text(p) == ""


def test_eml_headers_and_bodies(tmp_path: Path) -> None:
    raw = (
        "From: Anna Schmidt <anna@example.de>\r\nTo: b@example.de\r\nSubject: Test\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=XX\r\n\r\n"
        "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPasswort: Tiger2024!\r\n"
        "--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hallo &amp; tsch&uuml;ss</p>\r\n"
        "--XX--\r\n"
    )
    p = tmp_path / "m.eml"
    p.write_bytes(raw.encode())
    text = extract_text(p)
    assert "anna@example.de" in text and "Tiger2024!" in text and "Hallo & tschüss" in text


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("STRENG VERTRAULICH")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "IBAN"
    table.rows[0].cells[1].text = "DE89 3704 0044 0532 0130 00"
    buf = io.BytesIO()
    d.save(buf)
    text = extract_bytes(buf.getvalue(), ".docx")
    assert "STRENG VERTRAULICH" in text and "DE89 3704 0044 0532 0130 00" in text


def test_corrupt_pdf_raises_bad_request_without_content() -> None:
    with pytest.raises(BadRequest, match="cannot extract text"):
        extract_bytes(b"%PDF-1.4 secret-value-xyz garbage", ".pdf", "x.pdf")


def test_iter_files_skips_vcs_dirs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x")
    assert [p.name for p in iter_files([tmp_path])] == ["a.py"]


def test_missing_path_is_bad_request(tmp_path: Path) -> None:
    with pytest.raises(BadRequest):
        list(iter_files([tmp_path / "nope"]))
