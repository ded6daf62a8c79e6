"""In-memory indexes built once at start-up: fingerprint -> documents, cell hash -> table cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from douane.detect._fptable import MISS, HashTable
from douane.detect._winnow import U64
from douane.protect.store import StoredDocument, StoredTable
from douane.types import Level

__all__ = ["CellRef", "ExcerptIndex", "TableIndex"]

I64 = npt.NDArray[np.int64]


class _Postings:
    """Keys -> lists of int payloads: a single payload is stored inline, several in a CSR array."""

    __slots__ = ("_flat", "_offsets", "dropped", "kept", "table")

    def __init__(
        self,
        keys: U64,
        payloads: npt.NDArray[np.integer],
        max_count: int | None = None,
        exclude: U64 | None = None,
    ) -> None:
        """Group `payloads` by key; keys held by `max_count` or more payloads, or listed in
        `exclude`, are dropped."""
        order = np.argsort(keys)
        keys, payloads = keys[order], payloads[order]
        del order
        if keys.size:
            starts = np.concatenate(([0], np.nonzero(keys[1:] != keys[:-1])[0] + 1))
        else:
            starts = np.empty(0, dtype=np.int64)
        counts = np.diff(np.concatenate((starts, [keys.size])))
        keep = counts < max_count if max_count is not None else np.ones(counts.size, bool)
        if exclude is not None and exclude.size:
            keep &= ~np.isin(keys[starts], exclude)
        self.dropped = int((~keep).sum())
        multi = keep & (counts > 1)
        values = payloads[starts].astype(np.int64)
        multi_idx = np.nonzero(multi)[0]
        values[multi_idx] = -2 - np.arange(multi_idx.size)
        in_multi = np.repeat(multi, counts)
        self._flat = payloads[in_multi]
        self._offsets = np.concatenate(([0], np.cumsum(counts[multi_idx]))).astype(np.int64)
        self.kept = int(counts[keep].sum())
        uniq = keys[starts[keep]]
        del keys, payloads, starts, in_multi
        self.table = HashTable(uniq, values[keep], presorted=True)

    @property
    def nbytes(self) -> int:
        return self.table.nbytes + int(self._offsets.nbytes + self._flat.nbytes)

    def expand(self, value: int) -> npt.NDArray[np.integer] | list[int]:
        """The payloads behind one looked-up value (MISS excluded by the caller)."""
        if value >= 0:
            return [value]
        m = -2 - value
        return self._flat[self._offsets[m] : self._offsets[m + 1]]


@dataclass(frozen=True, slots=True)
class _Doc:
    id: int
    label: str
    level: Level


class ExcerptIndex:
    """Fingerprint -> documents; fingerprints found in `background_docs` or more documents are
    boilerplate and left out, so they can never trigger."""

    __slots__ = ("_postings", "background", "docs", "fingerprints")

    def __init__(
        self, docs: Sequence[StoredDocument], background_docs: int, boilerplate: U64 | None = None
    ) -> None:
        """Index `docs`; fingerprints in `boilerplate` are background whatever their count."""
        self.docs = tuple(_Doc(d.id, d.label, d.level) for d in docs)
        if docs:
            keys = np.concatenate([d.fingerprints for d in docs])
            owners = np.repeat(
                np.arange(len(docs), dtype=np.int32), [d.fingerprints.size for d in docs]
            )
        else:
            keys, owners = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32)
        self._postings = _Postings(keys, owners, max_count=background_docs, exclude=boilerplate)
        self.background = self._postings.dropped
        self.fingerprints = self._postings.kept

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays."""
        return self._postings.nbytes

    def lookup(self, hashes: U64) -> dict[int, list[int]]:
        """For each matching document index, the positions of `hashes` that it contains."""
        values = self._postings.table.lookup(hashes)
        found: dict[int, list[int]] = {}
        for pos in np.nonzero(values != MISS)[0].tolist():
            for doc in self._postings.expand(int(values[pos])):
                found.setdefault(int(doc), []).append(pos)
        return found


@dataclass(frozen=True, slots=True)
class CellRef:
    """One stored cell: which table, row and column it belongs to."""

    table: int
    row: int
    column: int


class TableIndex:
    """Cell hash -> cells of registered tables, plus the value lengths worth hashing in a prompt."""

    __slots__ = ("_postings", "_prefixes", "lengths", "tables")

    def __init__(self, tables: Sequence[StoredTable]) -> None:
        self.tables = tuple(tables)
        keys: list[U64] = []
        refs: list[I64] = []
        lengths: set[int] = set()
        prefixes: set[int] = set()
        for i, t in enumerate(tables):
            keys.append(t.cell_hashes)
            refs.append((np.int64(i) << 40) | (t.cell_rows << 16) | t.cell_columns)
            lengths.update(int(x) for x in t.value_lengths)
            prefixes.update(t.value_prefixes.tolist())
        all_keys = np.concatenate(keys) if keys else np.empty(0, dtype=np.uint64)
        all_refs = np.concatenate(refs) if refs else np.empty(0, dtype=np.int64)
        self._postings = _Postings(all_keys, all_refs)
        self.lengths = frozenset(lengths)
        self._prefixes = frozenset(prefixes)

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays."""
        return self._postings.nbytes

    def has_prefix(self, prefix_hash: int) -> bool:
        """Whether some stored value starts with the value behind this prefix hash."""
        return prefix_hash in self._prefixes

    def lookup(self, hashes: U64) -> list[list[CellRef]]:
        """The stored cells behind each hash (an empty list for a miss)."""
        values = self._postings.table.lookup(hashes)
        out: list[list[CellRef]] = []
        for v in values.tolist():
            if v == MISS:
                out.append([])
                continue
            out.append(
                [
                    CellRef(int(r) >> 40, (int(r) >> 16) & 0xFFFFFF, int(r) & 0xFFFF)
                    for r in self._postings.expand(v)
                ]
            )
        return out
