"""The HTTP side of a remote store: SPARQL 1.1 Query, Update and Graph Store Protocol over httpx.

One pooled client per store. Every failure becomes a StoreError (or QueryError for a
query the server refuses as bad, QueryTimeout for one that runs too long) whose
message names the server's URL and what failed, so an operator can act on it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from ..errors import BattkgError, QueryError, QueryTimeout, StoreError
from ..logs import event, logger
from .config import RemoteConfig

log = logger(__name__)
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
QUERY_ACCEPT = f"{RESULTS_JSON}, {N_TRIPLES};q=0.9, text/plain;q=0.5, */*;q=0.1"
FORM = "application/x-www-form-urlencoded"
#: seconds to wait for a connection; uploads and updates may take minutes on big graphs
CONNECT_TIMEOUT = 5.0
WRITE_TIMEOUT = 600.0


class SparqlClient:
    """Query, update and Graph Store calls to one server; thread-safe, connections pooled."""

    def __init__(self, config: RemoteConfig, query_timeout: float) -> None:
        self.config = config
        self.query_timeout = query_timeout
        auth = (
            httpx.BasicAuth(config.user, config.password or "") if config.user is not None else None
        )
        self._auth = auth
        self._lock = threading.Lock()
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    auth=self._auth,
                    limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
                    headers={"User-Agent": "battkg"},
                )
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # -- the three protocols ---------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union: bool = False,
        timeout: float | None = None,
    ) -> httpx.Response:
        """POST a query (form-encoded, as the SPARQL 1.1 Protocol allows); the raw response."""
        params: list[tuple[str, str]] = [("query", text)]
        params += [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        if union:
            params.append(("union-default-graph", ""))
        limit = timeout or self.query_timeout
        return self._send(
            "POST",
            self.config.query_url,
            "run a query",
            content=urlencode(params).encode(),
            headers={"Content-Type": FORM, "Accept": QUERY_ACCEPT},
            timeout=httpx.Timeout(limit, connect=min(CONNECT_TIMEOUT, limit)),
            query_timeout=limit,
        )

    def update(self, text: str, what: str = "apply an update") -> None:
        self._send(
            "POST",
            self.config.update_url,
            what,
            content=urlencode([("update", text)]).encode(),
            headers={"Content-Type": FORM},
            timeout=httpx.Timeout(WRITE_TIMEOUT, connect=CONNECT_TIMEOUT),
        )

    def get_graph(self, graph: str) -> bytes:
        """The graph's triples as N-Triples (Graph Store Protocol GET)."""
        response = self._send(
            "GET",
            self._graph_url(graph),
            f"read the graph <{graph}>",
            headers={"Accept": N_TRIPLES},
            timeout=httpx.Timeout(WRITE_TIMEOUT, connect=CONNECT_TIMEOUT),
            missing_ok=True,
        )
        return b"" if response.status_code == 404 else response.content

    def post_graph(self, graph: str, ntriples: bytes, what: str) -> None:
        """Add N-Triples to a graph (Graph Store Protocol POST), creating it if needed."""
        self._send(
            "POST",
            self._graph_url(graph),
            what,
            content=ntriples,
            headers={"Content-Type": N_TRIPLES},
            timeout=httpx.Timeout(WRITE_TIMEOUT, connect=CONNECT_TIMEOUT),
        )

    def _graph_url(self, graph: str) -> str:
        parts = urlsplit(self.config.gsp_url)
        query = "&".join(q for q in (parts.query, urlencode({"graph": graph})) if q)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    # -- errors --------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        query_timeout: float | None = None,
        missing_ok: bool = False,
        **kwargs: object,
    ) -> httpx.Response:
        """One request to the server; a failure is logged, then raised as a battkg error."""
        try:
            return self._send_once(
                method, url, what, query_timeout=query_timeout, missing_ok=missing_ok, **kwargs
            )
        except BattkgError as exc:
            event(log, "remote_failed", logging.WARNING, server=self.config.server, method=method,
                  what=what, code=exc.code, error=exc.message)  # fmt: skip
            raise

    def _send_once(
        self,
        method: str,
        url: str,
        what: str,
        *,
        query_timeout: float | None,
        missing_ok: bool,
        **kwargs: object,
    ) -> httpx.Response:
        server = self.config.server
        try:
            response = self.client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException as exc:
            if query_timeout is not None and not isinstance(exc, httpx.ConnectTimeout):
                raise QueryTimeout(
                    f"the SPARQL server {server} did not answer within {query_timeout:g} s",
                    fix="narrow the query (selective patterns first, LIMIT), or ask the operator "
                    "to raise BATTKG_QUERY_TIMEOUT",
                    details={"server": server, "timeout_seconds": query_timeout},
                ) from None
            raise StoreError(
                f"the SPARQL server {server} timed out when asked to {what} ({type(exc).__name__})",
                fix="check that the server is up and not overloaded; battkg retries on the next "
                "request",
                details={"server": server, "url": url},
            ) from None
        except httpx.HTTPError as exc:
            raise StoreError(
                f"cannot reach the SPARQL server {server} to {what}: {exc or type(exc).__name__}",
                fix="check that the server is running and BATTKG_STORE (or BATTKG_SPARQL_*_URL) "
                "points at it; battkg reconnects by itself once it is back",
                details={"server": server, "url": url},
            ) from None
        if response.is_success or (missing_ok and response.status_code == 404):
            return response
        raise _refusal(response, server, url, what, query=query_timeout is not None)


def _refusal(
    response: httpx.Response, server: str, url: str, what: str, *, query: bool
) -> StoreError | QueryError:
    """The error for a non-2xx answer, with the server's own message (an HTML page shortened)."""
    body = response.text.strip()
    kind = response.headers.get("content-type", "")
    if "html" in kind or body[:1] == "<":
        body = "an HTML error page"
    message = body if len(body) <= 300 else body[:300] + "..."
    details = {"server": server, "url": url, "status": response.status_code}
    if query and response.status_code in (400, 422):
        return QueryError(
            f"the SPARQL server {server} refused the query: {message}",
            fix="correct the query (the server's message says where)",
            details=details,
        )
    if response.status_code in (401, 403):
        fix = "check BATTKG_SPARQL_USER and BATTKG_SPARQL_PASSWORD and the server's permissions"
    elif response.status_code == 413:
        fix = "lower BATTKG_SPARQL_BATCH so that each request is smaller"
    else:
        fix = "check the server's log; battkg retries on the next request"
    return StoreError(
        f"the SPARQL server {server} refused to {what}: HTTP {response.status_code}, {message}",
        fix=fix,
        details=details,
    )
