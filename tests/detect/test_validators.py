"""Tests for the named validators."""

from __future__ import annotations

import pytest

from douane.detect.validators import VALIDATORS, shannon_entropy


@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("iban", "NL96 ABNA 6172 9995 83", True),
        ("iban", "GB67 HBUK 3731 7077 7852 89", False),
        ("luhn", "3446 419934 19569", True),
        ("luhn", "1234 5678 9012 3456", False),
        ("vat", "BE 0647.917.042", True),
        ("vat", "DE489880263", False),
        ("de_idnr", "42589600177", True),
        ("de_idnr", "35692344242", False),
        ("fr_nir", "1 78 12 59 125 923 45", True),
        ("nl_bsn", "263952071", True),
        ("nl_bsn", "320229390", False),
        ("it_cf", "PSSDNI80A41L219W", True),
        ("es_dni", "87402384V", False),
        ("de_ausweis", "T220001293", True),
        ("phone", "+49 221 107 8476", True),
        ("phone", "07530 904076", True),
        ("phone", "01/09/2025", False),
        ("ipv4", "192.168.0.1", True),
        ("ipv4", "1.2.3.4.5", False),
        ("ipv6", "2001:db8::1", True),
        ("password", "Adm1n_7782", True),
        ("password", "********", False),
        ("password", "${DB_PASSWORD}", False),
        ("token", "f150514e-607f-4614-9f0f-a159d8fdc621", False),
        ("url_password", "postgresql://u:${PW}@db/x", False),
        ("url_password", "postgresql://u:s3cr3t!@db/x", True),
    ],
)
def test_validator(name: str, value: str, ok: bool) -> None:
    assert VALIDATORS[name](value) is ok


def test_entropy_orders_random_above_repetitive() -> None:
    assert shannon_entropy("aaaaaaaa") == 0
    assert shannon_entropy("Zr8kQ2xL9mN4pV7t") > 3.5
