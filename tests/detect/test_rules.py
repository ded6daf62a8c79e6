"""Tests for the rule detector and the bundled rule files."""

from __future__ import annotations

import random
import re
import time
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.corpora import corpus_texts

import douane.detect.rules as rules_module
from douane.detect import Scanner
from douane.detect.rulefile import Rule, load_ruleset
from douane.detect.rules import RuleDetector, check_examples, scan_rule
from douane.errors import ConfigError
from douane.types import FindingType


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector(load_ruleset())


def types_in(detector: RuleDetector, text: str) -> list[tuple[str, str]]:
    return sorted((str(f.type), text[f.start : f.end]) for f in detector.scan(text))


def test_every_bundled_example_passes() -> None:
    assert check_examples(load_ruleset()) == []


def test_checksum_valid_ids_found_without_context(detector: RuleDetector) -> None:
    text = "Ref 42589600177 and DE89 3704 0044 0532 0130 00 and 4012 3594 8292 8742 and DE829068550"
    found = types_in(detector, text)
    assert ("NATIONAL_ID", "42589600177") in found
    assert ("IBAN", "DE89 3704 0044 0532 0130 00") in found
    assert ("CREDIT_CARD", "4012 3594 8292 8742") in found
    assert ("VAT_ID", "DE829068550") in found


def test_invalid_checksums_are_not_reported(detector: RuleDetector) -> None:
    text = (
        "Steuer-ID 35692344242, IBAN DE35436760481588317446, card 4305 9178 3133 5578, DE489880263"
    )
    assert detector.scan(text) == []


def test_context_word_raises_score_of_weak_checksum(detector: RuleDetector) -> None:
    bare = [f for f in detector.scan("263952071") if f.type is FindingType.NATIONAL_ID]
    ctx = [f for f in detector.scan("BSN 263952071") if f.type is FindingType.NATIONAL_ID]
    assert bare and ctx and ctx[0].score > bare[0].score


def test_iban_followed_by_word_is_cut_back(detector: RuleDetector) -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00 BANK"
    (f,) = [f for f in detector.scan(text) if f.type is FindingType.IBAN]
    assert text[f.start : f.end] == "DE89 3704 0044 0532 0130 00"


def test_password_span_is_value_only_and_placeholders_ignored(detector: RuleDetector) -> None:
    text = "Passwort: Fruehling2024?. Bitte\nDB_PASSWORD=REDACTED\nAPI_KEY=********"
    secrets = [text[f.start : f.end] for f in detector.scan(text) if f.type is FindingType.SECRET]
    assert secrets == ["Fruehling2024?"]


def test_version_numbers_and_oids_are_not_ip_addresses(detector: RuleDetector) -> None:
    text = "firmware 9.11.1.7, OID 1.3.6.1.4.1.25116.4.7, host 10.0.0.12"
    ips = [text[f.start : f.end] for f in detector.scan(text) if f.type is FindingType.IP_ADDRESS]
    assert ips == ["10.0.0.12"]


def test_markings_but_not_prose(detector: RuleDetector) -> None:
    text = "Betreff: [STRENG VERTRAULICH] Plan\nDie Daten sind vertraulich zu behandeln."
    marks = [(text[f.start : f.end], str(f.level)) for f in Scanner([detector]).scan(text)]
    assert marks == [("STRENG VERTRAULICH", "secret")]


def test_the_digits_of_a_uuid_are_no_phone_number(detector: RuleDetector) -> None:
    """`allowlist.within`: a phone match inside a UUID is dropped, one beside it is kept."""
    uuids = [
        "03012345-6789-4abc-8def-0123456789ab",  # the head reads as a German number
        "0a1b2c3d-1234-5678-9abc-030123456789",  # the tail
        "00491234-5678-4abc-8def-0123456789AB",  # an international prefix, capitals
    ]
    for uuid in uuids:
        assert types_in(detector, f"request {uuid} failed") == []
        text = f"request {uuid}, Tel. 0301 2345678 or +49 30 1234567"
        assert types_in(detector, text) == [("PHONE", "+49 30 1234567"), ("PHONE", "0301 2345678")]
        text = f"Grüße – Anfrage {uuid} …, Tél. 0301 2345678"  # byte and character offsets differ
        assert types_in(detector, text) == [("PHONE", "0301 2345678")]
    # a dashed number that only looks like a UUID's piece is still a number
    assert types_in(detector, "Tel. 03012345-6789") == [("PHONE", "03012345-6789")]


def test_within_patterns_must_compile(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    rule = _ticket_rule(tmp_path, "TCK-").read_text()
    path.write_text(rule + "allowlist.within = ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: ticket: regex does not compile under RE2"):
        load_ruleset((str(path),))
    path.write_text(rule + "allowlist.within = 'TCK'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"`allowlist\.within` must be a list of strings"):
        load_ruleset((str(path),))


def test_user_file_extends_and_disables(tmp_path: Path) -> None:
    user = tmp_path / "team.toml"
    user.write_text(
        """
disabled = ["jwt"]
[[rules]]
id = "ticket-ref"
type = "SECRET"
level = "internal"
description = "internal ticket reference"
regex = '''\\bTCK-\\d{6}\\b'''
keywords = ["tck-"]
examples.match = ["see TCK-123456"]
examples.no_match = ["TCK-12"]
""",
        encoding="utf-8",
    )
    rs = load_ruleset((str(user),))
    assert rs.by_id("ticket-ref") is not None
    assert rs.by_id("jwt") is None
    assert rs.by_id("iban") is not None
    assert check_examples(rs) == []


def test_rule_errors_name_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[[rules]]\nid = 'x'\ntype = 'SECRET'\nlevel = 'secret'\ndescription = 'd'\n"
        "regex = '(a'\nexamples.match = ['a']\nexamples.no_match = []\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"bad.toml: x: regex does not compile"):
        load_ruleset((str(bad),))


def test_backreferences_are_rejected_not_backtracked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[[rules]]\nid = 'y'\ntype = 'SECRET'\nlevel = 'secret'\ndescription = 'd'\n"
        "regex = '''(a)\\1'''\nexamples.match = ['aa']\nexamples.no_match = []\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="RE2"):
        load_ruleset((str(bad),))


def test_catastrophic_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    evil = tmp_path / "evil.toml"
    evil.write_text(
        "[[rules]]\nid = 'evil'\ntype = 'SECRET'\nlevel = 'secret'\ndescription = 'd'\n"
        "regex = '''(a+)+$'''\nexamples.match = ['aaa']\nexamples.no_match = ['b']\n",
        encoding="utf-8",
    )
    det = RuleDetector(load_ruleset((str(evil),)))
    t0 = time.perf_counter()
    det.scan("a" * 50_000 + "!")
    assert time.perf_counter() - t0 < 2.0


@pytest.mark.parametrize(
    "text",
    [
        "API_KEY = 'Zr8kQ2xL9mN4pV7tQ2xL9mN4'",
        "API_\u212aEY = 'Zr8kQ2xL9mN4pV7tQ2xL9mN4'",  # Kelvin sign: lowers to an ASCII k
        "\u0130 STRENG VERTRAULICH: Passwort: Fr\u00fchling2024?",
        "Gr\u00fc\u00dfe, STRENG VERTRAULICH, PASSWORD=Adm1n_7782, mail j\u00f6rg@example.de",
        "\u00c9TIENNE, CONFIDENTIEL, Bearer abcdefghijklmnopqrstuvwxyz0123456789",
    ],
)
def test_set_and_keyword_gates_find_what_each_rule_finds_alone(
    detector: RuleDetector, text: str
) -> None:
    alone = [f for rule in detector.ruleset.rules for f in scan_rule(rule, text)]
    assert sorted(detector.scan(text), key=repr) == sorted(alone, key=repr)
    assert alone  # every text exercises at least one keyword rule


def _ticket_rule(tmp_path: Path, prefilter: str) -> Path:
    path = tmp_path / "tickets.toml"
    path.write_text(
        "[[rules]]\nid = 'ticket'\ntype = 'SECRET'\nlevel = 'internal'\ndescription = 'd'\n"
        f"regex = '''\\bTCK-\\d{{6}}\\b'''\nprefilter = '''{prefilter}'''\n"
        "examples.match = ['see TCK-123456']\nexamples.no_match = ['TCK-12']\n",
        encoding="utf-8",
    )
    return path


def test_the_combined_pass_looks_for_a_rules_prefilter(tmp_path: Path) -> None:
    """The Set runs the prefilter, not the regex: a rule runs only where its prefilter matches."""
    good = RuleDetector(load_ruleset((str(_ticket_rule(tmp_path, "TCK-")),)))
    assert [f.label for f in good.scan("see TCK-123456")] == ["ticket"]
    wrong = load_ruleset((str(_ticket_rule(tmp_path, "NEVER")),))
    rule = wrong.by_id("ticket")
    assert rule is not None
    assert [f.label for f in scan_rule(rule, "see TCK-123456")] == ["ticket"]
    assert RuleDetector(wrong).scan("see TCK-123456") == []
    assert check_examples(wrong) == [
        f"{tmp_path / 'tickets.toml'}: ticket: prefilter misses match example #1"
    ]


_PREFILTERED = [rule for rule in load_ruleset().rules if rule.prefilter is not None]


@pytest.mark.parametrize("rule", _PREFILTERED, ids=lambda rule: rule.id)
def test_every_text_a_bundled_rule_matches_holds_its_prefilter(rule: Rule) -> None:
    """A prefilter that missed a match would hide the rule from the combined pass: texts made
    from the rule's own regex (read by Python's re, ASCII classes as in RE2) hold both."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_regex(re.compile(rule.pattern.pattern, re.ASCII)))
    def holds(text: str) -> None:
        assume(not any("\ud800" <= c <= "\udfff" for c in text))
        assume(rule.pattern.search(text) is not None)
        assert rule.prefilter.search(text) is not None

    holds()


def test_prefilter_must_be_a_string(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(_ticket_rule(tmp_path, "x").read_text().replace("'''x'''", "3"))
    with pytest.raises(ConfigError, match=r"bad\.toml: ticket: `prefilter` must be a string"):
        load_ruleset((str(path),))


def test_a_pem_block_does_not_hide_what_follows_it(detector: RuleDetector) -> None:
    """The PEM rule's prefilter is its header; the block and every finding after it are found."""
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----"
    text = f"key:\n{pem}\n" + "filler text. " * 300 + "mail anna.schmidt@example.de"
    assert types_in(detector, text) == [("EMAIL", "anna.schmidt@example.de"), ("SECRET", pem)]


def _long_texts() -> list[str]:
    """Texts of 2-12 KB joined from the corpora: many lines, one long line, CRLF line ends."""
    records = corpus_texts(400)
    rng = random.Random(5)
    texts = []
    for joiner in ("\n", "\n\n", " ", "\r\n"):
        for _ in range(12):
            picked = rng.sample(records, rng.randint(5, 30))
            texts.append(joiner.join(picked))
    return texts


def test_blocked_search_finds_what_each_rule_finds_in_the_whole_text(
    detector: RuleDetector,
) -> None:
    """A long text is searched block by block for line-bound rules: nothing is lost or added."""
    texts = _long_texts()
    assert sum(len(t.encode()) > rules_module._BLOCKED_MIN for t in texts) > 40
    found = 0
    for text in texts:
        alone = [f for rule in detector.ruleset.rules for f in scan_rule(rule, text)]
        assert sorted(detector.scan(text), key=repr) == sorted(alone, key=repr)
        found += len(alone)
    assert found > 300


def test_blocks_end_after_a_line_break() -> None:
    data = ("x" * 700 + "\n") * 3 + "tail without break " * 50
    blocks = rules_module._blocks(data.encode())
    assert blocks[0] == (0, 701) and blocks[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in pairwise(blocks))
    assert all(data[end - 1] == "\n" for _, end in blocks[:-1])
    assert rules_module._blocks(b"") == []
