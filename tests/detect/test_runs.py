"""Capitalised runs: the C scanner, the tuned regex and a plain regex find the same spans."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
from tests.corpora import corpus_texts

from douane.detect._person_kinds import TOKEN, UPPER
from douane.detect._runs import CAPITALS, PARTICLES, regex_runs
from douane.detect._runscan import RunFinder

# The definition without the tuning (trie, look-behind placement, possessive repeats).
_PLAIN = re.compile(rf"(?<![\w-]){TOKEN}(?:[ \t]+(?:(?:{'|'.join(PARTICLES)})[ \t]+)*{TOKEN})*")
_C_RUNS = RunFinder(CAPITALS, PARTICLES).find
FINDERS: dict[str, Callable[[str], list[tuple[int, int]]]] = {
    "regex": regex_runs,
    "c": _C_RUNS,
}
# Pieces that meet every branch: capitals in and out of the class (title case ǅ, İ, Ω),
# word characters that are no letters (digits of other scripts, superscripts, a combining
# accent), astral characters (4-byte strings), particles and near-particles.
PIECES = [
    "A", "b", "É", "ß", "1", "_", " ", "\t", "\n", "-", "'", "’", ".", "x", "Ö", "😀", "ǅ",
    "İ", "\u0300", "٣", "²", "Ω", "ɐ", "Ā", "Van ", "dell ", "vo ", "dellaa ", "de\t",
    "dellaxyz ", *(f"{p} " for p in PARTICLES),
]  # fmt: skip


def _plain(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PLAIN.finditer(text)]


@pytest.mark.parametrize("finder", FINDERS)
def test_runs_are_the_plain_patterns(finder: str) -> None:
    find = FINDERS[finder]
    rng = random.Random(7)
    for _ in range(30_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        assert find(text) == _plain(text), text


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Frau Anna-Lena van der Berg kommt.", ["Frau Anna-Lena van der Berg"]),
        ("M. Jean de la Fontaine, d'Emil Hein", ["M. Jean de la Fontaine", "Emil Hein"]),
        ("O'Brien and re-Entry x-Ray", ["O'Brien"]),
        ("Anna de\nBerg", ["Anna", "Berg"]),
        ("Jean--Pierre Jean- Paul", ["Jean", "Jean", "Paul"]),  # no run starts after "-"
        ("Über Ärger, Ōno 😀 Zoë", ["Über Ärger", "Ōno", "Zoë"]),
        ("Anna dellaxyz Berg, Anna van  der\tBerg", ["Anna", "Berg", "Anna van  der\tBerg"]),
    ],
)
def test_runs_by_example(text: str, runs: list[str]) -> None:
    for find in FINDERS.values():
        assert [text[s:e] for s, e in find(text)] == runs


def test_the_capitals_are_the_pattern_class() -> None:
    """Every capital of the class lies below U+0250, where CAPITALS looks."""
    outside = [c for c in map(chr, range(0x250, 0x3000)) if re.fullmatch(f"[{UPPER}]", c)]
    assert not outside
    assert len(CAPITALS) == len(set(CAPITALS)) > 100


def test_c_scanner_on_the_corpora() -> None:
    texts = corpus_texts()
    assert len(texts) > 1000
    assert all(_C_RUNS(text) == regex_runs(text) for text in texts)


def test_c_scanner_is_linear_on_hostile_input() -> None:
    for text in ("A" * 1_000_000, "Ab " * 300_000, "A van " * 200_000, "A-" * 500_000):
        assert _C_RUNS(text) == regex_runs(text)


@pytest.mark.parametrize(
    ("capitals", "particles"),
    [
        ("A", ("Van",)),  # a particle is lower case
        ("A", ("",)),
        ("A", ("abcdefgh",)),  # longer than any the scanner holds
        ("A", (1,)),
        ("A😀", ()),  # capitals stay in the Basic Multilingual Plane
        ("A", tuple("abcdefghijklmnopqrstuvwxyz") * 3),
    ],
)
def test_c_scanner_rejects_what_it_cannot_hold(capitals: str, particles: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        RunFinder(capitals, particles)


def test_c_scanner_takes_text_only() -> None:
    with pytest.raises(TypeError):
        _C_RUNS(b"Anna")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RunFinder(b"A", ())  # type: ignore[arg-type]
