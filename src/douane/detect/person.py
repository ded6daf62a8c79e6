"""The PERSON detector: capitalised runs scored with name lists, titles, greetings, word frequency.

Built for precision on hard negatives: company names (an org word or `&` rejects the run),
capitalised German nouns (a lone surname needs a title or greeting), product names (a run needs a
known given name, a title, or two known name parts). Token kinds and scores live in
`_person_kinds`; what a run offers whatever its context (its plan, cached per distinct run) in
`_person_plan`; layout cues, coreference and lists in the other `_person_*` modules. Here: the
pass over a text, context cues for the runs that need them, and the passes after it. Other
backends (spaCy, GLiNER) plug in by config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from douane.config import Config
from douane.detect._names import Lexicon, frequencies, load_lexicon
from douane.detect._person_context import (
    LabelLines,
    LocalParts,
    after_closing,
    after_phrase,
    email_matches,
    list_cue,
    list_subject,
)
from douane.detect._person_coref import name_tokens, propagate
from douane.detect._person_enum import ENUM_KINDS, enumerated, member_words
from douane.detect._person_ids import PersonIdCue
from douane.detect._person_kinds import (
    TOKEN,
    bare,
    fills_line,
    line_start,
)
from douane.detect._person_plan import Plan, Planner
from douane.detect._runs import find_runs
from douane.detect.base import Detector, finding_factory
from douane.types import Finding, FindingType, Level

__all__ = ["BuiltinPersonDetector", "person_detectors"]

_EMAIL_REACH: Final = 170  # an `@` this close may end a local part that spells the run (see near())
# What ends a name that is a field next to its address: `'Ashleigh Broy', '…@`, `Ann Lee <…@`.
_FIELD_END: Final = frozenset("'\",;|<>()[]\t\n")
_SURNAME_KINDS: Final = frozenset({"last", "unknown", "caps", "first"})
_LAST_TOKEN: Final = re.compile(rf"(?<![\w'’-]){TOKEN}$")

_FIRM_JOINERS: Final = frozenset({"et", "und", "and"})  # "Diallo et Fils" (Lexicon.firm_tails)
_COREF: Final = 0.8  # the score of a name's other occurrences
_ENUM: Final = 0.7  # of a bare list member next to a found name
# _judge's answer for a task-list subject that needs its siblings: decided after the pass.
_DEFER: Final = (-1, -1, 0.0)
_MISSING: Final = object()
_LENT_MAX: Final = 50_000
# Before a blank, what after_phrase strips further (or the text's start): let it decide.
_PHRASE_UNSURE: Final = ("", " ", "\t", ":")


class BuiltinPersonDetector:
    """Dictionary-and-cue PERSON detector; needs no model download."""

    name = "person"

    def __init__(self, lexicon: Lexicon, level: Level = Level.CONFIDENTIAL) -> None:
        self._lex = lexicon
        self._finding = finding_factory(FindingType.PERSON, level, self.name)
        self._planner = Planner(lexicon)  # run → plan, token → facts; shared by threads
        # (No phrase ends in a Greek sigma, the one letter whose lower case depends on context.)
        self._phrase_end_letters = frozenset(word[-1] for word in lexicon.phrase_ends)
        self._lent: dict[str, dict[str, bool]] = {}  # found name → the tokens it lends (coref)
        self._person_id = PersonIdCue(lexicon)

    def scan(self, text: str) -> Iterable[Finding]:
        """PERSON findings; titles and salutations are outside the span."""
        out: list[Finding] = []
        planner = self._planner
        plans = planner.plans
        rejected: list[tuple[int, int]] = []  # runs not taken: coreference may claim their tokens
        deferred: list[tuple[int, int]] = []  # task-list subjects waiting for their siblings
        emails = LocalParts(text) if "@" in text else None
        labels = LabelLines(self._lex, text) if ":" in text else None  # no colon, no label
        for run in find_runs(text):
            start, end = run
            s = text[start:end]
            plan = plans.get(s, _MISSING)
            if plan is _MISSING:
                plan = planner.new_plan(s)  # compiled: a direct call, not a bound method's
            if plan is None:  # a run known not to be a name, whatever its context
                rejected.append(run)
                continue
            found = self._judge(text, start, s, plan, emails, labels)  # type: ignore[arg-type]
            if found is None:
                rejected.append(run)
            elif found == _DEFER:
                deferred.append(run)
            else:
                start, end, score = found
                out.append(self._finding(start, end, score))
        if deferred:
            self._settle_lists(text, out, deferred, rejected, emails, labels)
        if emails is not None and out:
            self._surname_first(text, out, emails)
        if out and rejected:
            self._enumerate(text, out, rejected)
            self._corefer(text, out, rejected)
        return out

    def clear_cache(self) -> None:
        """Forget analysed runs and tokens, their word frequencies too (benchmarks call this to
        measure a cold detector; the frequencies are shared by every detector)."""
        self._planner.clear()
        self._lent.clear()
        frequencies.cache_clear()

    def _enumerate(self, text: str, out: list[Finding], rejected: list[tuple[int, int]]) -> None:
        """Add the bare name-like members of comma/and lists that hold a found name."""
        planner = self._planner  # compiled: planner.facts() is a direct call

        def member(run: str) -> bool:
            words = member_words(run)
            if words is None:
                return False
            for word in words:
                kind, _, org, _ = planner.facts(word)  # looked up once per word
                if kind not in ENUM_KINDS or org:
                    return False
            return True

        spans = enumerated(text, [(f.start, f.end) for f in out], rejected, member)
        if spans:
            for start, end in spans:
                end = start + len(bare(text[start:end]))
                out.append(self._finding(start, end, _ENUM))
            out.sort(key=lambda f: f.start)

    def _surname_first(self, text: str, out: list[Finding], emails: LocalParts) -> None:
        """Extend a given name to `Surname, Given` ("Ladeck, Kira / k.ladeck@…") when the line's
        e-mail address spells both and the surname opens its line or field."""
        for k, f in enumerate(out):
            if text[f.start - 2 : f.start] != ", " or f.start < 4:
                continue
            prev = _LAST_TOKEN.search(text, max(0, f.start - 42), f.start - 2)
            if prev is None or self._planner.kind(prev.group()) not in _SURNAME_KINDS:
                continue
            before = text[max(0, prev.start() - 2) : prev.start()].rstrip(" \t")
            if before and before[-1] not in _FIELD_END and before[-1] not in ":/":
                continue
            if k and out[k - 1].end > prev.start():
                continue
            words = [prev.group(), text[f.start : f.end]]
            near = emails.near(prev.start(), f.end)
            if near and email_matches(text, prev.start(), f.end, words, near):
                out[k] = Finding(prev.start(), f.end, f.type, f.level, f.detector, f.score)

    def _settle_lists(
        self,
        text: str,
        out: list[Finding],
        deferred: list[tuple[int, int]],
        rejected: list[tuple[int, int]],
        emails: LocalParts | None,
        labels: LabelLines | None,
    ) -> None:
        """Accept task-list subjects under a task header or next to a person subject."""
        subjects = {line_start(text, f.start) for f in out if list_subject(text, f.start, f.end)}
        for run in deferred:
            base, found = run[0], None
            plan = self._planner.plan(text[base : run[1]])
            if plan is not None and list_cue(self._lex, text, line_start(text, base), subjects):
                found = self._judge(text, base, text[base : run[1]], plan, emails, labels, cue=True)
            if found is None or found == _DEFER:
                rejected.append(run)
                continue
            start, end, score = found
            out.append(self._finding(start, end, score))
        out.sort(key=lambda f: f.start)
        rejected.sort()

    def _corefer(self, text: str, out: list[Finding], rejected: list[tuple[int, int]]) -> None:
        """Add the other occurrences of the given names and surnames of the full names found."""
        names: dict[str, bool] = {}
        planner = self._planner
        for f in out:
            span = text[f.start : f.end]
            if " " not in span:
                continue  # a single word lends nothing
            lent = self._lent.get(span)
            if lent is None:
                if len(self._lent) >= _LENT_MAX:
                    self._lent.clear()
                words = [bare(w) for w in span.split()]  # compiled: direct calls, no callables
                lent = self._lent[span] = name_tokens(words, [planner.kind(w) for w in words])
            for word, weak in lent.items():
                names[word] = names.get(word, True) and weak
        if not names:
            return
        spans = propagate(
            text, names, rejected, lambda run: any(planner.facts(t)[2] for t in run.split())
        )
        added = [
            self._finding(start, end, _COREF)
            for start, end in spans
            if not any(f.start < end and start < f.end for f in out)  # "Ladeck, Kira" merged
        ]
        if added:
            out.extend(added)
            out.sort(key=lambda f: f.start)

    def _judge(
        self,
        text: str,
        base: int,
        run: str,
        plan: Plan,
        emails: LocalParts | None,
        labels: LabelLines | None,
        *,
        cue: bool = False,
    ) -> tuple[int, int, float] | None:
        """(start, end, score), None, or _DEFER for a task-list subject that needs context.

        `labels` is None for a text without a colon: no label cue, no task-list subject."""
        if (
            plan.words
            and plan.words[0] in self._lex.units  # rare: tested first
            and not plan.strong
            and _after_number(text, base)
        ):
            return None  # "1,5 Kelvin", "20 Newton": a unit named after a person
        labelled = cue or plan.greeting or (labels is not None and labels.after(base))
        found = (
            None
            if plan.cue_only and not labelled
            else self._accept(text, base, run, plan, labelled)
        )
        if found is not None or labelled or not plan.cue_helps:
            return found
        # Layout cues, consulted only for runs the lists alone did not accept; each behind a
        # one-character or one-`find` test, since most runs fail them all.
        end = base + len(run)
        prev = text[base - 1] if base else "\n"
        if (
            (prev == "\n" and after_closing(self._lex, text, base))
            or (
                prev == " "
                and (  # the phrase's last letter before the blank, else no phrase (no call)
                    (last := text[base - 2 : base - 1]) in _PHRASE_UNSURE
                    or last.lower()[-1:] in self._phrase_end_letters
                )
                and after_phrase(self._lex, text, base)
            )
            or (
                emails is not None
                and text[end : end + 2].lstrip(" ")[:1] in _FIELD_END
                and text.find("@", max(0, base - _EMAIL_REACH), end + _EMAIL_REACH) >= 0
                and (near := emails.near(base, end))
                and email_matches(text, base, end, plan.words, near)
            )
            or self._person_id.near(text, base, end)
        ):
            return self._accept(text, base, run, plan, True)
        if (
            labels is not None
            and ":" in text[end : end + 3]
            and list_subject(text, base, end) is not None
        ):
            return _DEFER
        return None

    def _accept(
        self, text: str, base: int, run: str, plan: Plan, labelled: bool
    ) -> tuple[int, int, float] | None:
        after = text[base + len(run) : base + len(run) + 24].lstrip(" \t")
        if after.startswith("&"):  # "Hartmann & Söhne KG", "Mentzel & Scheuermann GmbH"
            return None
        # the words after the run on its own line: "Meyer et Fils.\n", "Miller and Sons\nThanks"
        line_end = after.find("\n")
        words = (after if line_end < 0 else after[:line_end]).split(None, 2) or [""]
        if words[0].rstrip(".,;:") in self._lex.org_words or (
            words[0] in _FIRM_JOINERS
            and len(words) > 1
            and words[1].rstrip(".,;:") in self._lex.firm_tails
        ):  # "Diallo SARL", "Diallo et Fils", "Brandt und Söhne"
            return None
        for candidate in plan.candidates:
            start = base + candidate.start
            if labelled:
                score = candidate.with_cue
            else:
                score = candidate.alone
                if score is not None and not candidate.anywhere:
                    # fills_line's first test, without the call: mid-sentence is the usual case
                    before = text[max(0, start - 3) : start].rstrip(" \t")
                    if (before and before[-1].isalnum()) or not fills_line(
                        text, start, base + candidate.stop
                    ):
                        score = None
            if score is None:
                if plan.strong:
                    return None
                continue
            return start, base + candidate.end, score
        return None


def _after_number(text: str, start: int) -> bool:
    """A digit ends the text before `start`, a blank or none between ("1,5 Kelvin", "6Watt")."""
    before = text[start - 1 : start]
    if before == " " or before == "\t":
        before = text[start - 2 : start - 1] if start > 1 else ""
    return before.isdigit()


def person_detectors(config: Config) -> Sequence[Detector]:
    """The registry factory: the configured PERSON backend (`detection.person_backend`)."""
    backend = config.detection.person_backend
    if backend == "none":
        return ()
    if backend == "builtin":
        return (BuiltinPersonDetector(load_lexicon()),)
    from douane.detect.person_backends import model_detector

    return (model_detector(backend),)
