"""The holder cue for PERSON: a capitalised run named as the holder of what only people have.

Tax IDs, social security numbers, BSN, NIR, DNI and passports belong to people, and only people
reside somewhere or are born: a run named as their holder is a person even when its names are in
no list ("tax ID of Friedemann Roskoth", "Eckart Noack – Steuer-ID 13489255762", "Grégoire
Boulanger, domicilié(e) à Genève"). Bounded windows on the run's line keep it linear.
"""

from __future__ import annotations

import re
from typing import Final

from douane.detect._names import Lexicon

__all__ = ["PersonIdCue"]

_REACH: Final = 48  # characters looked at before and after the run, on its line
_AFTER_MARKS: Final = (",", ":", "–", "—", "-", "(")  # what may follow a name before its identifier
_PLACE_WORDS: Final = ("of", "from", "aus", "de")  # "of London, BSN", "aus Köln: Steuer-ID"


def _alternatives(words: tuple[str, ...]) -> str:
    """The words as a regex alternation, longest first; `(?!)` (matches nothing) for none."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)"


class PersonIdCue:
    """`near(text, start, end)`: the run is named as the holder of an identifier of people, or
    a trait of people follows it."""

    def __init__(self, lexicon: Lexicon) -> None:
        # What a line that `_before` matches ends with, once its blanks and colon are stripped:
        # one test in C rules out most lines before the regex runs.
        self._before_ends = lexicon.person_ids + lexicon.person_id_links
        self._before_last = frozenset(end[-1] for end in self._before_ends if end)
        ids, links = _alternatives(lexicon.person_ids), _alternatives(lexicon.person_id_links)
        leads, traits = _alternatives(lexicon.person_id_leads), _alternatives(lexicon.person_traits)
        # before: the identifier, then at most a link word and a colon ("tax ID of", "Steuer-ID :")
        self._before = re.compile(rf"\b(?:{ids})[ \t]*(?:(?:{links})[ \t]*)?:?[ \t]*$")
        # after: the identifier right after the name, or after a dash, comma or colon, a place
        # ("(Utrecht): BSN", "of London, BSN") or a lead ("holder of DNI"); not "… hat die BSN",
        # which names no holder. Or, after a comma, a trait ("who", "wohnhaft", "domicilié(e)").
        places = _alternatives(_PLACE_WORDS)
        place = rf"(?:\([^()\n]{{1,30}}\)|(?:{places})[ \t]+[A-Z][\w'’-]+)[ \t]*[,:]?[ \t]*"
        self._after = re.compile(
            rf"[ \t]*(?:[,:–—-][ \t]*)?(?:{place})?(?:(?:{leads})[ \t]+)?(?:{ids})\b"
            rf"|[ \t]*,[ \t]*(?:{traits})(?![\w(])"
        )
        # What `_after` can meet first past the blanks: one test rules out most runs.
        heads = (*_AFTER_MARKS, *_PLACE_WORDS, *lexicon.person_id_leads, *lexicon.person_ids)
        self._after_starts = frozenset(head[0] for head in heads)

    def near(self, text: str, start: int, end: int) -> bool:
        """Only for runs of two tokens or more: one word before an identifier is as often a
        verb or a noun ("Prüfe bitte, ob diese Steuer-ID …")."""
        if text.find(" ", start, end) < 0:
            return False
        head = text[max(0, start - _REACH) : start]
        bare = head.rstrip(" \t:")  # its last character first: most runs end no identifier
        if (
            bare[-1:] in self._before_last
            and bare.endswith(self._before_ends)
            and self._before.search(head[head.rfind("\n") + 1 :])
        ):
            return True
        limit = min(len(text), end + _REACH)
        pos = end
        while pos < limit and text[pos] in " \t":
            pos += 1
        if pos == limit or text[pos] not in self._after_starts:
            return False
        return self._after.match(text, end, limit) is not None
