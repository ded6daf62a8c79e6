"""Decide, for a team, a requested model and the findings, where a request goes and what happens to
each finding: keep, mask, redact, reroute the request, or block it.

Rules come from the shipped default policy (data/default_policy.yaml) with the team's config
policy laid over it per level and per type. A finding's rule is its type's rule if one exists,
else its level's rule. The decision depends on the set of findings, never on their order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from douane.config import Config, PolicyRule, PolicySpec
from douane.errors import ConfigError, NotFound
from douane.types import Action, Decision, Finding, FindingType, Jurisdiction, Level, Route

__all__ = [
    "DEFAULT_POLICY",
    "Policy",
    "ResolvedRule",
    "default_policy",
    "merge_policy",
]

DEFAULT_POLICY = "default"
_DEFAULT_FILE = Path(__file__).parent / "data" / "default_policy.yaml"


@cache
def default_policy() -> PolicySpec:
    """The shipped default policy. Raises ConfigError if the bundled file is broken."""
    try:
        return PolicySpec.model_validate(yaml.safe_load(_DEFAULT_FILE.read_text()))
    except Exception as exc:  # a broken install must not start
        raise ConfigError(f"{_DEFAULT_FILE.name}: invalid shipped policy ({exc})") from exc


def merge_policy(spec: PolicySpec | None) -> PolicySpec:
    """`spec` laid over the shipped default: each level or type it names replaces the default's."""
    base = default_policy()
    if spec is None:
        return base
    return PolicySpec(levels={**base.levels, **spec.levels}, types={**base.types, **spec.types})


@dataclass(frozen=True, slots=True)
class ResolvedRule:
    """The rule that governs a finding and where it comes from, e.g. `types.SECRET`."""

    rule: PolicyRule
    source: str

    def outcome(self, jurisdiction: Jurisdiction) -> str:
        """keep in an allowed jurisdiction, else the rule's `otherwise`."""
        return "keep" if jurisdiction in self.rule.allow else self.rule.otherwise


_FALLBACK = ResolvedRule(PolicyRule(allow=(), otherwise="block"), "no rule (fail closed)")


class Policy:
    """The configured policies, ready to decide. Raises ConfigError for a reroute target whose
    jurisdiction its own rule does not allow."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._routes: dict[str, Route] = {}
        for model in config.models:
            provider = config.provider(model.provider)
            self._routes[model.name] = Route(provider.name, model.model, provider.jurisdiction)
        self._specs = {name: merge_policy(spec) for name, spec in config.policies.items()}
        self._specs.setdefault(DEFAULT_POLICY, merge_policy(None))
        for name, spec in self._specs.items():
            self._check_reroutes(name, spec)
        # Every (type, level) resolved once: decide() is then a lookup per finding.
        self._table = {
            name: {(t, lv): self._resolve(spec, t, lv) for t in FindingType for lv in Level}
            for name, spec in self._specs.items()
        }

    def _check_reroutes(self, name: str, spec: PolicySpec) -> None:
        rules = [(f"levels.{k}", r) for k, r in spec.levels.items()]
        rules += [(f"types.{k}", r) for k, r in spec.types.items()]
        for where, rule in rules:
            target = rule.reroute_to
            if target is None:
                continue
            if target not in self._routes:
                raise ConfigError(f"policies.{name}.{where}: reroute_to {target!r} is not a model")
            jurisdiction = self._routes[target].jurisdiction
            if jurisdiction not in rule.allow:
                raise ConfigError(
                    f"policies.{name}.{where}: reroute_to {target!r} is in jurisdiction "
                    f"{jurisdiction}, which this rule does not allow"
                )

    @property
    def config(self) -> Config:
        return self._config

    def models(self) -> dict[str, Route]:
        """Every configured model name and its route, in config order."""
        return dict(self._routes)

    def route(self, model_name: str) -> Route:
        """The route of a configured model. Raises NotFound naming the known models."""
        try:
            return self._routes[model_name]
        except KeyError:
            known = ", ".join(self._routes) or "none"
            raise NotFound(
                f"model {model_name!r} is not configured; available models: {known}"
            ) from None

    def policy_name(self, team: str) -> str:
        """The policy a team uses; a team absent from the config uses the default policy."""
        spec = self._config.team(team)
        return spec.policy if spec is not None else DEFAULT_POLICY

    def spec(self, policy_name: str) -> PolicySpec:
        """The effective (merged) policy. Raises NotFound for an unknown name."""
        try:
            return self._specs[policy_name]
        except KeyError:
            raise NotFound(f"policy {policy_name!r} is not defined") from None

    def rule(self, policy_name: str, type_: FindingType, level: Level) -> ResolvedRule:
        """The rule for a finding: its type's rule, else its level's; block if neither exists.

        Raises NotFound for an unknown policy name."""
        table = self._table.get(policy_name)
        if table is None:
            raise NotFound(f"policy {policy_name!r} is not defined")
        return table.get((type_, level)) or self._resolve(self.spec(policy_name), type_, level)

    @staticmethod
    def _resolve(spec: PolicySpec, type_: FindingType, level: Level) -> ResolvedRule:
        if type_ in spec.types:
            return ResolvedRule(spec.types[type_], f"types.{type_}")
        if level in spec.levels:
            return ResolvedRule(spec.levels[level], f"levels.{level}")
        return _FALLBACK

    def reroute_candidates(self, rule: PolicyRule) -> list[str]:
        """Models a reroute rule may send to: `reroute_to`, else allowed models in config order."""
        if rule.reroute_to is not None:
            return [rule.reroute_to]
        return [name for name, r in self._routes.items() if r.jurisdiction in rule.allow]

    def decide(self, team: str, model_name: str, findings: Sequence[Finding]) -> Decision:
        """The decision for a request; actions has one entry per finding, in order.

        Raises NotFound for an unknown model. A blocked decision keeps the requested route, has no
        actions (nothing leaves), and a reason naming types, levels and the jurisdiction, never a
        value.
        """
        route = self.route(model_name)
        name = self.policy_name(team)
        table = self._table[name]
        rules = [table[(f.type, f.level)] for f in findings]
        outcomes = [r.outcome(route.jurisdiction) for r in rules]
        if "block" in outcomes:
            culprits = [f for f, o in zip(findings, outcomes, strict=True) if o == "block"]
            reason = (
                f"blocked by policy {name!r}: {_describe(culprits)} may not be sent to "
                f"model {model_name!r} (jurisdiction {route.jurisdiction})"
            )
            return Decision(route, (), blocked_reason=reason)
        if "reroute" not in outcomes:
            return Decision(route, _actions(outcomes))
        needing = [r.rule for r, o in zip(rules, outcomes, strict=True) if o == "reroute"]
        explicit = sorted({r.reroute_to for r in needing if r.reroute_to is not None})
        candidates = explicit or [
            m for m in self._routes if all(m in self.reroute_candidates(r) for r in needing)
        ]
        for candidate in candidates:
            target = self._routes[candidate]
            moved = [r.outcome(target.jurisdiction) for r in rules]
            if "block" not in moved and "reroute" not in moved:
                return Decision(target, _actions(moved), rerouted_to=candidate)
        culprits = [f for f, o in zip(findings, outcomes, strict=True) if o == "reroute"]
        allowed = sorted({str(j) for r in needing for j in r.allow})
        reason = (
            f"blocked by policy {name!r}: {_describe(culprits)} may only go to "
            f"{', '.join(allowed)}, and no configured model there can take this request "
            f"(model {model_name!r} is {route.jurisdiction})"
        )
        return Decision(route, (), blocked_reason=reason)


def _actions(outcomes: Sequence[str]) -> tuple[Action, ...]:
    return tuple(Action(o) for o in outcomes)


def _describe(findings: Sequence[Finding]) -> str:
    """`SECRET (secret) ×2, CODENAME (secret)`: types and levels only, sorted."""
    counts = Counter((str(f.type), str(f.level)) for f in findings)
    parts = [f"{t} ({lv})" + (f" ×{n}" if n > 1 else "") for (t, lv), n in sorted(counts.items())]
    return ", ".join(parts)
