"""Capitalised runs, the units the PERSON detector judges: "Frau Anna-Lena van der Berg".

`RUN_PATTERN` defines them; `find_runs` is the C scanner `_runscan` built from the same
capitals and particles (a tenth of the regex's cost), or the regex itself where the extension
is not built or DOUANE_PURE_PYTHON is set. tests/detect/test_runs.py holds both to one result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from douane.detect._native import native
from douane.detect._person_kinds import UPPER

__all__ = ["PARTICLES", "RUN_PATTERN", "find_runs"]

# Lower-case particles inside a name ("van der Berg", "de la Cruz", "bin Salman").
PARTICLES: Final = (
    "van", "von", "vom", "de", "der", "den", "des", "del", "della", "di", "da", "du", "dos", "das",
    "le", "la", "zu", "ten", "ter", "af", "y", "bin", "al",
)  # fmt: skip
_PARTICLE: Final = "(?:" + "|".join(sorted(PARTICLES, key=len, reverse=True)) + ")"
# A run starts after any non-word character but a hyphen: after a space, an opening quote
# ("VALUES ('Ashleigh Broy'") or a French elision ("d'Emil Hein"); "O'Brien" stays one token.
# The test looks back from after the capital (`(?<![\w-].)`, not `(?<![\w-])` before it), so
# that the pattern opens with a character class and `re` skips ahead to capitals in C.
# Possessive repeats: nothing after a blank, particle or token could match otherwise.
_TAIL: Final = r"[\w'’]*+(?:-[\w'’]++)*+\.?"  # what follows TOKEN's capital, possessive
RUN_PATTERN: Final = re.compile(
    rf"[{UPPER}](?<![\w-].){_TAIL}(?:[ \t]++(?:{_PARTICLE}[ \t]++)*+[{UPPER}]{_TAIL})*+"
)
CAPITALS: Final = "".join(c for c in map(chr, range(0x250)) if re.fullmatch(f"[{UPPER}]", c))


def regex_runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every run, by the regex."""
    return [m.span() for m in RUN_PATTERN.finditer(text)]


def _finder() -> Callable[[str], list[tuple[int, int]]]:
    finder = native("_runscan", "RunFinder")
    if finder is None:
        return regex_runs
    find: Callable[[str], list[tuple[int, int]]] = finder(CAPITALS, PARTICLES).find
    return find


find_runs = _finder()
