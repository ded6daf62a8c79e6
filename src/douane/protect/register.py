"""Turn documents and CSV tables into keyed hashes ready to store; plaintext never leaves here."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from douane.config import Config
from douane.detect._fold import WORD, fold
from douane.detect._winnow import Hasher, winnow
from douane.errors import BadRequest
from douane.hashing import keyed_hash
from douane.protect.loader import collect_files, extract_text
from douane.protect.store import NewDocument, NewTable, ProtectStore
from douane.types import Level

__all__ = [
    "DOC_PURPOSE",
    "MAX_CELL_WORDS",
    "PREFIX_CHARS",
    "PREFIX_PURPOSE",
    "TABLE_PURPOSE",
    "RegisterReport",
    "compact",
    "fingerprint_document",
    "register_paths",
    "register_table",
]

DOC_PURPOSE = "document-kgram-v1"
TABLE_PURPOSE = "table-cell-v1"
PREFIX_PURPOSE = "table-prefix-v1"
PREFIX_CHARS = 4
MAX_CELL_WORDS = 8
_MIN_CELL_CHARS = 3
_BATCH = 200


class RegisterReport:
    """Counts of one `protect add` run."""

    __slots__ = ("added", "skipped", "too_short", "updated")

    def __init__(self) -> None:
        self.added = self.updated = 0
        self.skipped: list[str] = []
        self.too_short: list[str] = []


def compact(value: str) -> str:
    """A cell value's matching form: folded words joined without separators (`DE 89`=`de89`)."""
    return "".join(WORD.findall(fold(value)))


def fingerprint_document(
    text: str, name: str, label: str, level: Level, hasher: Hasher, window: int, secret: bytes
) -> NewDocument:
    """The winnowed keyed k-gram hashes of one document, and a keyed hash of its whole content."""
    words = WORD.findall(fold(text))
    fps = winnow(hasher.kgrams(words), window)
    content = keyed_hash(secret, "protect-document", " ".join(words))
    return NewDocument(name, label, level, content, len(words), fps)


def register_paths(
    config: Config,
    store: ProtectStore,
    paths: Sequence[Path],
    label: str | None,
    level: Level,
    progress: Callable[[int], None] | None = None,
) -> RegisterReport:
    """Fingerprint every file under `paths` and store the fingerprints in batches.

    Without a label, each document is labelled with its file name's stem. Calls `progress(1)`
    per file. Raises BadRequest for a missing path or an unreadable PDF/DOCX.
    """
    secret = config.resolved_secret_key()
    hasher = Hasher(secret, DOC_PURPOSE, config.protect.kgram)
    report = RegisterReport()
    batch: list[NewDocument] = []
    for path in collect_files(paths):
        text = extract_text(path)
        if text is None:
            report.skipped.append(str(path))
        else:
            doc = fingerprint_document(
                text,
                str(path.resolve()),
                label or path.stem,
                level,
                hasher,
                config.protect.window,
                secret,
            )
            if doc.fingerprints.size == 0:
                report.too_short.append(str(path))
            else:
                batch.append(doc)
        if len(batch) >= _BATCH:
            _flush(store, batch, report)
        if progress is not None:
            progress(1)
    _flush(store, batch, report)
    return report


def _flush(store: ProtectStore, batch: list[NewDocument], report: RegisterReport) -> None:
    if batch:
        added, updated = store.add_documents(batch)
        report.added += added
        report.updated += updated
        batch.clear()


def register_table(
    config: Config,
    store: ProtectStore,
    path: Path,
    columns: Sequence[str],
    label: str,
    level: Level,
) -> tuple[bool, int]:
    """Store keyed hashes of the chosen columns' cells, row by row; returns (new, rows).

    Raises BadRequest if the file is unreadable or a column is missing.
    """
    if not columns:
        raise BadRequest("--columns: name at least one column")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in columns if c not in header]
            if missing:
                raise BadRequest(f"{path}: no column(s) {missing}; the header has {header}")
            reader.fieldnames = header
            rows = list(reader)
    except OSError as exc:
        raise BadRequest(f"{path}: cannot read table: {exc.strerror}") from exc
    except csv.Error as exc:
        raise BadRequest(f"{path}: not valid CSV (line {reader.line_num})") from exc
    secret = config.resolved_secret_key()
    hasher = Hasher(secret, TABLE_PURPOSE, 1)
    prefixer = Hasher(secret, PREFIX_PURPOSE, 1)
    prefixes: set[int] = set()
    hashes: list[int] = []
    row_ids: list[int] = []
    col_ids: list[int] = []
    lengths: set[int] = set()
    for r, row in enumerate(rows):
        for c, name in enumerate(columns):
            value = compact(row.get(name) or "")
            if len(value) < _MIN_CELL_CHARS or len(value) > 65535:
                continue
            hashes.append(hasher.one(value))
            row_ids.append(r)
            col_ids.append(c)
            lengths.add(len(value))
            prefixes.add(prefixer.one(value[:PREFIX_CHARS]))
    digest = keyed_hash(secret, "protect-table", ",".join(columns), *map(str, hashes))
    table = NewTable(
        name=str(path.resolve()),
        label=label,
        level=level,
        content_hash=digest,
        columns=tuple(columns),
        rows=len(rows),
        cell_hashes=np.array(hashes, dtype=np.uint64),
        cell_rows=np.array(row_ids, dtype=np.int64),
        cell_columns=np.array(col_ids, dtype=np.int64),
        value_lengths=np.array(sorted(lengths), dtype=np.int64),
        value_prefixes=np.array(sorted(prefixes), dtype=np.uint64),
    )
    return store.add_table(table), len(rows)
