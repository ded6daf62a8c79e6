"""The PERSON detector: capitalised runs scored with name lists, titles, greetings, word frequency.

Built for precision on hard negatives: company names (an org word or `&` rejects the run),
capitalised German nouns (a lone surname needs a title or greeting), product names (a run needs a
known given
name, a title, or two known name parts). Other backends (spaCy, GLiNER) plug in by config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from douane.config import Config
from douane.detect._names import Lexicon, is_language_word, load_lexicon, word_frequency
from douane.detect.base import Detector
from douane.types import Finding, FindingType, Level

__all__ = ["BuiltinPersonDetector", "person_detectors"]

_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
_TOKEN = rf"[{_UPPER}][\w'’]*(?:-[\w'’]+)*\.?"
_PARTICLE = (
    r"(?:van|von|de|der|den|del|della|di|da|du|des|le|la|zu|ten|ter|af|y|bin|al|dos|das|vom)"
)
_RUN = re.compile(rf"(?<![\w'’-]){_TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_TOKEN})*")
_WORD = re.compile(r"\S+")
_INITIAL = re.compile(rf"^[{_UPPER}]\.$")
# A capitalised word this frequent (Zipf, de/en/fr) is an ordinary word unless it is a name.
_COMMON = 3.4
_MAX_NAME_TOKENS = 5

_STRONG, _GREETING, _FULL, _PAIR, _SINGLE = 0.95, 0.9, 0.9, 0.8, 0.75


class BuiltinPersonDetector:
    """Dictionary-and-cue PERSON detector; needs no model download."""

    name = "person"

    def __init__(self, lexicon: Lexicon, level: Level = Level.CONFIDENTIAL) -> None:
        self._lex = lexicon
        self._level = level

    def scan(self, text: str) -> Iterable[Finding]:
        """PERSON findings; titles and salutations are outside the span."""
        out: list[Finding] = []
        for run in _RUN.finditer(text):
            found = self._judge(text, run.start(), run.group())
            if found is not None:
                start, end, score = found
                out.append(Finding(start, end, FindingType.PERSON, self._level, self.name, score))
        return out

    def _judge(self, text: str, base: int, run: str) -> tuple[int, int, float] | None:
        lex = self._lex
        after = text[base + len(run) : base + len(run) + 12].lstrip(" \t")
        if after.startswith("&"):  # "Hartmann & Söhne KG", "Mentzel & Scheuermann GmbH"
            return None
        tokens = [(m.start(), m.group()) for m in _WORD.finditer(run)]
        if any(_bare(t) in lex.org_words for _, t in tokens):
            return None
        if after.split(" ", 1)[0].rstrip(".,;:") in lex.org_words:
            return None
        labelled = _after_label(lex, text, base)
        strong = greeting = False
        i = 0
        while i < len(tokens):
            word = _bare(tokens[i][1])
            if word in lex.greetings:
                greeting = True
            elif word in lex.honorifics and (
                word in ("M", "Me") or not _INITIAL.match(tokens[i][1])
            ):
                strong = True
            elif (
                strong
                or _INITIAL.match(tokens[i][1]) is not None
                or not (word in lex.not_names or _is_common(lex, word))
            ):
                break
            i += 1
        cue = greeting or labelled
        # A run can start with ordinary words ("Personalie Detlef Jacob"): try each start.
        for start in range(i, min(len(tokens), i + 3)):
            names = self._names(tokens[start:], strong)
            if not names:
                continue
            kinds = [k for _, _, k in names if k != "particle"]
            score = _decide(kinds, names, strong=strong, cue=cue)
            if score is None:
                if strong:
                    return None
                continue
            first = base + names[0][0]
            last_off, last_tok, _ = names[-1]
            end = base + last_off + len(_bare(last_tok))
            if _INITIAL.match(last_tok):
                end = base + last_off + len(last_tok)
            return first, end, score
        return None

    def _names(self, tokens: list[tuple[int, str]], strong: bool) -> list[tuple[int, str, str]]:
        names: list[tuple[int, str, str]] = []
        for offset, tok in tokens:
            kind = _classify(self._lex, tok)
            if kind == "particle":
                if names:
                    names.append((offset, tok, kind))
                continue
            if kind == "other" and not (strong and not names and tok[:1].isupper()):
                break
            names.append((offset, tok, kind))
            if len(names) >= _MAX_NAME_TOKENS or tok.endswith((",", ";", ":")):
                break
        while names and names[-1][2] == "particle":
            names.pop()
        return names


def _after_label(lex: Lexicon, text: str, base: int) -> bool:
    """True after `Name:`, `Attendees: A, B,` or `- Agathe :` on the same line."""
    line_start = text.rfind("\n", 0, base) + 1
    head = text[line_start:base]
    if not head.strip(" \t-•*"):
        return False
    label, colon, rest = head.partition(":")
    if not colon or len(label) > 40:
        return False
    words = label.replace("-", " ").split()
    if not words or words[-1] not in lex.labels:
        return False
    return not rest.strip() or rest.rstrip().endswith(",")


def _decide(
    kinds: list[str], names: list[tuple[int, str, str]], *, strong: bool, cue: bool
) -> float | None:
    if strong:
        return _STRONG
    if len(kinds) == 1:
        word = _bare(names[0][1])
        if cue and kinds[0] in ("first", "last", "unknown"):
            return _GREETING
        if kinds[0] == "first" and not is_language_word(word):
            return _SINGLE
        return None
    if kinds[0] in ("first", "initial") and kinds[-1] in ("first", "last", "unknown", "caps"):
        return _FULL
    known = sum(k in ("first", "last", "caps") for k in kinds)
    if all(k == "caps" for k in kinds):
        return None
    if known == len(kinds) or (cue and "other" not in kinds):
        return _PAIR
    return None


def _bare(token: str) -> str:
    token = token.rstrip(".,;:!?)")
    return token[:-2] if token.endswith(("'s", "’s")) else token


def _is_common(lex: Lexicon, word: str) -> bool:
    return not lex.is_first(word) and not lex.is_last(word) and word_frequency(word) >= _COMMON


def _classify(lex: Lexicon, token: str) -> str:
    """first | last | caps | initial | particle | unknown | other."""
    if token in lex.particles:
        return "particle"
    if _INITIAL.match(token):
        return "initial"
    word = _bare(token)
    if word in lex.not_names or word in lex.org_words or word in lex.honorifics:
        return "other"
    if any(c.isdigit() or c == "_" for c in word):
        return "other"
    if word.isupper() and len(word) > 1:
        return (
            "caps"
            if len(word) > 2 and word.isalpha() and word_frequency(word) < _COMMON
            else "other"
        )
    if lex.is_first(word):
        return "first"
    if lex.is_last(word):
        return "last"
    if word_frequency(word) >= _COMMON:
        return "other"
    return "unknown"


def person_detectors(config: Config) -> Sequence[Detector]:
    """The registry factory: the configured PERSON backend (`detection.person_backend`)."""
    backend = config.detection.person_backend
    if backend == "none":
        return ()
    if backend == "builtin":
        return (BuiltinPersonDetector(load_lexicon()),)
    from douane.detect.person_backends import model_detector

    return (model_detector(backend),)
