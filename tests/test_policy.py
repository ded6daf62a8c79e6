"""Tests of douane.policy: the shipped default, config overrides, reroutes, blocks, determinism."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from douane.config import Config, parse_config
from douane.errors import ConfigError, NotFound
from douane.policy import Policy, default_policy, merge_policy
from douane.types import Action, Finding, FindingType, Jurisdiction, Level

PROVIDERS = """\
providers:
  - {name: p-us, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: US}
  - {name: p-eu, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: EU}
  - {name: p-onprem, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: on-prem}
  - {name: p-other, kind: openai, base_url: "http://127.0.0.1:1/v1", jurisdiction: other}
models:
  - {name: us, provider: p-us, model: gpt}
  - {name: eu, provider: p-eu, model: mistral}
  - {name: onprem, provider: p-onprem, model: llama}
  - {name: elsewhere, provider: p-other, model: x}
"""


def _config(extra: str = "", providers: str = PROVIDERS) -> Config:
    return parse_config(providers + extra, "test.yaml")


def _f(type_: FindingType, level: Level = Level.CONFIDENTIAL) -> Finding:
    return Finding(0, 1, type_, level, "test")


PII = [
    FindingType.PERSON,
    FindingType.EMAIL,
    FindingType.PHONE,
    FindingType.IBAN,
    FindingType.CREDIT_CARD,
    FindingType.IP_ADDRESS,
    FindingType.NATIONAL_ID,
    FindingType.VAT_ID,
]


@pytest.mark.parametrize("type_", PII)
@pytest.mark.parametrize(
    ("model", "action"),
    [("us", Action.MASK), ("elsewhere", Action.MASK), ("eu", Action.KEEP), ("onprem", Action.KEEP)],
)
def test_default_masks_pii_for_us_and_other_only(
    type_: FindingType, model: str, action: Action
) -> None:
    decision = Policy(_config()).decide("default", model, [_f(type_)])
    assert not decision.blocked and decision.rerouted_to is None
    assert decision.actions == (action,)


@pytest.mark.parametrize("model", ["us", "eu", "onprem", "elsewhere"])
def test_default_blocks_secret_type_everywhere_and_names_no_value(model: str) -> None:
    decision = Policy(_config()).decide("default", model, [_f(FindingType.SECRET, Level.SECRET)])
    assert decision.blocked and decision.actions == ()
    assert decision.blocked_reason is not None
    assert "SECRET (secret)" in decision.blocked_reason
    assert model in decision.blocked_reason
    route = Policy(_config()).route(model)
    assert str(route.jurisdiction) in decision.blocked_reason


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.PUBLIC, {"us": "keep", "eu": "keep", "onprem": "keep", "elsewhere": "keep"}),
        (Level.INTERNAL, {"us": "keep", "eu": "keep", "onprem": "keep", "elsewhere": "mask"}),
        (Level.CONFIDENTIAL, {"us": "mask", "eu": "keep", "onprem": "keep", "elsewhere": "mask"}),
    ],
)
def test_default_level_rules_for_non_pii_types(level: Level, expected: dict[str, str]) -> None:
    policy = Policy(_config())
    for model, action in expected.items():
        decision = policy.decide("default", model, [_f(FindingType.MARKING, level)])
        assert decision.actions == (Action(action),), model


@pytest.mark.parametrize("model", ["us", "eu", "elsewhere"])
def test_default_reroutes_secret_level_to_the_onprem_model(model: str) -> None:
    findings = [_f(FindingType.CODENAME, Level.SECRET), _f(FindingType.PERSON)]
    decision = Policy(_config()).decide("default", model, findings)
    assert decision.rerouted_to == "onprem"
    assert decision.route is not None and decision.route.jurisdiction is Jurisdiction.ON_PREM
    assert decision.route.model == "llama"
    assert decision.actions == (Action.KEEP, Action.KEEP)


def test_default_blocks_secret_level_when_no_onprem_model_exists() -> None:
    providers = PROVIDERS.replace("jurisdiction: on-prem", "jurisdiction: EU")
    decision = Policy(_config(providers=providers)).decide(
        "default", "us", [_f(FindingType.PROTECTED_EXCERPT, Level.SECRET)]
    )
    assert decision.blocked
    assert "PROTECTED_EXCERPT (secret)" in (decision.blocked_reason or "")
    assert "on-prem" in (decision.blocked_reason or "")


def test_onprem_request_with_secret_level_is_allowed_as_is() -> None:
    decision = Policy(_config()).decide(
        "default", "onprem", [_f(FindingType.CODENAME, Level.SECRET)]
    )
    assert decision.actions == (Action.KEEP,) and decision.rerouted_to is None


def test_block_wins_over_reroute() -> None:
    findings = [_f(FindingType.CODENAME, Level.SECRET), _f(FindingType.SECRET, Level.SECRET)]
    decision = Policy(_config()).decide("default", "us", findings)
    assert decision.blocked and decision.rerouted_to is None


def test_no_findings_are_allowed_anywhere() -> None:
    decision = Policy(_config()).decide("default", "elsewhere", [])
    assert not decision.blocked and decision.actions == ()
    assert decision.route is not None and decision.route.provider == "p-other"


def test_unknown_model_raises_not_found() -> None:
    with pytest.raises(NotFound) as info:
        Policy(_config()).decide("default", "gpt-9", [])
    assert "us" in info.value.message


def test_config_policy_overrides_per_level_and_type_on_top_of_default() -> None:
    config = _config(
        """
teams:
  - {name: research, policy: strict}
  - {name: sales}
policies:
  strict:
    levels:
      confidential: {allow: [on-prem], otherwise: redact}
    types:
      PERSON: {allow: [on-prem, EU, US]}
"""
    )
    policy = Policy(config)
    # Overridden level and type
    assert policy.decide("research", "eu", [_f(FindingType.MARKING)]).actions == (Action.REDACT,)
    assert policy.decide("research", "us", [_f(FindingType.PERSON)]).actions == (Action.KEEP,)
    # Untouched default type rules and levels still apply
    assert policy.decide("research", "us", [_f(FindingType.IBAN)]).actions == (Action.MASK,)
    assert policy.decide("research", "us", [_f(FindingType.SECRET)]).blocked
    assert policy.decide("research", "us", [_f(FindingType.MARKING, Level.SECRET)]).rerouted_to
    # Another team keeps the shipped default; so does a team the config does not know.
    for team in ("sales", "nobody"):
        assert policy.decide(team, "us", [_f(FindingType.PERSON)]).actions == (Action.MASK,)
        assert policy.decide(team, "eu", [_f(FindingType.MARKING)]).actions == (Action.KEEP,)


def test_config_named_default_policy_overrides_the_shipped_default() -> None:
    config = _config(
        """
policies:
  default:
    types:
      SECRET: {allow: [on-prem], otherwise: reroute}
"""
    )
    decision = Policy(config).decide("default", "us", [_f(FindingType.SECRET, Level.SECRET)])
    assert decision.rerouted_to == "onprem"


def test_explicit_reroute_target_is_used() -> None:
    config = _config(
        """
models:
  - {name: us, provider: p-us, model: gpt}
  - {name: onprem, provider: p-onprem, model: llama}
  - {name: onprem-big, provider: p-onprem, model: llama-70b}
policies:
  default:
    levels:
      secret: {allow: [on-prem], otherwise: reroute, reroute_to: onprem-big}
""",
        providers=PROVIDERS.split("models:")[0],
    )
    decision = Policy(config).decide("default", "us", [_f(FindingType.CODENAME, Level.SECRET)])
    assert decision.rerouted_to == "onprem-big"
    assert decision.route is not None and decision.route.model == "llama-70b"


def test_reroute_target_outside_the_allowed_jurisdictions_is_a_config_error() -> None:
    config = _config(
        """
policies:
  default:
    levels:
      secret: {allow: [on-prem], otherwise: reroute, reroute_to: eu}
"""
    )
    with pytest.raises(ConfigError) as info:
        Policy(config)
    assert "policies.default.levels.secret" in info.value.message


@pytest.mark.parametrize(
    "rule",
    [
        "{allow: [EU], otherwise: mask, reroute_to: eu}",
        "{allow: [], otherwise: reroute}",
        "{allow: [EU, EU]}",
        "{allow: [mars]}",
        "{allow: [EU], otherwise: shred}",
    ],
)
def test_invalid_rules_are_rejected_at_load(rule: str) -> None:
    with pytest.raises(ConfigError) as info:
        _config(f"policies:\n  default:\n    levels:\n      secret: {rule}\n")
    assert "policies.default.levels.secret" in info.value.message


def test_reroute_picks_a_target_acceptable_for_every_finding() -> None:
    config = _config(
        """
policies:
  default:
    levels:
      secret: {allow: [on-prem, EU], otherwise: reroute}
    types:
      CODENAME: {allow: [EU], otherwise: reroute}
"""
    )
    findings = [_f(FindingType.MARKING, Level.SECRET), _f(FindingType.CODENAME, Level.SECRET)]
    decision = Policy(config).decide("default", "us", findings)
    assert decision.rerouted_to == "eu"


def test_merge_policy_without_spec_is_the_shipped_default() -> None:
    base = default_policy()
    assert merge_policy(None) == base
    assert set(base.levels) == set(Level)
    assert base.types[FindingType.SECRET].otherwise == "block"
    assert Jurisdiction.OTHER not in {
        j for lv, r in base.levels.items() if lv is not Level.PUBLIC for j in r.allow
    }


_FINDINGS = st.lists(
    st.builds(_f, st.sampled_from(list(FindingType)), st.sampled_from(list(Level))), max_size=6
)


@settings(max_examples=200, deadline=None)
@given(_FINDINGS, st.sampled_from(["us", "eu", "onprem", "elsewhere"]), st.randoms())
def test_decision_is_independent_of_finding_order(
    findings: list[Finding], model: str, rnd: object
) -> None:
    policy = Policy(_config())
    reference = policy.decide("default", model, findings)
    indexed = list(enumerate(findings))
    rnd.shuffle(indexed)  # type: ignore[attr-defined]
    shuffled = policy.decide("default", model, [f for _, f in indexed])
    assert shuffled.route == reference.route
    assert shuffled.blocked_reason == reference.blocked_reason
    assert shuffled.rerouted_to == reference.rerouted_to
    if reference.blocked:
        assert shuffled.actions == reference.actions == ()
    else:
        by_original = sorted(enumerate(indexed), key=lambda x: x[1][0])
        assert [shuffled.actions[j] for j, _ in by_original] == list(reference.actions)


def test_other_jurisdiction_gets_nothing_above_public_in_clear() -> None:
    policy = Policy(_config())
    for type_, level in itertools.product(FindingType, Level):
        decision = policy.decide("default", "elsewhere", [_f(type_, level)])
        if level is Level.PUBLIC and type_ not in (*PII, FindingType.SECRET):
            assert decision.actions == (Action.KEEP,)
        else:
            assert decision.blocked or decision.rerouted_to or decision.actions != (Action.KEEP,)
