"""Tests of douane.mask: keyed placeholders, overlaps, redaction, counts, hashes, literals."""

from __future__ import annotations

import random
import re

import pytest

import douane.mask as mask_module
from douane.errors import ScanFailed
from douane.hashing import KeyHasher, keyed_hash, value_hash
from douane.mask import Mapping, Masker, MaskResult
from douane.restore import restore_text
from douane.types import Action, Finding, FindingType, Level

KEY = b"tenant-a"
PLACEHOLDER = re.compile(r"\[([A-Z_]+)_([0-9a-f]{5,})\]")


def _finding(start: int, end: int, type_: FindingType, segment: int = 0, **kw: object) -> Finding:
    level = kw.pop("level", Level.CONFIDENTIAL)
    return Finding(start, end, type_, level, "test", segment=segment)  # type: ignore[arg-type]


def _mask_all(
    texts: list[str], findings: list[Finding], key: bytes = KEY, action: Action = Action.MASK
) -> MaskResult:
    return Masker(key).mask(texts, findings, [action] * len(findings))


def test_mask_replaces_values_by_typed_placeholders() -> None:
    text = "Anna Schmidt, anna@example.org"
    result = _mask_all(
        [text], [_finding(0, 12, FindingType.PERSON), _finding(14, 30, FindingType.EMAIL)]
    )
    masked = result.texts[0]
    assert "Anna" not in masked and "example" not in masked
    found = PLACEHOLDER.findall(masked)
    assert [t for t, _ in found] == ["PERSON", "EMAIL"]
    assert all(len(h) == 5 for _, h in found)
    assert result.counts == {"EMAIL": 1, "PERSON": 1}
    assert restore_text(result.mapping, masked) == text


def test_placeholder_is_stable_across_turns_and_normalized_values() -> None:
    turn1 = _mask_all(["IBAN DE89 3704 0044 0532 0130 00"], [_finding(5, 32, FindingType.IBAN)])
    turn2 = _mask_all(
        ["noch einmal: de89370400440532013000!"], [_finding(13, 35, FindingType.IBAN)]
    )
    assert turn1.mapping.placeholders() == turn2.mapping.placeholders()
    other_tenant = _mask_all(
        ["IBAN DE89 3704 0044 0532 0130 00"], [_finding(5, 32, FindingType.IBAN)], key=b"tenant-b"
    )
    assert other_tenant.mapping.placeholders() != turn1.mapping.placeholders()


def test_same_value_twice_gets_one_placeholder_across_segments() -> None:
    texts = ["Anna Schmidt schreibt", "Antwort an Anna Schmidt"]
    result = _mask_all(
        texts, [_finding(0, 12, FindingType.PERSON), _finding(11, 23, FindingType.PERSON, 1)]
    )
    assert len(result.mapping) == 1
    assert result.counts == {"PERSON": 2}
    placeholder = result.mapping.placeholders()[0]
    assert result.texts == (f"{placeholder} schreibt", f"Antwort an {placeholder}")


def test_variants_of_one_normalized_value_in_one_request_restore_exactly() -> None:
    text = "DE89 3704 0044 0532 0130 00 = DE89370400440532013000"
    result = _mask_all(
        [text], [_finding(0, 27, FindingType.IBAN), _finding(30, 52, FindingType.IBAN)]
    )
    found = PLACEHOLDER.findall(result.texts[0])
    assert len(found) == 2 and found[0] != found[1]
    assert found[0][1][:5] == found[1][1][:5]
    assert restore_text(result.mapping, result.texts[0]) == text


def test_colliding_hash_prefixes_are_lengthened_until_unique(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = mask_module.Masker._derive

    def colliding(value_hash: str) -> str:
        return "abcdef0" + real(value_hash)

    monkeypatch.setattr(mask_module.Masker, "_derive", staticmethod(colliding))
    text = "Anna, Max und Eva"
    findings = [
        _finding(0, 4, FindingType.PERSON),
        _finding(6, 9, FindingType.PERSON),
        _finding(14, 17, FindingType.PERSON),
    ]
    result = _mask_all([text], findings)
    hexes = [h for _, h in PLACEHOLDER.findall(result.texts[0])]
    assert len(set(hexes)) == 3
    assert all(h.startswith("abcdef0") and len(h) > 7 for h in hexes)
    assert restore_text(result.mapping, result.texts[0]) == text


def test_placeholder_already_in_client_text_is_not_reused() -> None:
    first = _mask_all(["Anna Schmidt"], [_finding(0, 12, FindingType.PERSON)])
    placeholder = first.mapping.placeholders()[0]
    text = f"Earlier answer: Hello {placeholder}! Now: Anna Schmidt ({placeholder[1:-1].lower()})"
    start = text.index("Anna")
    second = _mask_all([text], [_finding(start, start + 12, FindingType.PERSON)])
    new = second.mapping.placeholders()[0]
    assert new != placeholder and new[:-1].startswith(placeholder[:-1])
    assert restore_text(second.mapping, second.texts[0]) == text


def test_literal_suffixless_placeholder_in_client_text_round_trips() -> None:
    text = "Template: Dear [PERSON], ... filled for Anna Schmidt"
    start = text.index("Anna")
    result = _mask_all([text], [_finding(start, start + 12, FindingType.PERSON)])
    assert restore_text(result.mapping, result.texts[0]) == text
    assert result.mapping.bare("PERSON") is None


def test_suffixless_form_is_restorable_only_for_a_unique_value() -> None:
    one = _mask_all(["Anna"], [_finding(0, 4, FindingType.PERSON)])
    assert one.mapping.bare("PERSON") == "Anna"
    two = _mask_all(
        ["Anna Max"], [_finding(0, 4, FindingType.PERSON), _finding(5, 8, FindingType.PERSON)]
    )
    assert two.mapping.bare("PERSON") is None


def test_overlapping_findings_merge_into_the_longest_type() -> None:
    text = "Mail anna.schmidt@example.org now"
    findings = [_finding(5, 17, FindingType.PERSON), _finding(5, 29, FindingType.EMAIL)]
    result = _mask_all([text], findings)
    found = PLACEHOLDER.findall(result.texts[0])
    assert [t for t, _ in found] == ["EMAIL"]
    assert result.texts[0].endswith("] now") and result.texts[0].startswith("Mail [EMAIL_")
    assert result.counts == {"EMAIL": 1}
    assert restore_text(result.mapping, result.texts[0]) == text


def test_chained_overlaps_cover_their_union() -> None:
    text = "abcdefghijkl"
    findings = [
        _finding(0, 4, FindingType.PERSON),
        _finding(3, 7, FindingType.PERSON),
        _finding(6, 10, FindingType.CODENAME),
    ]
    result = _mask_all([text], findings)
    assert re.fullmatch(r"\[[A-Z]+_[0-9a-f]{5}\]kl", result.texts[0])
    assert restore_text(result.mapping, result.texts[0]) == text


def test_touching_findings_stay_two_placeholders() -> None:
    text = "AnnaSchmidt!"
    result = _mask_all(
        [text], [_finding(0, 4, FindingType.PERSON), _finding(4, 11, FindingType.PERSON)]
    )
    assert len(PLACEHOLDER.findall(result.texts[0])) == 2
    assert result.texts[0].endswith("]!")
    assert restore_text(result.mapping, result.texts[0]) == text


def test_redact_is_irreversible_and_wins_over_mask_in_an_overlap() -> None:
    text = "IBAN DE89370400440532013000 von Anna"
    findings = [
        _finding(5, 27, FindingType.IBAN),
        _finding(10, 20, FindingType.PHONE),
        _finding(32, 36, FindingType.PERSON),
    ]
    actions = [Action.REDACT, Action.MASK, Action.KEEP]
    result = Masker(KEY).mask([text], findings, actions)
    assert result.texts[0] == "IBAN [REDACTED:IBAN] von Anna"
    assert len(result.mapping) == 0
    assert result.counts == {"IBAN": 1}
    assert result.value_hashes == (value_hash(KEY, FindingType.IBAN, "DE89370400440532013000"),)


def test_keep_findings_are_left_in_place_and_a_mask_overlap_still_masks() -> None:
    text = "Projekt Nordlicht von Anna"
    findings = [_finding(8, 17, FindingType.CODENAME), _finding(8, 26, FindingType.PERSON)]
    result = Masker(KEY).mask([text], findings, [Action.KEEP, Action.MASK])
    assert result.texts[0].startswith("Projekt [PERSON_")
    kept = Masker(KEY).mask([text], findings[:1], [Action.KEEP])
    assert kept.texts == (text,) and kept.counts == {} and kept.value_hashes == ()


def test_value_hashes_are_distinct_sorted_keyed_hashes() -> None:
    text = "Anna, Anna, Max"
    findings = [
        _finding(0, 4, FindingType.PERSON),
        _finding(6, 10, FindingType.PERSON),
        _finding(12, 15, FindingType.PERSON),
    ]
    result = _mask_all([text], findings)
    expected = sorted(value_hash(KEY, FindingType.PERSON, v) for v in ("Anna", "Max"))
    assert result.value_hashes == tuple(expected)
    assert result.counts == {"PERSON": 3}


def test_mask_is_independent_of_finding_order() -> None:
    text = "Anna Schmidt, anna@example.org, Max, DE89370400440532013000"
    findings = [
        _finding(0, 12, FindingType.PERSON),
        _finding(0, 4, FindingType.PERSON),
        _finding(14, 30, FindingType.EMAIL),
        _finding(32, 35, FindingType.PERSON),
        _finding(37, 59, FindingType.IBAN),
    ]
    actions = [Action.MASK, Action.MASK, Action.MASK, Action.REDACT, Action.MASK]
    reference = Masker(KEY).mask([text], findings, actions)
    pairs = list(zip(findings, actions, strict=True))
    for seed in range(10):
        random.Random(seed).shuffle(pairs)
        again = Masker(KEY).mask([text], [f for f, _ in pairs], [a for _, a in pairs])
        assert again.texts == reference.texts
        assert again.counts == reference.counts
        assert again.value_hashes == reference.value_hashes
        assert again.mapping.placeholders() == reference.mapping.placeholders()


def test_no_findings_leave_texts_unchanged() -> None:
    result = Masker(KEY).mask(["a", "b"], [], [])
    assert result.texts == ("a", "b") and len(result.mapping) == 0 and result.counts == {}


def test_mapping_repr_and_str_never_show_values() -> None:
    result = _mask_all(["Anna Schmidt"], [_finding(0, 12, FindingType.PERSON)])
    for shown in (repr(result.mapping), str(result.mapping), repr(result)):
        assert "Anna" not in shown
    assert repr(result.mapping) == "Mapping(1 placeholders: PERSON=1)"
    assert result.mapping.original(result.mapping.placeholders()[0]) == "Anna Schmidt"
    with pytest.raises(KeyError):
        result.mapping.original("[PERSON_00000]")


@pytest.mark.parametrize("key", [b"", b"k", b"x" * 64, b"y" * 65, bytes(range(200))])
def test_fast_hmac_equals_keyed_hash(key: bytes) -> None:
    fast = KeyHasher(key)
    for parts in [("value", "PERSON", "anna"), ("placeholder", "IBAN", "DE89"), ("a", "", "é€")]:
        assert fast(*parts) == keyed_hash(key, *parts)
        assert Masker(key)._hash(*parts) == keyed_hash(key, *parts)


def test_mapping_rejects_duplicate_keys() -> None:
    with pytest.raises(ValueError):
        Mapping([("PERSON", "abcde", "x"), ("person", "ABCDE", "y")])


@pytest.mark.parametrize(
    ("texts", "findings", "actions"),
    [
        (["Anna"], [_finding(0, 4, FindingType.PERSON)], []),
        (["Anna"], [_finding(0, 9, FindingType.PERSON)], [Action.MASK]),
        (["Anna"], [_finding(2, 2, FindingType.PERSON)], [Action.MASK]),
        (["Anna"], [_finding(0, 4, FindingType.PERSON, segment=1)], [Action.MASK]),
        (["Anna"], [_finding(0, 4, FindingType.PERSON)], ["shred"]),
    ],
)
def test_mask_fails_closed_on_inconsistent_input(
    texts: list[str], findings: list[Finding], actions: list[Action]
) -> None:
    with pytest.raises(ScanFailed) as info:
        Masker(KEY).mask(texts, findings, actions)
    assert "Anna" not in info.value.message


def test_placeholder_pasted_in_another_segment_without_findings_is_not_reused() -> None:
    first = _mask_all(["Anna Schmidt"], [_finding(0, 12, FindingType.PERSON)])
    placeholder = first.mapping.placeholders()[0]
    texts = [f"Earlier answer: Hello {placeholder}!", "Now: Anna Schmidt"]
    second = _mask_all(texts, [_finding(5, 17, FindingType.PERSON, segment=1)])
    new = second.mapping.placeholders()[0]
    assert new != placeholder and new[:-1].startswith(placeholder[:-1])
    assert second.texts[0] == texts[0]
    assert [restore_text(second.mapping, t) for t in second.texts] == texts


def test_value_cache_changes_no_output() -> None:
    text = "Anna, anna, DE89 3704 0044 0532 0130 00, DE89370400440532013000, Max, Anna"
    findings = [
        _finding(0, 4, FindingType.PERSON),
        _finding(6, 10, FindingType.PERSON),
        _finding(12, 39, FindingType.IBAN),
        _finding(41, 63, FindingType.IBAN),
        _finding(65, 68, FindingType.PERSON),
        _finding(70, 74, FindingType.PERSON),
    ]
    actions = [Action.MASK, Action.MASK, Action.MASK, Action.MASK, Action.REDACT, Action.MASK]
    cached = Masker(KEY, cache_size=2)  # small: entries are evicted and computed again
    uncached = Masker(KEY, cache_size=0)
    results = [m.mask([text], findings, actions) for m in (cached, cached, uncached, cached)]
    for other in results[1:]:
        assert other.texts == results[0].texts
        assert other.counts == results[0].counts
        assert other.value_hashes == results[0].value_hashes
        assert sorted(other.mapping.items()) == sorted(results[0].mapping.items())
    assert "Anna" not in repr(cached)
