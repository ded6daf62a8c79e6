"""The rule detector: RE2 Set prefilter, RE2 match, then entropy, allowlist and validator checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from douane.config import Config
from douane.detect._linebound import line_bound
from douane.detect._matching import EncodedText
from douane.detect._rulematch import RuleMatcher, RuleSpec, rule_matcher
from douane.detect.base import Detector, finding_factory
from douane.detect.rulefile import RULE_MAX_MEM, Rule, RuleSet, load_ruleset
from douane.detect.validators import VALIDATORS, Validator, shannon_entropy
from douane.types import Finding

__all__ = ["RuleDetector", "check_examples", "rule_detectors"]

_CONTEXT_WINDOW: Final = 60
# How far (bytes) around a match `allowlist.within` looks for the longer token that holds it
# (a UUID has 36).
_WITHIN_REACH: Final = 64
_CONTEXT_BOOST: Final = 0.1
_MAX_CUTS: Final = 3
_SET_MAX_MEM: Final = 256 << 20  # the DFA cache of the combined Set; resets, never bails
# Texts longer than this (UTF-8 bytes) are cut into blocks of lines about _BLOCK bytes long, so
# that a rule whose matches stay on one line is searched only in the blocks where it occurs.
_BLOCKED_MIN: Final = 1536
_BLOCK: Final = 512


class _Plan:
    """A rule flattened for the scan loop: attribute look-ups and rounding done once."""

    __slots__ = (
        "allow",
        "ascii_keywords",
        "boosted",
        "check",
        "context",
        "cuts",
        "deny",
        "entropy",
        "finding",
        "group",
        "id",
        "keywords",
        "level",
        "line_bound",
        "score",
        "stopwords",
        "type",
        "within",
        "within_count",
    )

    def __init__(self, rule: Rule) -> None:
        self.keywords, self.stopwords = rule.keywords, rule.stopwords
        # the keywords as bytes for the lowered-bytes test; empty if one is not ASCII
        ascii_ = all(k.isascii() for k in rule.keywords)
        self.ascii_keywords = tuple(k.encode() for k in rule.keywords) if ascii_ else ()
        self.allow = tuple(p.search for p in rule.allow_patterns)
        self.entropy = rule.entropy
        self.check = VALIDATORS[rule.validator] if rule.validator is not None else None
        self.cuts = _MAX_CUTS if rule.shrink else 0
        self.score = round(rule.score, 3)
        # the context boost only applies below 1.0; an empty tuple switches it off
        self.context = rule.context if rule.score < 1.0 else ()
        self.boosted = round(min(1.0, rule.score + _CONTEXT_BOOST), 3)
        self.type, self.level, self.id = rule.type, rule.level, rule.id
        self.within = _within_matcher(rule)
        self.within_count = len(rule.within)
        self.finding = finding_factory(rule.type, rule.level, "rules", rule.id)
        # every match, and so every prefilter match inside one, stays on one line
        self.line_bound = line_bound(rule.pattern.pattern) and (
            rule.prefilter is None or line_bound(rule.prefilter.pattern)
        )


class RuleDetector:
    """Runs a RuleSet: one RE2 Set pass finds the rules that match at all, only those run.

    RE2 Sets never bail out on "slow" input (unlike single DFAs), so the prefilter cannot drop a
    rule that would match: it is exact, and linear in the text. A rule whose regex keeps a
    thread alive to the end of the text (a PEM block, open until its END line) makes every later DFA
    state of the Set a new one, so such a rule gives the Set a shorter `prefilter` that every
    match contains.
    """

    name = "rules"

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._rules = ruleset.rules
        self._plans = tuple(_Plan(rule) for rule in self._rules)
        self._matcher = _matcher(self._rules)

    def scan(self, text: str) -> list[Finding]:
        """Findings of every rule whose regex matches and whose checks pass."""
        data = text.encode("utf-8", "surrogatepass")
        matcher = self._matcher
        hits = matcher.hits(data)
        if not hits:
            return []
        out: list[Finding] = []
        plans = self._plans
        encoded = None if len(data) == len(text) else EncodedText(text, data)
        lowered: str | None = None
        lowered_bytes: bytes | None = None
        windows = self._windows(data, hits) if len(data) > _BLOCKED_MIN else {}
        whole = ((0, len(data)),)
        for i in hits:
            plan = plans[i]
            keywords = plan.keywords
            if keywords:  # lower-case, so one search each in the lowered text (lowered once)
                if plan.ascii_keywords and lowered_bytes is None:
                    lowered_bytes = _ascii_lowered(text, data)
                if plan.ascii_keywords and lowered_bytes:
                    if not _has_ascii_keyword(plan.ascii_keywords, lowered_bytes):
                        continue
                else:
                    if lowered is None:
                        lowered = text.lower()
                    if not _has_keyword(keywords, lowered):
                        continue
            spans = matcher.find(i, data, windows.get(i, whole))
            if spans:
                _keep(plan, text, data, encoded, out, spans)
        return out

    def _windows(self, data: bytes, hits: list[int]) -> dict[int, list[tuple[int, int]]]:
        """For each line-bound rule in `hits`, the byte ranges of the blocks where it occurs.

        A block ends after a line break, so a match that stays on one line lies in one block,
        and in a block alone the combined pass sees the same boundaries (\b, (?m)^, (?m)$) as in
        the text; it may see a false `^` or `$` at a block's edge, which the rule's own search,
        run with the whole text around it, then rejects. Adjacent blocks merge into one range.
        The blocks go through the same Set as whole texts: its DFA states, built on short
        prompts, serve the blocks of long ones too (a Set of its own started cold, 3-5 ms on
        the first long prompts).
        """
        plans = self._plans
        if not any(plans[i].line_bound for i in hits):
            return {}
        out: dict[int, list[tuple[int, int]]] = {}
        hits_in = self._matcher.hits
        for start, end in _blocks(data):
            for k in hits_in(data, start, end):
                if not plans[k].line_bound:
                    continue
                ranges = out.setdefault(k, [])
                if ranges and ranges[-1][1] == start:
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((start, end))
        return out


def _blocks(data: bytes) -> list[tuple[int, int]]:
    """Ranges of about _BLOCK bytes that end after a line break (the last at the text's end)."""
    out: list[tuple[int, int]] = []
    start = 0
    size = len(data)
    while start < size:
        cut = data.find(b"\n", start + _BLOCK)
        end = size if cut < 0 else cut + 1
        out.append((start, end))
        start = end
    return out


def _ascii_lowered(text: str, data: bytes) -> bytes:
    """The UTF-8 bytes with A-Z lowered, or b"" (use str.lower) if that could miss a keyword.

    An ASCII keyword occurs in `text.lower()` exactly when it occurs in these bytes: the lower
    case of a non-ASCII character holds no ASCII character, save for U+0130 and U+212A. Lowering
    bytes is a C loop; str.lower costs a Unicode table look-up per character.
    """
    if "\u0130" in text or "\u212a" in text:
        return b""
    return data.lower()


def _has_keyword(keywords: Iterable[str], text: str) -> bool:
    return any(keyword in text for keyword in keywords)  # compiled to a plain loop


def _has_ascii_keyword(keywords: tuple[bytes, ...], data: bytes) -> bool:
    """_has_keyword on bytes. `in` would first try the keyword as an int (`65 in b"A"`) and
    raise and clear a TypeError for each one; find() searches at once."""
    return any(data.find(keyword) >= 0 for keyword in keywords)


def _matcher(rules: Sequence[Rule]) -> RuleMatcher:
    """The matcher of `rules`: its Set looks for each rule's prefilter, else for its pattern."""
    specs: list[RuleSpec] = [
        (r.pattern.pattern, r.group, r.deny_group, (r.prefilter or r.pattern).pattern)
        for r in rules
    ]
    return rule_matcher(specs, RULE_MAX_MEM, _SET_MAX_MEM)


def scan_rule(rule: Rule, text: str) -> list[Finding]:
    """Findings of one rule in `text`; a rule with keywords needs one of them in the text."""
    out: list[Finding] = []
    if rule.keywords and not _has_keyword(rule.keywords, text.lower()):
        return out
    data = text.encode("utf-8", "surrogatepass")
    encoded = None if len(data) == len(text) else EncodedText(text, data)
    spans = _matcher((rule,)).find(0, data, ((0, len(data)),))
    _keep(_Plan(rule), text, data, encoded, out, spans)
    return out


def _keep(
    plan: _Plan,
    text: str,
    data: bytes,
    encoded: EncodedText | None,
    out: list[Finding],
    spans: list[int],
) -> None:
    """Append to `out` the findings of one rule's matches (flat byte spans) that pass its checks.

    The hot loop of detection: every regex match passes through here, so it works on byte
    offsets and decodes only the matched slice; character offsets are computed for kept
    matches (`encoded` is None for an ASCII text, where both offsets agree).
    """
    check = plan.check
    stopwords, allow, entropy, context = plan.stopwords, plan.allow, plan.entropy, plan.context
    for k in range(0, len(spans), 2):
        b_start, b_end = spans[k], spans[k + 1]
        if encoded is None:
            value = text[b_start:b_end]
        else:
            value = data[b_start:b_end].decode("utf-8", "surrogatepass")
        if stopwords and any(s in value.lower() for s in stopwords):
            continue
        if allow and any(search(value) for search in allow):
            continue
        if entropy is not None and shannon_entropy(value) < entropy:
            continue
        length = len(value)
        if check is not None and not check.verdict(value):
            length = _valid_prefix(check, value, plan.cuts)
            if length < 0:
                continue
        if plan.within is not None:
            kept = (
                length if encoded is None else len(value[:length].encode("utf-8", "surrogatepass"))
            )
            if _inside(plan.within, plan.within_count, data, b_start, b_start + kept):
                continue
        start = b_start if encoded is None else encoded.char(b_start)
        score = plan.score
        if context:
            window = text[max(0, start - _CONTEXT_WINDOW) : start].lower()
            for word in context:
                if word in window:
                    score = plan.boosted
                    break
        out.append(plan.finding(start, start + length, score))


def _within_matcher(rule: Rule) -> RuleMatcher | None:
    """One matcher over the rule's `allowlist.within` patterns; None when it has none."""
    if not rule.within:
        return None
    specs: list[RuleSpec] = [(p.pattern, 0, -1, p.pattern) for p in rule.within]
    return rule_matcher(specs, RULE_MAX_MEM, RULE_MAX_MEM)


def _inside(within: RuleMatcher, count: int, data: bytes, start: int, end: int) -> bool:
    """Some match of one of the `count` patterns of `within`, near the byte span, holds it."""
    window = ((max(0, start - _WITHIN_REACH), min(len(data), end + _WITHIN_REACH)),)
    for index in range(count):
        spans = within.find(index, data, window)
        for k in range(0, len(spans), 2):
            if spans[k] <= start and end <= spans[k + 1]:
                return True
    return False


def _valid_prefix(check: Validator, value: str, cuts: int) -> int:
    """Length of the longest prefix (cut at separators) that passes, or -1; `value` failed.

    Greedy regexes can swallow a following word or number ("DE89 … 00 BANK"); cutting back at
    up to _MAX_CUTS separators recovers the valid item without lookahead.
    """
    for _ in range(cuts):
        cut = max(
            value.rfind(" "), value.rfind("-"), value.rfind("/"), value.rfind("."), value.rfind("(")
        )
        if cut <= 0:
            return -1
        value = value[:cut].rstrip(" -./(")
        if check.verdict(value):
            return len(value)
    return -1


def check_examples(ruleset: RuleSet) -> list[str]:
    """Every example that fails: a `match` the rule misses or a `no_match` it flags."""
    problems: list[str] = []
    for rule in ruleset.rules:
        for number, example in enumerate(rule.examples_match, 1):
            if not scan_rule(rule, example):
                problems.append(f"{rule.source}: {rule.id}: misses match example #{number}")
            elif rule.prefilter is not None and not rule.prefilter.search(example):
                problems.append(
                    f"{rule.source}: {rule.id}: prefilter misses match example #{number}"
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
