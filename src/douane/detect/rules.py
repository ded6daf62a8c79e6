"""The rule detector: RE2 Set prefilter, RE2 match, then entropy, allowlist and validator checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import re2

from douane.config import Config
from douane.detect._matching import EncodedText, iter_spans
from douane.detect.base import Detector
from douane.detect.rulefile import Rule, RuleSet, load_ruleset
from douane.detect.validators import VALIDATORS, shannon_entropy
from douane.types import Finding

__all__ = ["RuleDetector", "check_examples", "rule_detectors"]

_CONTEXT_WINDOW = 60
_CONTEXT_BOOST = 0.1
_MAX_CUTS = 3
_SEPARATORS = (" ", "-", "/", ".", "(")
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.max_mem = 256 << 20  # the DFA cache of the combined Set; resets, never bails


class RuleDetector:
    """Runs a RuleSet: one RE2 Set pass finds the rules that match at all, only those run.

    RE2 Sets never bail out on "slow" input (unlike single DFAs), so the prefilter cannot drop a
    rule that would match: it is exact, and linear in the text.
    """

    name = "rules"

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._rules = ruleset.rules
        self._set = re2.Set.SearchSet(_SET_OPTIONS)
        for rule in self._rules:
            self._set.Add(rule.pattern.pattern)
        self._set.Compile()

    def scan(self, text: str) -> Iterable[Finding]:
        """Findings of every rule whose regex matches and whose checks pass."""
        encoded = EncodedText(text)
        hits = self._set.Match(encoded.data)
        if not hits:
            return []
        out: list[Finding] = []
        lowered = text.lower() if any(self._rules[i].keywords for i in hits) else ""
        for i in sorted(hits):
            rule = self._rules[i]
            if rule.keywords and not any(k in lowered for k in rule.keywords):
                continue
            out.extend(scan_rule(rule, text, encoded))
        return out


def scan_rule(rule: Rule, text: str, encoded: EncodedText | None = None) -> list[Finding]:
    """Findings of one rule in `text`; a rule with keywords needs one of them in the text."""
    out: list[Finding] = []
    if encoded is None:
        if rule.keywords and not any(k in text.lower() for k in rule.keywords):
            return out
        encoded = EncodedText(text)
    group, deny = rule.group, rule.deny_group
    for spans in iter_spans(rule.pattern, encoded):
        b_start, b_end = spans[group]
        if b_start < 0 or b_end <= b_start or (deny >= 0 and spans[deny][0] >= 0):
            continue
        start, end = encoded.char(b_start), encoded.char(b_end)
        value = text[start:end]
        if rule.stopwords and any(s in value.lower() for s in rule.stopwords):
            continue
        if any(p.search(value) for p in rule.allow_patterns):
            continue
        if rule.entropy is not None and shannon_entropy(value) < rule.entropy:
            continue
        if rule.validator is not None:
            end = _validated_end(rule.validator, value, start, _MAX_CUTS if rule.shrink else 0)
            if end < 0:
                continue
        score = rule.score
        if rule.context and score < 1.0:
            window = text[max(0, start - _CONTEXT_WINDOW) : start].lower()
            if any(c in window for c in rule.context):
                score = min(1.0, score + _CONTEXT_BOOST)
        out.append(
            Finding(start, end, rule.type, rule.level, "rules", round(score, 3), label=rule.id)
        )
    return out


def _validated_end(validator: str, value: str, start: int, cuts: int) -> int:
    """End offset of the longest prefix (cut at separators) that passes, or -1.

    Greedy regexes can swallow a following word or number ("DE89 … 00 BANK"); cutting back at
    up to _MAX_CUTS separators recovers the valid item without lookahead.
    """
    check = VALIDATORS[validator]
    for _ in range(cuts + 1):
        if check(value):
            return start + len(value)
        cut = max(value.rfind(sep) for sep in _SEPARATORS)
        if cut <= 0:
            return -1
        value = value[:cut].rstrip(" -./(")
    return -1


def check_examples(ruleset: RuleSet) -> list[str]:
    """Every example that fails: a `match` the rule misses or a `no_match` it flags."""
    problems: list[str] = []
    for rule in ruleset.rules:
        for example in rule.examples_match:
            if not scan_rule(rule, example):
                problems.append(
                    f"{rule.source}: {rule.id}: misses match example #"
                    f"{rule.examples_match.index(example) + 1}"
                )
        for example in rule.examples_no_match:
            if scan_rule(rule, example):
                problems.append(
                    f"{rule.source}: {rule.id}: flags no_match example #"
                    f"{rule.examples_no_match.index(example) + 1}"
                )
    return problems


def rule_detectors(config: Config) -> Sequence[Detector]:
    """The registry factory: one RuleDetector over bundled plus configured rule files."""
    ruleset = load_ruleset(config.detection.rules, config.detection.disabled)
    return (RuleDetector(ruleset),)
