"""EncodedText: byte offsets of the UTF-8 encoding back to character offsets."""

from __future__ import annotations

import random

from douane.detect._matching import EncodedText

# One, two, three and four UTF-8 bytes, and a lone surrogate (three, with surrogatepass).
ALPHABET = ["a", " ", "ü", "Ö", "€", "—", "😀", "\ud800", "ß", "x"]


def _boundaries(text: str) -> list[tuple[int, int]]:
    """(byte offset, character offset) of every character boundary."""
    out, size = [(0, 0)], 0
    for i, char in enumerate(text, 1):
        size += len(char.encode("utf-8", "surrogatepass"))
        out.append((size, i))
    return out


def test_every_boundary_in_any_order() -> None:
    rng = random.Random(11)
    for _ in range(400):  # up to 1,600 bytes: checkpoints fall inside multi-byte characters
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 400)))
        encoded = EncodedText(text)
        pairs = _boundaries(text)
        rng.shuffle(pairs)  # rules ask left to right, each from the start again
        assert [encoded.char(b) for b, _ in pairs] == [c for _, c in pairs]


def test_ascii_and_given_bytes() -> None:
    assert EncodedText("plain ascii").char(6) == 6
    text = "Grüße, Ärger 😀 ok"
    data = text.encode()
    encoded = EncodedText(text, data)
    assert encoded.data is data
    assert text[encoded.char(data.index(b"ok")) :] == "ok"
    assert text[encoded.char(data.index("Ärger".encode())) :].startswith("Ärger")
