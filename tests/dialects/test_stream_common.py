"""dump(): the compact JSON of an SSE data line, as json.dumps writes it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from douane.dialects._stream_common import dump

_OBJECTS: list[Any] = [
    {"choices": [{"delta": {"content": 'Grüße, [PERSON_a3f] — \u2028 "quoted"\n'}}]},
    {"n": 1, "f": 0.5, "big": 10**20, "neg": -3, "t": True, "none": None, "e": [], "o": {}},
    ["a", ["nested", {"k": "v"}]],
    "a bare string",
    {"emoji": "\U0001f600", "ctl": "\x00\x1f"},
]


@pytest.mark.parametrize("obj", _OBJECTS)
def test_dump_is_compact_json_dumps(obj: Any) -> None:
    expected = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    assert dump(obj) == expected
    assert dump(obj) == expected  # the encoder is shared: a second call is the same
    assert "\n" not in dump(obj)
