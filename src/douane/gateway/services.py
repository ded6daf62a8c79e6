"""The components one gateway process uses, built once at start-up from the config."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from douane.mask import Masker
from douane.policy import Policy
from sqlalchemy import Engine

from douane.config import Config, ModelSpec, ProviderSpec
from douane.db import make_engine, migrate
from douane.detect import Scanner, build_scanner
from douane.errors import NotFound
from douane.gateway.metrics import Metrics
from douane.keys import KeyStore
from douane.ledger import Ledger
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

    `overrides` replaces components by name (tests inject faulty scanners this way).
    """
    engine = make_engine(config.database)
    migrate(engine)
    secret = config.resolved_secret_key()
    services = Services(
        config=config,
        engine=engine,
        keys=KeyStore(engine, secret),
        scanner=build_scanner(config, engine),
        policy=Policy(config),
        masker=Masker(secret),
        ledger=Ledger.open(config, engine),
        providers=Providers(config),
        metrics=Metrics(),
    )
    return replace(services, **overrides) if overrides else services
