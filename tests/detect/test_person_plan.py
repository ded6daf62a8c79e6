"""Tests for PERSON run plans: the shortcuts give what the general analysis gives."""

from __future__ import annotations

import os
import random

import pytest
from tests.corpora import corpus_texts

from douane.detect._facts import FactFinder
from douane.detect._names import DATA_DIR, frequencies, load_lexicon
from douane.detect._person_kinds import classify
from douane.detect._person_plan import KINDS, Planner, fact_finder_args
from douane.detect._runs import CAPITALS, find_runs
from douane.detect._wordfreq import zipf_args
from douane.detect._zipf import Zipf

_TOKENS = [
    *("Anna", "Anna,", "Anna's", "Noor.", "Al", "Hans-Uwe", "Maria-Luise", "Konto", "Koch"),
    *("Schmidt", "Schmidt;", "Urlaub", "Butte", "RODRIGUEZ", "PERRIN", "IBAN", "GmbH", "H."),
    *("M.", "Me", "Frau", "Dear", "Hallo", "Die", "The", "Van", "van", "Da", "Wärmetauscher"),
    *("Zzyzxqk", "Q3", "A_B", "Ö.", "Ö", "É", "Teilnehmer", "Attendees:", "O'Brien", "D’Amato"),
]


@pytest.mark.parametrize("token", _TOKENS)
def test_token_kind_is_classify(token: str) -> None:
    assert Planner(load_lexicon()).kind(token) == classify(load_lexicon(), token)


@pytest.mark.parametrize("token", _TOKENS)
def test_lone_token_plan_is_the_general_plan(token: str) -> None:
    planner = Planner(load_lexicon())
    assert planner._analyse_word(token) == planner._analyse_tokens(token, [token])


def test_plans_are_cached_and_cleared() -> None:
    planner = Planner(load_lexicon())
    plan = planner.plan("Anna Schmidt")
    assert plan is not None and plan.candidates[0].end == len("Anna Schmidt")
    assert planner.plan("Anna Schmidt") is plan and "Anna Schmidt" in planner.plans
    planner.clear()
    assert not planner.plans


def _fact_tokens() -> list[str]:
    """The corpora's words, the name lists (as written, in capitals, with a dot, possessive),
    random hyphenations, every cue word, and edge cases."""
    lex = load_lexicon()
    tokens = {w for text in corpus_texts() for w in text.split()}
    for name in ("first_names.txt", "last_names.txt"):
        words = (DATA_DIR / name).read_text(encoding="utf-8").split()
        tokens.update(words)
        tokens.update(w.upper() for w in words[::5])
        tokens.update(w + "." for w in words[::7])
        tokens.update(w + "’s" for w in words[::11])
    rng = random.Random(37)
    words = sorted(tokens)
    tokens.update(f"{rng.choice(words)}-{rng.choice(words)}" for _ in range(20_000))
    for cue in lex.honorifics | lex.greetings | lex.roles | lex.org_words | lex.not_names:
        tokens.update((cue, cue + ".", cue.upper()))
    tokens.update(lex.particles)
    tokens.update(["A.", "A.\n", "Ö.", "M", "Me", "", "-", "Anna--B", "Anna-", "-Anna", "Y2K"])
    tokens.update(["Anna" * 16, "ANNA" * 17, "Zürich" * 12])  # past the C path's ASCII buffer
    return sorted(tokens)


def test_the_c_fact_finder_gives_the_python_facts() -> None:
    lex = load_lexicon()
    planner = Planner(lex)
    finder = FactFinder(*fact_finder_args(lex, lex.greetings | lex.roles)).facts
    tokens = _fact_tokens()
    assert len(tokens) > 150_000
    for token in tokens:
        assert finder(token) == planner.python_facts(token), token


def test_a_zipf_asked_from_c_gives_what_its_zipfs_method_gives() -> None:
    """The finder asks a `_zipf.Zipf` from C (lowering ASCII words itself); any other callable
    is called with `word.lower()`: the same facts either way."""
    lex = load_lexicon()
    args = fact_finder_args(lex, lex.greetings | lex.roles)
    zipfs = Zipf(*zipf_args()).zipfs  # what fact_finder_args passes where built
    direct = FactFinder(*args[:5], zipfs).facts
    called = FactFinder(*args[:5], lambda word: zipfs(word)).facts
    for token in _fact_tokens()[::3]:
        assert direct(token) == called(token), token


def test_the_c_fact_finder_asks_frequencies_for_what_zipfs_leaves() -> None:
    """Without zipfs, or where it answers None, the frequencies function decides alone."""
    lex = load_lexicon()
    planner = Planner(lex)
    args = fact_finder_args(lex, lex.greetings | lex.roles)
    asked: list[str] = []

    def counted(word: str) -> tuple[float, float]:
        asked.append(word)
        return frequencies(word)

    without = FactFinder(*args[:3], counted, args[4]).facts
    leaving = FactFinder(*args[:3], counted, args[4], lambda word: None).facts
    for token in _fact_tokens()[::50]:
        assert without(token) == leaving(token) == planner.python_facts(token), token
    asked.clear()
    assert without("Konto") == leaving("Konto") == planner.python_facts("Konto")
    assert asked == ["Konto", "Konto"]  # the fallback answered, once per finder


def _runs() -> list[list[str]]:
    """The corpora's runs as token lists, and random runs of cue words, particles, articles,
    initials, names, company words and ordinary words (every path of the readings)."""
    lex = load_lexicon()
    runs = {tuple(text[a:b].split()) for text in corpus_texts() for a, b in find_runs(text)}
    pool = [
        *sorted(lex.honorifics | lex.greetings | lex.roles)[:40],
        *sorted(lex.particles),
        *("der", "den", "des", "dem", "van", "von", "Van", "Von", "Da", "de", "DE"),
        *("A.", "H.", "M.", "Ö.", "Anna", "Anna,", "Christa", "Butte", "Koch", "Schmidt;"),
        *("PERRIN", "RODRIGUEZ", "Urlaub", "Konto", "IBAN", "Die", "Zzyzxqk", "Q3", "Noor."),
        *("GmbH", "SARL", "Logistik", "AG", "Inc.", "Personalie", "Detlef", "Jacob", "Teilnehmer"),
    ]
    rng = random.Random(41)
    runs.update(tuple(rng.choices(pool, k=rng.randrange(1, 9))) for _ in range(30_000))
    runs.add(())
    return [list(run) for run in sorted(runs)]


def test_the_c_readings_are_the_python_readings() -> None:
    """Planner.python_readings in C: the same readings, tokens and facts, the same facts kept."""
    lex = load_lexicon()
    finder = FactFinder(*fact_finder_args(lex, lex.greetings | lex.roles))
    planner = Planner(lex)
    cache: dict[str, tuple[str, str, bool, int]] = {}
    runs = _runs()
    assert len(runs) > 30_000
    found = 0
    for tokens in runs:
        expected = planner.python_readings(list(tokens))
        assert finder.readings(list(tokens), cache) == expected, tokens
        found += expected is not None
    assert cache == planner._facts
    assert found > 10_000


def test_the_c_readings_reject_bad_arguments() -> None:
    lex = load_lexicon()
    finder = FactFinder(*fact_finder_args(lex, lex.greetings | lex.roles))
    with pytest.raises(TypeError):
        finder.readings(("Anna",), {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="readings"):
        finder.readings(["Anna"])  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="readings"):
        finder.readings(["Anna"], [])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of str"):
        finder.readings(["Anna", 3], {})  # type: ignore[list-item]
    with pytest.raises(TypeError, match="4-tuples"):
        finder.readings(["Anna"], {"Anna": ("first",)})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="unknown kind"):
        finder.readings(["Anna"], {"Anna": ("given", "Anna", False, 0)})
    with pytest.raises(RuntimeError, match="not initialised"):
        FactFinder.__new__(FactFinder).readings(["Anna"], {})


def test_planners_take_the_c_facts_unless_pure() -> None:
    planner = Planner(load_lexicon())
    assert (planner._native_facts is None) == bool(os.environ.get("DOUANE_PURE_PYTHON"))
    assert (planner._native_readings is None) == (planner._native_facts is None)
    assert planner.facts("Anna,") == planner.python_facts("Anna,") == ("first", "Anna", False, 0)


def test_the_c_fact_finder_rejects_bad_arguments() -> None:
    lex = load_lexicon()
    sets = (lex.first,) * 9
    thresholds = (3.4, 4.5, 3.5, 1.2, 4.8)
    with pytest.raises(ValueError, match="9 sets, 12 kinds and 5 thresholds"):
        FactFinder(sets[:8], KINDS, CAPITALS, frequencies, thresholds)
    with pytest.raises(TypeError, match="frozensets"):
        FactFinder((set(),) * 9, KINDS, CAPITALS, frequencies, thresholds)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must hold str"):
        FactFinder((frozenset({1}),) * 9, KINDS, CAPITALS, frequencies, thresholds)  # type: ignore[arg-type]
    kept = FactFinder(*fact_finder_args(lex, lex.greetings | lex.roles))
    before = kept.facts("Anna")
    with pytest.raises(TypeError, match="must hold str"):  # a failed re-init keeps the lists
        kept.__init__((frozenset({1}),) * 9, KINDS, CAPITALS, frequencies, thresholds)  # type: ignore[misc]
    assert kept.facts("Anna") == before == ("first", "Anna", False, 0)
    with pytest.raises(TypeError, match="callable"):
        FactFinder(sets, KINDS, CAPITALS, None, thresholds)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        FactFinder(sets, KINDS, CAPITALS, frequencies, thresholds, 3)  # type: ignore[arg-type]
    odd = FactFinder(sets, KINDS, CAPITALS, frequencies, thresholds, lambda word: 1.0)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="tuple of values or None"):
        odd.facts("Zzyzxqk")
    with pytest.raises(ValueError, match="below U\\+0250"):
        FactFinder(sets, KINDS, "Ω", frequencies, thresholds)
    finder = FactFinder(sets, KINDS, CAPITALS, lambda word: (1.0,), thresholds)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="high, low"):
        finder.facts("Zzyzxqk")
    with pytest.raises(TypeError, match="needs a str"):
        finder.facts(3)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="not initialised"):
        FactFinder.__new__(FactFinder).facts("Anna")
