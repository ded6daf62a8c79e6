"""`phonenumbers.parse(text, None)` for a plainly written international number, without its scan.

Most of parse's time goes to finding the number in free text: per-character digit
normalisation, the extension regex, the viability regex. For a string that is "+" then only ASCII
digits and the separators `space . / ( ) -` (what the phone rules match), those steps provably
change nothing: every separator is phonenumbers punctuation, none can start an extension label
(each needs a letter, `#`, `,` or `;`), and with 3+ digits the string is viable. What remains
depends on the digits alone; it runs here through phonenumbers' own helpers, in parse's order.
A differential test holds this to parse itself.
"""

from __future__ import annotations

import re
from typing import Final

from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumber
from phonenumbers import phonenumberutil as _util

__all__ = ["parse_plain_international"]

_PLAIN: Final = re.compile(r"\+[0-9 ./()\-]*")
_NON_DIGIT: Final = re.compile(r"[^0-9]")
# the length checks parse makes on what follows the country code
_SHORTER_THAN_POSSIBLE: Final = (
    _util.ValidationResult.TOO_SHORT,
    _util.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    _util.ValidationResult.INVALID_LENGTH,
)


def parse_plain_international(text: str) -> PhoneNumber | None:
    """What `phonenumbers.parse(text, None)` returns, or None when `text` is not plain.

    Raises NumberParseException where parse would (too short, unknown country code, too long).
    """
    if _PLAIN.fullmatch(text) is None:
        return None
    digits = _NON_DIGIT.sub("", text)
    if len(digits) <= _util._MIN_LENGTH_FOR_NSN:
        return None  # not viable or too short after the "+": parse's own errors, let it say so
    country_code, national = _util._extract_country_code(digits)
    if country_code == 0:
        raise NumberParseException(NumberParseException.INVALID_COUNTRY_CODE, "no country code")
    if len(national) < _util._MIN_LENGTH_FOR_NSN:
        raise NumberParseException(NumberParseException.TOO_SHORT_NSN, "too short")
    region = _util.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is not None:
        _, stripped, _ = _util._maybe_strip_national_prefix_carrier_code(national, metadata)
        if _util._test_number_length(stripped, metadata) not in _SHORTER_THAN_POSSIBLE:
            national = stripped
    if len(national) > _util._MAX_LENGTH_FOR_NSN:
        raise NumberParseException(NumberParseException.TOO_LONG, "too long")
    number = PhoneNumber(country_code=country_code)
    _util._set_italian_leading_zeros_for_phone_number(national, number)
    number.national_number = int(national)
    return number
