"""`douane scan`, `douane eval` and `douane rules check`: the detection engine on the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click

from douane.cli._common import config_option, load
from douane.detect import Scanner, build_scanner
from douane.errors import BadRequest, ConfigError, DouaneError
from douane.evaluate import Counts, Report, evaluate, load_corpus
from douane.extract import extract_text, iter_files
from douane.types import Finding

__all__ = ["eval_command", "mask_preview", "rules_group", "scan_command"]

_LEVEL_SARIF = {"secret": "error", "confidential": "error", "internal": "warning", "public": "note"}
_PROGRESS_MIN_FILES = 20


def mask_preview(value: str) -> str:
    """A recognisable but useless preview: `DE***********00`, never the full value."""
    value = " ".join(value.split())
    if len(value) <= 6:
        return "*" * len(value)
    keep = 2 if len(value) < 16 else 4
    return value[:keep] + "*" * min(len(value) - 2 * keep, 12) + value[-keep:]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "start": f.start,
        "end": f.end,
        "type": str(f.type),
        "level": str(f.level),
        "detector": f.detector,
        "score": f.score,
    }


def _scan_records(scanner: Scanner, stream: TextIO, out: TextIO) -> None:
    """Machine interface: each input line {"id", "text"} → {"id", "findings": [...]}."""
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            rec_id, text = record["id"], record["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise BadRequest(
                f'line {n}: expected a JSON object with "id" and a string "text"'
            ) from None
        findings = [_finding_dict(f) for f in scanner.scan(text)]
        out.write(json.dumps({"id": rec_id, "findings": findings}, ensure_ascii=False) + "\n")


def _files_with_progress(paths: list[Path]) -> Iterator[Path]:
    files = list(iter_files(paths))
    if len(files) < _PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield from files
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scanning", total=len(files))
        for path in files:
            yield path
            progress.advance(task)


def _sarif(results: list[tuple[str, str, list[Finding]]]) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    for path, text, findings in results:
        for f in findings:
            rule_id = f.label or f"{f.detector}/{f.type}"
            rules.setdefault(
                rule_id, {"id": rule_id, "shortDescription": {"text": f"{f.type} ({f.detector})"}}
            )
            line, col = _line_col(text, f.start)
            end_line, end_col = _line_col(text, f.end)
            out.append(
                {
                    "ruleId": rule_id,
                    "level": _LEVEL_SARIF[str(f.level)],
                    "message": {
                        "text": f"{f.type} ({f.level}): {mask_preview(text[f.start : f.end])}"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": Path(path).as_posix()},
                                "region": {
                                    "startLine": line,
                                    "startColumn": col,
                                    "endLine": end_line,
                                    "endColumn": end_col,
                                },
                            }
                        }
                    ],
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": {"name": "douane", "rules": list(rules.values())}}, "results": out}
        ],
    }


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl", "sarif"]),
    default="text",
    show_default=True,
    help="Output format; jsonl on a .jsonl file (or -) scans {id, text} records.",
)
@click.option("--fail", is_flag=True, help="Exit with status 1 when anything is found (for CI).")
@config_option
def scan_command(paths: tuple[Path, ...], fmt: str, fail: bool, config_file: str | None) -> None:
    """Scan files and folders (text, Markdown, source, PDF, DOCX, .eml) for sensitive data.

    Prints file, line, type, level and a masked preview; never the full value.
    """
    scanner = build_scanner(load(config_file))
    out = sys.stdout
    first = Path(paths[0])
    is_stdin = first.as_posix() == "-"
    if fmt == "jsonl" and len(paths) == 1 and (is_stdin or first.suffix == ".jsonl"):
        if is_stdin:
            _scan_records(scanner, sys.stdin, out)
        else:
            with first.open(encoding="utf-8", errors="replace") as stream:
                _scan_records(scanner, stream, out)
        return
    results: list[tuple[str, str, list[Finding]]] = []
    errors: list[str] = []
    total = 0
    for path in _files_with_progress(list(paths)):
        try:
            text = extract_text(path)
        except DouaneError as exc:
            errors.append(exc.message)
            click.echo(f"warning: {exc.message}", err=True)
            continue
        findings = scanner.scan(text)
        total += len(findings)
        results.append((str(path), text, findings))
        if fmt == "text":
            for f in findings:
                line, col = _line_col(text, f.start)
                preview = mask_preview(text[f.start : f.end])
                out.write(
                    f"{path}:{line}:{col}\t{f.type}\t{f.level}\t{preview}\t"
                    f"{f.label or f.detector}\n"
                )
        elif fmt == "jsonl":
            for f in findings:
                line, col = _line_col(text, f.start)
                row = {
                    "path": str(path),
                    "line": line,
                    "column": col,
                    **_finding_dict(f),
                    "label": f.label,
                    "preview": mask_preview(text[f.start : f.end]),
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if fmt == "json":
        files = [
            {
                "path": p,
                "findings": [
                    {
                        **_finding_dict(f),
                        "line": _line_col(t, f.start)[0],
                        "label": f.label,
                        "preview": mask_preview(t[f.start : f.end]),
                    }
                    for f in fs
                ],
            }
            for p, t, fs in results
        ]
        out.write(
            json.dumps({"files": files, "errors": errors}, ensure_ascii=False, indent=2) + "\n"
        )
    elif fmt == "sarif":
        out.write(json.dumps(_sarif(results), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "text":
        click.echo(f"{total} finding(s) in {len(results)} file(s)", err=True)
    if fail and total:
        raise click.exceptions.Exit(1)


def _cells(c: Counts) -> str:
    return f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.gold:5} {c.pred:5}"


def _render_report(report: Report, misses: int) -> str:
    lines = [f"{'type':<18} {'lang':<4} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
    by_lang: dict[str, dict[str, Any]] = {}
    for (type_, lang), c in sorted(report.cells.items()):
        by_lang.setdefault(type_, {})[lang] = c
    for type_, c in sorted(report.by_type().items()):
        lines.append(f"{type_:<18} {'all':<4} {_cells(c)}")
        for lang, lc in sorted(by_lang.get(type_, {}).items()):
            lines.append(f"{'':<18} {lang:<4} {_cells(lc)}")
    micro = report.micro()
    lines.append(
        f"micro P/R/F1 {micro.precision:.3f} / {micro.recall:.3f} / {micro.f1:.3f}   "
        f"macro F1 {report.macro_f1():.3f}"
    )
    lines.append(f"leak rate {report.leak_rate:.2%}   over-redaction {report.over_redaction:.2%}")
    per = ", ".join(
        f"{t} {report.leaked_by_type[t] / n:.1%}"
        for t, n in sorted(report.gold_chars_by_type.items())
    )
    lines.append(f"leak by type: {per}")
    if misses:
        lines.append(f"\nworst misses and false positives (first {misses}; synthetic corpus text):")
        ranked = sorted(report.misses, key=lambda m: (m.kind != "miss", -(m.end - m.start)))
        lines.extend(
            f"  {m.kind:<14} {m.record:<10} {m.type:<12} {m.context}" for m in ranked[:misses]
        )
    return "\n".join(lines)


@click.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human-readable table or one JSON object.",
)
@click.option(
    "--types", default="", help="Comma-separated types to score (default: all labelled types)."
)
@click.option(
    "--misses", default=25, show_default=True, help="How many misses/false positives to list."
)
@config_option
def eval_command(corpus: Path, fmt: str, types: str, misses: int, config_file: str | None) -> None:
    """Score the scanner on a labelled JSONL corpus.

    Prints P/R/F1 per type and language, leak and over-redaction rates, and the worst misses.
    """
    scanner = build_scanner(load(config_file))
    wanted = [t.strip() for t in types.split(",") if t.strip()] or None
    report = evaluate(scanner.scan, load_corpus(corpus), wanted)
    if fmt == "json":
        data = report.to_dict()
        data["misses"] = [
            {"kind": m.kind, "record": m.record, "type": m.type, "start": m.start, "end": m.end}
            for m in report.misses[:misses]
        ]
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(_render_report(report, misses))


@click.group("rules")
def rules_group() -> None:
    """Inspect and test detection rule files."""


@rules_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@config_option
def rules_check(files: tuple[str, ...], config_file: str | None) -> None:
    """Compile the bundled, configured and given rule files and run every rule's examples."""
    from douane.detect.rulefile import load_ruleset
    from douane.detect.rules import check_examples

    config = load(config_file)
    ruleset = load_ruleset((*config.detection.rules, *files), config.detection.disabled)
    problems = check_examples(ruleset)
    if problems:
        raise ConfigError(f"{len(problems)} rule example(s) failed:\n  " + "\n  ".join(problems))
    examples = sum(len(r.examples_match) + len(r.examples_no_match) for r in ruleset.rules)
    click.echo(f"{len(ruleset.rules)} rules OK, {examples} examples pass")


@rules_group.command("list")
@config_option
def rules_list(config_file: str | None) -> None:
    """List the enabled rules: id, type, level and description."""
    from douane.detect.rulefile import load_ruleset

    config = load(config_file)
    for r in load_ruleset(config.detection.rules, config.detection.disabled).rules:
        click.echo(f"{r.id:<32} {r.type:<12} {r.level:<13} {r.description}")
