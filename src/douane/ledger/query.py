"""Read the ledger for auditors: search requests, export entries for a SIEM, aggregate stats."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, exists, select

from douane.errors import BadRequest, LedgerError
from douane.ledger.chain import Entry
from douane.ledger.schema import entries, terms
from douane.ledger.store import iter_entries, read_head, reads, translating

__all__ = [
    "Filter",
    "Stats",
    "dumps",
    "export_entries",
    "parse_time",
    "search",
    "stats",
]

_TYPE_SEPARATORS = ":/.|"


def parse_time(text: str) -> str:
    """An ISO date or date-time (naive means UTC) in the ledger's sortable timestamp format.

    Raises BadRequest if the text is not a date.
    """
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"not an ISO date or date-time: {text!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class Filter:
    """What an auditor narrows a search to; every field is optional and they combine with AND."""

    since: str | None = None
    until: str | None = None
    team: str | None = None
    provider: str | None = None
    jurisdiction: str | None = None
    finding_type: str | None = None
    value_hash: str | None = None
    request_id: str | None = None

    def apply(self, query: Select[Any], *, requests_only: bool) -> Select[Any]:
        c = entries.c
        if requests_only:
            query = query.where(c.kind == "begin")
        if self.since:
            query = query.where(c.ts >= self.since)
        if self.until:
            query = query.where(c.ts < self.until)
        for column, value in (
            (c.team, self.team),
            (c.provider, self.provider),
            (c.jurisdiction, self.jurisdiction),
            (c.request_id, self.request_id),
        ):
            if value is not None:
                query = query.where(column == value)
        for term in (
            f"type:{self.finding_type}" if self.finding_type else None,
            f"value:{self.value_hash}" if self.value_hash else None,
        ):
            if term is not None:
                query = query.where(exists().where((terms.c.seq == c.seq) & (terms.c.term == term)))
        return query


def _outcomes(conn: Connection, found: list[Entry]) -> dict[int, Entry]:
    """For each found begin entry (by seq), the first finish entry of its request after it.

    A request id written twice (a client retrying with its own id) pairs each begin with the
    finish that follows it, never with an earlier one.
    """
    finishes: dict[str, list[Entry]] = {}
    ids = sorted({e.request_id for e in found})
    for start in range(0, len(ids), 500):
        query = (
            select(entries)
            .where(
                (entries.c.kind == "finish") & entries.c.request_id.in_(ids[start : start + 500])
            )
            .order_by(entries.c.seq)
        )
        for row in conn.execute(query):
            entry = Entry(**{col.name: row._mapping[col.name] for col in entries.columns})
            finishes.setdefault(entry.request_id, []).append(entry)
    result: dict[int, Entry] = {}
    taken: set[int] = set()
    for begin in sorted(found, key=lambda e: e.seq):
        for finish in finishes.get(begin.request_id, ()):
            if finish.seq > begin.seq and finish.seq not in taken:
                result[begin.seq] = finish
                taken.add(finish.seq)
                break
    return result


@reads("searching the ledger")
def search(conn: Connection, where: Filter, *, limit: int = 100) -> list[dict[str, Any]]:
    """Requests (begin entries) matching `where`, oldest first, each merged with its outcome.

    A request with no finish entry has `outcome` None: it started and never finished.
    """
    found: list[Entry] = []
    for entry in iter_entries(conn, where=lambda q: where.apply(q, requests_only=True)):
        found.append(entry)
        if len(found) >= limit:
            break
    finished = _outcomes(conn, found)
    rows = []
    for entry in found:
        row = {
            "seq": entry.seq,
            "ts": entry.ts,
            "request_id": entry.request_id,
            "team": entry.team,
            "provider": entry.provider,
            "jurisdiction": entry.jurisdiction,
            **entry.data(),
            "outcome": None,
            "status": None,
        }
        done = finished.get(entry.seq)
        if done is not None:
            row.update(done.data())
            row["finished_seq"] = done.seq
        rows.append(row)
    return rows


def export_entries(conn: Connection, where: Filter) -> Iterator[dict[str, Any]]:
    """Every entry in range, in chain order, with its hash and signature (re-verifiable offline)."""
    with translating(LedgerError, "exporting the ledger"):
        for entry in iter_entries(conn, where=lambda q: where.apply(q, requests_only=False)):
            row = entry.as_row()
            row["data"] = entry.data()
            yield row


@dataclass(slots=True)
class Stats:
    """Aggregates over a time range: what crossed where, decided how, with what outcome."""

    entries: int = 0
    requests: int = 0
    finished: int = 0
    first_ts: str | None = None
    last_ts: str | None = None
    head_seq: int | None = None
    by_team: Counter[str] = field(default_factory=Counter)
    by_jurisdiction: Counter[str] = field(default_factory=Counter)
    by_provider: Counter[str] = field(default_factory=Counter)
    by_decision: Counter[str] = field(default_factory=Counter)
    by_outcome: Counter[str] = field(default_factory=Counter)
    findings_by_type: Counter[str] = field(default_factory=Counter)
    findings_by_type_and_jurisdiction: Counter[str] = field(default_factory=Counter)

    @property
    def unfinished(self) -> int:
        return self.requests - self.finished

    def as_dict(self) -> dict[str, Any]:
        plain = {k: getattr(self, k) for k in self.__slots__}
        plain["unfinished"] = self.unfinished
        return {k: dict(v.most_common()) if isinstance(v, Counter) else v for k, v in plain.items()}


def _finding_type(key: str) -> str:
    for sep in _TYPE_SEPARATORS:
        key = key.split(sep, 1)[0]
    return key


@reads("reading the ledger")
def stats(conn: Connection, where: Filter) -> Stats:
    """Aggregate the entries in range (streamed; bodies are small JSON documents)."""
    result = Stats()
    head = read_head(conn)
    result.head_seq = head[0] if head else None
    open_ids: set[str] = set()
    for entry in iter_entries(conn, where=lambda q: where.apply(q, requests_only=False)):
        result.entries += 1
        result.first_ts = result.first_ts or entry.ts
        result.last_ts = entry.ts
        data = entry.data()
        if entry.kind == "begin":
            result.requests += 1
            open_ids.add(entry.request_id)
            where_to = entry.jurisdiction or "none"
            result.by_team[entry.team or "-"] += 1
            result.by_jurisdiction[where_to] += 1
            result.by_provider[entry.provider or "none"] += 1
            result.by_decision[str(data.get("decision"))] += 1
            for key, count in data.get("finding_counts", {}).items():
                kind = _finding_type(key)
                result.findings_by_type[kind] += int(count)
                result.findings_by_type_and_jurisdiction[f"{kind}->{where_to}"] += int(count)
        elif entry.kind == "finish" and entry.request_id in open_ids:
            open_ids.discard(entry.request_id)
            result.finished += 1
            result.by_outcome[str(data.get("outcome"))] += 1
    return result


def dumps(row: dict[str, Any]) -> str:
    """One JSON Lines record."""
    return json.dumps(row, sort_keys=True, ensure_ascii=False)
