"""Text from files for `douane scan`: plain text and source, Markdown, PDF, DOCX and .eml mail.

Robust to anything on disk: invalid UTF-8 is decoded with replacement characters, binary files
yield no text, and a corrupt PDF/DOCX/mail raises BadRequest naming the file (never its content).
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from douane.errors import BadRequest

__all__ = ["SKIP_DIRS", "extract_bytes", "extract_text", "is_binary", "iter_files"]

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        "dist",
        "build",
    }
)
_SNIFF = 8192
_TAG = re.compile(r"<[^>]{0,2000}>")
_MAX_BYTES = 64 * 1024 * 1024


def is_binary(data: bytes) -> bool:
    """NUL bytes near the start mean binary (the heuristic git and grep use)."""
    return b"\x00" in data[:_SNIFF]


def _decode(data: bytes) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return data.decode("utf-8", errors="replace")


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _eml(data: bytes) -> str:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    lines = [f"{h}: {msg[h]}" for h in ("From", "To", "Cc", "Subject", "Date") if msg[h]]
    body: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        if ctype == "text/html":
            text = html.unescape(_TAG.sub(" ", text))
        body.append(text)
    return "\n".join(lines) + "\n\n" + "\n\n".join(body)


def extract_bytes(data: bytes, suffix: str, name: str = "<input>") -> str:
    """Text of a file's bytes given its suffix; binary data yields ''.

    Raises BadRequest naming the file when a PDF, DOCX or mail cannot be parsed.
    """
    suffix = suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf(data)
        if suffix in (".docx", ".docm"):
            return _docx(data)
        if suffix == ".eml":
            return _eml(data)
    except Exception as exc:  # third-party parsers raise anything on corrupt input
        raise BadRequest(
            f"{name}: cannot extract text from {suffix} file ({type(exc).__name__})"
        ) from None
    if is_binary(data):
        return ""
    return _decode(data)


def extract_text(path: Path) -> str:
    """Text of one file (see extract_bytes); raises BadRequest if unreadable or too large."""
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise BadRequest(f"{path}: larger than {_MAX_BYTES // (1024 * 1024)} MB, skipped")
        data = path.read_bytes()
    except OSError as exc:
        raise BadRequest(f"{path}: cannot read ({exc.strerror})") from None
    return extract_bytes(data, path.suffix, str(path))


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every regular file under `paths`, sorted, skipping VCS and virtualenv folders."""
    for root in paths:
        if root.is_file():
            yield root
            continue
        if not root.is_dir():
            raise BadRequest(f"{root}: no such file or directory")
        for path in sorted(root.rglob("*")):
            if any(part in SKIP_DIRS for part in path.relative_to(root).parts[:-1]):
                continue
            if path.is_file() and not path.is_symlink():
                yield path
