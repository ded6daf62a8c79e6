"""What a capitalised run offers PERSON regardless of its surroundings: cues and candidate names.

A run's plan depends only on its text, so it is worked out once per distinct run and cached (most
runs repeat: "Die", "The", names); a token's facts (kind, bare form, company word, role at the
head of a run) once per distinct token. Most runs are settled here for good: a company word, or
no token that can begin a name, rejects them before any look at their context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, final

from douane.detect._names import FUNCTION_WORD, SPREAD, WORD_MIN, Lexicon, uncached_frequencies
from douane.detect._native import native
from douane.detect._person_kinds import (
    CAPS_COMMON,
    COMMON,
    TAIL_KINDS,
    bare,
    decide,
    is_common,
    is_initial,
    is_solid,
    takes_tail,
    word_kind,
)
from douane.detect._runs import CAPITALS
from douane.detect._wordfreq import native_zipfs

__all__ = [
    "KINDS",
    "Candidate",
    "FactFinderArgs",
    "Plan",
    "Planner",
    "TokenFacts",
    "fact_finder_args",
]

_MAX_NAME_TOKENS: Final = 5
_ARTICLE_PARTICLES: Final = frozenset({"der", "den", "des", "dem"})
_VAN_VON: Final = ("van", "von", "Van", "Von")
_CACHE_SIZE: Final = 50_000
# A token's role at the head of a run: the prefix of greetings, titles and ordinary words that
# precedes a name ("Sehr geehrte Frau", "Personalie") is skipped; any other token ends it.
NAME: Final = 0
GREETING: Final = 1
HONORIFIC: Final = 2
SKIP: Final = 3
# is_common() by kind, where classify() has already consulted the same lists for the same word.
_COMMON_BY_KIND: Final = {
    "first": False,
    "wfirst": False,
    "last": False,
    "wlast": False,
    "unknown": False,
    "common": True,
    "shared": True,
}
_MISSING: Final = object()
# Every kind, in the order the C fact finder (`_facts`) takes their names.
KINDS: Final = (
    "particle", "initial", "other", "caps", "capsw", "first", "wfirst", "last", "wlast",
    "common", "shared", "unknown",
)  # fmt: skip
_FactFinder = native("_facts", "FactFinder")
# The kinds _names takes as the first token of a name (particles, `other` and tail kinds not).
_LONE_NAME_KINDS: Final = frozenset(
    {"first", "wfirst", "last", "wlast", "caps", "initial", "unknown"}
)


# What one token is, independent of its neighbours: (kind, bare form, company word, role at the
# head of a run). A plain tuple: one is made for every distinct token.
TokenFacts = tuple[str, str, bool, int]
# What a run may read as before scoring: (its tokens up to a company word, their facts, after an
# honorific, after a greeting, each reading's (token index, token, kind) triples).
Readings = tuple[list[str], list[TokenFacts], bool, bool, list[list[tuple[int, str, str]]]]
FactFinderArgs = tuple[
    tuple[frozenset[str], ...],
    tuple[str, ...],
    str,
    Callable[[str], tuple[float, float]],
    tuple[float, ...],
    Callable[[str], tuple[float, ...] | None] | None,
]


@final
class Candidate:
    """One reading of a run as a name: offsets in the run and the scores `decide` gives it.

    A plain class, not a named tuple: compiled, building one and reading a field are struct
    operations (a named tuple costs a `tuple.__new__` call and a descriptor per field).
    """

    __slots__ = ("alone", "anywhere", "end", "start", "stop", "with_cue")

    def __init__(
        self,
        start: int,  # the first name token
        stop: int,  # after the last name token as written (where the line test looks)
        end: int,  # after its bare form ("Noor." ends before the dot; an initial keeps it)
        with_cue: float | None,  # the score after a cue; `alone` does not matter then
        alone: float | None,  # the score without a cue when the name fills its line
        anywhere: bool,  # `alone` holds without a cue wherever the name stands
    ) -> None:
        self.start, self.stop, self.end = start, stop, end
        self.with_cue, self.alone, self.anywhere = with_cue, alone, anywhere

    def placed(self, start: int, stop: int, end: int) -> Candidate:
        """These scores at other offsets."""
        return Candidate(start, stop, end, self.with_cue, self.alone, self.anywhere)

    def fields(self) -> tuple[int, int, int, float | None, float | None, bool]:
        return self.start, self.stop, self.end, self.with_cue, self.alone, self.anywhere

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and self.fields() == other.fields()

    def __repr__(self) -> str:
        return f"Candidate{self.fields()}"


@final
class Plan:
    """A run that may hold a name: its cues and candidate readings, longest start first."""

    __slots__ = ("candidates", "cue_helps", "cue_only", "greeting", "strong", "words")

    def __init__(
        self,
        strong: bool,  # after an honorific ("Frau", "M.")
        greeting: bool,  # after a greeting or role word ("Hallo", "Dear")
        cue_only: bool,  # no candidate passes without a greeting or label cue
        cue_helps: bool,  # some candidate passes with a cue: worth looking for layout cues
        candidates: tuple[Candidate, ...],
        words: tuple[str, ...],  # the first candidate's name tokens, particles left out
    ) -> None:
        self.strong, self.greeting = strong, greeting
        self.cue_only, self.cue_helps = cue_only, cue_helps
        self.candidates, self.words = candidates, words

    def fields(self) -> tuple[bool, bool, bool, bool, tuple[Candidate, ...], tuple[str, ...]]:
        return (
            self.strong,
            self.greeting,
            self.cue_only,
            self.cue_helps,
            self.candidates,
            self.words,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self.fields() == other.fields()

    def __repr__(self) -> str:
        return f"Plan{self.fields()}"


class Planner:
    """Plans of runs and facts of tokens for one lexicon, cached; `clear` forgets both.

    Plain dict operations are atomic, so threads may share one planner.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self._lex = lexicon
        self.plans: dict[str, Plan | None] = {}  # run text → plan, None for "no name"
        self._facts: dict[str, TokenFacts] = {}
        self._scores: dict[tuple[tuple[str, ...], bool, bool], Candidate] = {}
        self._greeting_words = lexicon.greetings | lexicon.roles
        finder = _fact_finder(lexicon, self._greeting_words)
        self._native_facts: Callable[[str], TokenFacts] | None = (
            None if finder is None else finder.facts
        )
        self._native_readings: Callable[[list[str], dict[str, TokenFacts]], Readings | None] | None
        self._native_readings = None if finder is None else finder.readings

    def clear(self) -> None:
        self.plans.clear()
        self._facts.clear()
        self._scores.clear()

    def plan(self, run: str) -> Plan | None:
        """The run's plan, or None when it holds no name whatever its context."""
        plan = self.plans.get(run, _MISSING)
        if plan is not _MISSING:
            return plan  # type: ignore[return-value]
        return self.new_plan(run)

    def new_plan(self, run: str) -> Plan | None:
        """plan() for a run not in `plans` (the detector looks there first); a run's tokens
        are separated by blanks only (the detector's run pattern)."""
        plan = self._analyse_word(run) if " " not in run and "\t" not in run else self._analyse(run)
        if len(self.plans) >= _CACHE_SIZE:
            self.clear()
        self.plans[run] = plan
        return plan

    def kind(self, token: str) -> str:
        return self.facts(token)[0]

    def facts(self, token: str) -> TokenFacts:
        return self._facts.get(token) or self._new_facts(token)

    def _new_facts(self, token: str) -> TokenFacts:
        native_facts = self._native_facts
        facts = native_facts(token) if native_facts is not None else self.python_facts(token)
        self._facts[token] = facts
        return facts

    def python_facts(self, token: str) -> TokenFacts:
        """A token's facts, not cached: the definition (`_facts` is the same in C)."""
        lex = self._lex
        word = bare(token)
        initial = len(token) <= 3 and is_initial(token)
        if token in lex.particles:
            kind = "particle"
        elif initial:
            kind = "initial"
        else:
            kind = word_kind(lex, word)
        if word in self._greeting_words:
            role = GREETING
        elif word in lex.honorifics and (word in ("M", "Me") or not initial):
            role = HONORIFIC
        elif not initial and (
            word in lex.not_names
            or (is_common(lex, word) if (common := _COMMON_BY_KIND.get(kind)) is None else common)
        ):
            role = SKIP
        else:
            role = NAME
        return (kind, word, word in lex.org_words, role)

    def _analyse(self, run: str) -> Plan | None:
        tokens = run.split()
        if len(tokens) == 1:
            return self._analyse_word(run)
        return self._analyse_tokens(run, tokens)

    def _analyse_tokens(self, run: str, tokens: list[str]) -> Plan | None:
        """The plan of any run (the general case, for runs of two tokens or more)."""
        native = self._native_readings
        found = native(tokens, self._facts) if native is not None else self.python_readings(tokens)
        if found is None:
            return None
        tokens, facts, strong, greeting, readings = found
        return _plan(run, tokens, facts, readings, strong, greeting, self._scores)

    def python_readings(self, tokens: list[str]) -> Readings | None:
        """The run's name readings, not scored: (its tokens up to a company, their facts,
        strong, greeting, readings), None for no name. The definition; `_facts` is the same in
        C, both keeping the tokens' facts in `self._facts`."""
        facts_of = self._facts.get
        facts: list[TokenFacts] = []
        for index, token in enumerate(tokens):
            token_facts = facts_of(token) or self._new_facts(token)
            if token_facts[2]:  # a company word: the run is no name, unless a particle before
                # it opens the company's name ("Robin Schacht von Brennwald Logistik GmbH")
                cut = _company_start(tokens, facts, index)
                return self.python_readings(tokens[:cut]) if cut > 0 else None
            facts.append(token_facts)
        strong = greeting = False
        count = len(tokens)
        i = 0
        while i < count:
            role = facts[i][3]
            if role == GREETING:
                greeting = True
            elif role == HONORIFIC:
                strong = True
            elif strong or role == NAME:
                break
            i += 1
        # A run can start with ordinary words ("Personalie Detlef Jacob"): try each start.
        readings: list[list[tuple[int, str, str]]] = []
        for start in range(i, min(count, i + 3)):
            names = _names(tokens, facts, start, strong)
            if not names:
                continue
            readings.append(names)
            if names[-1][2] in TAIL_KINDS:  # "Christa Butte", else "Christa"
                names = names[:-1]
                while names and names[-1][2] == "particle":
                    names.pop()
                if names:
                    readings.append(names)
        return (tokens, facts, strong, greeting, readings) if readings else None

    def _analyse_word(self, token: str) -> Plan | None:
        """The plan of a one-token run: _analyse without its loops."""
        kind, word, org, role = self._facts.get(token) or self._new_facts(token)
        # Any other role makes the token a prefix with nothing after it; _names reads a lone
        # token as a name unless it is a particle, `other` or a tail kind.
        if org or role != NAME or kind not in _LONE_NAME_KINDS:
            return None
        scores = _LONE_SCORES[kind, is_solid(token, word)]
        if scores is None:
            return None
        cue_only, cue_helps, scored = scores
        # An initial has no lone plan, so the name ends with the bare word.
        candidate = scored.placed(0, len(token), len(word))
        return Plan(False, False, cue_only, cue_helps, (candidate,), (token,))


def fact_finder_args(lex: Lexicon, greetings: frozenset[str]) -> FactFinderArgs:
    """The arguments of `_facts.FactFinder` for `lex`: its sets, the kinds' names, the capitals
    of an initial, the frequencies function, the thresholds of `word_kind` and `_names`, and
    the C word-frequency look-up where built (asked first, C to C)."""
    sets = (
        lex.first, lex.last, lex.top_first, lex.top_last, lex.honorifics, lex.org_words,
        lex.particles, lex.not_names, greetings,
    )  # fmt: skip
    thresholds = (COMMON, CAPS_COMMON, WORD_MIN, SPREAD, FUNCTION_WORD)
    return sets, KINDS, CAPITALS, uncached_frequencies, thresholds, native_zipfs()


def _fact_finder(lex: Lexicon, greetings: frozenset[str]) -> Any:
    """`_facts.FactFinder(...)` for `lex` (its `facts` and `readings`), or None where the
    extension is not built."""
    if _FactFinder is None:
        return None
    return _FactFinder(*fact_finder_args(lex, greetings))


def _plan(
    run: str,
    tokens: list[str],
    facts: list[TokenFacts],
    readings: list[list[tuple[int, str, str]]],
    strong: bool,
    greeting: bool,
    memo: dict[tuple[tuple[str, ...], bool, bool], Candidate],
) -> Plan | None:
    """Score the readings of a run (token index, token, kind triples) into its plan; `memo`
    keeps _scores() by its arguments (runs of other names share kinds: first last, first)."""
    scored = []
    cue_only, cue_helps = True, False
    for names in readings:
        kinds = tuple([kind for _, _, kind in names if kind != "particle"])
        first, token, _ = names[0]
        key = (kinds, is_solid(token, facts[first][1]), strong)
        candidate = memo.get(key)
        if candidate is None:
            candidate = memo[key] = _scores(list(kinds), key[1], strong)
        cue_only = cue_only and candidate.alone is None
        cue_helps = cue_helps or candidate.with_cue is not None
        scored.append((names, candidate))
    if cue_only and not cue_helps:
        return None  # passes neither alone nor with any cue ("IBAN"): no name
    offsets = _offsets(run, tokens)
    candidates = []
    for names, candidate in scored:
        index, last, _ = names[-1]
        stop = offsets[index] + len(last)
        end = stop if is_initial(last) else offsets[index] + len(facts[index][1])
        candidates.append(candidate.placed(offsets[names[0][0]], stop, end))
    words = tuple([tok for _, tok, kind in readings[0] if kind != "particle"])
    return Plan(strong, greeting, cue_only, cue_helps, tuple(candidates), words)


def _scores(kinds: list[str], solid: bool, strong: bool) -> Candidate:
    """A candidate with decide()'s scores for its kinds, offsets still 0."""
    alone = decide(kinds, solid, strong=strong, cue=False, alone=True)
    with_cue = decide(kinds, solid, strong=strong, cue=True, alone=False)
    # Without a cue, decide() never scores a name that it refuses on its own line.
    anywhere = alone is not None and (
        decide(kinds, solid, strong=strong, cue=False, alone=False) is not None
    )
    return Candidate(0, 0, 0, with_cue, alone, anywhere)


def _lone_scores(kind: str, solid: bool) -> tuple[bool, bool, Candidate] | None:
    """(cue_only, cue_helps, candidate) as _plan scores a lone token of this kind, or None for
    no name; decide() sees nothing of the token but its kind and solidity."""
    candidate = _scores([kind], solid, strong=False)
    cue_only, cue_helps = candidate.alone is None, candidate.with_cue is not None
    return None if cue_only and not cue_helps else (cue_only, cue_helps, candidate)


_LONE_SCORES: Final = {
    (kind, solid): _lone_scores(kind, solid) for kind in _LONE_NAME_KINDS for solid in (False, True)
}


def _names(
    tokens: list[str], facts: list[TokenFacts], start: int, strong: bool
) -> list[tuple[int, str, str]]:
    """The name read from `start` on: (token index, token, kind) triples."""
    names: list[tuple[int, str, str]] = []
    for index in range(start, len(tokens)):
        tok = tokens[index]
        kind = facts[index][0]
        if tok in _ARTICLE_PARTICLES and not (names and names[-1][1] in _VAN_VON):
            break  # "Rolle des Bundesverfassungsgerichts" is a genitive, "van der Berg" a name
        if kind == "particle":
            if names or (strong and tok[:1].isupper()):  # "M. Da Costa"
                names.append((index, tok, kind))
            continue
        if kind in TAIL_KINDS and names and takes_tail(names):
            if names[-1][2] == "particle":  # "Linn van Soest": the particle vouches for it
                kind = "shared"
            names.append((index, tok, kind))  # "H. Butte", "Amélie PERRIN"
            break
        if (kind == "other" or kind in TAIL_KINDS) and not (
            strong and not names and tok[:1].isupper()
        ):
            break
        names.append((index, tok, kind))
        if len(names) >= _MAX_NAME_TOKENS or tok.endswith((",", ";", ":")):
            break
    while names and names[-1][2] == "particle":
        names.pop()
    return names


def _company_start(tokens: list[str], facts: list[TokenFacts], org: int) -> int:
    """Where the company whose word is tokens[org] starts: at the last particle before it, after
    a name token ("… Sanchez de Maison Verdier SAS"); 0 when none (the whole run is the company).
    """
    for index in range(org - 1, 0, -1):
        if facts[index][0] == "particle" and facts[index - 1][0] != "particle":
            return index
    return 0


def _offsets(run: str, tokens: list[str]) -> list[int]:
    """Each token's offset in the run (tokens are separated by blanks only)."""
    offsets = []
    pos = 0
    for token in tokens:
        pos = run.find(token, pos)
        offsets.append(pos)
        pos += len(token)
    return offsets
