"""Folding keeps offsets: same length as the input, accents and case gone."""

from __future__ import annotations

from douane.detect._fold import fold, word_spans


def test_fold_is_length_preserving_and_strips_case_and_accents() -> None:
    for text in ("Sémaphore’s CAFÉ – Straße", "İstanbul Ǆ ﬁ", "l’opération\u00a0Garonne"):
        assert len(fold(text)) == len(text)
    assert fold("Sémaphore’s") == "semaphore's"
    assert fold("Castellane Énergie") == "castellane energie"


def test_word_spans_point_into_the_original_text() -> None:
    text = "İİ Déjà-vu, NORDLICHT!"
    words, starts, ends = word_spans(text)
    assert words[-3:] == ["deja", "vu", "nordlicht"]
    spans = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    assert spans[-3:] == ["Déjà", "vu", "NORDLICHT"]
