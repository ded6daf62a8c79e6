"""`douane audit`: verify names the first bad record, search finds by value, export, stats."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from douane.cli import cli
from douane.config import load_config
from douane.errors import LedgerError
from douane.hashing import value_hash
from douane.ledger import Ledger
from douane.ledger.chain import entry_hash
from douane.types import FindingType, Jurisdiction, Route
from tests.harness import douane
from tests.ledger.conftest import migrated, outcome, record

IBAN = "DE89 3704 0044 0532 0130 00"
REQUESTS = 30  # request 29 starts and never finishes


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "douane.yaml").write_text(
        f"database: sqlite:///{tmp_path}/douane.db\nsecret_key: test-tenant-secret\n"
    )
    config = load_config(str(tmp_path / "douane.yaml"))
    engine = migrated(config.database)
    ledger = Ledger.open(config, engine)
    iban = value_hash(config.resolved_secret_key(), FindingType.IBAN, IBAN)

    async def run() -> None:
        for i in range(REQUESTS):
            rec = record(i)
            if i == 5:
                rec = replace(
                    rec,
                    route=Route("demo-us", "echo", Jurisdiction.US),
                    finding_counts={"IBAN:confidential": 1},
                    value_hashes=(iban,),
                )
            await ledger.begin(rec)
            if i != REQUESTS - 1:
                await ledger.finish(outcome(i))

    asyncio.run(run())
    ledger.close()
    engine.dispose()
    return tmp_path


def run(workdir: Path, *args: str, stdin: str | None = None) -> Result:
    config = ["--config", str(workdir / "douane.yaml")]
    return CliRunner().invoke(cli, ["audit", *args, *config], input=stdin)


def sql(workdir: Path, statement: str) -> None:
    with sqlite3.connect(workdir / "douane.db") as conn:
        conn.execute(statement)


def test_verify_intact_exits_0_and_prints_an_anchor(workdir: Path) -> None:
    result = run(workdir, "verify")
    assert result.exit_code == 0, result.output
    assert f"{2 * REQUESTS - 1} records checked" in result.output
    anchor = result.output.split("--anchor ")[1].split()[0]
    sql(workdir, "UPDATE ledger_entries SET team = 'intruder' WHERE seq = 3")
    later = run(workdir, "verify", "--from-seq", str(2 * REQUESTS), "--anchor", anchor)
    assert later.exit_code == 0 and "0 records checked" in later.output


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE ledger_entries SET team = 'intruder' WHERE seq = 7", "record 7: modified"),
        ("UPDATE ledger_entries SET body = '{}' WHERE seq = 20", "record 20: modified"),
        ("DELETE FROM ledger_entries WHERE seq = 12", "record 12: deleted"),
        (f"DELETE FROM ledger_entries WHERE seq = {2 * REQUESTS - 1}", "deleted"),
        (
            "UPDATE ledger_entries SET seq = -seq WHERE seq IN (15, 16);"
            "UPDATE ledger_entries SET seq = 31 + seq WHERE seq IN (-15, -16)",
            "record 15: reordered",
        ),
    ],
)
def test_verify_names_the_first_bad_record(workdir: Path, statement: str, named: str) -> None:
    for part in statement.split(";"):
        sql(workdir, part)
    result = run(workdir, "verify")  # the CLI's error boundary makes this exit status 1
    assert isinstance(result.exception, LedgerError)
    assert named in result.exception.message


def test_verify_with_only_the_public_key_as_a_separate_process(workdir: Path) -> None:
    public = run(workdir, "public-key", "--output", str(workdir / "ledger.pub"))
    assert public.exit_code == 0
    (workdir / "douane-signing.key").unlink()  # the auditor does not have the private key
    good = douane("audit", "verify", "--config", "douane.yaml", "--public-key", "ledger.pub",
                  "--json", cwd=workdir)  # fmt: skip
    assert json.loads(good.stdout)["ok"] is True
    other = workdir / "other.pub"
    keygen = CliRunner().invoke(cli, ["audit", "keygen", "--output", str(workdir / "other.key")])
    other.write_text(keygen.output)
    bad = douane("audit", "verify", "--config", "douane.yaml", "--public-key", str(other),
                 cwd=workdir, check=False)  # fmt: skip
    assert bad.returncode == 1
    assert "record 1: bad signature" in bad.stderr
    missing_key = douane("audit", "verify", "--config", "douane.yaml", cwd=workdir, check=False)
    assert missing_key.returncode != 0 and "public-key" in missing_key.stderr


def test_search_by_value_hashes_what_the_auditor_types(workdir: Path) -> None:
    found = run(workdir, "search", "--type", "iban", "--value", "-", "--format", "jsonl",
                stdin="de89370400440532013000\n")  # fmt: skip
    rows = [json.loads(line) for line in found.output.splitlines()]
    assert [r["request_id"] for r in rows] == ["req-00005"]
    assert rows[0]["jurisdiction"] == "US" and rows[0]["outcome"] == "ok"
    assert "DE89" not in found.output.upper().replace("REQ", "")
    other = run(workdir, "search", "--type", "IBAN", "--value", "DE02120300000000202051")
    assert other.exit_code == 0 and other.output.startswith("0 request(s)")
    needs_type = run(workdir, "search", "--value", IBAN)
    assert needs_type.exit_code != 0


def test_search_filters_combine(workdir: Path) -> None:
    eu = run(workdir, "search", "--jurisdiction", "EU", "--team", "sales", "--format", "jsonl")
    rows = [json.loads(line) for line in eu.output.splitlines()]
    assert rows and all(r["jurisdiction"] == "EU" and r["team"] == "sales" for r in rows)
    by_type = run(workdir, "search", "--type", "SECRET", "--format", "jsonl")
    secrets = [json.loads(x)["finding_counts"] for x in by_type.output.splitlines()]
    assert secrets and all("SECRET:secret" in counts for counts in secrets)
    routed = run(workdir, "search", "--route", "local", "--limit", "2", "--format", "jsonl")
    assert len(routed.output.splitlines()) == 2
    future = run(workdir, "search", "--since", "2999-01-01")
    assert future.output.startswith("0 request(s)")
    unfinished = run(workdir, "search", "--request-id", f"req-{REQUESTS - 1:05d}")
    assert "STARTED-NOT-FINISHED" in unfinished.output
    assert run(workdir, "search", "--since", "yesterday").exit_code != 0


def test_export_jsonl_and_csv_carry_verifiable_entries(workdir: Path) -> None:
    jsonl = run(workdir, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in jsonl.output.splitlines()]
    assert len(rows) == 2 * REQUESTS - 1
    assert all(entry_hash(r) == r["hash"] for r in rows)  # re-checkable offline
    assert rows[0]["data"]["finding_counts"]
    out = workdir / "ledger.csv"
    assert run(workdir, "export", "--format", "csv", "--output", str(out)).exit_code == 0
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(table) == 2 * REQUESTS - 1
    assert {"seq", "team", "jurisdiction", "decision", "outcome", "hash", "signature"} <= set(
        table[0]
    )


def test_stats_count_requests_outcomes_and_findings(workdir: Path) -> None:
    result = run(workdir, "stats", "--json")
    stats = json.loads(result.output)
    assert stats["requests"] == REQUESTS and stats["unfinished"] == 1
    assert stats["by_outcome"] == {"ok": REQUESTS - 1}
    assert stats["findings_by_type"]["IBAN"] >= 1
    assert sum(stats["by_team"].values()) == REQUESTS
    text = run(workdir, "stats")
    assert "1 started and not finished" in text.output


def test_missing_database_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    (tmp_path / "douane.yaml").write_text(f"database: sqlite:///{tmp_path}/none.db\n")
    result = douane("audit", "stats", "--config", "douane.yaml", cwd=tmp_path, check=False)
    assert result.returncode == 1 and "no ledger database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_keygen_writes_a_private_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    key = tmp_path / "ledger.key"
    first = CliRunner().invoke(cli, ["audit", "keygen", "--output", str(key)])
    assert first.exit_code == 0 and "BEGIN PUBLIC KEY" in first.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = CliRunner().invoke(cli, ["audit", "keygen", "--output", str(key)])
    assert again.exit_code != 0
