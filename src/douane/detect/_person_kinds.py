"""Token kinds and decisions of the built-in PERSON detector: what a capitalised run may be.

Every token of a run gets a kind from the name lists and word frequency (`classify`); `decide`
scores a candidate name from its kinds and cues. Pure functions over the lexicon, no state.
"""

from __future__ import annotations

import re
from typing import Final

from douane.detect._names import Lexicon, frequencies, language_word, word_frequency

__all__ = [
    "CAPS_COMMON",
    "COMMON",
    "FULL",
    "GREETING",
    "INITIAL",
    "LINE_WINDOW",
    "PAIR",
    "SINGLE",
    "STRONG",
    "TAIL_KINDS",
    "TOKEN",
    "UPPER",
    "after_label",
    "bare",
    "classify",
    "decide",
    "fills_line",
    "is_common",
    "is_initial",
    "is_solid",
    "line_start",
    "takes_tail",
    "word_kind",
]

UPPER: Final = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
TOKEN: Final = rf"[{UPPER}][\w'’]*(?:-[\w'’]+)*\.?"
INITIAL: Final = re.compile(rf"^[{UPPER}]\.$")
# A capitalised word this frequent (Zipf, de/en/fr) is an ordinary word unless it is a name.
COMMON: Final = 3.4
# Line-based cues look at most this far: keeps scanning linear on huge single-line inputs.
LINE_WINDOW: Final = 200
# Frequent capitalised words that may end a name after a given name or an initial (takes_tail):
# common (a word of one language: Butte, Mühle), shared (as frequent in all three languages, as
# names are), capsw (an all-caps word that is also a word: PERRIN, NORMAND).
TAIL_KINDS: Final = frozenset({"common", "shared", "capsw"})
CAPS_COMMON: Final = 4.5
# Scores: after an honorific, after a greeting, a full name, a pair of name parts, one part.
STRONG: Final = 0.95
GREETING: Final = 0.9
FULL: Final = 0.9
PAIR: Final = 0.8
SINGLE: Final = 0.75


def takes_tail(names: list[tuple[int, str, str]]) -> bool:
    """An initial, a given name, or a particle after one makes a frequent word a surname."""
    last = names[-1][2]
    if last in ("initial", "first"):
        return True
    return last == "particle" and any(k == "first" for _, _, k in names)


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", max(0, pos - LINE_WINDOW), pos) + 1


def fills_line(text: str, start: int, end: int) -> bool:
    """The span is all there is on its line, apart from punctuation (a signature, a judge)."""
    before = text[max(0, start - 3) : start].rstrip(" \t")
    if before and before[-1].isalnum():  # mid-sentence: the usual case, decided cheaply
        return False
    line_start = text.rfind("\n", max(0, start - LINE_WINDOW), start) + 1
    line_end = text.find("\n", end, end + LINE_WINDOW)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - line_start > 2 * LINE_WINDOW or (line_start == 0 and start > LINE_WINDOW):
        return False
    return not text[line_start:start].strip(" \t-–•*>\"'(") and not text[end:line_end].strip(
        " \t.,;:!)\"'"
    )


def after_label(lex: Lexicon, text: str, base: int) -> bool:
    """True after `Name:`, `Attendees: A, B,` or `- Agathe :` on the same line."""
    if text.rfind(":", max(0, base - LINE_WINDOW), base) < 0:  # no colon before: no label
        return False
    line_start = text.rfind("\n", max(0, base - LINE_WINDOW), base) + 1
    head = text[max(line_start, base - LINE_WINDOW) : base]
    if not head.strip(" \t-•*"):
        return False
    label, colon, rest = head.partition(":")
    if not colon or len(label) > 40:
        return False
    words = label.replace("-", " ").split()
    if not words or words[-1] not in lex.labels:
        return False
    return not rest.strip() or rest.rstrip().endswith(",")


def is_solid(token: str, word: str | None = None) -> bool:
    """Three letters or more and no abbreviating dot: a given name that may stand alone.

    `word`: bare(token), when the caller has it."""
    return len(bare(token) if word is None else word) >= 3 and not token.endswith(".")


def decide(kinds: list[str], solid: bool, *, strong: bool, cue: bool, alone: bool) -> float | None:
    """Score a candidate from its token kinds, or None; `solid`: is_solid(its first token),
    `alone`: the name fills its line.

    The detector relies on two properties (tested): with a cue, `alone` does not matter; without
    one, a candidate scored anywhere gets the same score alone on its line.
    """
    if strong:
        return STRONG
    head, tail = kinds[0], kinds[-1]
    if len(kinds) == 1:
        if cue and head in ("first", "wfirst", "last", "wlast", "unknown"):
            return GREETING
        if alone and head in ("first", "last"):
            return SINGLE
        if head == "first" and solid:
            return SINGLE
        return None
    if head == "first" and tail in ("first", "wfirst", "last", "wlast", "unknown", "caps"):
        return FULL
    if head in ("wfirst", "initial") and tail in ("first", "last", "caps"):
        return FULL
    if all(k == "caps" for k in kinds):
        return None
    if tail in TAIL_KINDS:
        if head == "first" and tail in ("shared", "capsw"):
            return FULL
        return PAIR if cue and head in ("first", "initial") else None
    if all(k in ("first", "last", "caps") for k in kinds):
        return PAIR
    if "other" in kinds:
        return None
    if cue or (alone and any(k in ("first", "last", "wfirst", "wlast") for k in kinds)):
        return PAIR
    return None


def bare(token: str) -> str:
    token = token.rstrip(".,;:!?)\"'’")
    return token[:-2] if token.endswith(("'s", "’s")) else token


def is_common(lex: Lexicon, word: str) -> bool:
    return not lex.is_first(word) and not lex.is_last(word) and word_frequency(word) >= COMMON


def is_initial(token: str) -> bool:
    return len(token) <= 3 and INITIAL.match(token) is not None  # only "A." (or "A.\n") can be


def classify(lex: Lexicon, token: str) -> str:
    """first | wfirst | last | wlast | caps | initial | particle | unknown | common | other.

    `common`: a capitalised frequent word (Butte, Koch) that is no listed name; `other`: never one.
    """
    if token in lex.particles:
        return "particle"
    if is_initial(token):
        return "initial"
    return word_kind(lex, bare(token))


def word_kind(lex: Lexicon, word: str) -> str:
    """The kind of a token that is neither a particle nor an initial, from its bare form."""
    if word in lex.not_names or word in lex.org_words or word in lex.honorifics:
        return "other"
    if not word.isalpha() and any(c.isdigit() or c == "_" for c in word):  # letters: neither
        return "other"
    if word.isupper() and len(word) > 1:
        if len(word) > 2 and word.isalpha():
            frequency = word_frequency(word)
            if frequency < COMMON:
                return "caps"
            if word.title() in lex.last or word.title() in lex.first:
                return "caps"  # RODRIGUEZ, PERRIN: a listed name written in capitals
            if len(word) > 3 and frequency < CAPS_COMMON:
                return "capsw"
        return "other"
    # A name that is also a frequent word of one language (Konto, Rolle, Eine, Koch) is weak.
    # (`in` first: is_first/is_last add only hyphenated names, and capitals are handled above.)
    if word in lex.first or ("-" in word and lex.is_first(word)):
        return "wfirst" if lex.is_weak(word, lex.top_first) else "first"
    if word in lex.last or ("-" in word and lex.is_last(word)):
        return "wlast" if lex.is_weak(word, lex.top_last) else "last"
    high, low = frequencies(word)
    if high >= COMMON:
        return "common" if language_word(high, low) else "shared"
    return "unknown"
