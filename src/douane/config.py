"""Load the one YAML config file into a frozen, validated model; errors name the key and line.

This is the only module that reads the environment (`env:NAME` values and `DOUANE_*` overrides).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from douane.errors import ConfigError
from douane.types import FindingType, Jurisdiction, Level

__all__ = [
    "Config",
    "DetectionSettings",
    "LedgerSettings",
    "ModelSpec",
    "PolicyRule",
    "PolicySpec",
    "ProtectSettings",
    "ProviderSpec",
    "TeamSpec",
    "config_path",
    "load_config",
    "parse_config",
]

DEFAULT_CONFIG_NAME = "douane.yaml"
_BUNDLED_DEFAULT = Path(__file__).parent / "examples" / "default.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProviderSpec(_Frozen):
    """An upstream LLM API and the jurisdiction its data ends up in."""

    name: str
    kind: Literal["openai", "anthropic"]
    base_url: str
    api_key: str | None = None
    jurisdiction: Jurisdiction
    timeout: float = Field(default=120.0, gt=0, description="seconds to wait for the upstream")
    connect_timeout: float = Field(default=5.0, gt=0)
    headers: dict[str, str] = Field(default_factory=dict)
    max_connections: int = Field(default=100, gt=0)


class ModelSpec(_Frozen):
    """A model name clients ask for, mapped to a provider and the upstream's model name."""

    name: str
    provider: str
    model: str
    max_tokens: int = Field(default=4096, gt=0, description="default for Anthropic upstreams")


class TeamSpec(_Frozen):
    """A team of key holders and the policy that applies to its requests."""

    name: str
    policy: str = "default"


class PolicyRule(_Frozen):
    """Where findings of a level or type may go, and what happens elsewhere.

    `otherwise` applies in every jurisdiction not in `allow`. `reroute` sends the whole request to
    `reroute_to`, or when that is unset to the first configured model in an allowed jurisdiction.
    """

    allow: tuple[Jurisdiction, ...] = ()
    otherwise: Literal["mask", "redact", "block", "reroute"] = "mask"
    reroute_to: str | None = None

    @model_validator(mode="after")
    def _check_rule(self) -> PolicyRule:
        if len(set(self.allow)) != len(self.allow):
            raise ValueError("allow: a jurisdiction is listed twice")
        if self.reroute_to is not None and self.otherwise != "reroute":
            raise ValueError("reroute_to is only used with `otherwise: reroute`")
        if self.otherwise == "reroute" and not self.allow:
            raise ValueError("`otherwise: reroute` needs at least one jurisdiction in allow")
        return self


class PolicySpec(_Frozen):
    """Per-level and per-type rules; a type rule overrides its level's rule."""

    levels: dict[Level, PolicyRule] = Field(default_factory=dict)
    types: dict[FindingType, PolicyRule] = Field(default_factory=dict)


class DetectionSettings(_Frozen):
    """Which rules and detectors run."""

    rules: tuple[str, ...] = Field(default=(), description="extra rule files (TOML)")
    disabled: tuple[str, ...] = Field(default=(), description="rule or detector ids to turn off")
    person_backend: str = Field(default="builtin", description="builtin | spacy:PATH | gliner:PATH")


class LedgerSettings(_Frozen):
    """The audit ledger's signing key and durability."""

    signing_key: str | None = Field(
        default="auto", description="Ed25519 key: auto | env:NAME | file:PATH | base64 seed"
    )
    fsync: bool = Field(
        default=False,
        description="SQLite: fsync every ledger commit (survives power loss; costs ~1 ms)",
    )


class ProtectSettings(_Frozen):
    """Fingerprinting of protected documents and tables, and the codename file's reload period."""

    min_matches: int = Field(default=3, gt=0, description="fingerprint hits that make an excerpt")
    kgram: int = Field(default=4, ge=2, le=12, description="words per fingerprinted k-gram")
    window: int = Field(default=3, ge=1, le=50, description="winnowing window (k-grams)")
    max_gap: int = Field(default=12, ge=1, description="words between hits of one excerpt")
    background_docs: int = Field(
        default=5, ge=2, description="a fingerprint in this many documents is boilerplate"
    )
    table_min_columns: int = Field(default=2, ge=1, description="columns of one row to flag")
    background_files: tuple[str, ...] = Field(
        default=(), description="text files of boilerplate that never counts as an excerpt"
    )
    codenames_reload_seconds: float = Field(
        default=5.0, ge=0, description="how often the codename file is checked (0 = never)"
    )


class Config(_Frozen):
    """The whole validated configuration; built once at start-up and passed in."""

    database: str = "sqlite:///douane.db"
    secret_key: str = "auto"
    providers: tuple[ProviderSpec, ...] = ()
    models: tuple[ModelSpec, ...] = ()
    teams: tuple[TeamSpec, ...] = (TeamSpec(name="default"),)
    policies: dict[str, PolicySpec] = Field(default_factory=dict)
    detection: DetectionSettings = DetectionSettings()
    ledger: LedgerSettings = LedgerSettings()
    protect: ProtectSettings = ProtectSettings()
    codenames: str | None = None
    max_body_bytes: Annotated[int, Field(gt=0)] = 10 * 1024 * 1024
    mask_value_cache: Annotated[int, Field(ge=0)] = 4096
    source: str = Field(default="<built-in defaults>", exclude=True)

    @model_validator(mode="after")
    def _check_references(self) -> Config:
        providers = {p.name for p in self.providers}
        _unique("providers", [p.name for p in self.providers])
        _unique("models", [m.name for m in self.models])
        _unique("teams", [t.name for t in self.teams])
        for i, m in enumerate(self.models):
            if m.provider not in providers:
                raise ValueError(
                    f"models[{i}].provider: unknown provider {m.provider!r}; "
                    f"configured providers: {sorted(providers)}"
                )
        for i, t in enumerate(self.teams):
            if t.policy != "default" and t.policy not in self.policies:
                raise ValueError(
                    f"teams[{i}].policy: unknown policy {t.policy!r}; "
                    f"defined policies: {sorted(self.policies) or 'none'}"
                )
        models = {m.name for m in self.models}
        for name, policy in self.policies.items():
            for rule in (*policy.levels.values(), *policy.types.values()):
                if rule.reroute_to is not None and rule.reroute_to not in models:
                    raise ValueError(
                        f"policies.{name}: reroute_to {rule.reroute_to!r} is not a configured model"
                    )
        return self

    def provider(self, name: str) -> ProviderSpec:
        return next(p for p in self.providers if p.name == name)

    def team(self, name: str) -> TeamSpec | None:
        return next((t for t in self.teams if t.name == name), None)

    def resolved_secret_key(self) -> bytes:
        """The tenant secret for keyed hashes; `auto` keeps a random key in a file beside the DB."""
        return _resolve_secret(self.secret_key, self.database, "douane.key", "secret_key")


def _unique(section: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{section}: duplicate name {name!r}")
        seen.add(name)


def _state_dir(database: str) -> Path:
    if database.startswith("sqlite:///"):
        db_path = database.removeprefix("sqlite:///")
        if db_path and db_path != ":memory:":
            return Path(db_path).expanduser().resolve().parent
    return Path.cwd()


def _resolve_secret(value: str, database: str, filename: str, key: str) -> bytes:
    if value == "auto":
        path = _state_dir(database) / filename
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        return path.read_text().strip().encode()
    if value.startswith("file:"):
        return Path(value.removeprefix("file:")).expanduser().read_text().strip().encode()
    return value.encode()


def _resolve_env(node: Any, path: str) -> Any:
    """Replace every `env:NAME` string by the variable's value; a missing variable is an error."""
    if isinstance(node, dict):
        return {k: _resolve_env(v, f"{path}.{k}" if path else str(k)) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve_env(v, f"{path}[{i}]") for i, v in enumerate(node)]
    if isinstance(node, str) and node.startswith("env:"):
        name = node.removeprefix("env:")
        if name not in os.environ:
            raise ConfigError(f"{path}: environment variable {name} is not set")
        return os.environ[name]
    return node


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at `loc`, or of its nearest existing parent."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def _loc_from_message(msg: str) -> tuple[int | str, ...]:
    """Recover the key path a cross-reference error starts with, e.g. `models[0].provider: ...`."""
    head = msg.split(":", 1)[0]
    parts: list[int | str] = []
    for piece in head.replace("[", ".[").split("."):
        if piece.startswith("[") and piece.endswith("]") and piece[1:-1].isdigit():
            parts.append(int(piece[1:-1]))
        elif piece.isidentifier():
            parts.append(piece)
        else:
            return ()
    return tuple(parts)


def _format_validation(err: ValidationError, source: str, root: yaml.Node | None) -> str:
    lines = [f"{source}: invalid configuration"]
    for e in err.errors():
        loc = tuple(e["loc"])
        msg = e["msg"]
        if e["type"] == "value_error" and not loc:
            msg = msg.removeprefix("Value error, ")
            loc = _loc_from_message(msg)
        key = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
        where = _line_of(root, loc)
        at = f" (line {where})" if where else ""
        found = "" if e["type"] in ("missing", "value_error") else f"; found {e.get('input')!r:.60}"
        if e["type"] == "extra_forbidden":
            found = "; unknown key (check the spelling against docs/config.md)"
        lines.append(f"  {key or '<root>'}{at}: {msg}{found}")
    return "\n".join(lines)


def _environment_overrides() -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if "DOUANE_DATABASE" in os.environ:
        overrides["database"] = os.environ["DOUANE_DATABASE"]
    if "DOUANE_SECRET_KEY" in os.environ:
        overrides["secret_key"] = os.environ["DOUANE_SECRET_KEY"]
    return overrides


def parse_config(text: str, source: str = "<string>") -> Config:
    """Validate YAML text into a `Config`.

    Raises ConfigError naming the key path, line, what was expected and what was found.
    """
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of keys, found {type(raw).__name__}"
        )
    raw = _resolve_env(raw, "")
    raw.update(_environment_overrides())
    try:
        return Config.model_validate({**raw, "source": source})
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, source, root)) from None


def config_path(explicit: str | None) -> Path | None:
    """The config file to use: `--config`, else `DOUANE_CONFIG`, else ./douane.yaml if present."""
    if explicit:
        return Path(explicit)
    if os.environ.get("DOUANE_CONFIG"):
        return Path(os.environ["DOUANE_CONFIG"])
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.exists() else None


def load_config(explicit: str | None = None) -> Config:
    """Load the config file chosen by `config_path`, or the bundled demo defaults.

    Raises ConfigError if the file is missing or invalid.
    """
    path = config_path(explicit)
    if path is None:
        return parse_config(_BUNDLED_DEFAULT.read_text(), "<built-in defaults>")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from exc
    return parse_config(text, str(path))
