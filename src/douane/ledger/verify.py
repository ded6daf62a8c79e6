"""Verify the chain: name the FIRST bad record and why (modified, deleted, inserted, reordered).

For each record in seq order the verifier checks, against the last good record before it:
the seq follows without a gap; the content hashes to the stored hash; the stored hash carries a
valid signature by a trusted key; `prev_hash` names the previous record. When a check fails, it
looks one record ahead and at the stored hashes to tell an insertion, a swap or a moved record from
an edit. At the end the chain head row must name the last record (so a deleted tail is caught),
and the search index must hold exactly the terms each record implies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import takewhile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from douane.ledger.chain import GENESIS, Entry, entry_hash, terms_for
from douane.ledger.signing import verify_signature
from douane.ledger.store import (
    find_by_hash,
    first_beyond_head,
    iter_entries,
    iter_terms,
    read_head,
    reads,
)

__all__ = [
    "BAD_SIGNATURE",
    "DELETED",
    "FORKED",
    "HEAD_MISMATCH",
    "INDEX_MISMATCH",
    "INSERTED",
    "MODIFIED",
    "REORDERED",
    "Problem",
    "VerifyReport",
    "verify_connection",
    "verify_entries",
]

MODIFIED = "modified"
DELETED = "deleted"
INSERTED = "inserted"
REORDERED = "reordered"
BAD_SIGNATURE = "bad signature"
FORKED = "forked"
HEAD_MISMATCH = "head mismatch"
INDEX_MISMATCH = "index mismatch"


@dataclass(frozen=True, slots=True)
class Problem:
    """The first bad record: its seq, a stable reason and a human explanation."""

    seq: int
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.reason}: {self.detail}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify` found. `last_seq`/`last_hash` is the last good record: a checkpoint anchor."""

    checked: int
    last_seq: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _pairs(entries: Iterable[Entry]) -> Iterator[tuple[Entry, Entry | None]]:
    """Each entry with the one after it (one record of look-ahead)."""
    it = iter(entries)
    current = next(it, None)
    while current is not None:
        following = next(it, None)
        yield current, following
        current = following


class _Checker:
    def __init__(
        self, keys: Mapping[str, Ed25519PublicKey], lookup: Callable[[str], Entry | None]
    ) -> None:
        self.keys = keys
        self.lookup = lookup

    def check(self, r: Entry, n: Entry | None, prev_seq: int, prev_hash: str) -> Problem | None:
        expected = prev_seq + 1
        if r.seq > expected:
            moved = self.lookup(r.prev_hash) if r.prev_hash != prev_hash else None
            if moved is not None and moved.seq != expected:
                return Problem(expected, MODIFIED, f"its seq was changed to {moved.seq}")
            return Problem(
                expected, DELETED, f"missing: record {prev_seq} is followed by record {r.seq}"
            )
        if r.seq < expected:
            return Problem(r.seq, REORDERED, f"seq {r.seq} appears again after record {prev_seq}")
        key = self.keys.get(r.signer)
        ok_hash = entry_hash(r) == r.hash
        ok_link = r.prev_hash == prev_hash
        authentic = key is not None and verify_signature(key, r.hash, r.signature)
        if ok_hash and ok_link and authentic:
            return None
        if n is not None and n.seq == r.seq + 1 and n.prev_hash == prev_hash:
            if r.prev_hash == n.hash:
                return Problem(r.seq, REORDERED, f"swapped with record {n.seq}")
            return Problem(
                r.seq, INSERTED, f"not in the chain: record {n.seq} links to record {prev_seq}"
            )
        if not ok_hash:
            if authentic and not ok_link:
                origin = self.lookup(r.prev_hash)
                if origin is not None and entry_hash(r.with_(seq=origin.seq + 1)) == r.hash:
                    return Problem(
                        r.seq, REORDERED, f"holds record {origin.seq + 1}, moved from its place"
                    )
                if entry_hash(r.with_(seq=r.seq + 1)) == r.hash:
                    return Problem(
                        r.seq, DELETED, "missing: the records after it were renumbered to hide it"
                    )
            return Problem(r.seq, MODIFIED, "its content does not match its hash")
        if key is None:
            return Problem(
                r.seq, BAD_SIGNATURE, f"signed by key {r.signer[:16]!r}, not a trusted key"
            )
        if not authentic:
            return Problem(
                r.seq, BAD_SIGNATURE, "the signature does not match (re-hashed or forged)"
            )
        return Problem(
            r.seq, FORKED, f"validly signed but does not follow record {prev_seq} (a fork)"
        )


def _check_terms(
    r: Entry, pending: Iterator[tuple[int, str]], held: list[tuple[int, str]]
) -> Problem | None:
    """Compare the index rows of `r` (merge-join on seq) with the terms its body implies."""
    actual: list[str] = []
    while True:
        if not held:
            nxt = next(pending, None)
            if nxt is None:
                break
            held.append(nxt)
        seq, term = held[0]
        if seq > r.seq:
            break
        held.pop(0)
        if seq < r.seq:
            return Problem(seq, INDEX_MISMATCH, "search-index rows for a record that is absent")
        actual.append(term)
    try:
        expected = terms_for(r.kind, r.body)
    except (ValueError, AttributeError, TypeError):
        return Problem(r.seq, MODIFIED, "its body is not valid JSON")
    if sorted(actual) != expected:
        return Problem(r.seq, INDEX_MISMATCH, "search-index rows differ from the record's content")
    return None


def verify_entries(
    entries: Iterable[Entry],
    keys: Mapping[str, Ed25519PublicKey],
    *,
    start_seq: int = 1,
    anchor: str = GENESIS,
    head: tuple[int, str] | None = None,
    beyond_head: int | None = None,
    lookup: Callable[[str], Entry | None] = lambda _h: None,
    terms: Iterable[tuple[int, str]] | None = None,
) -> VerifyReport:
    """Check `entries` (seq order, starting at `start_seq`, whose predecessor hashes to `anchor`).

    `head` is what the chain-head row claims; `beyond_head` the lowest seq stored above it.
    """
    checker = _Checker(keys, lookup)
    prev_seq, prev_hash, checked = start_seq - 1, anchor, 0
    pending = iter(terms) if terms is not None else None
    held: list[tuple[int, str]] = []

    def report(problem: Problem | None) -> VerifyReport:
        return VerifyReport(checked, prev_seq, prev_hash, problem)

    for r, n in _pairs(entries):
        problem = checker.check(r, n, prev_seq, prev_hash)
        if problem is None and pending is not None:
            problem = _check_terms(r, pending, held)
        if problem is not None:
            return report(problem)
        prev_seq, prev_hash, checked = r.seq, r.hash, checked + 1
    if head is not None:
        head_seq, head_hash = head
        if head_seq > prev_seq:
            return report(
                Problem(
                    prev_seq + 1,
                    DELETED,
                    f"missing: the chain head is record {head_seq}, the last stored is {prev_seq}",
                )
            )
        if head_seq == prev_seq and head_hash != prev_hash:
            return report(Problem(prev_seq, HEAD_MISMATCH, "the chain head names another hash"))
    if beyond_head is not None:
        return report(Problem(beyond_head, INSERTED, "stored after the chain head"))
    if pending is not None:
        leftover = held[0] if held else next(pending, None)
        if leftover is not None:
            return report(Problem(leftover[0], INDEX_MISMATCH, "search-index rows for no record"))
    return report(None)


@reads("verifying the ledger")
def verify_connection(
    conn: Connection,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    from_seq: int = 1,
    anchor: str | None = None,
    page: int = 500,
    check_index: bool = True,
) -> VerifyReport:
    """Verify the chain stored on `conn`, from `from_seq` (whose predecessor hashes to `anchor`).

    Records appended while verifying are left for the next run. Raises LedgerError if the
    database cannot be read.
    """
    if from_seq > 1 and anchor is None:
        raise ValueError("verifying from the middle of the chain needs the anchor hash")
    head = read_head(conn)
    if head is None:
        missing = Problem(0, HEAD_MISMATCH, "the chain head row is missing")
        return VerifyReport(0, from_seq - 1, anchor or GENESIS, missing)
    entries = iter_entries(conn, from_seq=from_seq, to_seq=head[0], page=page)
    terms = (
        takewhile(lambda t: t[0] <= head[0], iter_terms(conn, from_seq=from_seq, page=page * 4))
        if check_index
        else None
    )
    return verify_entries(
        entries,
        keys,
        start_seq=from_seq,
        anchor=anchor or GENESIS,
        head=head,
        beyond_head=first_beyond_head(conn),
        lookup=lambda digest: find_by_hash(conn, digest),
        terms=terms,
    )
