"""The masker's input side: findings checked against their texts, then merged into the
non-overlapping spans to replace, in text order."""

from __future__ import annotations

from collections.abc import Sequence

from douane.errors import ScanFailed
from douane.types import Action, Finding, FindingType

__all__ = ["Item", "Span", "findings_per_segment", "merge"]

# One region to replace, overlapping findings merged into their union: (start, end, action, type).
Span = tuple[int, int, Action, FindingType]
_ACTION_RANK = {Action.MASK: 1, Action.REDACT: 2}
_ACTIONS = frozenset(str(a) for a in Action)


# One finding to replace: (start, end, position in the request, finding, action). Sorting these
# tuples is the stable sort by (start, end): positions are unique, so findings are never compared.
Item = tuple[int, int, int, Finding, Action]


def merge(items: list[Item]) -> list[Span]:
    """Union overlapping findings; the region takes the strongest action and, among findings with
    that action, the type of the longest (then highest-level, then alphabetically first) one."""
    items.sort()
    spans: list[Span] = []
    end = -1
    for start, stop, _, finding, action in items:
        if start < end:
            return _merge_overlapping(items)
        spans.append((start, stop, action, finding.type))
        end = stop
    return spans


def _merge_overlapping(items: list[Item]) -> list[Span]:
    clusters: list[list[tuple[Finding, Action]]] = []
    end = -1
    for start, stop, _, finding, action in items:
        if clusters and start < end:
            clusters[-1].append((finding, action))
            end = max(end, stop)
        else:
            clusters.append([(finding, action)])
            end = stop
    spans = []
    for cluster in clusters:
        if len(cluster) == 1:
            f, action = cluster[0]
            spans.append((f.start, f.end, action, f.type))
            continue
        action = max((a for _, a in cluster), key=_ACTION_RANK.__getitem__)
        best = min(
            (f for f, a in cluster if a is action),
            key=lambda f: (f.start - f.end, -f.level.rank, str(f.type)),
        )
        spans.append((cluster[0][0].start, max(f.end for f, _ in cluster), action, best.type))
    return spans


def findings_per_segment(
    texts: Sequence[str], findings: Sequence[Finding], actions: Sequence[Action]
) -> dict[int, list[Item]]:
    """The findings to mask or redact, per segment; raises ScanFailed on inconsistent input."""
    if len(findings) != len(actions):
        raise ScanFailed(f"masking failed: {len(findings)} findings but {len(actions)} actions")
    per_segment: dict[int, list[Item]] = {}
    n_texts = len(texts)
    keep = Action.KEEP
    for position, (finding, action) in enumerate(zip(findings, actions, strict=True)):
        if not isinstance(action, Action):
            if action not in _ACTIONS:
                raise ScanFailed("masking failed: unknown action")
            action = Action(action)
        seg, start, end = finding.segment, finding.start, finding.end
        if not 0 <= seg < n_texts:
            raise ScanFailed(f"masking failed: a {finding.type} finding has no segment")
        if not 0 <= start < end <= len(texts[seg]):
            raise ScanFailed(f"masking failed: a {finding.type} finding is out of range")
        if action is not keep:
            item = (start, end, position, finding, action)
            items = per_segment.get(seg)
            if items is None:
                per_segment[seg] = [item]
            else:
                items.append(item)
    return per_segment
