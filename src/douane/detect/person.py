"""The PERSON detector: capitalised runs scored with name lists, titles, greetings, word frequency.

Built for precision on hard negatives: company names (an org word or `&` rejects the run),
capitalised German nouns (a lone surname needs a title or greeting), product names (a run needs a
known given name, a title, or two known name parts). Token kinds and scores live in
`_person_kinds`; layout cues, coreference and lists in the other `_person_*` modules. Other
backends (spaCy, GLiNER) plug in by config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from douane.config import Config
from douane.detect._names import Lexicon, load_lexicon
from douane.detect._person_context import (
    LocalParts,
    after_closing,
    after_phrase,
    email_matches,
    list_cue,
    list_subject,
)
from douane.detect._person_coref import name_tokens, propagate
from douane.detect._person_enum import ENUM_KINDS, enumerated, member_words
from douane.detect._person_kinds import (
    INITIAL,
    TAIL_KINDS,
    TOKEN,
    after_label,
    bare,
    classify,
    decide,
    fills_line,
    is_common,
    line_start,
    takes_tail,
)
from douane.detect.base import Detector
from douane.types import Finding, FindingType, Level

__all__ = ["BuiltinPersonDetector", "person_detectors"]

_PARTICLE = (
    r"(?:van|von|de|der|den|del|della|di|da|du|des|le|la|zu|ten|ter|af|y|bin|al|dos|das|vom)"
)
# A run starts after any non-word character but a hyphen: after a space, an opening quote
# ("VALUES ('Ashleigh Broy'") or a French elision ("d'Emil Hein"); "O'Brien" stays one token.
_START = r"(?<![\w-])"
_RUN = re.compile(rf"{_START}{TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{TOKEN})*")
_WORD = re.compile(r"\S+")
_MAX_NAME_TOKENS = 5
_EMAIL_REACH = 170  # an `@` this close may end a local part that spells the run (see near())
# What ends a name that is a field next to its address: `'Ashleigh Broy', '…@`, `Ann Lee <…@`.
_FIELD_END = frozenset("'\",;|<>()[]\t\n")
_ARTICLE_PARTICLES = frozenset({"der", "den", "des", "dem"})
_SURNAME_KINDS = frozenset({"last", "unknown", "caps", "first"})
_LAST_TOKEN = re.compile(rf"(?<![\w'’-]){TOKEN}$")

_COREF, _ENUM = 0.8, 0.7
# _judge's answer for a task-list subject that needs its siblings: decided after the pass.
_DEFER = (-1, -1, 0.0)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a run offers independent of its surroundings: cues and candidate name spans."""

    strong: bool
    greeting: bool
    cue_only: bool  # no candidate can pass without a greeting or label cue
    cue_helps: bool  # some candidate can pass with a cue: worth looking for layout cues
    candidates: tuple[tuple[list[tuple[int, str, str]], list[str]], ...]


_MISSING = object()
_CACHE_SIZE = 50_000


class BuiltinPersonDetector:
    """Dictionary-and-cue PERSON detector; needs no model download."""

    name = "person"

    def __init__(self, lexicon: Lexicon, level: Level = Level.CONFIDENTIAL) -> None:
        self._lex = lexicon
        self._level = level
        # run text → analysis; plain dict operations are atomic, so threads may share it.
        self._cache: dict[str, _Plan | None] = {}
        self._kinds: dict[str, str] = {}  # token → kind, the same for every run it occurs in
        self._lent: dict[str, dict[str, bool]] = {}  # found name → the tokens it lends (coref)

    def scan(self, text: str) -> Iterable[Finding]:
        """PERSON findings; titles and salutations are outside the span."""
        out: list[Finding] = []
        cache = self._cache
        rejected: list[re.Match[str]] = []  # runs not taken: coreference may claim their tokens
        deferred: list[re.Match[str]] = []  # task-list subjects waiting for their siblings
        emails = LocalParts(text) if "@" in text else None
        for run in _RUN.finditer(text):
            s = run.group()
            if cache.get(s, _MISSING) is None:  # fast path: a run already known not to be a name
                rejected.append(run)
                continue
            base = run.start()
            found = self._judge(text, base, s, emails)
            if found is None:
                rejected.append(run)
            elif found is _DEFER:
                deferred.append(run)
            else:
                start, end, score = found
                out.append(Finding(start, end, FindingType.PERSON, self._level, self.name, score))
        if deferred:
            self._settle_lists(text, out, deferred, rejected, emails)
        if emails is not None and out:
            self._surname_first(text, out, emails)
        if out and rejected:
            self._enumerate(text, out, rejected)
            self._corefer(text, out, rejected)
        return out

    def _enumerate(self, text: str, out: list[Finding], rejected: list[re.Match[str]]) -> None:
        """Add the bare name-like members of comma/and lists that hold a found name."""
        org_words = self._lex.org_words

        def member(run: str) -> bool:
            words = member_words(run)
            return words is not None and all(
                self._kind(w) in ENUM_KINDS and bare(w) not in org_words for w in words
            )

        spans = enumerated(text, [(f.start, f.end) for f in out], rejected, member)
        if spans:
            for start, end in spans:
                end = start + len(bare(text[start:end]))
                out.append(Finding(start, end, FindingType.PERSON, self._level, self.name, _ENUM))
            out.sort(key=lambda f: f.start)

    def _surname_first(self, text: str, out: list[Finding], emails: LocalParts) -> None:
        """Extend a given name to `Surname, Given` ("Ladeck, Kira / k.ladeck@…") when the line's
        e-mail address spells both and the surname opens its line or field."""
        for k, f in enumerate(out):
            if text[f.start - 2 : f.start] != ", " or f.start < 4:
                continue
            prev = _LAST_TOKEN.search(text, max(0, f.start - 42), f.start - 2)
            if prev is None or self._kind(prev.group()) not in _SURNAME_KINDS:
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
        deferred: list[re.Match[str]],
        rejected: list[re.Match[str]],
        emails: LocalParts | None,
    ) -> None:
        """Accept task-list subjects under a task header or next to a person subject."""
        subjects = {line_start(text, f.start) for f in out if list_subject(text, f.start, f.end)}
        for match in deferred:
            base, found = match.start(), None
            if list_cue(self._lex, text, line_start(text, base), subjects):
                found = self._judge(text, base, match.group(), emails, cue=True)
            if found is None or found is _DEFER:
                rejected.append(match)
                continue
            start, end, score = found
            out.append(Finding(start, end, FindingType.PERSON, self._level, self.name, score))
        out.sort(key=lambda f: f.start)
        rejected.sort(key=lambda m: m.start())

    def _corefer(self, text: str, out: list[Finding], rejected: list[re.Match[str]]) -> None:
        """Add the other occurrences of the given names and surnames of the full names found."""
        names: dict[str, bool] = {}
        for f in out:
            span = text[f.start : f.end]
            if " " not in span:
                continue  # a single word lends nothing
            lent = self._lent.get(span)
            if lent is None:
                lent = self._lent[span] = name_tokens((span,), self._kind, bare)
            for word, weak in lent.items():
                names[word] = names.get(word, True) and weak
        if not names:
            return
        org_words = self._lex.org_words
        spans = propagate(
            text, names, rejected, lambda run: any(bare(t) in org_words for t in run.split())
        )
        added = [
            Finding(start, end, FindingType.PERSON, self._level, self.name, _COREF)
            for start, end in spans
            if not any(f.start < end and start < f.end for f in out)  # "Ladeck, Kira" merged
        ]
        if added:
            out.extend(added)
            out.sort(key=lambda f: f.start)

    def _kind(self, token: str) -> str:
        kind = self._kinds.get(token)
        if kind is None:
            kind = self._kinds[token] = classify(self._lex, token)
        return kind

    def clear_cache(self) -> None:
        """Forget analysed runs (benchmarks call this to measure a cold detector)."""
        self._cache.clear()
        self._kinds.clear()
        self._lent.clear()

    def _plan(self, run: str) -> _Plan | None:
        """The context-free analysis of a run, cached: most runs repeat ("Die", "The", names)."""
        plan = self._cache.get(run, _MISSING)
        if plan is not _MISSING:
            return plan  # type: ignore[return-value]
        plan = self._analyse(run)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
            self._kinds.clear()
            self._lent.clear()
        self._cache[run] = plan
        return plan

    def _analyse(self, run: str) -> _Plan | None:
        lex = self._lex
        tokens = [(m.start(), m.group()) for m in _WORD.finditer(run)]
        if any(bare(t) in lex.org_words for _, t in tokens):
            return None
        strong = greeting = False
        i = 0
        while i < len(tokens):
            word = bare(tokens[i][1])
            if word in lex.greetings or word in lex.roles:
                greeting = True
            elif word in lex.honorifics and (
                word in ("M", "Me") or not INITIAL.match(tokens[i][1])
            ):
                strong = True
            elif (
                strong
                or INITIAL.match(tokens[i][1]) is not None
                or not (word in lex.not_names or is_common(lex, word))
            ):
                break
            i += 1
        # A run can start with ordinary words ("Personalie Detlef Jacob"): try each start.
        candidates = []
        for start in range(i, min(len(tokens), i + 3)):
            names = self._names(tokens[start:], strong)
            if names:
                candidates.append((names, [k for _, _, k in names if k != "particle"]))
            if names and names[-1][2] in TAIL_KINDS:  # "Christa Butte", else "Christa"
                names = names[:-1]
                while names and names[-1][2] == "particle":
                    names.pop()
                if names:
                    candidates.append((names, [k for _, _, k in names if k != "particle"]))
        if not candidates:
            return None
        cue_only = all(
            decide(kinds, names, strong=strong, cue=False, alone=True) is None
            for names, kinds in candidates
        )
        cue_helps = any(
            decide(kinds, names, strong=strong, cue=True, alone=False) is not None
            for names, kinds in candidates
        )
        if cue_only and not cue_helps:
            return None  # passes neither alone nor with any cue ("IBAN"): cache it as no name
        return _Plan(strong, greeting, cue_only, cue_helps, tuple(candidates))

    def _judge(
        self,
        text: str,
        base: int,
        run: str,
        emails: LocalParts | None,
        *,
        cue: bool = False,
    ) -> tuple[int, int, float] | None:
        """(start, end, score), None, or _DEFER for a task-list subject that needs context."""
        plan = self._plan(run)
        if plan is None:
            return None
        labelled = cue or plan.greeting or after_label(self._lex, text, base)
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
            or (prev == " " and after_phrase(self._lex, text, base))
            or (
                emails is not None
                and text[end : end + 2].lstrip(" ")[:1] in _FIELD_END
                and text.find("@", max(0, base - _EMAIL_REACH), end + _EMAIL_REACH) >= 0
                and (near := emails.near(base, end))
                and email_matches(text, base, end, _name_words(plan), near)
            )
        ):
            return self._accept(text, base, run, plan, True)
        if ":" in text[end : end + 3] and list_subject(text, base, end) is not None:
            return _DEFER
        return None

    def _accept(
        self, text: str, base: int, run: str, plan: _Plan, labelled: bool
    ) -> tuple[int, int, float] | None:
        lex = self._lex
        if plan.cue_only and not labelled:
            return None
        after = text[base + len(run) : base + len(run) + 24].lstrip(" \t")
        if after.startswith("&"):  # "Hartmann & Söhne KG", "Mentzel & Scheuermann GmbH"
            return None
        if after.split(" ", 1)[0].rstrip(".,;:") in lex.org_words:
            return None
        cue = labelled
        for names, kinds in plan.candidates:
            alone = fills_line(text, base + names[0][0], base + names[-1][0] + len(names[-1][1]))
            score = decide(kinds, names, strong=plan.strong, cue=cue, alone=alone)
            if score is None:
                if plan.strong:
                    return None
                continue
            first = base + names[0][0]
            last_off, last_tok, _ = names[-1]
            end = base + last_off + len(bare(last_tok))
            if INITIAL.match(last_tok):
                end = base + last_off + len(last_tok)
            return first, end, score
        return None

    def _names(self, tokens: list[tuple[int, str]], strong: bool) -> list[tuple[int, str, str]]:
        names: list[tuple[int, str, str]] = []
        for offset, tok in tokens:
            kind = self._kind(tok)
            if tok in _ARTICLE_PARTICLES and not (
                names and names[-1][1] in ("van", "von", "Van", "Von")
            ):
                break  # "Rolle des Bundesverfassungsgerichts" is a genitive, "van der Berg" a name
            if kind == "particle":
                if names or (strong and tok[:1].isupper()):  # "M. Da Costa"
                    names.append((offset, tok, kind))
                continue
            if kind in TAIL_KINDS and names and takes_tail(names):
                if names[-1][2] == "particle":  # "Linn van Soest": the particle vouches for it
                    kind = "shared"
                names.append((offset, tok, kind))  # "H. Butte", "Amélie PERRIN"
                break
            if kind in ("other", *TAIL_KINDS) and not (strong and not names and tok[:1].isupper()):
                break
            names.append((offset, tok, kind))
            if len(names) >= _MAX_NAME_TOKENS or tok.endswith((",", ";", ":")):
                break
        while names and names[-1][2] == "particle":
            names.pop()
        return names


def _name_words(plan: _Plan) -> list[str]:
    return [tok for _, tok, kind in plan.candidates[0][0] if kind != "particle"]


def person_detectors(config: Config) -> Sequence[Detector]:
    """The registry factory: the configured PERSON backend (`detection.person_backend`)."""
    backend = config.detection.person_backend
    if backend == "none":
        return ()
    if backend == "builtin":
        return (BuiltinPersonDetector(load_lexicon()),)
    from douane.detect.person_backends import model_detector

    return (model_detector(backend),)
