"""Reversible masking: replace each masked finding by a typed, keyed placeholder, each redacted one
by an irreversible marker, and keep this request's placeholder ↔ value `Mapping`.

Placeholders are `[TYPE_hex]`, the hex being a prefix of a hash of the value's keyed hash,
so a value gets the same placeholder on every turn without server-side state. The prefix is 5 hex
digits, lengthened only when two values of one request would share it, or when the client's own
text already contains that placeholder (a pasted answer, a log line): mask → restore stays the
identity in both cases.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import starmap
from operator import itemgetter
from typing import TypeVar, cast

from douane._mask_spans import findings_per_segment, merge
from douane._placeholder import (
    CANDIDATE,
    MIN_HEX,
    CandidateFinder,
    candidate_key,
    format_placeholder,
    is_paired,
    redaction_marker,
)
from douane.errors import ScanFailed
from douane.hashing import KeyHasher, normalize_value
from douane.types import Action, Finding, FindingType

__all__ = ["Mapping", "MaskResult", "Masker"]

_T = TypeVar("_T")
_DIGEST_FROM = 256  # shorter skeletons are scanned faster than digested
_SENTINEL = "[\x00]"  # stands in for a placeholder while scanning the client's own text


class Mapping:
    """Placeholder ↔ original value for one request; its repr never shows a value."""

    __slots__ = ("_bare", "_by_key", "_derived", "max_hex")

    def __init__(
        self, entries: Iterable[tuple[str, str, str]] = (), bare_disabled: Iterable[str] = ()
    ) -> None:
        """`entries` are (TYPE, hex, original); a suffix-less `[TYPE]` is restorable only when the
        type has exactly one entry and is not in `bare_disabled` (the client wrote it literally)."""
        self._by_key: dict[tuple[str, str], str] = {}
        per_type: dict[str, list[str]] = defaultdict(list)
        for type_name, hex_suffix, original in entries:
            key = (type_name.upper(), hex_suffix.lower())
            if key in self._by_key:
                raise ValueError(f"duplicate placeholder for type {key[0]}")
            self._by_key[key] = original
            per_type[key[0]].append(original)
        disabled = set(bare_disabled)
        self._bare = {
            t: values[0] for t, values in per_type.items() if len(values) == 1 and t not in disabled
        }
        self.max_hex = max((len(h) for _, h in self._by_key), default=0)
        self._derived: dict[str, object] = {}

    @classmethod
    def _of(cls, by_key: dict[tuple[str, str], str], bare: dict[str, str]) -> Mapping:
        """A mapping from keys already canonical and distinct (the masker's own)."""
        mapping = cls.__new__(cls)
        mapping._by_key = by_key
        mapping._bare = bare
        mapping.max_hex = max((len(h) for _, h in by_key), default=0)
        mapping._derived = {}
        return mapping

    def derived(self, name: str, build: Callable[[Mapping], _T]) -> _T:
        """`build(self)`, computed once per mapping (the restorer's lookup tables: a response
        has a restorer per stream channel, and a mapping never changes)."""
        if name not in self._derived:
            self._derived[name] = build(self)
        return cast(_T, self._derived[name])

    def lookup(self, type_name: str, hex_suffix: str) -> str | None:
        """The original behind `[TYPE_hex]` (case-insensitive), or None if this request did not
        produce it."""
        return self._by_key.get((type_name.upper(), hex_suffix.lower()))

    def bare(self, type_name: str) -> str | None:
        """The original behind a suffix-less `[TYPE]`, when that is unambiguous."""
        return self._bare.get(type_name)

    def placeholders(self) -> tuple[str, ...]:
        """Every placeholder of this request, sorted."""
        return tuple(sorted(format_placeholder(t, h) for t, h in self._by_key))

    def original(self, placeholder: str) -> str:
        """The value behind a canonical placeholder. Raises KeyError if it is not in the mapping."""
        m = CANDIDATE.fullmatch(placeholder)
        value = self.lookup(*candidate_key(m)) if m and m.group("h") else None
        if value is None:
            raise KeyError("not a placeholder of this request")
        return value

    def items(self) -> Iterator[tuple[tuple[str, str], str]]:
        """((TYPE, hex), original) pairs, for the restorer."""
        return iter(self._by_key.items())

    def __len__(self) -> int:
        return len(self._by_key)

    def __repr__(self) -> str:
        counts = Counter(t for t, _ in self._by_key)
        inner = ", ".join(f"{t}={n}" for t, n in sorted(counts.items()))
        return f"Mapping({len(self._by_key)} placeholders{': ' + inner if inner else ''})"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class MaskResult:
    """Masked copies of the texts (same order), this request's mapping, per-type counts of masked
    and redacted items, and the keyed hashes of those values (sorted, distinct)."""

    texts: tuple[str, ...]
    mapping: Mapping
    counts: dict[str, int]
    value_hashes: tuple[str, ...]


# What replaces a span: a redaction marker, or the (type, raw value) key of a masked value.
_Slot = str | tuple[FindingType, str]
# What a value hashes to: (value hash, long hex, (TYPE, shortest hex), shortest placeholder).
_Hashed = tuple[str, str, tuple[str, str], str]


def _literal_keys(text: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """Every placeholder-like key the client's own text holds, and the bracketed bare types."""
    keys: set[tuple[str, str]] = set()
    bare: set[str] = set()
    pos = 0
    finder = CandidateFinder(text)
    while (m := finder.search(pos)) is not None:
        type_name, hex_suffix = candidate_key(m)
        if hex_suffix:
            keys.add((type_name, hex_suffix))
        elif is_paired(m):
            bare.add(type_name)
        pos = m.start() + 1
    return frozenset(keys), frozenset(bare)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class Masker:
    """Masks and redacts findings with placeholders keyed by the tenant secret.

    Each distinct (type, value) is hashed once and then remembered in a bounded LRU, and so is
    what the scan of a long segment for placeholder-like text found, by the segment's digest:
    the earlier messages of a conversation come back on every turn. `cache_size=0` turns both
    off. The caches live in this object's memory only and are never logged or shown by repr.
    """

    def __init__(self, secret_key: bytes, cache_size: int = 4096) -> None:
        self._hmac = KeyHasher(secret_key)
        self._bound: dict[tuple[str, str], Callable[[str], str]] = {}
        self._hashes: Callable[[FindingType, str], _Hashed] = (
            functools.lru_cache(maxsize=cache_size)(self._hash_value)
            if cache_size
            else self._hash_value
        )
        # Digest of a skeleton (a segment with its findings replaced) -> what _literal_keys found.
        self._skeletons: dict[bytes, tuple[frozenset[tuple[str, str]], frozenset[str]]] = {}
        self._skeleton_cap = cache_size // 4
        self._cache_size = cache_size
        self._skeleton_lock = threading.Lock()

    @property
    def cache_size(self) -> int:
        """How many distinct values this masker remembers (0: none beyond the request)."""
        return self._cache_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _literals(self, skeleton: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
        """_literal_keys(skeleton), remembered by digest (not by text) for long skeletons."""
        if len(skeleton) < _DIGEST_FROM or not self._skeleton_cap:
            return _literal_keys(skeleton)
        data = skeleton.encode("utf-8", "surrogatepass")
        digest = hashlib.blake2b(data, digest_size=16).digest()
        with self._skeleton_lock:  # the pipeline masks on the event loop, but who knows
            found = self._skeletons.pop(digest, None)
        if found is None:
            found = _literal_keys(skeleton)
        with self._skeleton_lock:
            if len(self._skeletons) >= self._skeleton_cap:
                del self._skeletons[next(iter(self._skeletons))]  # the least recently used
            self._skeletons[digest] = found
        return found

    def _hash(self, domain: str, type_name: str, value: str) -> str:
        """keyed_hash(key, domain, type_name, value), with the per-type prefix hashed once."""
        fn = self._bound.get((domain, type_name))
        if fn is None:
            fn = self._bound[(domain, type_name)] = self._hmac.bound(domain, type_name)
        return fn(value)

    def _hash_value(self, type_: FindingType, raw: str) -> _Hashed:
        """Everything about one raw value that does not depend on the rest of the request."""
        value_hash = self._hash("value", type_, normalize_value(type_, raw))
        full_hex = self._derive(value_hash)
        type_name = str(type_)
        short = full_hex[:MIN_HEX]
        return value_hash, full_hex, (type_name, short), f"[{type_name}_{short}]"

    @staticmethod
    def _derive(value_hash: str) -> str:
        return hashlib.sha256(b"placeholder:" + value_hash.encode()).hexdigest()

    def _full_hex(self, type_name: str, items: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
        """(raw, long hex) for (raw, value hash, derived hex) items: the placeholder is a prefix
        of the hex.

        The hex is an unkeyed hash of the keyed value hash: keyed through it, one cheap call, and
        the provider never sees a prefix of what the ledger stores. Raw values that normalize
        alike (`DE89 3704…`, `DE893704…`) share it up to MIN_HEX and then differ, so each
        restores to exactly what the client wrote."""
        if len({vh for _, vh, _ in items}) == len(items):
            return [(raw, hx) for raw, _, hx in items]
        by_hash: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for raw, vh, hx in items:
            by_hash[vh].append((raw, hx))
        out = []
        for group in by_hash.values():
            if len(group) == 1:
                out.append(group[0])
            else:
                out += [(r, hx[:MIN_HEX] + self._hash("raw", type_name, r)) for r, hx in group]
        return out

    def _assign(
        self, type_name: str, items: list[tuple[str, str, str]], literal: set[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """(raw, hex) with the shortest hex per value that is unique within the request and
        absent from the client's text; depends only on the set of values, not their order."""
        ordered = sorted(self._full_hex(type_name, items), key=itemgetter(1))
        if not literal and len({hx[:MIN_HEX] for _, hx in ordered}) == len(ordered):
            return [(raw, hx[:MIN_HEX]) for raw, hx in ordered]  # the usual case, in short
        lengths = [MIN_HEX] * len(ordered)
        # Sorted, the longest common prefix of a hex with any other is with a neighbour.
        for i in range(len(ordered) - 1):
            a, b = ordered[i][1], ordered[i + 1][1]
            if a[:MIN_HEX] == b[:MIN_HEX]:
                shared = _common_prefix(a, b) + 1
                lengths[i] = max(lengths[i], shared)
                lengths[i + 1] = max(lengths[i + 1], shared)
        out = []
        for (raw, hx), length in zip(ordered, lengths, strict=True):
            while literal and (type_name, hx[:length]) in literal:
                length += 1
            if length > len(hx):
                raise ScanFailed(f"masking failed: no unique placeholder for a {type_name} value")
            out.append((raw, hx[:length]))
        return out

    def mask(
        self, texts: Sequence[str], findings: Sequence[Finding], actions: Sequence[Action]
    ) -> MaskResult:
        """Masked copies of `texts` (finding.segment indexes them), one action per finding.

        Raises ScanFailed when findings and actions disagree in number, a finding points outside
        its text, or an action is unknown (the gateway then refuses the request).
        """
        per_segment = findings_per_segment(texts, findings, actions)
        if not per_segment:
            return MaskResult(tuple(texts), Mapping(), {}, ())

        # Per segment: the text between spans, and per span a redaction marker or a masked key.
        layouts: dict[int, tuple[list[str], list[_Slot]]] = {}
        every_key: list[tuple[FindingType, str]] = []
        masked: dict[tuple[FindingType, str], None] = {}  # distinct masked keys, in text order
        mask_action = Action.MASK
        for seg, items in per_segment.items():
            text = texts[seg]
            spans = merge(items)
            keys = [(type_, text[start:end]) for start, end, _, type_ in spans]
            every_key += keys
            ends = [0, *[end for _, end, _, _ in spans]]
            starts = [*[start for start, _, _, _ in spans], len(text)]
            gaps = [text[a:b] for a, b in zip(ends, starts, strict=True)]
            if all(action is mask_action for _, _, action, _ in spans):
                masked.update(dict.fromkeys(keys))
                layouts[seg] = gaps, list(keys)
                continue
            slots: list[_Slot] = []
            for key, (_, _, action, type_) in zip(keys, spans, strict=True):
                if action is mask_action:
                    masked[key] = None
                    slots.append(key)
                else:
                    slots.append(redaction_marker(type_))
            layouts[seg] = gaps, slots
        distinct = dict.fromkeys(every_key)
        hashes = dict(zip(distinct, starmap(self._hashes, distinct), strict=True))
        names, by_key, bare = self._name(texts, layouts, masked, hashes) if masked else ({}, {}, {})
        out = list(texts)
        for seg, (gaps, slots) in layouts.items():
            out[seg] = _render(gaps, slots, names)
        counts = Counter(type_ for type_, _ in every_key)
        return MaskResult(
            texts=tuple(out),
            mapping=Mapping._of(by_key, bare),
            counts={str(t): counts[t] for t in sorted(counts)},
            value_hashes=tuple(sorted({h[0] for h in hashes.values()})),
        )

    def _name(
        self,
        texts: Sequence[str],
        layouts: dict[int, tuple[list[str], list[_Slot]]],
        masked: dict[tuple[FindingType, str], None],
        hashes: dict[tuple[FindingType, str], _Hashed],
    ) -> tuple[dict[tuple[FindingType, str], str], dict[tuple[str, str], str], dict[str, str]]:
        """(placeholder per masked key, the mapping's entries, its suffix-less entries)."""
        literal: set[tuple[str, str]] = set()
        bare_literal: set[str] = set()
        for seg, text in enumerate(texts):
            keys, bare_types = self._literals(
                _render(*layouts[seg], None) if seg in layouts else text
            )
            literal |= keys
            bare_literal |= bare_types
        found = [hashes[key] for key in masked]
        per_type = Counter(map(itemgetter(0), masked))
        bare = {
            str(type_): raw
            for type_, raw in masked
            if per_type[type_] == 1 and type_ not in bare_literal
        }
        if (
            not literal
            and len({h[0] for h in found}) == len(found)
            and len({h[2] for h in found}) == len(found)
        ):
            # The usual case: distinct values, distinct short hexes, nothing alike in the text.
            names = dict(zip(masked, [h[3] for h in found], strict=True))
            by_key = dict(zip([h[2] for h in found], [raw for _, raw in masked], strict=True))
            return names, by_key, bare
        names = {}
        by_key = {}
        by_type: dict[FindingType, list[tuple[str, str, str]]] = {}
        for (type_, raw), h in zip(masked, found, strict=True):
            by_type.setdefault(type_, []).append((raw, h[0], h[1]))
        for type_, values in by_type.items():
            type_name = str(type_)
            for raw, hx in self._assign(type_name, values, literal):
                names[(type_, raw)] = f"[{type_name}_{hx}]"
                by_key[(type_name, hx)] = raw
        return names, by_key, bare


def _render(
    gaps: list[str],
    slots: list[_Slot],
    names: dict[tuple[FindingType, str], str] | None,
) -> str:
    """The segment with its spans replaced; a sentinel stands in for placeholders while their
    names are not known yet (names is None)."""
    parts: list[str] = [""] * (2 * len(slots) + 1)
    parts[::2] = gaps
    parts[1::2] = [
        slot if isinstance(slot, str) else _SENTINEL if names is None else names[slot]
        for slot in slots
    ]
    return "".join(parts)
