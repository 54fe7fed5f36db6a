"""Where the remote SPARQL server is: parsed from BATTKG_STORE=sparql+http(s)://... and BATTKG_SPARQL_*.

`sparql+http://host:port/PATH` names the server's query endpoint `http://host:port/PATH`.
The update and Graph Store endpoints default by the last path segment, after the
conventions of the common servers (docs/remote.md):

| PATH ends in | update             | graph store (GSP)          | dataset  | e.g.                   |
| ------------ | ------------------ | -------------------------- | -------- | ---------------------- |
| `/query`     | sibling `/update`  | sibling `/store`           | union    | Oxigraph server        |
| `/sparql`    | the same URL       | sibling `/sparql-graph-crud` | explicit | Virtuoso            |
| anything else| the same URL       | the same URL               | explicit | Fuseki `/ds`, GraphDB  |

BATTKG_SPARQL_QUERY_URL / _UPDATE_URL / _GSP_URL override each URL, BATTKG_SPARQL_USER and
_PASSWORD (or `user:password@` in the URL) give HTTP credentials, BATTKG_SPARQL_DATASET
chooses how the union of battkg's graphs is asked for (`union` or `explicit`) and
BATTKG_SPARQL_BATCH how many triples go in one upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ..errors import UsageError

DATASET_MODES = ("union", "explicit")
DEFAULT_BATCH = 50_000


@dataclass(frozen=True)
class RemoteConfig:
    """The endpoints of one SPARQL 1.1 server and how battkg talks to it."""

    query_url: str
    update_url: str
    gsp_url: str
    user: str | None = None
    password: str | None = None
    #: "union": the server's union default graph (Oxigraph's `union-default-graph` parameter);
    #: "explicit": default-graph-uri / named-graph-uri listing battkg's published graphs.
    dataset: str = "explicit"
    batch: int = DEFAULT_BATCH

    @property
    def server(self) -> str:
        """The query URL without credentials: how errors and logs name the server."""
        return self.query_url

    def describe(self) -> str:
        return f"SPARQL server {self.query_url}"


def is_remote_url(value: str | None) -> bool:
    """Does a BATTKG_STORE value name a server (sparql+http(s)://...) rather than a folder?"""
    return bool(value) and str(value).startswith("sparql+")


def _sibling(url: str, name: str) -> str:
    parts = urlsplit(url)
    head = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{head}/{name}", "", ""))


def _plain(url: str) -> tuple[str, str | None, str | None]:
    """The URL without `user:password@`, and the credentials it held."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None, None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    password = unquote(parts.password) if parts.password is not None else None
    return clean, unquote(parts.username), password


def remote_from_env(env: dict[str, str]) -> RemoteConfig | None:
    """The remote server configured in `env`, or None for the embedded store."""
    store = env.get("BATTKG_STORE", "")
    explicit_query = env.get("BATTKG_SPARQL_QUERY_URL", "")
    if not is_remote_url(store) and not explicit_query:
        return None
    url = store.removeprefix("sparql+") if is_remote_url(store) else explicit_query
    url, user, password = _plain(url)
    if explicit_query:
        url = explicit_query
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"the SPARQL server URL {url!r} is not an http(s) URL",
            fix="write BATTKG_STORE=sparql+http://host:port/path (or set BATTKG_SPARQL_QUERY_URL)",
        )
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last == "query":
        update, gsp, dataset = _sibling(url, "update"), _sibling(url, "store"), "union"
    elif last == "sparql":
        update, gsp, dataset = url, _sibling(url, "sparql-graph-crud"), "explicit"
    else:
        update, gsp, dataset = url, url, "explicit"
    dataset = env.get("BATTKG_SPARQL_DATASET") or dataset
    if dataset not in DATASET_MODES:
        raise UsageError(
            f"BATTKG_SPARQL_DATASET={dataset!r} is not one of {', '.join(DATASET_MODES)}",
            fix="use `union` for servers with a union default graph parameter (Oxigraph), "
            "else `explicit`",
        )
    batch_raw = env.get("BATTKG_SPARQL_BATCH") or str(DEFAULT_BATCH)
    if not batch_raw.isdigit() or int(batch_raw) < 1:
        raise UsageError(
            f"BATTKG_SPARQL_BATCH={batch_raw!r} is not a positive whole number",
            fix=f"set it to the most triples the server accepts in one request, e.g. {DEFAULT_BATCH}",
        )
    return RemoteConfig(
        query_url=url,
        update_url=env.get("BATTKG_SPARQL_UPDATE_URL") or update,
        gsp_url=env.get("BATTKG_SPARQL_GSP_URL") or gsp,
        user=env.get("BATTKG_SPARQL_USER") or user,
        password=env.get("BATTKG_SPARQL_PASSWORD") or password,
        dataset=dataset,
        batch=int(batch_raw),
    )


def store_url(config: RemoteConfig) -> str:
    """The BATTKG_STORE value naming `config`'s query endpoint (without credentials)."""
    return "sparql+" + quote(config.query_url, safe=":/?&=%[]@")
