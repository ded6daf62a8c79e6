"""Find the files under the given paths and extract their text (plain text, source, PDF, DOCX)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from douane.errors import BadRequest

__all__ = ["collect_files", "extract_text"]

_SNIFF = 8192


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Every file named, and every file under each folder (recursively, hidden entries skipped).

    Raises BadRequest if a path does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    found.append(child)
        else:
            raise BadRequest(f"{path}: no such file or folder")
    return found


def extract_text(path: Path) -> str | None:
    """The text of one file, or None for a binary file that is not PDF or DOCX.

    Raises BadRequest if a PDF or DOCX cannot be parsed.
    """
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        return _pdf_text(path, data)
    if suffix == ".docx":
        return _docx_text(path, data)
    if b"\x00" in data[:_SNIFF]:
        return None
    return data.decode("utf-8", errors="replace")


def _pdf_text(path: Path, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise BadRequest(f"{path}: cannot read PDF ({type(exc).__name__})") from exc


def _docx_text(path: Path, data: bytes) -> str:
    from zipfile import BadZipFile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (BadZipFile, KeyError, ValueError) as exc:
        raise BadRequest(f"{path}: cannot read DOCX ({type(exc).__name__})") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)
