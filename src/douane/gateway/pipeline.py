"""The inbound stages of one request: parse, scan, decide, mask, render for the upstream, record.

Each stage is a call into its own module; this module only sequences them, times them and turns
any unexpected failure of scan, policy or masking into ScanFailed (fail closed).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from douane.config import ModelSpec, ProviderSpec
from douane.dialects import Conversation, Dialect, parse_request, render_request
from douane.errors import BadRequest, DouaneError, PolicyBlocked, ScanFailed
from douane.gateway.services import Services
from douane.keys import KeyInfo
from douane.mask import Mapping
from douane.types import Decision, Finding, Outcome, RequestRecord

__all__ = ["Prepared", "decision_label", "load_json_body", "prepare"]

# Scanning larger prompts moves to a worker thread so one big paste cannot stall other requests.
_THREAD_SCAN_CHARS = 32_768
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready to forward: where it goes, what it carries, and how to restore the answer."""

    request_id: str
    dialect: Dialect
    endpoint: str
    conversation: Conversation
    decision: Decision
    model: ModelSpec
    provider: ProviderSpec
    upstream_body: dict[str, Any]
    mapping: Mapping
    masked_counts: dict[str, int]
    started: float


def decision_label(decision: Decision, masked_counts: dict[str, int]) -> str:
    """One word for headers, logs and the ledger: block, reroute, mask or allow."""
    if decision.blocked:
        return "block"
    if decision.rerouted_to:
        return "reroute"
    return "mask" if masked_counts else "allow"


@contextmanager
def _stage(services: Services, name: str) -> Iterator[None]:
    with services.metrics.timed(name):
        try:
            yield
        except DouaneError:
            raise
        except Exception as exc:
            # Fail closed: the type name only, never the message (it may quote the prompt).
            raise ScanFailed(
                f"request refused: the {name} stage failed ({type(exc).__name__})"
            ) from exc


def load_json_body(raw: bytes, limit: int) -> Any:
    """Parse a request body. Raises BadRequest (413 if too large) naming what is wrong."""
    if len(raw) > limit:
        raise BadRequest(f"request body is larger than the limit of {limit} bytes", status=413)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"request body is not valid JSON ({type(exc).__name__})") from None
    if _SURROGATE_ESCAPE.search(raw):
        try:  # only paired surrogates survive the round trip to UTF-8
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("request body contains an unpaired UTF-16 surrogate escape") from None
    return data


async def _scan(services: Services, texts: list[str]) -> list[Finding]:
    if sum(map(len, texts)) > _THREAD_SCAN_CHARS:
        return await asyncio.to_thread(services.scanner.scan_segments, texts)
    return services.scanner.scan_segments(texts)


async def prepare(
    services: Services, dialect: Dialect, endpoint: str, raw: bytes, key: KeyInfo, request_id: str
) -> Prepared:
    """Run the inbound stages and write the write-ahead ledger record.

    Raises BadRequest, NotFound, PolicyBlocked (after recording the block), ScanFailed, or
    LedgerUnavailable; nothing has been forwarded when it raises.
    """
    started = time.perf_counter()
    with _stage(services, "parse"):
        conversation = parse_request(
            dialect, load_json_body(raw, services.config.max_body_bytes), endpoint
        )
        requested = services.model(conversation.model)
    texts = [segment.text for segment in conversation.segments]
    with _stage(services, "scan"):
        findings = await _scan(services, texts)
    with _stage(services, "policy"):
        decision = services.policy.decide(key.team, requested.name, findings)
    counts = Counter((f.type, f.level) for f in findings)
    for (kind, level), n in counts.items():  # one labelled child per type, not per finding
        services.metrics.findings.labels(str(kind), str(level)).inc(n)
    base_record = RequestRecord(
        request_id=request_id,
        team=key.team,
        key_id=key.id,
        endpoint=endpoint,
        requested_model=requested.name,
        route=decision.route,
        decision="block",
        finding_counts={f"{kind}:{level}": n for (kind, level), n in counts.items()},
        bytes_in=len(raw),
        streaming=conversation.stream,
    )
    if decision.blocked or decision.route is None:
        await _record_block(services, base_record, started)
        raise PolicyBlocked(decision.blocked_reason or "request refused by policy")
    with _stage(services, "mask"):
        masked = services.masker.mask(texts, findings, decision.actions)
    model = services.model(decision.rerouted_to) if decision.rerouted_to else requested
    provider = services.provider(model)
    with _stage(services, "render"):
        upstream_body = render_request(
            conversation.with_texts(masked.texts) if masked.counts else conversation.body,
            dialect,
            provider.kind,
            endpoint,
            model.model,
            model.max_tokens,
        )
    label = decision_label(decision, masked.counts)
    services.metrics.decisions.labels(label).inc()
    with _stage(services, "ledger"):
        await services.ledger.begin(
            replace(base_record, decision=label, value_hashes=masked.value_hashes)
        )
    return Prepared(
        request_id=request_id,
        dialect=dialect,
        endpoint=endpoint,
        conversation=conversation,
        decision=decision,
        model=model,
        provider=provider,
        upstream_body=upstream_body,
        mapping=masked.mapping,
        masked_counts=masked.counts,
        started=started,
    )


async def _record_block(services: Services, record: RequestRecord, started: float) -> None:
    services.metrics.decisions.labels("block").inc()
    await services.ledger.begin(record)
    await services.ledger.finish(
        Outcome(
            request_id=record.request_id,
            outcome="blocked",
            status=PolicyBlocked.status,
            error_code=PolicyBlocked.code,
            latency_ms=(time.perf_counter() - started) * 1000,
        )
    )
