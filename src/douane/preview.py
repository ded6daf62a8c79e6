"""Show what the provider would receive for a text: findings, the decision, and the masked text."""

from __future__ import annotations

from typing import Any

from douane.detect import Scanner
from douane.mask import Masker
from douane.policy import Policy

__all__ = ["preview_text"]


def preview_text(
    scanner: Scanner, policy: Policy, masker: Masker, team: str, model: str, text: str
) -> dict[str, Any]:
    """A JSON-ready explanation of one text's path through scan, policy and mask.

    Raises NotFound for an unknown model. The result holds the masked text only, never the
    findings' values (offsets into the caller's own text let them look the values up).
    """
    findings = scanner.scan(text)
    decision = policy.decide(team, model, findings)
    actions = [str(a) for a in decision.actions] or ["block"] * len(findings)
    result: dict[str, Any] = {
        "model": model,
        "team": team,
        "findings": [
            {
                "start": f.start,
                "end": f.end,
                "type": str(f.type),
                "level": str(f.level),
                "detector": f.detector,
                "score": round(f.score, 3),
                "action": action,
            }
            for f, action in zip(findings, actions, strict=True)
        ],
        "decision": {
            "blocked": decision.blocked,
            "reason": decision.blocked_reason,
            "rerouted_to": decision.rerouted_to,
            "route": None
            if decision.route is None
            else {
                "provider": decision.route.provider,
                "model": decision.route.model,
                "jurisdiction": str(decision.route.jurisdiction),
            },
        },
        "provider_text": None,
    }
    if not decision.blocked:
        masked = masker.mask([text], findings, decision.actions)
        result["provider_text"] = masked.texts[0]
        result["masked"] = masked.counts
    return result
