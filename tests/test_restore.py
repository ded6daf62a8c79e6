"""Tests of douane.restore: streaming restoration, manglings, chunk boundaries, JSON escaping."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from douane import _placeholder as grammar
from douane.mask import Mapping, Masker
from douane.restore import Restorer, restore_text
from douane.types import Action, Finding, FindingType, Level

KEY = b"test-tenant-key"


def _mask(text: str, spans: list[tuple[int, int, FindingType]]) -> tuple[str, Mapping]:
    findings = [Finding(s, e, t, Level.CONFIDENTIAL, "test") for s, e, t in spans]
    result = Masker(KEY).mask([text], findings, [Action.MASK] * len(findings))
    return result.texts[0], result.mapping


def _stream(mapping: Mapping, chunks: list[str], kind: str = "text") -> str:
    restorer = Restorer(mapping, kind)  # type: ignore[arg-type]
    return "".join(restorer.feed(c) for c in chunks) + restorer.flush()


def _split(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


ORIGINAL = "Bitte Anna Schmidt anrufen, IBAN DE89 3704 0044 0532 0130 00."
SPANS = [(6, 18, FindingType.PERSON), (33, 60, FindingType.IBAN)]


@pytest.fixture()
def masked() -> tuple[str, Mapping]:
    return _mask(ORIGINAL, SPANS)


def _placeholder(mapping: Mapping, type_name: str) -> str:
    return next(p for p in mapping.placeholders() if p.startswith(f"[{type_name}_"))


def test_restore_text_is_identity_on_echoed_masked_text(masked: tuple[str, Mapping]) -> None:
    text, mapping = masked
    assert "Anna" not in text and "DE89" not in text
    assert restore_text(mapping, text) == ORIGINAL


def test_restorer_restores_placeholder_split_at_every_offset(masked: tuple[str, Mapping]) -> None:
    text, mapping = masked
    for i in range(len(text) + 1):
        for j in range(i, len(text) + 1):
            assert _stream(mapping, [text[:i], text[i:j], text[j:]]) == ORIGINAL


def test_restorer_restores_when_fed_one_character_at_a_time(masked: tuple[str, Mapping]) -> None:
    text, mapping = masked
    assert _stream(mapping, list(text)) == ORIGINAL


@pytest.mark.parametrize(
    "variant",
    [
        "{p}",
        "({core})",
        "<{core}>",
        "{{{core}}}",
        "[{core})",
        "{core}",
        "[{lower}]",
        "[{upper_hex}]",
        "({lower})",
        "{dash}",
        "[{dash}]",
        "{escaped}",
        "\\[{escaped}\\]",
    ],
)
def test_restorer_restores_mangled_placeholders_at_every_split(
    masked: tuple[str, Mapping], variant: str
) -> None:
    _, mapping = masked
    p = _placeholder(mapping, "PERSON")
    core = p[1:-1]
    form = variant.format(
        p=p,
        core=core,
        lower=core.lower(),
        upper_hex=core.upper(),
        dash=core.replace("_", "-", 1),
        escaped=core.replace("_", "\\_", 1),
    )
    answer = f"Hallo {form}, wie geht's?"
    expected = "Hallo Anna Schmidt, wie geht's?"
    if form.startswith("\\["):
        expected = "Hallo \\[Anna Schmidt\\], wie geht's?"  # Markdown-escaped brackets stay
    assert restore_text(mapping, answer) == expected
    for i in range(len(answer) + 1):
        assert _stream(mapping, [answer[:i], answer[i:]]) == expected


def test_restorer_keeps_a_lone_bracket_of_a_half_bracketed_placeholder(
    masked: tuple[str, Mapping],
) -> None:
    _, mapping = masked
    core = _placeholder(mapping, "PERSON")[1:-1]
    assert restore_text(mapping, f"({core} und") == "(Anna Schmidt und"
    assert restore_text(mapping, f"{core}] x") == "Anna Schmidt] x"


def test_restorer_restores_suffixless_placeholder_when_unambiguous(
    masked: tuple[str, Mapping],
) -> None:
    _, mapping = masked
    answer = "Sehr geehrte(r) [PERSON], Ihre <IBAN> ist notiert."
    expected = "Sehr geehrte(r) Anna Schmidt, Ihre DE89 3704 0044 0532 0130 00 ist notiert."
    for i in range(len(answer) + 1):
        assert _stream(mapping, [answer[:i], answer[i:]]) == expected


def test_restorer_leaves_suffixless_placeholder_when_ambiguous_or_lowercase() -> None:
    text = "Anna Schmidt und Max Muster"
    _, mapping = _mask(text, [(0, 12, FindingType.PERSON), (17, 27, FindingType.PERSON)])
    assert restore_text(mapping, "Dear [PERSON], hi") == "Dear [PERSON], hi"
    _, single = _mask(text, [(0, 12, FindingType.PERSON)])
    assert restore_text(single, "the responsible (person) and [person]") == (
        "the responsible (person) and [person]"
    )
    assert restore_text(single, "PERSON and [PERSON") == "PERSON and [PERSON"


def test_restorer_passes_through_placeholders_it_did_not_produce(
    masked: tuple[str, Mapping],
) -> None:
    _, mapping = masked
    _, other = _mask("Erika Mustermann", [(0, 16, FindingType.PERSON)])
    foreign = _placeholder(other, "PERSON")
    person = _placeholder(mapping, "PERSON")
    unknown = [foreign, "[PERSON_fffff]", "[EMAIL_" + person[8:-1] + "]", person[:-2] + "]"]
    for text in unknown:
        assert restore_text(mapping, f"x {text} y") == f"x {text} y"


def test_restorer_does_not_restore_a_placeholder_glued_to_a_word(
    masked: tuple[str, Mapping],
) -> None:
    _, mapping = masked
    core = _placeholder(mapping, "PERSON")[1:-1]
    for text in (f"x{core} y", f"{core}s", f"{core}_1", f"{core}0"):
        assert restore_text(mapping, text) == text
        assert _stream(mapping, list(text)) == text


def test_restorer_json_kind_escapes_the_value() -> None:
    value = 'Anna "Nan" Schmidt\\\n'
    text, mapping = _mask(value, [(0, len(value), FindingType.PERSON)])
    arguments = json.dumps({"name": text, "note": "ok"})
    for i in range(len(arguments) + 1):
        restored = _stream(mapping, [arguments[:i], arguments[i:]], "json")
        assert json.loads(restored) == {"name": value, "note": "ok"}
    assert restore_text(mapping, text, "text") == value


def test_restorer_emits_text_without_candidates_immediately(masked: tuple[str, Mapping]) -> None:
    _, mapping = masked
    restorer = Restorer(mapping)
    assert restorer.feed("Hello world. ") == "Hello world. "
    assert restorer.feed("Call [PER") == "Call "
    assert restorer.feed("SON") == ""
    assert restorer.feed("X] now") == "[PERSONX] now"
    assert restorer.feed("typed email") == "typed "
    assert restorer.feed("s") == "emails"
    assert restorer.flush() == ""


def test_restorer_does_not_hold_an_overlong_hex_run(masked: tuple[str, Mapping]) -> None:
    _, mapping = masked
    restorer = Restorer(mapping)
    text = "[PERSON_" + "a" * 200
    assert restorer.feed(text) == text
    assert restorer.flush() == ""


def test_restorer_with_empty_mapping_is_a_passthrough() -> None:
    restorer = Restorer(Mapping())
    assert restorer.feed("[PERSON") == "[PERSON"
    assert restorer.flush() == ""


def test_restorer_rejects_unknown_kind(masked: tuple[str, Mapping]) -> None:
    with pytest.raises(ValueError):
        Restorer(masked[1], "xml")  # type: ignore[arg-type]


# ---------------------------------------------------------------- property tests (hypothesis)

_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "{",
        "}",
        "_",
        "-",
        " ",
        "\n",
        "PERSON",
        "person",
        "IBAN",
        "EMAIL",
        "IP_ADDRESS",
        "a3f9c",
        "0",
        "f",
        "[PERSON]",
        "<IBAN>",
        "REDACTED:",
        "é",
        "x",
        "Anna",
        "PERSON_",
        "[PER",
        "\\",
        '"',
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=25).map("".join)
_TYPES = st.sampled_from([FindingType.PERSON, FindingType.IBAN, FindingType.EMAIL])


@st.composite
def _masked_request(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, FindingType]]]:
    text = draw(_TEXT.filter(bool))
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append((start, end, draw(_TYPES)))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(_masked_request(), st.data())
def test_property_mask_then_chunked_restore_is_identity(
    request_: tuple[str, list[tuple[int, int, FindingType]]], data: st.DataObject
) -> None:
    text, spans = request_
    masked, mapping = _mask(text, spans)
    cuts = data.draw(st.lists(st.integers(0, len(masked)), max_size=12))
    assert _stream(mapping, _split(masked, cuts)) == text


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.data())
def test_property_text_without_placeholders_is_unchanged_for_every_chunking(
    text: str, data: st.DataObject
) -> None:
    # Two values per type: no suffix-less form is restorable, so nothing in `text` is ours.
    two = [(0, 4, FindingType.PERSON), (5, 8, FindingType.PERSON)]
    _, mapping = _mask("Anna Max", two)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert restore_text(mapping, text) == text
    restorer = Restorer(mapping)
    fed = out = ""
    for chunk in _split(text, cuts):
        fed += chunk
        out += restorer.feed(chunk)
        # Streaming stays streaming: only a possible placeholder prefix is held back.
        assert fed.startswith(out) and len(fed) - len(out) <= len("[PROTECTED_EXCERPT_") + 8
    assert out + restorer.flush() == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_TEXT, st.integers(0, 5)), max_size=12), st.data())
def test_property_streaming_matches_one_shot_for_answers_with_placeholders(
    parts: list[str | int], data: st.DataObject
) -> None:
    """Placeholders (and their manglings) inside arbitrary model text restore the same however
    the answer is chunked."""
    _, mapping = _mask(ORIGINAL, SPANS)
    person = _placeholder(mapping, "PERSON")
    forms = [person, person[1:-1], f"({person[1:-1].lower()})", "[PERSON]", "<IBAN>", person[:-1]]
    forms.append(_placeholder(mapping, "IBAN"))
    answer = "".join(p if isinstance(p, str) else forms[p] for p in parts)
    cuts = data.draw(st.lists(st.integers(0, len(answer)), max_size=12))
    assert _stream(mapping, _split(answer, cuts)) == restore_text(mapping, answer)


@settings(max_examples=200, deadline=None)
@given(_masked_request(), st.lists(st.integers(0, 3), max_size=4), st.data())
def test_property_pasted_back_placeholders_round_trip(
    request_: tuple[str, list[tuple[int, int, FindingType]]],
    picks: list[int],
    data: st.DataObject,
) -> None:
    """The client pastes an earlier masked answer (placeholders, manglings, bare forms) next to
    the same values: what it sent comes back character for character."""
    text, spans = request_
    _, first = _mask(text, spans)
    pasted = []
    for placeholder in first.placeholders():
        core = placeholder[1:-1]
        forms = [placeholder, core.lower(), f"<{core}>", f"[{core.split('_')[0]}]"]
        pasted += [forms[i] for i in picks]
    again = text + " " + " ".join(pasted)
    masked, mapping = _mask(again, spans)
    cuts = data.draw(st.lists(st.integers(0, len(masked)), max_size=12))
    assert _stream(mapping, _split(masked, cuts)) == again


@settings(max_examples=200, deadline=None)
@given(_masked_request(), st.lists(st.one_of(_TEXT, st.integers(0, 5)), max_size=12), st.data())
def test_property_prefiltered_search_changes_nothing(
    request_: tuple[str, list[tuple[int, int, FindingType]]],
    parts: list[str | int],
    data: st.DataObject,
) -> None:
    """Long texts go through the substring prefilter, short ones through the plain regex: both
    paths must mask and restore identically (forced here on the same inputs)."""
    text, spans = request_
    threshold = grammar._SMALL
    try:
        grammar._SMALL = 0
        masked_fast, mapping_fast = _mask(text, spans)
        grammar._SMALL = 10**9
        masked_slow, mapping_slow = _mask(text, spans)
        assert masked_fast == masked_slow
        assert mapping_fast.placeholders() == mapping_slow.placeholders()
        forms = [*mapping_fast.placeholders(), "[PERSON]", "<IBAN>", "person_", "[EMAIL"]
        answer = "".join(p if isinstance(p, str) else forms[p % len(forms)] for p in parts)
        answer = masked_fast + answer
        cuts = data.draw(st.lists(st.integers(0, len(answer)), max_size=8))
        results = set()
        for small in (0, 10**9):
            grammar._SMALL = small
            results.add(restore_text(mapping_fast, answer))
            results.add(_stream(mapping_fast, _split(answer, cuts)))
            results.add(_stream(mapping_fast, [answer]))
        assert len(results) == 1
        grammar._SMALL = 0
        assert _stream(mapping_fast, _split(masked_fast, cuts)) == text
    finally:
        grammar._SMALL = threshold


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, st.integers(0, 1)), max_size=8), _TEXT, st.data())
def test_property_placeholders_in_arbitrary_text_restore_to_their_values(
    pieces: list[tuple[str, int]], tail: str, data: st.DataObject
) -> None:
    """An answer made of arbitrary text with this request's placeholders between: streamed in
    any chunks, it comes back with exactly the original values in their place."""
    _, mapping = _mask(ORIGINAL, SPANS)
    placeholders = [_placeholder(mapping, "PERSON"), _placeholder(mapping, "IBAN")]
    values = ["Anna Schmidt", "DE89 3704 0044 0532 0130 00"]
    for text in (*(t for t, _ in pieces), tail):
        assume(restore_text(mapping, text) == text)  # the text itself holds no placeholder
    answer = "".join(t + placeholders[i] for t, i in pieces) + tail
    expected = "".join(t + values[i] for t, i in pieces) + tail
    cuts = data.draw(st.lists(st.integers(0, len(answer)), max_size=12))
    assert _stream(mapping, _split(answer, cuts)) == expected
