"""The parsed client request: its raw body plus every text-bearing field as a Segment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from douane.dialects._json import JSON, Path
from douane.types import Segment

__all__ = ["Conversation", "Dialect", "Endpoint", "TextKind", "replace_texts"]

Dialect = Literal["openai", "anthropic"]
Endpoint = Literal["chat", "embeddings"]
TextKind = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class Conversation:
    """A client request: `segments[i].path` locates segment i's text inside `body`."""

    dialect: Dialect
    endpoint: Endpoint
    model: str
    stream: bool
    body: JSON
    segments: tuple[Segment, ...]

    @property
    def include_usage(self) -> bool:
        """Whether an OpenAI streaming client asked for the final usage chunk."""
        opts = self.body.get("stream_options")
        return isinstance(opts, dict) and opts.get("include_usage") is True

    def with_texts(self, texts: Sequence[str]) -> JSON:
        """The body with segment i's text replaced by texts[i]; `body` itself is never mutated.

        Only the containers on the path of a changed segment are copied (hot path).
        Raises ValueError if `texts` does not have one entry per segment.
        """
        if len(texts) != len(self.segments):
            raise ValueError(f"expected {len(self.segments)} texts, got {len(texts)}")
        pairs = zip(self.segments, texts, strict=True)
        changes = [(seg.path, new) for seg, new in pairs if new != seg.text]
        return replace_texts(self.body, changes)


def replace_texts(body: JSON, changes: Sequence[tuple[Path, str]]) -> JSON:
    """Copy-on-write replacement of the string at each path; untouched subtrees are shared."""
    root: JSON = dict(body)
    copied: dict[Path, Any] = {(): root}
    for path, text in changes:
        parent: Any = root
        for depth in range(len(path) - 1):
            prefix = path[: depth + 1]
            node = copied.get(prefix)
            if node is None:
                original = parent[path[depth]]
                node = list(original) if isinstance(original, list) else dict(original)
                parent[path[depth]] = node
                copied[prefix] = node
            parent = node
        parent[path[-1]] = text
    return root
