"""Phone validity for a group of regions in one regex call, from phonenumbers' own metadata.

`phonenumbers.is_valid_number_for_region` tries the general description, then up to ten number
types one regex at a time; a national number that fits no region (most candidates: dates, part
numbers) pays that for every region we accept. Per region and length the same test is one regex:
the general pattern as a lookahead, then the alternation of every type whose lengths allow it;
the regions of a group are alternatives of one pattern, so a number costs one fullmatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Final

from phonenumbers import PhoneMetadata

__all__ = ["valid_in_regions"]

# The types phonenumbers' _number_type_helper checks after the general description; mobile
# only counts when its pattern differs from fixed_line (as there).
_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


def _desc_pattern(desc: object, length: int) -> str | None:
    """The pattern `_is_number_matching_desc` would fullmatch for this length, or None (no)."""
    if desc is None:
        return None
    lengths = desc.possible_length  # type: ignore[attr-defined]
    if len(lengths) > 0 and length not in lengths:
        return None
    pattern: str | None = desc.national_number_pattern  # type: ignore[attr-defined]
    return pattern or None


def _region_pattern(region: str, length: int) -> str | None:
    """A pattern whose fullmatch is `is_valid_number_for_region` for a national number."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    general = _desc_pattern(metadata.general_desc, length)
    if general is None:
        return None
    kinds = [_desc_pattern(getattr(metadata, name), length) for name in _TYPES]
    if not metadata.same_mobile_and_fixed_line_pattern:
        kinds.append(_desc_pattern(metadata.mobile, length))
    alternatives = [f"(?:{kind})" for kind in kinds if kind is not None]
    if not alternatives:
        return None
    return f"(?=(?:{general})\\Z)(?:{'|'.join(alternatives)})"


@cache
def _matcher(regions: tuple[str, ...], length: int) -> Callable[[str], object] | None:
    """Compiled once per (regions, length): compiled code, not a verdict, so never cleared."""
    parts = [p for p in (_region_pattern(region, length) for region in regions) if p is not None]
    return re.compile("|".join(parts)).fullmatch if parts else None


def valid_in_regions(regions: tuple[str, ...], national_number: str) -> bool:
    """Whether `national_number` (the NSN, digits only) is valid in one of `regions`."""
    fullmatch = _matcher(regions, len(national_number))
    return fullmatch is not None and fullmatch(national_number) is not None
