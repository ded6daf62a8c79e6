"""Tamper tests: every single-record modification, deletion, insertion and swap in a ledger of
1,000 records is detected and the right record is named, on SQLite and on PostgreSQL.

The 1,000-record ledger is built once per backend; each tampering runs inside a transaction that
is rolled back, and verification starts two records before the tampered one from the known-good
hash (the incremental mode `douane audit verify --from-seq --anchor` uses), so every case costs
milliseconds instead of a rebuilt ledger.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, delete, insert, update

from douane.ledger import GENESIS, Entry, Signer
from douane.ledger.chain import Draft, entry_hash, seal, terms_for
from douane.ledger.schema import entries, head, terms
from douane.ledger.store import iter_entries
from douane.ledger.verify import (
    BAD_SIGNATURE,
    DELETED,
    FORKED,
    HEAD_MISMATCH,
    INDEX_MISMATCH,
    INSERTED,
    MODIFIED,
    REORDERED,
    Problem,
    verify_connection,
    verify_entries,
)
from tests.ledger.conftest import fill, migrated

N_REQUESTS = 500  # 1,000 records: a begin and a finish entry each
N = 2 * N_REQUESTS


@dataclass
class Chain:
    engine: Engine
    signer: Signer
    entries: list[Entry]

    @property
    def keys(self) -> dict[str, Ed25519PublicKey]:
        return {self.signer.key_id: self.signer.public_key}

    def at(self, seq: int) -> Entry:
        return self.entries[seq - 1]

    def hash_before(self, seq: int) -> str:
        return GENESIS if seq <= 1 else self.at(seq - 1).hash


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def chain(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Chain]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('tamper')}/ledger.db"
    else:
        url = request.getfixturevalue("pg_module_url")
    engine = migrated(url)
    signer = Signer.generate()
    fill(engine, signer, N_REQUESTS)
    with engine.connect() as conn:
        stored = list(iter_entries(conn))
    assert [e.seq for e in stored] == list(range(1, N + 1))
    yield Chain(engine, signer, stored)
    engine.dispose()


def tampered(chain: Chain, seq: int, mutate: Callable[[Connection], object]) -> Problem | None:
    """Apply `mutate`, verify from two records before `seq`, roll back; the first problem."""
    with chain.engine.connect() as conn:
        try:
            mutate(conn)
            start = max(1, seq - 2)
            report = verify_connection(
                conn, chain.keys, from_seq=start, anchor=chain.hash_before(start), page=8
            )
        finally:
            conn.rollback()
    return report.problem


def _set(seq: int, values: dict[str, object]) -> Callable[[Connection], object]:
    return lambda conn: conn.execute(update(entries).where(entries.c.seq == seq).values(values))


def _drop(seq: int) -> Callable[[Connection], object]:
    return lambda conn: conn.execute(delete(entries).where(entries.c.seq == seq))


def _swapping(a: Entry, b: Entry) -> Callable[[Connection], object]:
    return lambda conn: _swap(conn, a, b)


def test_intact_chain_verifies_from_genesis(chain: Chain) -> None:
    with chain.engine.connect() as conn:
        report = verify_connection(conn, chain.keys)
    assert report.ok, report.problem
    assert (report.checked, report.last_seq, report.last_hash) == (N, N, chain.at(N).hash)


def _changed(entry: Entry, field: str, chain: Chain) -> object:
    value = getattr(entry, field)
    if field == "ts":
        return value[:-7] + ("1" if value[-7] != "1" else "2") + value[-6:]
    if field == "kind":
        return "finish" if value == "begin" else "begin"
    if field == "jurisdiction":
        return "EU" if value != "EU" else "US"
    if field == "body":
        data = json.loads(value)
        data["bytes_in" if "bytes_in" in data else "bytes_out"] += 1
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
    if field in ("prev_hash", "hash"):
        return "f" * 64
    if field == "signer":
        return "0" * 16
    if field == "signature":  # a genuine signature, of another record
        return chain.at(entry.seq % N + 1).signature
    return f"{value}-tampered"


MODIFIABLE = (
    "ts", "kind", "request_id", "team", "provider", "jurisdiction", "body", "prev_hash",
    "signer", "hash", "signature",
)  # fmt: skip


def test_every_single_record_modification_is_named(chain: Chain) -> None:
    for seq in range(1, N + 1):
        field = MODIFIABLE[seq % len(MODIFIABLE)]
        new = _changed(chain.at(seq), field, chain)
        problem = tampered(
            chain,
            seq,
            _set(seq, {field: new}),
        )
        expected = BAD_SIGNATURE if field == "signature" else MODIFIED
        assert problem is not None, (seq, field)
        assert (problem.seq, problem.reason) == (seq, expected), (field, str(problem))


def test_every_field_modification_is_detected_on_one_record(chain: Chain) -> None:
    seq = 321
    for field in MODIFIABLE:
        new = _changed(chain.at(seq), field, chain)
        problem = tampered(
            chain,
            seq,
            _set(seq, {field: new}),
        )
        assert problem is not None and problem.seq == seq, (field, problem)


def test_every_single_record_deletion_is_named(chain: Chain) -> None:
    for seq in range(1, N + 1):
        problem = tampered(chain, seq, _drop(seq))
        assert problem is not None, seq
        assert (problem.seq, problem.reason) == (seq, DELETED), str(problem)


def _shift_from(conn: Connection, seq: int) -> None:
    """Renumber records seq.. one up (in two steps: PostgreSQL checks the key on each row)."""
    for table in (entries, terms):
        conn.execute(update(table).where(table.c.seq >= seq).values(seq=-(table.c.seq + 1)))
        conn.execute(update(table).where(table.c.seq < 0).values(seq=-table.c.seq))


def _forged(chain: Chain, seq: int, signer: Signer) -> Entry:
    body = json.dumps({"decision": "allow", "finding_counts": {}, "value_hashes": []})
    draft = Draft("2026-01-01T00:00:00.000000+00:00", "begin", "forged", "eng", "p", "EU", body)
    return seal(draft, seq, chain.hash_before(seq), signer)


def _insert(conn: Connection, entry: Entry) -> None:
    conn.execute(insert(entries).values(entry.as_row()))
    for term in terms_for(entry.kind, entry.body):
        conn.execute(insert(terms).values(seq=entry.seq, term=term))


def test_every_single_record_insertion_is_named(chain: Chain) -> None:
    """On in-memory copies of the stored chain (renumbering 1,000 rows per case in the database
    costs ~0.4 s on PostgreSQL); `test_insertions_in_the_database_are_named` does it for real."""
    attacker = Signer.generate()
    stored_terms = [(e.seq, t) for e in chain.entries for t in terms_for(e.kind, e.body)]
    by_hash = {e.hash: e for e in chain.entries}
    for seq in range(1, N + 2):
        forged = _forged(chain, seq, attacker)
        start = max(1, seq - 2)
        copy = itertools.chain(  # lazily: the verifier stops reading at the first problem
            chain.entries[start - 1 : seq - 1],
            [forged],
            (e.with_(seq=e.seq + 1) for e in chain.entries[seq - 1 :]),
        )
        index = itertools.chain(
            ((s, t) for s, t in stored_terms if start <= s < seq),
            ((seq, t) for t in terms_for(forged.kind, forged.body)),
            ((s + 1, t) for s, t in stored_terms if s >= seq),
        )
        report = verify_entries(
            copy,
            chain.keys,
            start_seq=start,
            anchor=chain.hash_before(start),
            head=(N + 1, chain.at(N).hash),
            lookup=by_hash.get,
            terms=index,
        )
        expected = BAD_SIGNATURE if seq == N + 1 else INSERTED  # appended: only the key is missing
        assert report.problem is not None, seq
        assert (report.problem.seq, report.problem.reason) == (seq, expected), str(report.problem)


def test_record_appended_behind_the_head_is_named_inserted(chain: Chain) -> None:
    forged = _forged(chain, N + 1, chain.signer)  # even one signed with the operator's key
    problem = tampered(chain, N + 1, lambda c: _insert(c, forged))
    assert problem is not None and (problem.seq, problem.reason) == (N + 1, INSERTED)


def _swap(conn: Connection, a: Entry, b: Entry) -> None:
    for target, source in ((a, b), (b, a)):
        values = {k: v for k, v in source.as_row().items() if k != "seq"}
        conn.execute(update(entries).where(entries.c.seq == target.seq).values(values))


def test_every_adjacent_swap_is_named_reordered(chain: Chain) -> None:
    for seq in range(1, N):
        a, b = chain.at(seq), chain.at(seq + 1)
        problem = tampered(chain, seq, _swapping(a, b))
        assert problem is not None, seq
        assert (problem.seq, problem.reason) == (seq, REORDERED), str(problem)


@pytest.mark.parametrize("distance", [2, 7, 400])
def test_distant_swaps_are_named_reordered(chain: Chain, distance: int) -> None:
    for seq in range(1, N - distance + 1, 37):
        a, b = chain.at(seq), chain.at(seq + distance)
        problem = tampered(chain, seq, _swapping(a, b))
        assert problem is not None and (problem.seq, problem.reason) == (seq, REORDERED), (
            seq,
            str(problem),
        )


@pytest.mark.parametrize("seq", [1, 2, 500, N - 1])
def test_deletion_hidden_by_renumbering_is_named_deleted(chain: Chain, seq: int) -> None:
    def mutate(conn: Connection) -> None:
        conn.execute(delete(entries).where(entries.c.seq == seq))
        conn.execute(update(entries).where(entries.c.seq > seq).values(seq=-(entries.c.seq - 1)))
        conn.execute(update(entries).where(entries.c.seq < 0).values(seq=-entries.c.seq))
        conn.execute(update(head).values(seq=N - 1))

    problem = tampered(chain, seq, mutate)
    assert problem is not None and (problem.seq, problem.reason) == (seq, DELETED), str(problem)


@pytest.mark.parametrize("seq", [1, 300, N - 1])
def test_a_record_whose_seq_alone_was_changed_is_named_modified(chain: Chain, seq: int) -> None:
    problem = tampered(chain, seq, _set(seq, {"seq": 10 * N + seq}))
    assert problem is not None and (problem.seq, problem.reason) == (seq, MODIFIED), str(problem)


def test_rehashed_modification_without_the_key_is_a_bad_signature(chain: Chain) -> None:
    attacker = Signer.generate()
    for seq in (1, 2, 500, N):
        entry = chain.at(seq).with_(team="intruder")
        rehashed = entry.with_(hash=entry_hash(entry))
        resigned = rehashed.with_(signer=attacker.key_id)
        resigned = resigned.with_(hash=entry_hash(resigned))
        resigned = resigned.with_(signature=attacker.sign(resigned.hash))
        for forged in (rehashed, resigned):
            problem = tampered(
                chain,
                seq,
                _set(seq, forged.as_row()),
            )
            assert problem is not None and (problem.seq, problem.reason) == (seq, BAD_SIGNATURE)


def test_chain_rebuilt_with_another_key_fails_at_the_first_record(chain: Chain) -> None:
    attacker = Signer.generate()
    rebuilt, prev = [], GENESIS
    for entry in chain.entries[:50]:
        draft = Draft(entry.ts, entry.kind, entry.request_id, entry.team, entry.provider,
                      entry.jurisdiction, entry.body)  # fmt: skip
        rebuilt.append(seal(draft, entry.seq, prev, attacker))
        prev = rebuilt[-1].hash
    report = verify_entries(rebuilt, chain.keys)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.reason) == (1, BAD_SIGNATURE)
    assert verify_entries(rebuilt, {attacker.key_id: attacker.public_key}).ok


def test_deleted_or_edited_head_and_index_rows_are_reported(chain: Chain) -> None:
    problem = tampered(chain, N, lambda c: c.execute(update(head).values(hash="a" * 64)))
    assert problem is not None and (problem.seq, problem.reason) == (N, HEAD_MISMATCH)
    problem = tampered(chain, N, lambda c: c.execute(delete(head)))
    assert problem is not None and problem.reason == HEAD_MISMATCH
    begun = next(e.seq for e in chain.entries[70:] if e.kind == "begin")
    problem = tampered(chain, begun, lambda c: c.execute(delete(terms).where(terms.c.seq == begun)))
    assert problem is not None and (problem.seq, problem.reason) == (begun, INDEX_MISMATCH)
    problem = tampered(
        chain, begun, lambda c: c.execute(insert(terms).values(seq=begun, term="type:NONE"))
    )
    assert problem is not None and (problem.seq, problem.reason) == (begun, INDEX_MISMATCH)


def test_a_fork_signed_by_the_operator_is_named(chain: Chain) -> None:
    entry = chain.at(10)
    draft = Draft(entry.ts, entry.kind, entry.request_id, entry.team, entry.provider,
                  entry.jurisdiction, entry.body)  # fmt: skip
    fork = seal(draft, 10, chain.at(8).hash, chain.signer)  # also follows record 8
    problem = tampered(
        chain,
        10,
        lambda c: c.execute(update(entries).where(entries.c.seq == 10).values(fork.as_row())),
    )
    assert problem is not None and (problem.seq, problem.reason) == (10, FORKED)


def test_empty_ledger_verifies(tmp_path: Path) -> None:
    engine = migrated(f"sqlite:///{tmp_path}/empty.db")
    with engine.connect() as conn:
        report = verify_connection(conn, {})
    assert report.ok and report.checked == 0 and report.last_hash == GENESIS


def test_verifying_from_the_middle_requires_an_anchor(chain: Chain) -> None:
    with chain.engine.connect() as conn, pytest.raises(ValueError):
        verify_connection(conn, chain.keys, from_seq=5)
    with chain.engine.connect() as conn:
        wrong = verify_connection(conn, chain.keys, from_seq=5, anchor="1" * 64)
    assert wrong.problem is not None and wrong.problem.seq == 5


@pytest.mark.parametrize("seq", [1, 2, 3, 250, 500, 999, N, N + 1])
def test_insertions_in_the_database_are_named(chain: Chain, seq: int) -> None:
    """Last in the module: renumbering leaves many dead rows behind on PostgreSQL."""
    forged = _forged(chain, seq, Signer.generate())

    def mutate(conn: Connection) -> None:
        _shift_from(conn, seq)
        _insert(conn, forged)
        conn.execute(update(head).values(seq=N + 1))  # the intruder moves the head along

    problem = tampered(chain, seq, mutate)
    expected = BAD_SIGNATURE if seq == N + 1 else INSERTED
    assert problem is not None and (problem.seq, problem.reason) == (seq, expected), str(problem)
