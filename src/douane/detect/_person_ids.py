"""The identifier cue for PERSON: a capitalised run next to an identifier of natural persons.

Tax IDs, social security numbers, BSN, NIR, DNI and passports belong to people, so a run named as
their holder is a person even when its names are in no list ("tax ID of Friedemann Roskoth",
"Eckart Noack – Steuer-ID 13489255762"). Bounded windows on the run's line keep it linear.
"""

from __future__ import annotations

import re

from douane.detect._names import Lexicon

__all__ = ["PersonIdCue"]

_REACH = 48  # characters looked at before and after the run, on its line


class PersonIdCue:
    """`near(text, start, end)`: an identifier of natural persons names the run as its holder."""

    def __init__(self, lexicon: Lexicon) -> None:
        ids = "|".join(map(re.escape, sorted(lexicon.person_ids, key=len, reverse=True)))
        links = "|".join(map(re.escape, lexicon.person_id_links))
        # before: the identifier, then at most a link word and a colon ("tax ID of", "Steuer-ID :")
        self._before = re.compile(rf"\b(?:{ids})[ \t]*(?:(?:{links})[ \t]*)?:?[ \t]*$")
        # after: right after the name, or after a dash, comma or colon and a place in brackets
        # ("– Steuer-ID", ", BSN", " (Utrecht): BSN"); not "… hat die BSN", which names no holder
        self._after = re.compile(
            rf"[ \t]*(?:[,:–—-][ \t]*)?(?:\([^()\n]{{1,30}}\)[ \t]*:?[ \t]*)?(?:{ids})\b"
        )
        self._enabled = bool(ids)

    def near(self, text: str, start: int, end: int) -> bool:
        """Only for runs of two tokens or more: one word before an identifier is as often a
        verb or a noun ("Prüfe bitte, ob diese Steuer-ID …")."""
        if not self._enabled or " " not in text[start:end]:
            return False
        head = text[max(0, start - _REACH) : start]
        if self._before.search(head[head.rfind("\n") + 1 :]):
            return True
        return self._after.match(text, end, end + _REACH) is not None
