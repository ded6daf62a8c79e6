"""Score a scanner on a labelled corpus: per-type/per-language P/R/F1, leak and over-redaction.

Matching follows ../shared/eval/README.md: same type and overlapping spans. Leak and over-redaction
are character-level and type-blind; characters under `OTHER_*` gold spans count for neither.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from douane.errors import BadRequest
from douane.types import Finding, FindingType

__all__ = ["Counts", "Miss", "Record", "Report", "evaluate", "load_corpus"]

TAXONOMY = tuple(t.value for t in FindingType)


@dataclass(frozen=True, slots=True)
class Record:
    """One labelled text: gold spans as (start, end, type)."""

    id: str
    lang: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


@dataclass(slots=True)
class Counts:
    """Pooled entity-level counts for one (type, language) cell."""

    pred: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0

    def add(self, other: Counts) -> None:
        self.pred += other.pred
        self.correct += other.correct
        self.gold += other.gold
        self.found += other.found

    @property
    def precision(self) -> float:
        return self.correct / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Miss:
    """A missed gold span (`kind="miss"`) or a wrong prediction (`kind="false_positive"`)."""

    kind: str
    record: str
    type: str
    start: int
    end: int
    context: str


@dataclass(slots=True)
class Report:
    """Everything `douane eval` prints."""

    cells: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    gold_chars: int = 0
    leaked_chars: int = 0
    clean_chars: int = 0
    redacted_clean_chars: int = 0
    gold_chars_by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    leaked_by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[Miss] = field(default_factory=list)
    records: int = 0
    characters: int = 0

    def by_type(self) -> dict[str, Counts]:
        out: dict[str, Counts] = defaultdict(Counts)
        for (type_, _), c in self.cells.items():
            out[type_].add(c)
        return dict(out)

    def micro(self) -> Counts:
        total = Counts()
        for c in self.cells.values():
            total.add(c)
        return total

    def macro_f1(self, types: Sequence[str] = TAXONOMY) -> float:
        per = self.by_type()
        return sum(per.get(t, Counts()).f1 for t in types) / len(types)

    @property
    def leak_rate(self) -> float:
        return self.leaked_chars / self.gold_chars if self.gold_chars else 0.0

    @property
    def over_redaction(self) -> float:
        return self.redacted_clean_chars / self.clean_chars if self.clean_chars else 0.0

    def to_dict(self) -> dict[str, object]:
        def cell(c: Counts) -> dict[str, float | int]:
            return {
                "precision": round(c.precision, 4),
                "recall": round(c.recall, 4),
                "f1": round(c.f1, 4),
                "gold": c.gold,
                "pred": c.pred,
                "found": c.found,
                "correct": c.correct,
            }

        micro = self.micro()
        return {
            "records": self.records,
            "per_type": {t: cell(c) for t, c in sorted(self.by_type().items())},
            "per_type_lang": {
                f"{t}/{lang}": cell(c) for (t, lang), c in sorted(self.cells.items())
            },
            "micro": cell(micro),
            "macro_f1": round(self.macro_f1(), 4),
            "leak_rate": round(self.leak_rate, 5),
            "leak_rate_by_type": {
                t: round(self.leaked_by_type[t] / n, 5)
                for t, n in sorted(self.gold_chars_by_type.items())
            },
            "over_redaction": round(self.over_redaction, 5),
        }


def load_corpus(path: Path) -> list[Record]:
    """Read a JSONL corpus; raises BadRequest naming the line of a malformed record."""
    records: list[Record] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                spans = tuple(
                    (int(s["start"]), int(s["end"]), str(s["type"])) for s in raw["spans"]
                )
                records.append(
                    Record(str(raw["id"]), str(raw.get("lang", "?")), raw["text"], spans)
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise BadRequest(
                    f"{path}:{n}: not a corpus record ({type(exc).__name__})"
                ) from None
    return records


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return f"{left}[{text[start:end]}]{right}".replace("\n", "⏎")


def evaluate(
    scan: Callable[[str], Iterable[Finding]],
    records: Sequence[Record],
    types: Sequence[str] | None = None,
) -> Report:
    """Score `scan` on `records`; `types` limits scoring to those types (others are ignored)."""
    wanted = set(types) if types else None
    report = Report()
    for rec in records:
        report.records += 1
        report.characters += len(rec.text)
        preds = [(f.start, f.end, str(f.type)) for f in scan(rec.text)]
        gold = [s for s in rec.spans if not s[2].startswith("OTHER_")]
        ignored = [s for s in rec.spans if s[2].startswith("OTHER_")]
        if wanted is not None:
            ignored += [g for g in gold if g[2] not in wanted]
            gold = [g for g in gold if g[2] in wanted]
            preds = [p for p in preds if p[2] in wanted]
        _score_entities(report, rec, gold, preds)
        _score_chars(report, rec, gold, ignored, preds)
    return report


def _score_entities(
    report: Report, rec: Record, gold: list[tuple[int, int, str]], preds: list[tuple[int, int, str]]
) -> None:
    for gs, ge, gt in gold:
        cell = report.cells[(gt, rec.lang)]
        cell.gold += 1
        if any(pt == gt and ps < ge and gs < pe for ps, pe, pt in preds):
            cell.found += 1
        else:
            report.misses.append(Miss("miss", rec.id, gt, gs, ge, _context(rec.text, gs, ge)))
    for ps, pe, pt in preds:
        cell = report.cells[(pt, rec.lang)]
        cell.pred += 1
        if any(pt == gt and ps < ge and gs < pe for gs, ge, gt in gold):
            cell.correct += 1
        else:
            report.misses.append(
                Miss("false_positive", rec.id, pt, ps, pe, _context(rec.text, ps, pe))
            )


def _score_chars(
    report: Report,
    rec: Record,
    gold: list[tuple[int, int, str]],
    ignored: list[tuple[int, int, str]],
    preds: list[tuple[int, int, str]],
) -> None:
    n = len(rec.text)
    covered = bytearray(n)
    for ps, pe, _ in preds:
        covered[ps:pe] = b"\x01" * (pe - ps)
    sensitive = bytearray(n)
    for gs, ge, gt in gold:
        sensitive[gs:ge] = b"\x01" * (ge - gs)
        report.gold_chars_by_type[gt] += ge - gs
        report.leaked_by_type[gt] += (ge - gs) - sum(covered[gs:ge])
    skip = bytearray(n)
    for gs, ge, _ in ignored:
        skip[gs:ge] = b"\x01" * (ge - gs)
    for i in range(n):
        if skip[i] and not sensitive[i]:
            continue
        if sensitive[i]:
            report.gold_chars += 1
            report.leaked_chars += not covered[i]
        else:
            report.clean_chars += 1
            report.redacted_clean_chars += covered[i]
