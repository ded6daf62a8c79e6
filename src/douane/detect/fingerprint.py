"""PROTECTED_EXCERPT detectors: passages of registered documents, values of registered table rows.

Both load their index from the database once, at start-up; a prompt costs one hash per k-gram
and O(1) table probes, whatever the number of registered documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from douane.config import Config, ProtectSettings
from douane.db import make_engine
from douane.detect._fold import word_spans
from douane.detect._winnow import Hasher
from douane.detect.base import Detector
from douane.errors import LedgerError
from douane.protect.background import boilerplate_hashes
from douane.protect.index import ExcerptIndex, TableIndex
from douane.protect.register import (
    DOC_PURPOSE,
    MAX_CELL_WORDS,
    PREFIX_CHARS,
    PREFIX_PURPOSE,
    TABLE_PURPOSE,
)
from douane.protect.store import ProtectStore
from douane.types import Finding, FindingType

__all__ = ["ExactDataDetector", "ProtectedExcerptDetector", "protect_detectors"]

# Scores stay above the scanner's STRONG_SCORE (0.85): a short weak finding inside a copied
# passage must never make the scanner drop the whole passage.
_STRONG: Final = 0.95
_WEAK: Final = 0.9


class ProtectedExcerptDetector:
    """Finds runs of k-grams shared with one registered document; the span covers the run."""

    name = "protected-excerpt"

    def __init__(self, index: ExcerptIndex, hasher: Hasher, settings: ProtectSettings) -> None:
        self.index = index
        self._hasher = hasher
        self._k = settings.kgram
        self._window = settings.window
        self._min = settings.min_matches
        self._gap = settings.max_gap

    def scan(self, text: str) -> list[Finding]:
        """One finding per copied passage, labelled with the best-matching document."""
        words, starts, ends = word_spans(text)
        if len(words) < self._k or not self.index.fingerprints:
            return []
        hits = self.index.lookup(self._hasher.kgrams(words))
        clusters: list[tuple[int, int, int, int]] = []  # first word, last word, hits, doc
        for doc, positions in hits.items():
            positions.sort()
            run = [positions[0]]
            for p in positions[1:]:
                if p - run[-1] > self._gap:
                    clusters.extend(self._accept(run, doc))
                    run = []
                run.append(p)
            clusters.extend(self._accept(run, doc))
        return self._merge(clusters, text, starts, ends)

    def _accept(self, run: list[int], doc: int) -> list[tuple[int, int, int, int]]:
        if len(run) < self._min:
            return []
        return [(run[0], run[-1] + self._k - 1, len(run), doc)]

    def _merge(
        self,
        clusters: list[tuple[int, int, int, int]],
        text: str,
        starts: list[int],
        ends: list[int],
    ) -> list[Finding]:
        """Union overlapping clusters (documents sharing text); the span takes the highest level."""
        clusters.sort()
        merged: list[list[int]] = []
        for first, last, n, doc in clusters:
            if merged and first <= merged[-1][1]:
                cur = merged[-1]
                cur[1] = max(cur[1], last)
                if n > cur[2]:
                    cur[2], cur[3] = n, doc
                cur.append(doc)
            else:
                merged.append([first, last, n, doc, doc])
        findings = []
        reach = self._window - 1
        for first, last, n, best, *docs in merged:
            first = _extend_left(text, starts, ends, first, reach)
            last = _extend_right(text, starts, ends, last, reach)
            level = max((self.index.docs[d].level for d in docs), key=lambda lv: lv.rank)
            score = _STRONG if n >= 2 * self._min else _WEAK
            findings.append(
                Finding(
                    starts[first],
                    ends[last],
                    FindingType.PROTECTED_EXCERPT,
                    level,
                    self.name,
                    score,
                    label=self.index.docs[best].label,
                )
            )
        return findings


def _breaks(text: str, left: int, right: int) -> bool:
    """A paragraph break or sentence end between two words stops the extension of a span."""
    gap = text[left:right]
    return "\n\n" in gap or any(c in gap for c in '.!?:;"«»„“”')


def _extend_left(text: str, starts: list[int], ends: list[int], first: int, reach: int) -> int:
    """Winnowing may skip up to window-1 leading words of a copy; take them back in-sentence."""
    for _ in range(reach):
        if first == 0 or _breaks(text, ends[first - 1], starts[first]):
            break
        first -= 1
    return first


def _extend_right(text: str, starts: list[int], ends: list[int], last: int, reach: int) -> int:
    for _ in range(reach):
        if last + 1 >= len(starts) or _breaks(text, ends[last], starts[last + 1]):
            break
        last += 1
    return last


class ExactDataDetector:
    """Flags values of one registered table row when at least `min_columns` columns appear."""

    name = "exact-data"

    def __init__(
        self, index: TableIndex, hasher: Hasher, prefixer: Hasher, min_columns: int
    ) -> None:
        self.index = index
        self._hasher = hasher
        self._prefixer = prefixer
        self._min_columns = min_columns
        self._max_len = max(index.lengths, default=0)

    def scan(self, text: str) -> list[Finding]:
        """One finding per matched cell value of every row that reaches `min_columns` columns."""
        if not self.index.lengths:
            return []
        words, starts, ends = word_spans(text)
        spans: list[tuple[int, int]] = []
        values: list[str] = []
        for i in range(len(words)):
            if not self._may_start(words, i):
                continue
            joined = ""
            for j in range(i, min(i + MAX_CELL_WORDS, len(words))):
                joined += words[j]
                if len(joined) > self._max_len:
                    break
                if len(joined) in self.index.lengths:
                    spans.append((starts[i], ends[j]))
                    values.append(joined)
        if not values:
            return []
        hashes = np.array([self._hasher.one(v) for v in values], dtype=np.uint64)
        by_row: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for (start, end), refs in zip(spans, self.index.lookup(hashes), strict=True):
            for ref in refs:
                by_row.setdefault((ref.table, ref.row), []).append((start, end, ref.column))
        findings: set[Finding] = set()
        for (table, _row), matches in by_row.items():
            kept = _disjoint(matches)
            if len({column for _, _, column in kept}) < self._min_columns:
                continue
            t = self.index.tables[table]
            for start, end, _ in kept:
                findings.add(
                    Finding(
                        start,
                        end,
                        FindingType.PROTECTED_EXCERPT,
                        t.level,
                        self.name,
                        _STRONG,
                        label=t.label,
                    )
                )
        return sorted(findings, key=lambda f: (f.start, f.end))

    def _may_start(self, words: list[str], i: int) -> bool:
        """Cheap prefilter: does a stored value start like the text from word `i` on?"""
        joined = ""
        for word in words[i : i + PREFIX_CHARS]:
            joined += word
            if len(joined) >= PREFIX_CHARS:
                break
        if len(joined) >= PREFIX_CHARS and self.index.has_prefix(
            self._prefixer.one(joined[:PREFIX_CHARS])
        ):
            return True
        short = PREFIX_CHARS - 1
        return short in self.index.lengths and self.index.has_prefix(
            self._prefixer.one(joined[:short])
        )


def _disjoint(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Longest-first non-overlapping matches: a name inside an e-mail address is not a second
    column."""
    kept: list[tuple[int, int, int]] = []
    for m in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if not any(m[0] < k[1] and k[0] < m[1] for k in kept):
            kept.append(m)
    return kept


def _existing_database(config: Config) -> Engine | None:
    """An engine on the configured database if it already exists (CLI scans pass no engine)."""
    url = config.database
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if not path or path == ":memory:" or not Path(path).expanduser().is_file():
            return None
    engine = make_engine(url)
    try:
        if sa.inspect(engine).has_table("protected_documents"):
            return engine
    except SQLAlchemyError as exc:
        raise LedgerError(f"protect store unreachable: {type(exc).__name__}") from exc
    engine.dispose()
    return None


def protect_detectors(config: Config, engine: Engine | None) -> Sequence[Detector]:
    """Load registered documents and tables from the database; none registered, no detector.

    Without an engine (e.g. `douane scan`), an existing configured database is read if it has
    the protect tables. Raises LedgerError if the database cannot be read (fail closed).
    """
    own = engine is None
    engine = engine if engine is not None else _existing_database(config)
    if engine is None:
        return []
    try:
        return _load(config, engine)
    finally:
        if own:
            engine.dispose()


def _load(config: Config, engine: Engine) -> list[Detector]:
    store = ProtectStore(engine)
    docs = store.load_documents()
    tables = store.load_tables()
    if not docs and not tables:
        return []
    secret = config.resolved_secret_key()
    settings = config.protect
    detectors: list[Detector] = []
    if docs:
        hasher = Hasher(secret, DOC_PURPOSE, settings.kgram)
        index = ExcerptIndex(docs, settings.background_docs, boilerplate_hashes(config, hasher))
        detectors.append(ProtectedExcerptDetector(index, hasher, settings))
    if tables:
        detectors.append(
            ExactDataDetector(
                TableIndex(tables),
                Hasher(secret, TABLE_PURPOSE, 1),
                Hasher(secret, PREFIX_PURPOSE, 1),
                settings.table_min_columns,
            )
        )
    return detectors
