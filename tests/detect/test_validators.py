"""Tests for the named validators."""

from __future__ import annotations

import ipaddress
import random
import re
from collections import Counter
from collections.abc import Callable
from math import log2

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumber
from stdnum import iban, luhn
from stdnum.de import idnr as de_idnr
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.iso7064 import mod_11_10
from stdnum.nl import bsn as nl_bsn

from douane.detect import validators
from douane.detect._entropy import shannon_entropy as c_entropy
from douane.detect._phone_intl import parse_plain_international
from douane.detect.validators import VALIDATORS, entropy_bits, shannon_entropy


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("iban", "NL96 ABNA 6172 9995 83", True),
        ("iban", "GB67 HBUK 3731 7077 7852 89", False),
        ("luhn", "3446 419934 19569", True),
        ("luhn", "1234 5678 9012 3456", False),
        ("luhn", "4111 1111 1111 1111", True),  # Visa, 16 digits
        ("luhn", "5555 5555 5555 4444", True),  # Mastercard 51-55
        ("luhn", "2221 0000 0000 0009", True),  # Mastercard 2-series, 16 digits
        ("luhn", "255084937902043", False),  # a Luhn-valid French NIR: no 15-digit 2-series card
        ("luhn", "41111111111114", False),  # Luhn-valid, a Visa prefix, but 14 digits
        ("luhn", "3566 0020 2036 0505", True),  # JCB, in its assigned range
        ("luhn", "3598 8993 2305 3410", True),  # a 35 number outside it: still a card
        ("luhn", "359889932305348", False),  # Luhn-valid, 15 digits: no JCB
        ("password", "%t4WKEAk&Ejzah2k6G", True),  # a password may start with "%"
        ("password", "%(db_password)s", False),  # printf placeholders are not
        ("password", "%DB_PASSWORD%", False),
        ("password", "%{password}", False),
        ("vat", "BE 0647.917.042", True),
        ("vat", "DE489880263", False),
        ("de_idnr", "42589600177", True),
        ("de_idnr", "35692344242", False),
        ("fr_nir", "1 78 12 59 125 923 45", True),
        ("nl_bsn", "263952071", True),
        ("nl_bsn", "320229390", False),
        ("it_cf", "PSSDNI80A41L219W", True),
        ("es_dni", "87402384V", False),
        ("de_ausweis", "T220001293", True),
        ("phone", "+49 221 107 8476", True),
        ("phone", "07530 904076", True),
        ("phone", "07797 114533", True),  # +44, a Jersey range: phonenumbers' region JE
        ("phone", "01/09/2025", False),
        ("ipv4", "192.168.0.1", True),
        ("ipv4", "1.2.3.4.5", False),
        ("ipv6", "2001:db8::1", True),
        ("password", "Adm1n_7782", True),
        ("password", "********", False),
        ("password", "${DB_PASSWORD}", False),
        ("token", "f150514e-607f-4614-9f0f-a159d8fdc621", False),
        ("url_password", "postgresql://u:${PW}@db/x", False),
        ("url_password", "postgresql://u:s3cr3t!@db/x", True),
    ],
)
def test_validator(name: str, value: str, ok: bool) -> None:
    assert VALIDATORS[name](value) is ok


def test_entropy_orders_random_above_repetitive() -> None:
    assert shannon_entropy("aaaaaaaa") == 0
    assert shannon_entropy("Zr8kQ2xL9mN4pV7t") > 3.5


def _textbook(value: str) -> float:
    total = 0.0
    for count in Counter(value).values():
        p = count / len(value)
        total -= p * log2(p)
    return total


@pytest.mark.parametrize("bits", [entropy_bits, c_entropy], ids=["python", "c"])
def test_entropy_is_the_textbook_sum_bit_for_bit(bits: Callable[[str], float]) -> None:
    """Thresholds compare floats: both counts must add the same terms in the same order."""
    rng = random.Random(13)
    alphabet = "aab0123456789ABCDEFxyz+/=_-é😀\u0100\uffff"
    for _ in range(20_000):
        value = "".join(rng.choices(alphabet, k=rng.randrange(1, 80)))
        assert bits(value) == _textbook(value), value
    many = "".join(map(chr, range(32, 5000))) * 3  # thousands of distinct characters
    assert bits(many) == _textbook(many)
    assert bits("") == 0.0
    assert shannon_entropy("aab") == bits("aab")


def test_c_entropy_takes_only_str() -> None:
    with pytest.raises(TypeError):
        c_entropy(b"abc")  # type: ignore[arg-type]


# The fast IBAN and phone paths must agree with the libraries they shortcut, value for value.

_IBAN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -"


def _with_check_digits(country: str, bban: str) -> str:
    return country + iban.calc_check_digits(country + "00" + bban) + bban


def _stdnum_iban(value: str) -> bool:
    """stdnum's verdict, except that a bank code missing from its Belgian registry passes."""
    number = validators._compact(value)
    if not iban.is_valid(number, check_country=False):
        return False
    module = iban._get_cc_module(number[:2])
    try:
        if module:
            module.validate(number)
    except InvalidComponent:
        return True
    except ValidationError:
        return False
    return True


def test_an_iban_at_a_bank_missing_from_the_registry_is_still_an_iban() -> None:
    """Wikipedia's Belgian example; bank 539 is not in stdnum 2.2's list of Belgian banks."""
    assert not iban.is_valid("BE68539007547034")  # what stdnum says: registry, not checksum
    assert validators._iban("BE68 5390 0754 7034")
    assert not validators._iban("BE41 0918 1173 5141")  # wrong national check digits
    assert not validators._iban("BE69 5390 0754 7034")  # wrong IBAN check digits


def test_iban_registry_is_keyed_by_country_alone() -> None:
    # _bban_pattern caches per country: valid only while every top-level prefix is 2 characters
    assert iban._ibandb.prefixes and all(p[0] == 2 for p in iban._ibandb.prefixes)


@given(
    st.sampled_from(["DE", "FR", "NL", "GB", "IT", "ES", "BE", "AT", "CH", "XX", "D1", "LU"]),
    st.text(alphabet=_IBAN_CHARS, max_size=30),
    st.booleans(),
)
@settings(max_examples=400, deadline=None)
def test_iban_agrees_with_stdnum(country: str, tail: str, fix_checksum: bool) -> None:
    value = country + tail
    compact = "".join(c for c in tail if c.isalnum())
    if fix_checksum and compact:
        value = _with_check_digits(country, compact)  # checksum-valid: exercises the BBAN path
    assert validators._iban(value) == _stdnum_iban(value)


def test_iban_agrees_with_stdnum_on_real_structures() -> None:
    # one checksum-valid number per registry country, well- and ill-formed BBANs
    for _length, low, _high, props, _children in iban._ibandb.prefixes:
        bban = "".join("1" if c == "n" else "A" for c in props.get("bban", "")[-1:] * 18)
        for candidate in (bban, bban[:-1], "12345678901234567890"):
            value = _with_check_digits(low, candidate)
            assert validators._iban(value) == _stdnum_iban(value), low


def _phone_reference(digits: str) -> bool:
    """Every region candidate, straight through phonenumbers."""
    out = []
    for region in validators._PHONE_REGIONS:
        code = phonenumbers.country_code_for_region(region)
        if digits[0] == "0":
            if region == "IT":
                out.append((region, PhoneNumber(code, int(digits), italian_leading_zero=True)))
            elif region in validators._TRUNK_ZERO:
                out.append((region, PhoneNumber(code, int(digits[1:]))))
        elif region not in validators._TRUNK_ZERO and region != "IT":
            out.append((region, PhoneNumber(code, int(digits))))
    return any(phonenumbers.is_valid_number_for_region(n, r) for r, n in out)


@given(st.text(alphabet="0123456789", min_size=9, max_size=13))
@settings(max_examples=400, deadline=None)
def test_national_phone_agrees_with_every_region(digits: str) -> None:
    assert validators._national_valid(digits) == _phone_reference(digits)


def _example_national_numbers() -> list[str]:
    """Every example number phonenumbers ships for our regions, written nationally."""
    out = []
    for region in validators._PHONE_REGIONS:
        for kind in phonenumbers.PhoneNumberType.values():
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                nsn = phonenumbers.national_significant_number(number)
                trunk = region in validators._TRUNK_ZERO
                out.append("0" + nsn if trunk else nsn)
    return out


@pytest.mark.parametrize(
    "digits",
    [
        "030123456789",
        "0612345678",
        "0201234567",
        "3123456789",
        "2025550123",
        "0471234567",
        *_example_national_numbers(),
    ],
)
def test_national_phone_agrees_on_real_shapes(digits: str) -> None:
    assert validators._national_valid(digits) == _phone_reference(digits)
    for cut in (digits[:-1], digits + "0", digits[:-2] + "99"):
        if 9 <= len(cut) <= 13:
            assert validators._national_valid(cut) == _phone_reference(cut)


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
@settings(max_examples=400, deadline=None)
def test_luhn_checksum_agrees_with_stdnum(digits: str) -> None:
    assert validators._luhn_checksum(digits) == luhn.checksum(digits)


def _ipv4_reference(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and int(p) <= 255 and str(int(p)) == p for p in parts
    )


@given(st.text(alphabet="0123456789.", max_size=20))
@settings(max_examples=400, deadline=None)
def test_ipv4_agrees_with_the_split_check(value: str) -> None:
    assert validators._ipv4(value) == _ipv4_reference(value)


def _ipv6_reference(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


@given(st.text(alphabet="0123456789abcdefABCDEF:.%", max_size=45))
@settings(max_examples=600, deadline=None)
def test_ipv6_agrees_with_ipaddress(value: str) -> None:
    assert validators._ipv6(value) == _ipv6_reference(value)


@pytest.mark.parametrize(
    "value",
    ["2001:db8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "::", "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0"],
)
def test_ipv6_agrees_with_ipaddress_on_addresses(value: str) -> None:
    assert validators._ipv6(value) == _ipv6_reference(value)


@given(st.text(alphabet="0123456789ABCDEFabz -./_\u00e9\u0663", max_size=30))
@settings(max_examples=400, deadline=None)
def test_compact_agrees_with_the_regex(value: str) -> None:
    assert validators._compact(value) == re.sub(r"[^0-9A-Za-z]", "", value).upper()


@given(
    st.one_of(
        st.text(alphabet="0123456789", min_size=8, max_size=12),
        st.text(alphabet="0123456789 -.A", max_size=14),
        st.sampled_from(["42589600177", "36574261809", "65929970489", "263952071", "111222333"]),
    )
)
@settings(max_examples=600, deadline=None)
def test_id_checks_agree_with_stdnum(value: str) -> None:
    compact = validators._compact(value)
    assert validators._de_idnr(value) == de_idnr.is_valid(compact)
    assert validators._nl_bsn(value) == nl_bsn.is_valid(compact)


def test_id_checks_accept_valid_numbers() -> None:
    # valid ones are rare among random digits: make some with stdnum's own check digits
    for stem in ("1234567890", "4258960017", "8765432106", "9900112233"):
        for tail in "0123456789":
            number = stem[:-1] + tail
            idnr = number + mod_11_10.calc_check_digit(number)
            assert validators._de_idnr(idnr) == de_idnr.is_valid(idnr)
    for start in range(10_000_000, 10_000_400):
        bsn = f"{start:08d}" + str(nl_bsn.checksum(f"{start:08d}0") % 11 % 10)
        assert validators._nl_bsn(bsn) == nl_bsn.is_valid(bsn)
    assert (
        sum(
            validators._nl_bsn(f"{s:08d}{d}")
            for s in range(10_000_000, 10_000_100)
            for d in range(10)
        )
        > 50
    )


def _parse_reference(text: str) -> PhoneNumber | str:
    try:
        return phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        return str(exc.error_type)


def _parse_fast(text: str) -> PhoneNumber | str | None:
    try:
        return parse_plain_international(text)
    except phonenumbers.NumberParseException as exc:
        return str(exc.error_type)


@given(
    st.one_of(
        st.text(alphabet="0123456789 ./()-", max_size=24),
        st.sampled_from(["49 221 107 8476", "44 20 8277 3258", "1 (312) 503-6738", "39 06 123"]),
    ),
    st.sampled_from(["", "0", "00", "1", "39 0", "49 (0)", "353 8", "7 9", "0", "888"]),
)
@settings(max_examples=1500, deadline=None)
def test_plain_international_parse_agrees_with_phonenumbers(tail: str, head: str) -> None:
    text = "+" + head + tail
    fast = _parse_fast(text)
    if fast is not None:  # None: left to phonenumbers.parse
        assert fast == _parse_reference(text)


@pytest.mark.parametrize("region", (*validators._PHONE_REGIONS, "IN", "BR", "AR", "MX", "JP"))
def test_plain_international_parse_agrees_on_example_numbers(region: str) -> None:
    for kind in phonenumbers.PhoneNumberType.values():
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        for fmt in (
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.E164,
        ):
            text = phonenumbers.format_number(number, fmt)
            for variant in (text, text.replace(" ", "-"), text[:-2], text + "99"):
                fast = _parse_fast(variant)
                if fast is not None:
                    assert fast == _parse_reference(variant), variant


@given(
    st.sampled_from(["DE", "FR", "NL", "BE", "LU", "ES", "IT", "AT", "EL", "GR", "XI", "EU", "XX"]),
    st.one_of(
        st.text(alphabet="0123456789 .-B", max_size=14),
        st.sampled_from(["829068550", "489880263", " 0647.917.042", "40303265045", "U13585627"]),
    ),
)
@settings(max_examples=600, deadline=None)
def test_vat_agrees_with_stdnum(country: str, tail: str) -> None:
    value = country + tail
    compact = validators._compact(value)
    reference = eu_vat.is_valid("GR" + compact[2:] if compact.startswith("EL") else compact)
    assert validators._vat(value) == reference


@given(st.text(alphabet="aZ09_-.+/=\u00e9\u0663\u00b2", max_size=20))
@settings(max_examples=400, deadline=None)
def test_token_mix_agrees_with_str_classes(value: str) -> None:
    mixed = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    blocked = bool(
        validators._PLACEHOLDER.match(value)
        or validators._UUID.match(value)
        or validators._HEX.match(value)
    )
    assert validators._token(value) == (mixed and not blocked)


def test_a_validator_asks_its_check_once_per_value_and_empties_when_full() -> None:
    asked: list[str] = []

    def check(value: str) -> bool:
        asked.append(value)
        return value.startswith("ok")

    validator = validators.Validator(check)
    assert validator.verdict("ok-1") is True
    assert validator("ok-1") is True  # cached: the check is not asked again
    assert validator.verdict("no") is False
    assert validator.verdict("no") is False
    assert asked == ["ok-1", "no"]
    validator.cache_clear()
    assert validator.verdict("no") is False
    assert asked == ["ok-1", "no", "no"]
    for i in range(validators._CACHE_SIZE + 1):  # a full cache starts again, never grows past
        validator.verdict(f"ok{i}")
    assert len(validator._verdicts) <= validators._CACHE_SIZE
