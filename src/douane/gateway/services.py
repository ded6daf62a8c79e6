"""The components one gateway process uses, built once at start-up from the config."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from douane.config import Config, ModelSpec, ProviderSpec
from douane.db import make_engine, migrate
from douane.detect import Scanner, build_scanner
from douane.errors import NotFound
from douane.gateway.metrics import Metrics
from douane.keys import KeyStore
from douane.ledger import Ledger
from douane.mask import Masker
from douane.policy import Policy
from douane.providers import Providers

__all__ = ["Services", "build_services"]


@dataclass(frozen=True, slots=True)
class Services:
    """Everything the request path needs; lives on `app.state.services` for the app's lifetime."""

    config: Config
    engine: Engine
    keys: KeyStore
    scanner: Scanner
    policy: Policy
    masker: Masker
    ledger: Ledger
    providers: Providers
    metrics: Metrics

    def model(self, name: str) -> ModelSpec:
        """The configured model a client asked for. Raises NotFound naming the known models."""
        for model in self.config.models:
            if model.name == name:
                return model
        known = ", ".join(m.name for m in self.config.models) or "none"
        raise NotFound(f"model {name!r} is not configured; available models: {known}")

    def provider(self, model: ModelSpec) -> ProviderSpec:
        return self.config.provider(model.provider)

    async def aclose(self) -> None:
        await self.providers.aclose()
        self.ledger.close()
        self.engine.dispose()


def build_services(config: Config, **overrides: Any) -> Services:
    """Open the database (migrating it), the ledger, the scanner and the upstream clients.

    `overrides` supplies components by name instead of building them (tests inject faults).
    """
    engine = overrides.pop("engine", None) or make_engine(config.database)
    migrate(engine)
    secret = config.resolved_secret_key()
    builders: dict[str, Callable[[], Any]] = {
        "keys": lambda: KeyStore(engine, secret),
        "scanner": lambda: build_scanner(config, engine),
        "policy": lambda: Policy(config),
        "masker": lambda: Masker(secret, cache_size=config.mask_value_cache),
        "ledger": lambda: Ledger.open(config, engine),
        "providers": lambda: Providers(config),
        "metrics": Metrics,
    }
    parts = {
        name: overrides.pop(name) if name in overrides else build()
        for name, build in builders.items()
    }
    if overrides:
        raise TypeError(f"unknown service overrides: {sorted(overrides)}")
    return Services(config=config, engine=engine, **parts)
