"""Settings, read from the environment once, at start-up, into one small record.

Every setting has a name, a default and a help text; `SETTINGS` lists them so that
the README and the CLI can show them and a test can check they are documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UsageError
from .limits import NAMES as UPLOAD_SETTINGS
from .remote.config import RemoteConfig, is_remote_url, remote_from_env

#: The folder that holds ontology/, data/, queries/ and shapes/ (the repository root).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BASE_IRI = "https://w3id.org/battkg"


@dataclass(frozen=True)
class SettingInfo:
    name: str
    default: str
    help: str


SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo(
        "BATTKG_STORE",
        "var/store",
        "Directory of the embedded store (created by build), or sparql+http://host:port/path "
        "for a remote SPARQL 1.1 server (docs/remote.md).",
    ),
    SettingInfo(
        "BATTKG_ESCO_DIR",
        "../shared/esco if it exists",
        "Directory holding the official ESCO CSV zips; empty to build without ESCO.",
    ),
    SettingInfo(
        "BATTKG_ELM_DIR",
        "../shared/elm if it exists",
        "Directory holding the official ELM LOQ shapes; ELM partner files are checked against them.",
    ),
    SettingInfo("BATTKG_BASE_IRI", DEFAULT_BASE_IRI, "Base of battkg's instance and graph IRIs."),
    SettingInfo("BATTKG_TOKEN", "(unset: writes refused)", "Bearer token that write calls need."),
    SettingInfo(
        "BATTKG_QUERY_TIMEOUT", "10", "Seconds a SPARQL query may run before it is stopped."
    ),
    SettingInfo("BATTKG_RESULT_LIMIT", "100000", "Most rows or triples one query may return."),
    SettingInfo(
        "BATTKG_QUERY_WORKERS",
        "CPUs (2 to 8)",
        "Worker processes that run SPARQL queries (killable on timeout).",
    ),
    SettingInfo(
        "BATTKG_HOME", "the source tree", "Folder holding ontology/, data/, queries/, shapes/."
    ),
    SettingInfo(
        "BATTKG_SPARQL_QUERY_URL",
        "from BATTKG_STORE",
        "Query endpoint of the remote SPARQL server (instead of BATTKG_STORE=sparql+...).",
    ),
    SettingInfo(
        "BATTKG_SPARQL_UPDATE_URL", "by the query URL's path", "Update endpoint of the server."
    ),
    SettingInfo(
        "BATTKG_SPARQL_GSP_URL", "by the query URL's path", "Graph Store Protocol endpoint."
    ),
    SettingInfo("BATTKG_SPARQL_USER", "(none)", "User name for the SPARQL server (HTTP auth)."),
    SettingInfo("BATTKG_SPARQL_PASSWORD", "(none)", "Password for the SPARQL server."),
    SettingInfo(
        "BATTKG_SPARQL_DATASET",
        "union for /query, else explicit",
        "How queries see battkg's graphs: the server's union default graph, or explicit lists.",
    ),
    SettingInfo("BATTKG_SPARQL_BATCH", "50000", "Most triples sent to the server in one request."),
    SettingInfo(
        "BATTKG_MAX_UPLOAD_BYTES",
        "12582912 (12 MiB)",
        "Largest upload accepted over HTTP, all files of one request together (413 above).",
    ),
    SettingInfo("BATTKG_MAX_UPLOAD_FILES", "20", "Most files in one upload request (413 above)."),
    SettingInfo(
        "BATTKG_MAX_UPLOAD_ROWS", "40000", "Most CSV rows in one upload request (413 above)."
    ),
    SettingInfo(
        "BATTKG_UPLOAD_MEMORY",
        "1073741824 (1 GiB)",
        "Memory cap of the child process that parses and validates one upload.",
    ),
    SettingInfo(
        "BATTKG_UPLOAD_TIMEOUT",
        "300",
        "Seconds one validation or load may take before it is stopped.",
    ),
    SettingInfo("BATTKG_UPLOAD_WORKERS", "2", "Uploads validated or loaded at the same time."),
    SettingInfo(
        "BATTKG_FOREIGN_SUBJECTS",
        "(none)",
        "Datasets (comma-separated, or *) granted statements about things other graphs describe.",
    ),
    SettingInfo(
        "BATTKG_SPARQL_PER_CLIENT",
        "half the query workers (at least 1)",
        "Ad-hoc SPARQL queries one client may run at once; one more gets 503.",
    ),
    SettingInfo(
        "BATTKG_PUBLIC_URL",
        "(unset: the address the server listens on)",
        "The service's public address (https://host/path), used in the Service Description "
        "and VoID instead of the Host header.",
    ),
    SettingInfo(
        "BATTKG_CORS_WRITE_ORIGINS",
        "(none)",
        "Comma-separated origins allowed to make cross-origin writes; any origin may read.",
    ),
)


def _default_esco_dir(home: Path) -> Path | None:
    candidate = home.parent / "shared" / "esco"
    return candidate if candidate.is_dir() else None


def _default_elm_dir(home: Path) -> Path | None:
    candidate = home.parent / "shared" / "elm"
    return candidate if candidate.is_dir() else None


@dataclass(frozen=True)
class Settings:
    store: Path
    home: Path = PROJECT_ROOT
    esco_dir: Path | None = None
    #: the official ELM LOQ shapes, for ELM partner files (None: ELM files are refused)
    elm_dir: Path | None = None
    base_iri: str = DEFAULT_BASE_IRI
    token: str | None = None
    query_timeout: float = 10.0
    result_limit: int = 100_000
    extra: dict[str, str] = field(default_factory=dict)
    #: a remote SPARQL server instead of the embedded store (`store` then holds local files only)
    remote: RemoteConfig | None = None
    #: the service's public address; None: the address the server listens on
    public_url: str | None = None
    #: origins allowed to make cross-origin writes
    cors_write_origins: tuple[str, ...] = ()

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
        remote = remote_from_env(env)
        raw_store = env.get("BATTKG_STORE") or ""
        store = Path(
            home / "var" / "store" if not raw_store or is_remote_url(raw_store) else raw_store
        )
        if "BATTKG_ESCO_DIR" in env:
            esco_dir: Path | None = Path(env["BATTKG_ESCO_DIR"]) if env["BATTKG_ESCO_DIR"] else None
        else:
            esco_dir = _default_esco_dir(home)
        if "BATTKG_ELM_DIR" in env:
            elm_dir: Path | None = Path(env["BATTKG_ELM_DIR"]) if env["BATTKG_ELM_DIR"] else None
        else:
            elm_dir = _default_elm_dir(home)
        base = (env.get("BATTKG_BASE_IRI") or DEFAULT_BASE_IRI).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise UsageError(
                f"BATTKG_BASE_IRI={base!r} is not an http(s) IRI",
                fix="set it to something like https://example.org/battkg",
            )
        public = (env.get("BATTKG_PUBLIC_URL") or "").rstrip("/") or None
        if public and not public.startswith(("http://", "https://")):
            raise UsageError(
                f"BATTKG_PUBLIC_URL={public!r} is not an http(s) URL",
                fix="set it to the address clients use, e.g. https://battkg.example.org",
            )
        settings = cls(
            store=store,
            home=home,
            esco_dir=esco_dir,
            elm_dir=elm_dir,
            base_iri=base,
            token=env.get("BATTKG_TOKEN") or None,
            query_timeout=_positive_float(env, "BATTKG_QUERY_TIMEOUT", 10.0),
            result_limit=int(_positive_float(env, "BATTKG_RESULT_LIMIT", 100_000)),
            remote=remote,
            public_url=public,
            cors_write_origins=tuple(
                o.strip() for o in env.get("BATTKG_CORS_WRITE_ORIGINS", "").split(",") if o.strip()
            ),
            extra={name: env[name] for name in UPLOAD_SETTINGS if env.get(name)},
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
