"""Reversible masking: replace each masked finding by a typed, keyed placeholder, each redacted one
by an irreversible marker, and keep this request's placeholder ↔ value `Mapping`.

Placeholders are `[TYPE_hex]`, the hex being a prefix of a hash of the value's keyed hash,
so a value gets the same placeholder on every turn without server-side state. The prefix is 5 hex
digits, lengthened only when two values of one request would share it, or when the client's own
text already contains that placeholder (a pasted answer, a log line): mask → restore stays the
identity in both cases.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

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
from douane.hashing import normalize_value
from douane.types import Action, Finding, FindingType

__all__ = ["Mapping", "MaskResult", "Masker"]

_SENTINEL = "[\x00]"  # stands in for a placeholder while scanning the client's own text


class Mapping:
    """Placeholder ↔ original value for one request; its repr never shows a value."""

    __slots__ = ("_bare", "_by_key", "max_hex")

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


class _Span(NamedTuple):
    """One region to replace: overlapping findings merged into their union."""

    start: int
    end: int
    action: Action
    type: FindingType


_ACTION_RANK = {Action.MASK: 1, Action.REDACT: 2}
_ACTIONS = frozenset(str(a) for a in Action)


def _merge(items: list[tuple[Finding, Action]]) -> list[_Span]:
    """Union overlapping findings; the region takes the strongest action and, among findings with
    that action, the type of the longest (then highest-level, then alphabetically first) one."""
    items.sort(key=lambda fa: (fa[0].start, fa[0].end))
    clusters: list[list[tuple[Finding, Action]]] = []
    end = -1
    for fa in items:
        if clusters and fa[0].start < end:
            clusters[-1].append(fa)
            end = max(end, fa[0].end)
        else:
            clusters.append([fa])
            end = fa[0].end
    spans = []
    for cluster in clusters:
        if len(cluster) == 1:
            f, action = cluster[0]
            spans.append(_Span(f.start, f.end, action, f.type))
            continue
        action = max((a for _, a in cluster), key=_ACTION_RANK.__getitem__)
        best = min(
            (f for f, a in cluster if a is action),
            key=lambda f: (f.start - f.end, -f.level.rank, str(f.type)),
        )
        spans.append(_Span(cluster[0][0].start, max(f.end for f, _ in cluster), action, best.type))
    return spans


def _literal_keys(skeletons: Iterable[str]) -> tuple[set[tuple[str, str]], set[str]]:
    """Every placeholder-like key the client's own text holds, and the bracketed bare types."""
    keys: set[tuple[str, str]] = set()
    bare: set[str] = set()
    for text in skeletons:
        pos = 0
        finder = CandidateFinder(text)
        while (m := finder.search(pos)) is not None:
            type_name, hex_suffix = candidate_key(m)
            if hex_suffix:
                keys.add((type_name, hex_suffix))
            elif is_paired(m):
                bare.add(type_name)
            pos = m.start() + 1
    return keys, bare


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class _Hmac:
    """`douane.hashing.keyed_hash` for one key, with the HMAC key schedule done once: the same
    digests (tested), a few times faster, which matters with dozens of values per request."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def __call__(self, *parts: str) -> str:
        return self.bound(*parts[:-1])(parts[-1])

    def bound(self, *parts: str) -> Callable[[str], str]:
        """The hash with its leading parts fixed, for hashing many values of one type."""
        inner = self._inner.copy()
        for part in parts:
            data = part.encode()
            inner.update(len(data).to_bytes(4, "big") + data)
        outer_base = self._outer

        def digest(last: str) -> str:
            data = last.encode()
            state = inner.copy()
            state.update(len(data).to_bytes(4, "big") + data)
            outer = outer_base.copy()
            outer.update(state.digest())
            return outer.hexdigest()

        return digest


class Masker:
    """Masks and redacts findings with placeholders keyed by the tenant secret."""

    def __init__(self, secret_key: bytes) -> None:
        self._hmac = _Hmac(secret_key)
        self._bound: dict[tuple[str, str], Callable[[str], str]] = {}

    def _hash(self, domain: str, type_name: str, value: str) -> str:
        """keyed_hash(key, domain, type_name, value), with the per-type prefix hashed once."""
        fn = self._bound.get((domain, type_name))
        if fn is None:
            fn = self._bound[(domain, type_name)] = self._hmac.bound(domain, type_name)
        return fn(value)

    @staticmethod
    def _derive(value_hash: str) -> str:
        return hashlib.sha256(b"placeholder:" + value_hash.encode()).hexdigest()

    def _full_hex(self, type_name: str, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(raw, long hex) for (raw, value hash) items: the placeholder is a prefix of the hex.

        The hex is an unkeyed hash of the keyed value hash: keyed through it, one cheap call, and
        the provider never sees a prefix of what the ledger stores. Raw values that normalize
        alike (`DE89 3704…`, `DE893704…`) share it up to MIN_HEX and then differ, so each
        restores to exactly what the client wrote."""
        if len({vh for _, vh in items}) == len(items):
            return [(raw, self._derive(vh)) for raw, vh in items]
        by_hash: dict[str, list[str]] = defaultdict(list)
        for raw, vh in items:
            by_hash[vh].append(raw)
        out = []
        for vh, group in by_hash.items():
            base = self._derive(vh)
            if len(group) == 1:
                out.append((group[0], base))
            else:
                out += [(r, base[:MIN_HEX] + self._hash("raw", type_name, r)) for r in group]
        return out

    def _assign(
        self, type_name: str, items: list[tuple[str, str]], literal: set[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """(raw, hex) with the shortest hex per value that is unique within the request and
        absent from the client's text; depends only on the set of values, not their order."""
        ordered = sorted(self._full_hex(type_name, items), key=lambda kv: kv[1])
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
        if len(findings) != len(actions):
            raise ScanFailed(f"masking failed: {len(findings)} findings but {len(actions)} actions")
        per_segment: dict[int, list[tuple[Finding, Action]]] = defaultdict(list)
        for finding, action in zip(findings, actions, strict=True):
            if not isinstance(action, Action):
                if action not in _ACTIONS:
                    raise ScanFailed("masking failed: unknown action")
                action = Action(action)
            if not 0 <= finding.segment < len(texts):
                raise ScanFailed(f"masking failed: a {finding.type} finding has no segment")
            if not 0 <= finding.start < finding.end <= len(texts[finding.segment]):
                raise ScanFailed(f"masking failed: a {finding.type} finding is out of range")
            if action is not Action.KEEP:
                per_segment[finding.segment].append((finding, action))
        if not per_segment:
            return MaskResult(tuple(texts), Mapping(), {}, ())

        spans = {seg: _merge(items) for seg, items in per_segment.items()}
        counts: Counter[str] = Counter()
        hashes: dict[tuple[str, str], str] = {}  # (type, raw) -> value hash; FindingType is a str
        masked: dict[tuple[str, str], None] = {}  # distinct masked (type, raw), in text order
        for seg, seg_spans in spans.items():
            text = texts[seg]
            for span in seg_spans:
                key = (span.type, text[span.start : span.end])
                counts[span.type] += 1
                if key not in hashes:
                    norm = normalize_value(span.type, key[1])
                    hashes[key] = self._hash("value", span.type, norm)
                if span.action is Action.MASK:
                    masked[key] = None

        hexes: dict[tuple[str, str], str] = {}
        bare_literal: set[str] = set()
        if masked:
            skeletons = (self._render(seg, text, spans, None) for seg, text in enumerate(texts))
            literal, bare_literal = _literal_keys(skeletons)
            by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for type_key, raw in masked:
                by_type[type_key].append((raw, hashes[(type_key, raw)]))
            for type_, items in by_type.items():
                for raw, hx in self._assign(str(type_), items, literal):
                    hexes[(type_, raw)] = hx
        return MaskResult(
            texts=tuple(self._render(seg, text, spans, hexes) for seg, text in enumerate(texts)),
            mapping=Mapping(((str(t), hx, raw) for (t, raw), hx in hexes.items()), bare_literal),
            counts={str(t): n for t, n in sorted(counts.items())},
            value_hashes=tuple(sorted(set(hashes.values()))),
        )

    @staticmethod
    def _render(
        seg: int,
        text: str,
        spans: dict[int, list[_Span]],
        hexes: dict[tuple[str, str], str] | None,
    ) -> str:
        """The text with its spans replaced; a sentinel stands in for placeholders while their
        names are not known yet (hexes is None)."""
        if seg not in spans:
            return text
        parts: list[str] = []
        pos = 0
        for span in spans[seg]:
            parts.append(text[pos : span.start])
            if span.action is Action.REDACT:
                parts.append(redaction_marker(span.type))
            elif hexes is None:
                parts.append(_SENTINEL)
            else:
                parts.append(f"[{span.type}_{hexes[(span.type, text[span.start : span.end])]}]")
            pos = span.end
        parts.append(text[pos:])
        return "".join(parts)
