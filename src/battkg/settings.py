"""Settings: one table of records, read from the environment once, into one `Settings` record.

`SETTINGS` lists every BATTKG_* variable with its type, its default and its help; the
CLI's help, the README's settings table (`python -m battkg.settings` prints it; a test
compares) and the checks of each value (by its type, with a message naming the setting
and a fix) are all derived from it. Nothing else in battkg reads the environment: code
reads `kg.settings`. The remote server's settings (BATTKG_SPARQL_* but _PER_CLIENT) are
checked together by remote/config.py, into `Settings.remote`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import limits
from .errors import UsageError
from .home import PACKAGED_HOME, PROJECT_ROOT, find_home
from .remote.config import RemoteConfig, is_remote_url, remote_from_env

__all__ = ["PROJECT_ROOT", "SETTINGS", "Setting", "Settings"]

DEFAULT_BASE_IRI = "https://w3id.org/battkg"


def _number(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ValueError("is not a positive number")
    return value


def _count(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError("is not a positive whole number")
    return int(raw)


def _http(raw: str) -> str:
    value = raw.rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ValueError("is not an http(s) address")
    return value


def _names(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _text(raw: str) -> str:
    return raw


def _folder(raw: str) -> Path | None:
    return Path(raw) if raw else None


@dataclass(frozen=True)
class Kind:
    """A setting's type: its name in the docs and how a value is read (ValueError: refused)."""

    name: str
    read: Callable[[str], Any]


NUMBER = Kind("number > 0", _number)
COUNT = Kind("whole number > 0", _count)
HTTP = Kind("http(s) address", _http)
NAMES = Kind("comma-separated names", _names)
TEXT = Kind("text", _text)
SECRET = Kind("secret text", _text)
FOLDER = Kind("folder (empty: none)", _folder)
HOME = Kind("folder", _folder)
STORE = Kind("folder or sparql+http(s)://", _text)
REMOTE = Kind("see docs/remote.md", _text)


@dataclass(frozen=True)
class Setting:
    """One environment variable: `attr` is the Settings field it sets (None: read by a group)."""

    name: str
    kind: Kind
    default: str
    help: str
    attr: str | None = None

    def read(self, raw: str) -> Any:
        """The value `raw` gives, or a UsageError naming the setting, its type and default."""
        try:
            return self.kind.read(raw)
        except ValueError as exc:
            raise UsageError(
                f"{self.name}={raw!r} {exc}",
                fix=f"set {self.name} to a {self.kind.name} (default: {_plain(self.default)}), "
                "or unset it",
            ) from None


SETTINGS: tuple[Setting, ...] = (
    Setting("BATTKG_STORE", STORE, "`var/store`", "the embedded Oxigraph store's folder (created by `battkg build`), or `sparql+http://host:port/path` for a remote SPARQL 1.1 server ([docs/remote.md](docs/remote.md))"),
    Setting("BATTKG_HOME", HOME, "the source tree, else the installed package's copy", "the folder holding ontology/, data/, queries/ and shapes/"),
    Setting("BATTKG_ESCO_DIR", FOLDER, "`../shared/esco` beside the home, if it exists", "the folder with the official ESCO CSV zips; empty to build without ESCO", "esco_dir"),
    Setting("BATTKG_ELM_DIR", FOLDER, "`../shared/elm` beside the home, if it exists", "the folder with the official ELM LOQ shapes; ELM partner files are checked against them (refused when unset)", "elm_dir"),
    Setting("BATTKG_BASE_IRI", HTTP, f"`{DEFAULT_BASE_IRI}`", "base of instance and graph IRIs (curated data is rebased on load)", "base_iri"),
    Setting("BATTKG_TOKEN", SECRET, "unset (writes refused)", "the bearer token that write calls need", "token"),
    Setting("BATTKG_PUBLIC_URL", HTTP, "unset: the address the server listens on", "the service's public address, used in the Service Description and VoID instead of the Host header", "public_url"),
    Setting("BATTKG_CORS_WRITE_ORIGINS", NAMES, "none", "origins allowed to make cross-origin writes (any origin may read)", "cors_write_origins"),
    Setting("BATTKG_LOG_LEVEL", TEXT, "`info`", "the serving processes' log level; `battkg serve --log-level` sets it for them", "log_level"),
    Setting("BATTKG_QUERY_TIMEOUT", NUMBER, "`10`", "seconds a SPARQL query may run before it is stopped", "query_timeout"),
    Setting("BATTKG_PATHWAY_TIMEOUT", NUMBER, "`10`", "seconds of CPU time one pathway answer may search (four times as much wall-clock time at most); a matrix or lateral moves share twice that among their rows, as one answer and its diagnosis may take (decision 0064); past half of it the search is greedy, past all of it the answer (or the row) says `complete: false` or names the search limit", "pathway_timeout"),
    Setting("BATTKG_RESULT_LIMIT", COUNT, "`100000`", "most rows or triples one query may return", "result_limit"),
    Setting("BATTKG_QUERY_MEMORY", COUNT, "`536870912` (512 MiB)", "memory cap in bytes of one SPARQL query worker process: a query that needs more is stopped with 400 query_too_large", "query_memory"),
    Setting("BATTKG_QUERY_WORKERS", COUNT, "CPUs (2 to 8)", "worker processes that run SPARQL queries; one is killed and replaced when a query times out", "query_workers"),
    Setting("BATTKG_SPARQL_PER_CLIENT", COUNT, "half the query workers (at least 1)", "ad-hoc SPARQL queries one client may run at once; more wait, then get 503 with Retry-After", "sparql_per_client"),
    Setting("BATTKG_MAX_UPLOAD_BYTES", COUNT, "`12582912` (12 MiB)", "largest upload over HTTP, all files of a request together; reading stops there with 413", "max_upload_bytes"),
    Setting("BATTKG_MAX_UPLOAD_FILES", COUNT, "`20`", "most files in one upload request (413 above)", "max_upload_files"),
    Setting("BATTKG_MAX_UPLOAD_ROWS", COUNT, "`40000`", "most CSV rows in one upload request (413 above)", "max_upload_rows"),
    Setting("BATTKG_UPLOAD_MEMORY", COUNT, "`1073741824` (1 GiB)", "memory cap in bytes of the child process that parses, validates and loads one upload ([docs/security.md](docs/security.md))", "upload_memory"),
    Setting("BATTKG_UPLOAD_TIMEOUT", NUMBER, "`300`", "seconds one validation or load may take before it is stopped", "upload_timeout"),
    Setting("BATTKG_UPLOAD_WORKERS", COUNT, "`2`", "uploads validated or loaded at the same time (503 for a request that waits longer than the timeout)", "upload_workers"),
    Setting("BATTKG_FOREIGN_SUBJECTS", NAMES, "none", "datasets (or `*`) the operator grants statements about things other graphs describe", "foreign_subjects"),
    Setting("BATTKG_SPARQL_QUERY_URL", REMOTE, "from `BATTKG_STORE=sparql+http://...`", "the remote SPARQL 1.1 server's query endpoint, instead of `BATTKG_STORE=sparql+...`"),
    Setting("BATTKG_SPARQL_UPDATE_URL", REMOTE, "by the query URL's path", "the remote server's update endpoint"),
    Setting("BATTKG_SPARQL_GSP_URL", REMOTE, "by the query URL's path", "the remote server's Graph Store Protocol endpoint"),
    Setting("BATTKG_SPARQL_USER", REMOTE, "none", "user name for the remote server (HTTP Basic)"),
    Setting("BATTKG_SPARQL_PASSWORD", REMOTE, "none", "password for the remote server (HTTP Basic)"),
    Setting("BATTKG_SPARQL_DATASET", REMOTE, "`union` for an Oxigraph `/query` URL, else `explicit`", "how queries see battkg's graphs on the server: its union default graph, or explicit graph lists"),
    Setting("BATTKG_SPARQL_BATCH", REMOTE, "`50000`", "most triples sent to the remote server in one request"),
)  # fmt: skip


def _cpu_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


@dataclass(frozen=True)
class Settings:
    store: Path
    home: Path = field(default_factory=find_home)
    esco_dir: Path | None = None
    #: the official ELM LOQ shapes, for ELM partner files (None: ELM files are refused)
    elm_dir: Path | None = None
    base_iri: str = DEFAULT_BASE_IRI
    token: str | None = None
    #: the service's public address; None: the address the server listens on
    public_url: str | None = None
    #: origins allowed to make cross-origin writes
    cors_write_origins: tuple[str, ...] = ()
    #: the log level of a serving process (set by `battkg serve --log-level`)
    log_level: str = "info"
    query_timeout: float = 10.0
    #: seconds one pathway answer may search (pathways/budget.py)
    pathway_timeout: float = 10.0
    result_limit: int = 100_000
    query_workers: int = field(default_factory=_cpu_workers)
    #: memory cap (bytes, the worker's data segment) of one SPARQL query worker process
    query_memory: int = limits.DEFAULT_QUERY_MEMORY
    #: None: half the query workers (at least 1); see `per_client`
    sparql_per_client: int | None = None
    max_upload_bytes: int = limits.DEFAULT_MAX_BYTES
    max_upload_files: int = limits.DEFAULT_MAX_FILES
    max_upload_rows: int = limits.DEFAULT_MAX_ROWS
    upload_memory: int = limits.DEFAULT_MEMORY
    upload_timeout: float = limits.DEFAULT_TIMEOUT
    upload_workers: int = limits.DEFAULT_WORKERS
    foreign_subjects: tuple[str, ...] = ()
    #: a remote SPARQL server instead of the embedded store (`store` then holds local files only)
    remote: RemoteConfig | None = None

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

    @property
    def per_client(self) -> int:
        return self.sparql_per_client or max(1, self.query_workers // 2)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """The settings `env` (default: the process environment) gives, each value checked."""
        env = dict(os.environ if env is None else env)
        home = find_home(env.get("BATTKG_HOME") or None)
        values: dict[str, Any] = {
            "home": home,
            "esco_dir": _beside(home, "esco"),
            "elm_dir": _beside(home, "elm"),
        }
        for setting in SETTINGS:
            if setting.attr is None or setting.name not in env:
                continue
            raw = env[setting.name]
            if raw or setting.kind is FOLDER:  # an empty folder setting means none
                values[setting.attr] = setting.read(raw)
        raw_store = env.get("BATTKG_STORE") or ""
        local = not raw_store or is_remote_url(raw_store)
        values["store"] = Path(default_store(home) if local else raw_store)
        values["remote"] = remote_from_env(env)
        settings = cls(**values)
        return settings.with_(**overrides) if overrides else settings


def _beside(home: Path, name: str) -> Path | None:
    """The shared folder `name` beside the home (../shared/<name>), if there is one."""
    candidate = home.parent / "shared" / name
    return candidate if candidate.is_dir() else None


def default_store(home: Path) -> Path:
    """var/store in the home; in the current folder when the home is the installed package's."""
    return (Path.cwd() if home == PACKAGED_HOME else home) / "var" / "store"


def markdown_table() -> str:
    """The README's settings table, derived from SETTINGS."""
    lines = ["| setting | type | default | what |", "| --- | --- | --- | --- |"]
    lines += [f"| `{s.name}` | {s.kind.name} | {s.default} | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"


def cli_help() -> str:
    """The settings as the CLI's help lists them."""
    return "\n".join(
        f"  {s.name:<28} {_plain(s.help)} (default: {_plain(s.default)})" for s in SETTINGS
    )


def _plain(text: str) -> str:
    """Markdown to plain text for a terminal: no backticks, links as their text."""
    out = text.replace("`", "")
    while "](" in out:
        start = out.index("](")
        end = out.index(")", start)
        out = out[:start] + out[end + 1 :]
    return out.replace("[", "")


if __name__ == "__main__":
    sys.stdout.write(markdown_table())
