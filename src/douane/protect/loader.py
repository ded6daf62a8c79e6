"""Find the files to protect under the given paths and extract their text via `douane.extract`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from douane import extract
from douane.errors import BadRequest

__all__ = ["collect_files", "extract_text"]


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Every file named, and every file under each folder (recursively; hidden entries and
    VCS/virtualenv folders skipped).

    Raises BadRequest if a path does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") or part in extract.SKIP_DIRS for part in rel):
                    continue
                if child.is_file() and not child.is_symlink():
                    found.append(child)
        else:
            raise BadRequest(f"{path}: no such file or folder")
    return found


def extract_text(path: Path) -> str | None:
    """The text of one file (plain text, source, Markdown, PDF, DOCX, .eml), or None if binary.

    Raises BadRequest if the file is unreadable, too large, or a corrupt PDF/DOCX.
    """
    text = extract.extract_text(path)
    if not text and path.suffix.lower() not in (".pdf", ".docx", ".docm", ".eml"):
        try:
            head = path.read_bytes()[:8192]
        except OSError as exc:
            raise BadRequest(f"{path}: cannot read ({exc.strerror})") from None
        if extract.is_binary(head):
            return None
    return text
