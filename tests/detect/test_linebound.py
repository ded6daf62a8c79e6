"""line_bound: a rule is called line-bound only if none of its matches can hold a line break."""

from __future__ import annotations

import pytest

from douane.detect._linebound import line_bound
from douane.detect.rulefile import load_ruleset


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b",
        r"[\w.+-]+@[\w-]+\.[\w.]+",
        r"(?i)\bpassword\b[ \t]*[:=][ \t]*(\S+)",
        r"[^\n]+",
        r"(?m)^foo$",
        r"a(?:b|c)*+d",
        r"(?-s:.)x",
    ],
)
def test_line_bound(pattern: str) -> None:
    assert line_bound(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"password\s*=\s*(\S+)",  # \s holds "\n"
        r"[^a]+",  # a negated class holds it unless it names it
        r"\W",
        r"\D",
        r"(?s).+",
        r"a(?s:.)b",
        r"-----BEGIN[^-]*-----",
        r"x\ny",
        r"x\x0ay",
        r"[[:space:]]",  # RE2 syntax Python reads otherwise: never trusted
        r"\pL+",
        r"\Qa\E",
        r"(?U)a+",  # a flag Python does not know: parse error
        r"(a",
    ],
)
def test_not_line_bound(pattern: str) -> None:
    assert not line_bound(pattern)


def test_most_bundled_rules_are_line_bound() -> None:
    rules = load_ruleset().rules
    bound = {r.id for r in rules if line_bound(r.pattern.pattern)}
    assert {"email", "iban", "ipv4", "phone-national", "eu-vat"} <= bound
    assert "pem-private-key" not in bound and "password-assignment" not in bound
