"""`douane audit`: verify the ledger's chain, search it, export it for a SIEM, show stats."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import Connection, inspect

from douane.cli._common import config_option, load
from douane.config import Config
from douane.db import make_engine
from douane.errors import BadRequest, LedgerError
from douane.hashing import value_hash
from douane.ledger.chain import HASHED_FIELDS
from douane.ledger.query import Filter, dumps, export_entries, parse_time, search, stats
from douane.ledger.signing import Signer, load_public_keys, load_signer, signing_key_path
from douane.ledger.store import translating
from douane.ledger.verify import verify_connection
from douane.types import FindingType, Jurisdiction

__all__ = ["audit_group"]

_CSV_DATA_FIELDS = (
    "key_id",
    "endpoint",
    "requested_model",
    "model",
    "decision",
    "finding_counts",
    "value_hashes",
    "bytes_in",
    "streaming",
    "outcome",
    "status",
    "error_code",
    "bytes_out",
    "tokens_in",
    "tokens_out",
    "latency_ms",
)
# The chained columns in their hashed order, with the decoded body fields after the routing ones.
_BODY_AT = HASHED_FIELDS.index("body")
_CSV_FIELDS = (
    *HASHED_FIELDS[:_BODY_AT],
    *_CSV_DATA_FIELDS,
    *HASHED_FIELDS[_BODY_AT:],
    "hash",
    "signature",
)


@contextmanager
def _ledger_connection(config: Config) -> Iterator[Connection]:
    """A read connection to the configured ledger; never creates a database or tables."""
    url = config.database
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = Path(url.removeprefix("sqlite:///")).expanduser()
        if not path.exists():
            raise LedgerError(f"no ledger database at {path}")
    engine = make_engine(url)
    try:
        with translating(LedgerError, "reading the ledger"), engine.connect() as conn:
            if not inspect(conn).has_table("ledger_head"):
                raise LedgerError("the database has no ledger tables (has `douane serve` run?)")
            yield conn
    finally:
        engine.dispose()


def _filter_options(func: Any) -> Any:
    options = [
        click.option("--since", help="Only entries at or after this ISO date/time (UTC)."),
        click.option("--until", help="Only entries before this ISO date/time (UTC)."),
        click.option("--team", help="Only requests of this team."),
        click.option("--provider", "--route", "provider", help="Only requests routed here."),
        click.option(
            "--jurisdiction",
            type=click.Choice([j.value for j in Jurisdiction]),
            help="Only requests routed to this jurisdiction.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filter(
    since: str | None,
    until: str | None,
    team: str | None,
    provider: str | None,
    jurisdiction: str | None,
    **extra: Any,
) -> Filter:
    return Filter(
        since=parse_time(since) if since else None,
        until=parse_time(until) if until else None,
        team=team,
        provider=provider,
        jurisdiction=jurisdiction,
        **extra,
    )


@click.group("audit")
def audit_group() -> None:
    """Verify, search and export the tamper-evident audit ledger."""


@audit_group.command("verify")
@config_option
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust only these PEM public keys (repeatable); default: the configured signing key.",
)
@click.option("--from-seq", type=int, default=1, show_default=True, help="First record to check.")
@click.option("--anchor", help="Hash of record FROM_SEQ-1, printed by an earlier verify run.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(
    config_file: str | None,
    public_keys: tuple[Path, ...],
    from_seq: int,
    anchor: str | None,
    as_json: bool,
) -> None:
    """Check the chain; exit 0 if intact, else 1 naming the first bad record and why."""
    config = load(config_file)
    if from_seq > 1 and not anchor:
        raise BadRequest("--from-seq needs --anchor (the last hash of an earlier verify run)")
    if public_keys:
        keys = load_public_keys(list(public_keys))
    else:
        signer = load_signer(config.ledger.signing_key, config.database, create=False)
        keys = {signer.key_id: signer.public_key}
    with _ledger_connection(config) as conn, translating(LedgerError, "verifying the ledger"):
        report = verify_connection(conn, keys, from_seq=from_seq, anchor=anchor)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "checked": report.checked,
                    "last_seq": report.last_seq,
                    "last_hash": report.last_hash,
                    "problem": None
                    if report.problem is None
                    else {
                        "seq": report.problem.seq,
                        "reason": report.problem.reason,
                        "detail": report.problem.detail,
                    },
                }
            )
        )
    elif report.ok:
        click.echo(
            f"ledger intact: {report.checked} records checked, up to record {report.last_seq}\n"
            f"anchor for the next run: --from-seq {report.last_seq + 1} --anchor {report.last_hash}"
        )
    if report.problem is not None:
        # Raised, not ctx.exit(1): the CLI's one error boundary turns it into exit status 1.
        raise LedgerError(
            f"LEDGER NOT INTACT: {report.problem} "
            f"(the {report.checked} records checked before it are intact)"
        )


@audit_group.command("search")
@config_option
@_filter_options
@click.option("--type", "finding_type", help="Only requests with a finding of this type (IBAN…).")
@click.option(
    "--value",
    help="Only requests that carried this value (needs --type); `-` reads it from stdin, "
    "which keeps it out of the shell history. It is hashed with the tenant secret, never stored.",
)
@click.option("--request-id", help="Only this request.")
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def search_command(
    config_file: str | None,
    finding_type: str | None,
    value: str | None,
    request_id: str | None,
    limit: int,
    fmt: str,
    **filters: Any,
) -> None:
    """Find requests by time, team, route, jurisdiction, finding type or value."""
    config = load(config_file)
    digest = None
    if finding_type is not None:
        try:
            kind = FindingType(finding_type.upper())
        except ValueError as exc:
            raise BadRequest(f"--type: unknown finding type {finding_type!r}") from exc
        finding_type = kind.value
    if value is not None:
        if finding_type is None:
            raise BadRequest("--value needs --type: the same value hashes differently per type")
        if value == "-":
            value = sys.stdin.readline().rstrip("\n")
        digest = value_hash(_tenant_secret(config), FindingType(finding_type), value)
    where = _filter(**filters, finding_type=finding_type, value_hash=digest, request_id=request_id)
    with _ledger_connection(config) as conn, translating(LedgerError, "searching the ledger"):
        rows = search(conn, where, limit=limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
        return
    click.echo(f"{len(rows)} request(s)")
    for row in rows:
        counts = ",".join(f"{k}={v}" for k, v in sorted(row.get("finding_counts", {}).items()))
        outcome = row.get("outcome") or "STARTED-NOT-FINISHED"
        click.echo(
            f"{row['seq']:>8} {row['ts']} {row['team'] or '-'} -> {row['provider'] or '-'} "
            f"[{row['jurisdiction'] or '-'}] {row.get('decision')} {outcome} "
            f"{row.get('status') or ''} {counts or 'no findings'} id={row['request_id']}"
        )


def _tenant_secret(config: Config) -> bytes:
    """The tenant secret; for `auto` it must already exist, or every lookup would silently miss."""
    if config.secret_key == "auto":
        path = signing_key_path(config.database).with_name("douane.key")
        if not path.exists():
            raise LedgerError(f"no tenant secret at {path}: search by value needs the gateway's")
    return config.resolved_secret_key()


@audit_group.command("export")
@config_option
@_filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="JSON Lines or CSV (one row per entry, with hash and signature).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of stdout.",
)
def export_command(config_file: str | None, fmt: str, output: Path | None, **filters: Any) -> None:
    """Export ledger entries (begin and finish) for a SIEM."""
    config = load(config_file)
    where = _filter(**filters)
    with _ledger_connection(config) as conn, translating(LedgerError, "exporting the ledger"):
        if output is None:
            try:
                count = _write(conn, where, fmt, sys.stdout)
            except BrokenPipeError:  # `| head`: the reader has what it wanted
                # Python's documented recipe: no second BrokenPipeError at exit.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                count = _write(conn, where, fmt, fh)
    if output is not None:
        click.echo(f"exported {count} entries to {output}", err=True)


def _write(conn: Connection, where: Filter, fmt: str, out: IO[str]) -> int:
    count = 0
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=_CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
    for row in export_entries(conn, where):
        count += 1
        if writer is None:
            out.write(dumps(row) + "\n")
            continue
        data = row.pop("data")
        for name in _CSV_DATA_FIELDS:
            value = data.get(name)
            if isinstance(value, dict):
                value = json.dumps(value, sort_keys=True)
            elif isinstance(value, list):
                value = " ".join(value)
            row[name] = value
        writer.writerow(row)
    return count


@audit_group.command("stats")
@config_option
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats_command(config_file: str | None, as_json: bool, **filters: Any) -> None:
    """Counts of requests, decisions, outcomes and findings per team, route and jurisdiction."""
    config = load(config_file)
    with _ledger_connection(config) as conn, translating(LedgerError, "reading the ledger"):
        result = stats(conn, _filter(**filters)).as_dict()
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
        return
    click.echo(
        f"{result['entries']} entries, {result['requests']} requests, "
        f"{result['finished']} finished, {result['unfinished']} started and not finished"
    )
    click.echo(f"from {result['first_ts']} to {result['last_ts']}, chain head {result['head_seq']}")
    for key in (
        "by_team",
        "by_provider",
        "by_jurisdiction",
        "by_decision",
        "by_outcome",
        "findings_by_type",
        "findings_by_type_and_jurisdiction",
    ):
        if counts := result[key]:
            listed = ", ".join(f"{k} {v}" for k, v in counts.items())
            click.echo(f"{key.replace('_', ' ')}: {listed}")


@audit_group.command("public-key")
@config_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the PEM here instead of stdout.",
)
def public_key_command(config_file: str | None, output: Path | None) -> None:
    """Print the ledger's public key, for `douane audit verify --public-key`."""
    config = load(config_file)
    pem = load_signer(config.ledger.signing_key, config.database, create=False).public_pem()
    if output is None:
        click.echo(pem.decode(), nl=False)
    else:
        output.write_bytes(pem)


@audit_group.command("keygen")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the new private key (PEM, mode 0600; refuses to overwrite).",
)
def keygen_command(output: Path) -> None:
    """Create a signing key for `ledger.signing_key: file:PATH`; prints its public key."""
    signer = Signer.generate()
    try:
        fd = output.open("xb")
    except FileExistsError as exc:
        raise BadRequest(f"{output} exists; refusing to overwrite a signing key") from exc
    with fd:
        output.chmod(0o600)
        fd.write(signer.private_pem())
    click.echo(signer.public_pem().decode(), nl=False)
