"""Named validators a rule can require: checksums from python-stdnum, phones from phonenumbers."""

from __future__ import annotations

import ipaddress
import operator
import re
from collections.abc import Callable
from functools import cache, lru_cache
from math import log2
from typing import Final, final

import phonenumbers
from stdnum import iban
from stdnum.at import vnr as at_vnr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.fr import nir as fr_nir
from stdnum.it import codicefiscale as it_cf

from douane.detect._native import native
from douane.detect._phone_intl import parse_plain_international
from douane.detect._phone_regions import valid_in_regions
from douane.detect._stdnum_clean import use_fast_clean

__all__ = ["VALIDATORS", "Validator", "clear_caches", "entropy_bits", "shannon_entropy"]

# The values reach stdnum compacted: its per-character clean() passes have nothing to do.
use_fast_clean()

_NON_ALNUM: Final = re.compile(r"[^0-9A-Za-z]")
_NON_DIGIT: Final = re.compile(r"[^0-9]")
# National numbers shorter than this are mostly dates, part numbers and fragments.
_MIN_NATIONAL_DIGITS: Final = 9
_MAX_NATIONAL_DIGITS: Final = 13
_TRUNK_ZERO: Final = frozenset({"DE", "FR", "GB", "GG", "JE", "IM", "AT", "CH", "BE", "NL", "IE"})
# GB shares +44 and the trunk 0 with Guernsey, Jersey and the Isle of Man, whose ranges
# (07781 …, 07797 …, 07624 …) phonenumbers files under their own regions.
_PHONE_REGIONS: Final = (
    "DE", "FR", "GB", "GG", "JE", "IM", "AT", "CH", "BE", "NL", "LU", "IT", "ES", "IE", "US",
)  # fmt: skip
_ITALY: Final = tuple(r for r in _PHONE_REGIONS if r == "IT")
_TRUNK_ZERO_REGIONS: Final = tuple(r for r in _PHONE_REGIONS if r in _TRUNK_ZERO)
_OTHER_REGIONS: Final = tuple(r for r in _PHONE_REGIONS if r not in _TRUNK_ZERO and r != "IT")


def _compact(value: str) -> str:
    """`value` without any character outside [0-9A-Za-z], upper-cased."""
    spaceless = value.replace(" ", "")  # the usual separator: a C-speed pass, then a check
    if spaceless.isascii() and spaceless.isalnum():
        return spaceless.upper()
    return _NON_ALNUM.sub("", value).upper()


# Card networks by prefix (IIN) and length: Visa, Mastercard (51-55, 2221-2720), Amex, Diners,
# Discover, JCB, UnionPay, Maestro. The length matters: a French NIR is 15 digits from 1 or 2, and
# one in ten is Luhn-valid; no 2-series Mastercard has 15 digits. JCB takes every 35xx of 16-19
# digits, not only its assigned 3528-3589: card generators issue the rest, and no other
# identifier has that shape (fail closed).
_CARD_NUMBER: Final = re.compile(
    r"(?:4\d{12}(?:\d{3}){0,2}"
    r"|(?:5[1-5]\d\d|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)\d{12}"
    r"|3[47]\d{13}"
    r"|3(?:0[0-5]\d|[68]\d\d)\d{10,15}"
    r"|(?:6011|64[4-9]\d|65\d\d|35\d\d|62\d\d)\d{12,15}"
    r"|(?:50|5[6-8]|6\d)\d{10,17}"
    r"|(?:2131|1800)\d{11})"
)


def _luhn(value: str) -> bool:
    """Luhn-valid, with a card network's prefix and length (12-digit Maestro only unspaced)."""
    digits = _compact(value)
    return (
        digits.isdigit()
        and (len(digits) > 12 or value.isdigit())
        and _CARD_NUMBER.fullmatch(digits) is not None
        and _luhn_checksum(digits) == 0
    )


# a digit → the digit sum of its double (Luhn doubles every second digit from the right)
_DOUBLED: Final = str.maketrans("0123456789", "0246813579")


def _luhn_checksum(digits: str) -> int:
    """stdnum's `luhn.checksum` for a string of ASCII digits: byte sums instead of int() calls."""
    kept = digits[-1::-2].encode()
    doubled = digits[-2::-2].translate(_DOUBLED).encode()
    return (sum(kept) + sum(doubled) - 48 * len(digits)) % 10


_IPV4_OCTET: Final = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4: Final = re.compile(rf"{_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}")


def _ipv4(value: str) -> bool:
    """Four canonical decimal octets (no leading zeros)."""
    if value.isascii():  # the same verdict as below, in one regex call
        return _IPV4.fullmatch(value) is not None
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and int(p) <= 255 and str(int(p)) == p for p in parts
    )


def _ipv6(value: str) -> bool:
    # ipaddress needs 8 groups unless "::" elides some (or an IPv4 tail / %scope changes the
    # count): rejecting here gives its verdict for the usual non-address (a time, "10:30:00")
    if "::" not in value and "." not in value and "%" not in value and value.count(":") != 7:
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


# A..Z → 10..35, as int(x, 36) in stdnum's mod_97_10; digits map to themselves.
_BASE36: Final = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


@cache
def _bban_pattern(country: str) -> re.Pattern[str] | None:
    """The BBAN structure stdnum checks for `country`, or None for an unknown country.

    stdnum's IBAN registry has one level (the two-letter country code), so its verdict on the
    structure depends on the country alone: computed once per country with stdnum's own code.
    """
    info = iban._ibandb.info(country)
    if not info or not info[0][1]:
        return None
    return iban._struct_to_re(info[0][1].get("bban", ""))


def _iban(value: str) -> bool:
    """stdnum's `iban.is_valid`, with its checks in the same order but the slow parts cached, and
    without its registry of Belgian banks.

    Most candidates fail the mod-97 checksum, which an int conversion decides in one step.
    """
    number = _compact(value)  # only [0-9A-Z]: stdnum's compact() would not change it
    if len(number) < 5 or int((number[4:] + number[:4]).translate(_BASE36)) % 97 != 1:
        return False
    pattern = _bban_pattern(number[:2])
    if pattern is None or not pattern.match(number[4:]):
        return False
    module = iban._get_cc_module(number[:2])
    if module:
        try:
            module.validate(number)
        except InvalidComponent:
            # Past the country prefix, only a bank code missing from stdnum's registry raises
            # this (Belgium, whose list changes between releases). The account's checksums
            # decide, not a list of banks: a real account at a new bank must not pass unmasked.
            pass
        except ValidationError:
            return False
    return True


def _vat(value: str) -> bool:
    """stdnum's `eu.vat.is_valid`, asking the country's module directly.

    On a compacted value eu.vat's own clean-up changes nothing (and costs a per-character pass):
    its verdict is the country module's, or False for a country without one.
    """
    compact = _compact(value)
    if compact.startswith("EL"):
        compact = "GR" + compact[2:]
    module = eu_vat._get_cc_module(compact[:2])
    return module is not None and bool(module.is_valid(compact))


def _de_ausweis(value: str) -> bool:
    """German ID card number (ICAO 9303 7-3-1 check digit over 9 characters + 1 check)."""
    compact = _compact(value)
    if len(compact) != 10 or not compact[-1].isdigit():
        return False
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if any(c not in alphabet for c in compact) or compact[0] not in "CFGHJKLMNPRTVWXYZ":
        return False
    total = sum(alphabet.index(c) * w for c, w in zip(compact[:9], (7, 3, 1) * 3, strict=True))
    return total % 10 == int(compact[-1])


def _de_idnr(value: str) -> bool:
    """stdnum's `de.idnr.is_valid` on the compacted value, without its per-character clean().

    Eleven digits, no leading zero, exactly one digit of the first ten repeated (2 or 3 times),
    and the ISO 7064 mod 11,10 check digit.
    """
    number = _compact(value)
    if len(number) != 11 or not number.isdigit() or number[0] == "0":
        return False
    first = number[:10]
    repeated = [n for n in map(first.count, set(first)) if n > 1]
    if len(repeated) != 1 or repeated[0] not in (2, 3):
        return False
    check = 5
    for digit in number:
        check = (((check or 10) * 2) % 11 + int(digit)) % 10
    return check == 1


_BSN_WEIGHTS: Final = (9, 8, 7, 6, 5, 4, 3, 2)


def _nl_bsn(value: str) -> bool:
    """stdnum's `nl.bsn.is_valid` on the compacted value, without its per-character clean().

    Nine digits after zero-filling, not all zero, and the "11-proef" with the last digit at -1.
    """
    number = _compact(value).zfill(9)
    if len(number) != 9 or not number.isdigit() or int(number) <= 0:
        return False
    total: int = sum(map(operator.mul, _BSN_WEIGHTS, map(int, number[:-1])))
    return (total - int(number[-1])) % 11 == 0


def _stdnum(module: object) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return bool(module.is_valid(_compact(value)))  # type: ignore[attr-defined]

    return check


_EXTENSION: Final = re.compile(r"-\d{1,5}$")


def _phone(value: str) -> bool:
    """A number phonenumbers accepts as valid, international or in one of our regions.

    A trailing `-12` extension is allowed.
    """
    if _phone_number(value):
        return True
    return bool(_EXTENSION.search(value)) and _phone_number(_EXTENSION.sub("", value))


_NANP_EXT: Final = re.compile(r"\s*(?:x|ext\.?)\s*\d{1,5}$", re.I)


def _phone_nanp(value: str) -> bool:
    """A NANP-shaped number without +1: area code and exchange start with 2-9 (555-123-4567)."""
    digits = "".join(c for c in _NANP_EXT.sub("", value) if c.isdigit())
    return len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789"


def _phone_number(value: str) -> bool:
    raw = value.replace("(0)", "")
    stripped = raw.lstrip()
    try:
        if stripped.startswith(("+", "00")):
            # The explicit country code is a strong signal: a plausible length is enough.
            international = "+" + stripped.lstrip("+").removeprefix("00")
            num = parse_plain_international(international) or phonenumbers.parse(
                international, None
            )
            if num.country_code is None:
                return False
            if phonenumbers.region_code_for_country_code(num.country_code) == "ZZ":
                return False
            # the cheap length test first: the same verdict, without is_valid_number most times
            return 7 <= len(str(num.national_number)) <= 12 or phonenumbers.is_valid_number(num)
        if raw.isascii():
            digits = _NON_DIGIT.sub("", raw)
        else:  # str.isdigit also accepts other scripts' digits
            digits = "".join(c for c in raw if c.isdigit())
        if len(digits) < _MIN_NATIONAL_DIGITS or len(digits) > _MAX_NATIONAL_DIGITS:
            return False
        return _national_valid(digits)
    except phonenumbers.NumberParseException:
        return False


def _national_valid(digits: str) -> bool:
    """The number as each region would store it is valid there: without the trunk 0, or with it
    in Italy (phonenumbers keeps Italy's leading zero in the national significant number).
    """
    if digits[0] == "0":
        return valid_in_regions(_ITALY, "0" + str(int(digits))) or valid_in_regions(
            _TRUNK_ZERO_REGIONS, str(int(digits[1:]))
        )
    return valid_in_regions(_OTHER_REGIONS, str(int(digits)))


_PLACEHOLDER: Final = re.compile(
    r"^(?:\*+|x+|\.+|-+|#+|_+|<[^>]*>?|\[[^\]]*\]?|\{\{.*|\$\{.*|\$[A-Z_]+"
    r"|%(?:\([A-Za-z_]+\))?[sdr]|%[A-Za-z_]+%|%\{[^}]*\}?"  # printf, %ENV%, %{x}; not "%t4WK…"
    r"|(?i:redacted|changeme|change_me|password|passwort|secret|none|null|nil|empty|example"
    r"|your[-_a-z]*|dummy|placeholder|todo|tbd|masked|hidden|geheim|motdepasse|see[-_ ]?vault"
    r"|env|required|optional|true|false))$"
)


def _password(value: str) -> bool:
    """Looks like a real password: 6+ characters, not a placeholder, a digit or symbol in it."""
    if len(value) < 6 or _PLACEHOLDER.match(value):
        return False
    has_digit_or_symbol = any(not c.isalpha() for c in value)
    return has_digit_or_symbol or len(value) >= 16


def _token(value: str) -> bool:
    """A generic credential: not a placeholder, UUID or bare hex digest, mixed characters."""
    if _PLACEHOLDER.match(value) or _UUID.match(value) or _HEX.match(value):
        return False
    if value.isascii():  # the same test without a generator per character class
        return _ASCII_DIGIT.search(value) is not None and _ASCII_LETTER.search(value) is not None
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


_ASCII_DIGIT: Final = re.compile(r"[0-9]")
_ASCII_LETTER: Final = re.compile(r"[A-Za-z]")


_UUID: Final = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HEX: Final = re.compile(
    r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{128})$", re.I
)


def _url_password(value: str) -> bool:
    """A URL whose userinfo password is a real value, not `${VAR}` or `<password>`."""
    userinfo = value.split("://", 1)[-1].rsplit("@", 1)[0]
    password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
    return bool(password) and not _PLACEHOLDER.match(password)


def entropy_bits(value: str) -> float:
    """Bits per character of `value` (0 for empty): the Python definition of `_entropy`'s sum."""
    if not value:
        return 0.0
    n = len(value)
    total = 0.0
    # Each distinct character in order of first occurrence, as Counter(value) lists them (the
    # same sum, bit for bit), counted by str.count in C; Counter.__init__ is Python code.
    for char in dict.fromkeys(value):
        p = value.count(char) / n
        total -= p * log2(p)
    return total


_entropy_bits: Callable[[str], float] = native("_entropy", "shannon_entropy") or entropy_bits


@lru_cache(maxsize=16_384)
def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0 for empty), in C where built; cached like the
    validators."""
    return _entropy_bits(value)


_PLAIN: dict[str, Callable[[str], bool]] = {
    "luhn": _luhn,
    "iban": _iban,
    "vat": _vat,
    "de_idnr": _de_idnr,
    "de_ausweis": _de_ausweis,
    "fr_nir": _stdnum(fr_nir),
    "nl_bsn": _nl_bsn,
    "es_dni": _stdnum(es_dni),
    "es_nie": _stdnum(es_nie),
    "it_cf": _stdnum(it_cf),
    "at_svnr": _stdnum(at_vnr),
    "phone": _phone,
    "phone_nanp": _phone_nanp,
    "ipv4": _ipv4,
    "password": _password,
    "token": _token,
    "url_password": _url_password,
    "ipv6": _ipv6,
}

# Values recur (every turn of a chat resends its history), and phone/IBAN checks cost tens of µs.
_CACHE_SIZE: Final = 16_384


@final
class Validator:
    """A named check with its verdicts cached by value, emptied when full (as the planner's).

    A compiled class, not `functools.lru_cache`: the rule loop calls `verdict` directly, where an
    lru_cache wrapper is a call through `tp_call` with an argument tuple and a key per value.
    """

    __slots__ = ("_check", "_verdicts")

    def __init__(self, check: Callable[[str], bool]) -> None:
        self._check = check
        self._verdicts: dict[str, bool] = {}

    def verdict(self, value: str) -> bool:
        known = self._verdicts.get(value)
        if known is not None:
            return known
        if len(self._verdicts) >= _CACHE_SIZE:
            self._verdicts.clear()
        found = bool(self._check(value))
        self._verdicts[value] = found
        return found

    def __call__(self, value: str) -> bool:
        return self.verdict(value)

    def cache_clear(self) -> None:
        self._verdicts.clear()


VALIDATORS: dict[str, Validator] = {name: Validator(check) for name, check in _PLAIN.items()}


def clear_caches() -> None:
    """Forget cached verdicts (benchmarks call this to measure cold validation)."""
    for check in VALIDATORS.values():
        check.cache_clear()
    shannon_entropy.cache_clear()
