"""Field-path helpers for validating raw request JSON with errors that name the field."""

from __future__ import annotations

from typing import Any

from douane.errors import BadRequest, UnsupportedFeature
from douane.types import Segment

__all__ = [
    "JSON",
    "Path",
    "bad",
    "fmt_path",
    "need_bool",
    "need_dict",
    "need_list",
    "need_str",
    "str_segment",
    "unsupported",
]

JSON = dict[str, Any]
Path = tuple[str | int, ...]


def fmt_path(path: Path) -> str:
    """Render a path like ``messages[2].content[0].type`` (the form used in every message)."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else key
    return out or "body"


def bad(path: Path, message: str) -> BadRequest:
    """A BadRequest whose message starts with the field path."""
    return BadRequest(f"{fmt_path(path)}: {message}")


def unsupported(path: Path, message: str) -> UnsupportedFeature:
    """An UnsupportedFeature whose message starts with the field path."""
    return UnsupportedFeature(f"{fmt_path(path)}: {message}")


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "null" if value is None else "number"
    )


def need_dict(value: object, path: Path) -> JSON:
    if not isinstance(value, dict):
        raise bad(path, f"expected an object, got {_kind(value)}")
    return value


def need_list(value: object, path: Path, *, nonempty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise bad(path, f"expected an array, got {_kind(value)}")
    if nonempty and not value:
        raise bad(path, "must not be empty")
    return value


def need_str(value: object, path: Path) -> str:
    if not isinstance(value, str):
        raise bad(path, f"expected a string, got {_kind(value)}")
    return value


def need_bool(value: object, path: Path) -> bool:
    if not isinstance(value, bool):
        raise bad(path, f"expected a boolean, got {_kind(value)}")
    return value


def str_segment(obj: JSON, key: str, path: Path, role: str) -> Segment:
    """The string at `obj[key]` (path `path + (key,)`) as a Segment; BadRequest if not a string."""
    field = (*path, key)
    return Segment(field, role, need_str(obj.get(key), field))
