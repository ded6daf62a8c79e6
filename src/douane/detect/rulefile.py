"""Load rule files in two stages: parse raw TOML tables, then compile into an immutable RuleSet.

Bundled files live in `douane/rules/*.toml`; user files extend them (`extends`, `disabled`).
Regexes compile with RE2 (linear time, no catastrophic backtracking on any input).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from douane.detect.validators import VALIDATORS
from douane.errors import ConfigError
from douane.types import FindingType, Level

__all__ = ["BUNDLED_DIR", "RULE_MAX_MEM", "Rule", "RuleSet", "load_ruleset", "parse_rule_file"]

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "rules"
_RULE_KEYS = {
    "id",
    "type",
    "level",
    "description",
    "regex",
    "group",
    "keywords",
    "validator",
    "entropy",
    "score",
    "context",
    "allowlist",
    "examples",
    "ignore_case",
    "shrink",
    "prefilter",
}
_ALLOW_KEYS = {"regexes", "stopwords", "within"}
RULE_MAX_MEM = 64 << 20  # each rule's RE2 program and DFA cache (the detector's matcher too)
_OPTIONS = re2.Options()
_OPTIONS.max_mem = RULE_MAX_MEM


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule; `pattern` is an RE2 regex, `group` the group whose span is reported."""

    id: str
    type: FindingType
    level: Level
    description: str
    pattern: Any
    group: int
    keywords: tuple[str, ...]
    validator: str | None
    entropy: float | None
    score: float
    context: tuple[str, ...]
    allow_patterns: tuple[Any, ...]
    stopwords: tuple[str, ...]
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]
    shrink: bool = False
    deny_group: int = -1
    source: str = ""
    prefilter: Any = None  # RE2 regex the rule detector's combined pass looks for instead
    within: tuple[Any, ...] = ()  # RE2 regexes: a match inside one of theirs is dropped


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The immutable set of enabled rules, built once at start-up."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = field(default=())

    def by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _err(source: str, rule_id: str, msg: str) -> ConfigError:
    return ConfigError(f"{source}: {rule_id}: {msg}")


def _strings(raw: Any, source: str, rule_id: str, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise _err(source, rule_id, f"`{key}` must be a list of strings")
    return tuple(raw)


def _compile(regex: str, source: str, rule_id: str, ignore_case: bool = False) -> Any:
    try:
        return re2.compile(f"(?i){regex}" if ignore_case else regex, _OPTIONS)
    except re2.error as exc:
        raise _err(source, rule_id, f"regex does not compile under RE2: {exc}") from None


def _build_rule(raw: dict[str, Any], source: str) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise ConfigError(f"{source}: a [[rules]] table has no `id`")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _err(source, rule_id, f"unknown keys {sorted(unknown)}")
    for key in ("type", "level", "regex", "description"):
        if not isinstance(raw.get(key), str):
            raise _err(source, rule_id, f"`{key}` is required and must be a string")
    try:
        type_ = FindingType(raw["type"])
        level = Level(raw["level"])
    except ValueError as exc:
        raise _err(source, rule_id, str(exc)) from None
    ignore_case = bool(raw.get("ignore_case", False))
    pattern = _compile(raw["regex"], source, rule_id, ignore_case)
    group_raw = raw.get("group", 0)
    if isinstance(group_raw, str):
        if group_raw not in pattern.groupindex:
            raise _err(source, rule_id, f"group {group_raw!r} does not exist in the regex")
        group = pattern.groupindex[group_raw]
    elif isinstance(group_raw, int) and 0 <= group_raw <= pattern.groups:
        group = group_raw
    else:
        raise _err(source, rule_id, f"group {group_raw!r} does not exist in the regex")
    validator = raw.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise _err(source, rule_id, f"unknown validator {validator!r}; known: {sorted(VALIDATORS)}")
    allow = raw.get("allowlist", {}) or {}
    if not isinstance(allow, dict) or set(allow) - _ALLOW_KEYS:
        raise _err(source, rule_id, f"`allowlist` may only hold {sorted(_ALLOW_KEYS)}")
    examples = raw.get("examples")
    if not isinstance(examples, dict) or not examples.get("match"):
        raise _err(
            source, rule_id, "`examples.match` (at least one) and `examples.no_match` required"
        )
    if "no_match" not in examples:
        raise _err(source, rule_id, "`examples.no_match` is required (may be empty)")
    entropy = raw.get("entropy")
    score = raw.get("score", 1.0 if validator else 0.9)
    if entropy is not None and not isinstance(entropy, int | float):
        raise _err(source, rule_id, "`entropy` must be a number")
    if not isinstance(score, int | float) or not 0 < score <= 1:
        raise _err(source, rule_id, "`score` must be a number in (0, 1]")
    prefilter = raw.get("prefilter")
    if prefilter is not None and not isinstance(prefilter, str):
        raise _err(source, rule_id, "`prefilter` must be a string")
    return Rule(
        id=rule_id,
        type=type_,
        level=level,
        description=raw["description"],
        pattern=pattern,
        group=group,
        keywords=tuple(
            k.lower() for k in _strings(raw.get("keywords"), source, rule_id, "keywords")
        ),
        validator=validator,
        entropy=float(entropy) if entropy is not None else None,
        score=float(score),
        context=tuple(c.lower() for c in _strings(raw.get("context"), source, rule_id, "context")),
        allow_patterns=tuple(
            _compile(rx, source, rule_id)
            for rx in _strings(allow.get("regexes"), source, rule_id, "allowlist.regexes")
        ),
        stopwords=tuple(
            s.lower()
            for s in _strings(allow.get("stopwords"), source, rule_id, "allowlist.stopwords")
        ),
        examples_match=_strings(examples.get("match"), source, rule_id, "examples.match"),
        examples_no_match=_strings(examples.get("no_match"), source, rule_id, "examples.no_match"),
        shrink=bool(raw.get("shrink", False)),
        deny_group=pattern.groupindex.get("deny", -1),
        source=source,
        prefilter=_compile(prefilter, source, rule_id, ignore_case) if prefilter else None,
        within=tuple(
            _compile(rx, source, rule_id)
            for rx in _strings(allow.get("within"), source, rule_id, "allowlist.within")
        ),
    )


def parse_rule_file(path: Path) -> tuple[dict[str, Any], list[Rule]]:
    """Parse and compile one file; returns its header (extends, disabled) and its rules.

    Raises ConfigError naming the file and rule id.
    """
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read rule file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    header = {k: v for k, v in data.items() if k != "rules"}
    unknown = set(header) - {"extends", "disabled", "title"}
    if unknown:
        raise ConfigError(f"{source}: unknown top-level keys {sorted(unknown)}")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ConfigError(f"{source}: `rules` must be an array of tables ([[rules]])")
    rules = [_build_rule(r, source) for r in raw_rules]
    return header, rules


def load_ruleset(extra: tuple[str, ...] = (), disabled: tuple[str, ...] = ()) -> RuleSet:
    """Bundled rules plus user files; a later rule with the same id replaces the earlier one.

    Raises ConfigError for an invalid file, a duplicate id inside one file or an unknown type.
    """
    files = [(p, True) for p in sorted(BUNDLED_DIR.glob("*.toml"))]
    user = [(Path(p).expanduser(), False) for p in extra]
    parsed = [(path, bundled, *parse_rule_file(path)) for path, bundled in user]
    use_default = all(h.get("extends", True) is not False for _, _, h, _ in parsed)
    off = set(disabled)
    for _, _, header, _ in parsed:
        off.update(_strings(header.get("disabled"), "rule file", "disabled", "disabled"))
    by_id: dict[str, Rule] = {}
    if use_default:
        for path, _ in files:
            _, rules = parse_rule_file(path)
            _add(by_id, rules, str(path), replace=False)
    for path, _, _, rules in parsed:
        _add(by_id, rules, str(path), replace=True)
    enabled = tuple(r for r in by_id.values() if r.id not in off)
    return RuleSet(enabled, tuple(str(p) for p, _ in (*files, *user)))


def _add(by_id: dict[str, Rule], rules: list[Rule], source: str, *, replace: bool) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen or (not replace and rule.id in by_id):
            raise ConfigError(f"{source}: {rule.id}: duplicate rule id")
        seen.add(rule.id)
        by_id[rule.id] = rule
