"""`_stdnum_clean.fast_clean` against python-stdnum's own `util.clean`."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import util
from stdnum.exceptions import InvalidFormat
from stdnum.fr import tva

from douane.detect import _stdnum_clean, validators
from douane.detect._stdnum_clean import fast_clean, use_fast_clean

stdnum_clean = _stdnum_clean._stdnum_clean
# ASCII letters and digits (the fast path), separators stdnum deletes, look-alikes it maps
# (en dash, no-break space, fullwidth digit), and letters outside ASCII.
_CHARS = st.sampled_from(list("09AZaz -./,:'\u2013\u00a0\uff11ßÉ"))
# The separators stdnum's modules pass, an empty one, and one that deletes letters and digits.
_DELETE = st.sampled_from(["", " ", " -", " -./,", " .", " -:", "0", "aB", "\u2013"])


@settings(max_examples=3000, deadline=None)
@given(st.text(_CHARS, max_size=24), _DELETE)
def test_fast_clean_agrees_with_stdnum(number: str, deletechars: str) -> None:
    assert fast_clean(number, deletechars) == stdnum_clean(number, deletechars)


@pytest.mark.parametrize(
    ("number", "deletechars", "expected"),
    [
        ("DE136695976", " -./,", "DE136695976"),  # the fast path: returned as it is
        ("DE 136-695.976", " -./,", "DE136695976"),  # stdnum's clean deletes the separators
        ("FR40\u2013303265045", " -.", "FR40303265045"),  # an en dash maps to "-", then goes
        ("A0B1", "0", "AB1"),  # a deleted digit: no fast path
    ],
)
def test_fast_clean_examples(number: str, deletechars: str, expected: str) -> None:
    assert fast_clean(number, deletechars) == expected


def test_fast_clean_raises_as_stdnum_for_what_is_not_iterable() -> None:
    with pytest.raises(InvalidFormat):
        stdnum_clean(None)
    with pytest.raises(InvalidFormat):
        fast_clean(None)


def test_validators_module_rebinds_clean_in_the_modules_it_reaches() -> None:
    assert validators.VALIDATORS  # importing validators installed the fast clean
    assert util.clean is fast_clean  # what stdnum modules loaded from now on import
    assert tva.clean is fast_clean  # type: ignore[attr-defined]
    slow = [
        name
        for name, module in sys.modules.items()
        if name.startswith("stdnum.") and getattr(module, "clean", None) is stdnum_clean
    ]
    assert slow == []
    assert use_fast_clean() == 0  # nothing left to rebind


def test_country_modules_loaded_on_demand_import_the_fast_clean() -> None:
    from stdnum.eu import vat as eu_vat

    for cc in sorted(eu_vat.MEMBER_STATES):
        module = eu_vat._get_cc_module(cc)
        assert module is not None
        assert getattr(module, "clean", fast_clean) is fast_clean, cc


def test_a_module_loaded_later_keeps_stdnum_clean_until_rebound() -> None:
    module = type(sys)("stdnum_like")
    module.clean = stdnum_clean  # type: ignore[attr-defined]
    assert _stdnum_clean._rebind([module, object()]) == 1
    assert module.clean is fast_clean
