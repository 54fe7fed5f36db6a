"""Settings, read from the environment once, at start-up, into one small record.

Every setting has a name, a default and a help text; `SETTINGS` lists them so that
the README and the CLI can show them and a test can check they are documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UsageError

#: The folder that holds ontology/, data/, queries/ and shapes/ (the repository root).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BASE_IRI = "https://w3id.org/battkg"


@dataclass(frozen=True)
class SettingInfo:
    name: str
    default: str
    help: str


SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo("BATTKG_STORE", "var/store", "Directory of the embedded store (created by build)."),
    SettingInfo(
        "BATTKG_ESCO_DIR",
        "../shared/esco if it exists",
        "Directory holding the official ESCO CSV zips; empty to build without ESCO.",
    ),
    SettingInfo("BATTKG_BASE_IRI", DEFAULT_BASE_IRI, "Base of battkg's instance and graph IRIs."),
    SettingInfo("BATTKG_TOKEN", "(unset: writes refused)", "Bearer token that write calls need."),
    SettingInfo(
        "BATTKG_QUERY_TIMEOUT", "10", "Seconds a SPARQL query may run before it is stopped."
    ),
    SettingInfo("BATTKG_RESULT_LIMIT", "100000", "Most rows or triples one query may return."),
    SettingInfo(
        "BATTKG_HOME", "the source tree", "Folder holding ontology/, data/, queries/, shapes/."
    ),
)


def _default_esco_dir(home: Path) -> Path | None:
    candidate = home.parent / "shared" / "esco"
    return candidate if candidate.is_dir() else None


@dataclass(frozen=True)
class Settings:
    store: Path
    home: Path = PROJECT_ROOT
    esco_dir: Path | None = None
    base_iri: str = DEFAULT_BASE_IRI
    token: str | None = None
    query_timeout: float = 10.0
    result_limit: int = 100_000
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        home = Path(env.get("BATTKG_HOME") or PROJECT_ROOT).resolve()
        store = Path(env.get("BATTKG_STORE") or home / "var" / "store")
        if "BATTKG_ESCO_DIR" in env:
            esco_dir: Path | None = Path(env["BATTKG_ESCO_DIR"]) if env["BATTKG_ESCO_DIR"] else None
        else:
            esco_dir = _default_esco_dir(home)
        base = (env.get("BATTKG_BASE_IRI") or DEFAULT_BASE_IRI).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise UsageError(
                f"BATTKG_BASE_IRI={base!r} is not an http(s) IRI",
                fix="set it to something like https://example.org/battkg",
            )
        settings = cls(
            store=store,
            home=home,
            esco_dir=esco_dir,
            base_iri=base,
            token=env.get("BATTKG_TOKEN") or None,
            query_timeout=_positive_float(env, "BATTKG_QUERY_TIMEOUT", 10.0),
            result_limit=int(_positive_float(env, "BATTKG_RESULT_LIMIT", 100_000)),
        )
        return settings.with_(**overrides) if overrides else settings


def _positive_float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise UsageError(
            f"{name}={raw!r} is not a positive number", fix=f"set {name} to e.g. {default:g}"
        )
    return value
