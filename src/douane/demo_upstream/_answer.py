"""The demo model: what it answers to a request, and how it splits a streamed answer."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AN_STOP",
    "OA_FINISH",
    "Answer",
    "anthropic_answer",
    "fault_stop",
    "openai_answer",
    "pieces",
    "sse",
    "usage",
    "words",
]

TRIGGER = "use the tool"


@dataclass(frozen=True)
class Answer:
    """What the demo model says: echoed text, or a call of `tool` with `arguments` (JSON)."""

    text: str
    tool: str | None
    arguments: str
    finish: str  # "stop" | "length" | "tool"
    tokens_in: int


def _texts(content: Any) -> str:
    """Join the text of a string / OpenAI parts / Anthropic blocks with newlines."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    return "\n".join(
        p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)
    )


def _truncate(text: str, limit: Any) -> tuple[str, bool]:
    """Keep the first `limit` words (the demo's notion of tokens)."""
    if not isinstance(limit, int):
        return text, False
    words = list(re.finditer(r"\S+", text))
    if len(words) <= limit:
        return text, False
    return (text[: words[limit - 1].end()] if limit > 0 else ""), True


def _decide(
    body: dict[str, Any],
    text: str,
    from_tool: bool,
    forced: str | None,
    tool_names: list[str],
    limit: Any,
) -> Answer:
    tokens_in = max(1, len(json.dumps(body.get("messages"), ensure_ascii=False)) // 4)
    wants_tool = forced is not None or TRIGGER in text.lower()
    if tool_names and not from_tool and wants_tool:
        name = forced if forced in tool_names else tool_names[0]
        args = json.dumps({"text": text}, ensure_ascii=False)
        return Answer("", name, args, "tool", tokens_in)
    text, cut = _truncate(text, limit)
    return Answer(text, None, "", "length" if cut else "stop", tokens_in)


def openai_answer(body: dict[str, Any]) -> Answer:
    """Answer a chat-completions body: echo the last user text or the last tool result."""
    messages = body.get("messages") or [{}]
    last = messages[-1]
    from_tool = last.get("role") == "tool"
    users = [m for m in messages if m.get("role") == "user"]
    text = (
        _texts(last.get("content"))
        if from_tool
        else _texts(users[-1].get("content") if users else "")
    )
    choice = body.get("tool_choice")
    forced = None
    if choice in ("required", "any"):
        forced = ""
    elif isinstance(choice, dict):
        forced = (choice.get("function") or {}).get("name", "")
    names = [t["function"]["name"] for t in body.get("tools") or [] if t.get("type") == "function"]
    if choice == "none":
        names = []
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    return _decide(body, text, from_tool, forced, names, limit)


def anthropic_answer(body: dict[str, Any]) -> Answer:
    """Answer a /v1/messages body: echo the last user text or the tool results of the last turn."""
    messages = body.get("messages") or [{}]
    last = messages[-1]
    content = last.get("content")
    results = (
        [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        if isinstance(content, list)
        else []
    )
    if results:
        text = "\n".join(_texts(b.get("content")) for b in results)
    else:
        users = [m for m in messages if m.get("role") == "user"]
        text = _texts(users[-1].get("content") if users else "")
    choice = body.get("tool_choice") or {}
    forced = {"any": "", "tool": choice.get("name", "")}.get(choice.get("type", ""))
    names = [t["name"] for t in body.get("tools") or [] if "name" in t]
    if choice.get("type") == "none":
        names = []
    return _decide(body, text, bool(results), forced, names, body.get("max_tokens"))


def pieces(text: str, raw: bytes, header: str | None) -> list[str]:
    """Deterministic stream pieces: 1-7 characters from a PRNG seeded by the request body."""
    if header and header.isdigit() and int(header) > 0:
        size = int(header)
        return [text[i : i + size] for i in range(0, len(text), size)]
    rng = random.Random(hashlib.sha256(raw).digest())
    out, i = [], 0
    while i < len(text):
        step = rng.randint(1, 7)
        out.append(text[i : i + step])
        i += step
    return out


def sse(data: Any, event: str | None = None) -> bytes:
    """One SSE event on the wire (JSON data unless `data` is already a string)."""
    head = f"event: {event}\n" if event else ""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"{head}data: {payload}\n\n".encode()


def words(text: str) -> int:
    """The demo's token count: whitespace-separated words."""
    return len(text.split())


OA_FINISH = {"stop": "stop", "length": "length", "tool": "tool_calls"}
AN_STOP = {"stop": "end_turn", "length": "max_tokens", "tool": "tool_use"}


def usage(ans: Answer) -> dict[str, int]:
    """OpenAI-style usage of an answer (the Anthropic side reads the same numbers)."""
    out = words(ans.text) + len(ans.arguments) // 4
    return {
        "prompt_tokens": ans.tokens_in,
        "completion_tokens": out,
        "total_tokens": ans.tokens_in + out,
    }


async def fault_stop(fault: str, k: int, total: int) -> bool:
    """Whether the stream must stop at piece k (hang-stream never returns once it triggers)."""
    at = min(1, total - 1)  # after the first piece, or at once for a one-piece answer
    if fault == "hang-stream" and k == at:
        await asyncio.Event().wait()
    return (fault == "cut-stream" and k >= total // 2) or (fault == "bad-sse" and k == at)
