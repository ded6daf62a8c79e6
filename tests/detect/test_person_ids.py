"""The holder cue for PERSON: its C pre-test changes no verdict of its regexes."""

from __future__ import annotations

import random

from douane.detect._names import load_lexicon
from douane.detect._person_ids import _REACH, PersonIdCue

CUE = PersonIdCue(load_lexicon())


def _regex_only(text: str, start: int, end: int) -> bool:
    """near() as its regexes alone decide it."""
    if text.find(" ", start, end) < 0:
        return False
    head = text[max(0, start - _REACH) : start]
    if CUE._before.search(head[head.rfind("\n") + 1 :]):
        return True
    return CUE._after.match(text, end, end + _REACH) is not None


def test_near_decides_as_its_regexes_alone() -> None:
    lex = load_lexicon()
    assert all(lex.person_ids) and all(lex.person_id_links)  # the last-character pre-test's premise
    pieces = [
        *lex.person_ids, *lex.person_id_links, *lex.person_id_leads, *lex.person_traits,
        " ", " ", "\t", "\n", ":", ",", "–", "—", "-", "x", "Code", "Anna Roth", "Bo Li",
        "from", "aus", "(Utrecht)", "London", "Köln",
    ]  # fmt: skip
    rng = random.Random(9)
    verdicts = {True: 0, False: 0}
    for _ in range(8000):
        before = "".join(rng.choices(pieces, k=rng.randrange(0, 6)))
        after = "".join(rng.choices(pieces, k=rng.randrange(0, 6)))
        name = rng.choice(["Anna Roth", "Bo Li", "Eckart Noack", "Li"])
        text = before + name + after
        start, end = len(before), len(before) + len(name)
        verdict = CUE.near(text, start, end)
        assert verdict == _regex_only(text, start, end), text
        verdicts[verdict] += 1
    assert min(verdicts.values()) > 500  # both verdicts are well exercised


def test_examples() -> None:
    text = "Bitte die Steuer-ID von: Eckart Noack prüfen"
    start = text.index("Eckart")
    assert CUE.near(text, start, start + len("Eckart Noack"))
    text = "Code Eckart Noack prüfen"
    assert not CUE.near(text, 5, 5 + len("Eckart Noack"))
