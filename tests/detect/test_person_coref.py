"""Tests for PERSON coreference: the tokens full names lend and where they are claimed."""

from __future__ import annotations

from tests.text_runs import runs_in

from douane.detect._person_coref import name_tokens, propagate


def _kind(word: str) -> str:
    return {"Hein": "wfirst", "GmbH": "other"}.get(word, "first" if word[0].isupper() else "other")


def _bare(token: str) -> str:
    token = token.rstrip(".,;:!?)")
    return token[:-2] if token.endswith(("'s", "’s")) else token


def _lent(span: str) -> dict[str, bool]:
    words = [_bare(w) for w in span.split()]
    return name_tokens(words, [_kind(w) for w in words])


def test_name_tokens_only_from_full_names() -> None:
    assert _lent("Baudelio Buendía's") == {"Baudelio": False, "Buendía": False}
    assert _lent("Noor") == {}  # a single name token lends nothing
    assert _lent("Noor GmbH") == {}
    assert _lent("Emil Hein") == {"Emil": False, "Hein": True}
    assert _lent("Al Hein Hein") == {"Hein": True}  # two letters are too short to lend


def test_propagate_possessive_elision_and_whole_words() -> None:
    # the first "Baudelio Buendía" is the found name itself, not a run left to claim
    text = "Baudelio Buendía uses Baudelio's account, d'Baudelio, Baudelios, Baudelio Buendía"
    runs = runs_in(text, ["Baudelio's", "Baudelio,", "Baudelios,", "Baudelio Buendía"], 17)
    spans = propagate(text, {"Baudelio": False, "Buendía": False}, runs, lambda run: False)
    assert [text[s:e] for s, e in spans] == ["Baudelio", "Baudelio", "Baudelio Buendía"]


def test_propagate_skips_rejected_runs_and_weak_sentence_starts() -> None:
    text = "Hein GmbH liefert. Hein sagt, dass Hein kommt."
    runs = runs_in(text, ["Hein GmbH", "Hein", "Hein"])
    spans = propagate(text, {"Hein": True}, runs, lambda run: "GmbH" in run)
    assert spans == [(35, 39)]


def test_propagate_only_insideruns_in() -> None:
    text = "Noor Giselmeyer wrote; Noor agreed"
    assert propagate(text, {"Noor": False}, [], lambda run: False) == []
