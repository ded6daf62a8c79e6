"""Explain the effective policy of every team: for each level and type, which jurisdictions receive
it, what happens elsewhere, and what that means for each configured model."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from douane.policy import DEFAULT_POLICY, Policy
from douane.types import Finding, FindingType, Jurisdiction, Level

__all__ = ["RuleLine", "TeamExplanation", "as_json", "explain", "policy_warnings", "render_text"]

_JURISDICTIONS = tuple(Jurisdiction)


@dataclass(frozen=True, slots=True)
class RuleLine:
    """One level or type rule and its effect on each configured model."""

    subject: str  # "level confidential" or "type SECRET"
    source: str  # "shipped default" or "policy NAME"
    allow: tuple[str, ...]
    otherwise: str
    models: dict[str, str]  # model name -> "as is" | "masked" | "redacted" | "blocked" | ...


@dataclass(frozen=True, slots=True)
class TeamExplanation:
    """What a team's policy does, rule by rule."""

    team: str
    policy: str
    lines: tuple[RuleLine, ...]
    level_types: tuple[str, ...]  # types that have no rule of their own and follow their level


def _effect(policy: Policy, team: str, model: str, type_: FindingType, level: Level) -> str:
    """What happens to one finding of this type and level sent to this model."""
    finding = Finding(0, 1, type_, level, "policy-check")
    decision = policy.decide(team, model, [finding])
    if decision.blocked:
        return "blocked"
    if decision.rerouted_to:
        return f"rerouted to {decision.rerouted_to}"
    return {"keep": "as is", "mask": "masked", "redact": "redacted"}[decision.actions[0]]


def _source(policy: Policy, policy_name: str, section: str, key: str) -> str:
    spec = policy.config.policies.get(policy_name)
    overridden = spec is not None and key in getattr(spec, section)
    return f"policy {policy_name}" if overridden else "shipped default"


def explain(policy: Policy, teams: tuple[str, ...] | None = None) -> list[TeamExplanation]:
    """The explanation for the given teams (default: every configured team)."""
    config = policy.config
    names = teams if teams is not None else tuple(t.name for t in config.teams)
    out = []
    for team in names:
        name = policy.policy_name(team)
        spec = policy.spec(name)
        level_types = tuple(str(t) for t in FindingType if t not in spec.types)
        # A level rule is seen through a type that has no rule of its own.
        probe = FindingType(level_types[0]) if level_types else None
        lines = []
        for level in Level:
            if level not in spec.levels:
                continue
            rule = spec.levels[level]
            models = (
                {m: _effect(policy, team, m, probe, level) for m in policy.models()}
                if probe is not None
                else {}
            )
            lines.append(
                RuleLine(
                    f"level {level}",
                    _source(policy, name, "levels", level),
                    tuple(str(j) for j in rule.allow),
                    rule.otherwise,
                    models,
                )
            )
        for type_ in FindingType:
            if type_ not in spec.types:
                continue
            rule = spec.types[type_]
            models = {
                m: _effect(policy, team, m, type_, Level.CONFIDENTIAL) for m in policy.models()
            }
            lines.append(
                RuleLine(
                    f"type {type_}",
                    _source(policy, name, "types", type_),
                    tuple(str(j) for j in rule.allow),
                    rule.otherwise,
                    models,
                )
            )
        out.append(TeamExplanation(team, name, tuple(lines), level_types))
    return out


def policy_warnings(policy: Policy) -> list[str]:
    """Configurations that are valid but probably not what was meant."""
    config = policy.config
    used = {policy.policy_name(t.name) for t in config.teams}
    warnings = [
        f"policies.{name}: no team uses this policy" for name in config.policies if name not in used
    ]
    if not config.models:
        warnings.append("models: none configured, every request will be refused")
    for name in sorted(used | set(config.policies) | {DEFAULT_POLICY}):
        spec = policy.spec(name)
        rules = [(f"levels.{k}", r) for k, r in spec.levels.items()]
        rules += [(f"types.{k}", r) for k, r in spec.types.items()]
        for where, rule in rules:
            if rule.otherwise == "reroute" and not policy.reroute_candidates(rule):
                allowed = ", ".join(str(j) for j in rule.allow)
                warnings.append(
                    f"policies.{name}.{where}: reroute, but no model is configured in "
                    f"{allowed}: such requests are blocked"
                )
    return warnings


def _group(models: dict[str, str], policy: Policy) -> list[str]:
    routes = policy.models()
    by_effect: dict[str, list[str]] = {}
    for model, effect in models.items():
        by_effect.setdefault(effect, []).append(f"{model} ({routes[model].jurisdiction})")
    return [f"{effect + ':':<28} {', '.join(ms)}" for effect, ms in by_effect.items()]


def _merge_types(lines: tuple[RuleLine, ...]) -> list[RuleLine]:
    """Type rules with the same effect are shown as one line: `types PERSON, EMAIL, …`."""
    out: list[RuleLine] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and line.subject.startswith("type")
            and prev.subject.startswith("type")
            and (prev.source, prev.allow, prev.otherwise, prev.models)
            == (line.source, line.allow, line.otherwise, line.models)
        ):
            names = prev.subject.split(" ", 1)[1] + ", " + line.subject.split(" ", 1)[1]
            out[-1] = RuleLine(
                f"types {names}", prev.source, prev.allow, prev.otherwise, prev.models
            )
        else:
            out.append(line)
    return out


def render_text(policy: Policy, explanations: list[TeamExplanation]) -> str:
    """Human-readable report, as printed by `douane policy check`."""
    config = policy.config
    defined = ", ".join(sorted(config.policies)) or "none (the shipped default applies)"
    lines = [f"{config.source}: policy OK — policies defined: {defined}", "", "Models:"]
    for model, route in policy.models().items():
        lines.append(f"  {model} → provider {route.provider} ({route.jurisdiction})")
    if not policy.models():
        lines.append("  (none)")
    for team in explanations:
        lines += ["", f'Team "{team.team}" — policy "{team.policy}"']
        for line in _merge_types(team.lines):
            allow = ", ".join(line.allow) or "no jurisdiction"
            rest = [j for j in map(str, _JURISDICTIONS) if j not in line.allow]
            elsewhere = f"; elsewhere ({', '.join(rest)}): {line.otherwise}" if rest else ""
            lines.append(f"  {line.subject} [{line.source}]: sent as is to {allow}{elsewhere}")
            lines += [f"      {g}" for g in _group(line.models, policy)]
        if team.level_types:
            lines.append(f"  types following their finding's level: {', '.join(team.level_types)}")
    warnings = policy_warnings(policy)
    if warnings:
        lines += ["", "Warnings:", *(f"  {w}" for w in warnings)]
    return "\n".join(lines)


def as_json(explanations: list[TeamExplanation]) -> list[dict[str, Any]]:
    """The explanation as plain data, for `--json`."""
    return [asdict(e) for e in explanations]
