"""Bad input for the remote store: the server unreachable, going away, slow, refusing, erroring.

A small fault-injecting proxy sits between battkg and a real Oxigraph server.
Every failure must be a clear error naming the server, health must say the store
is down, no half-loaded graph may become visible, and battkg must recover without
a restart once the server is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from battkg import __version__
from battkg.errors import QueryTimeout, StoreError
from battkg.kg import KnowledgeGraph
from battkg.web.app import create_app

from .remote_servers import Server, free_port, start_oxigraph
from .test_remote import remote_settings


class Proxy:
    """Forwards to `upstream` unless told to fail: `mode` is pass, drop, slow, html or refuse-gsp."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode = "pass"
        self.gsp_posts = 0
        self.refuse_after = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "POST" and self.path.startswith("/store"):
                    proxy.gsp_posts += 1
                mode = proxy.mode
                if mode == "drop":
                    self.connection.close()
                    return
                if mode == "slow":
                    time.sleep(3)
                if mode == "html" or (
                    mode == "refuse-gsp" and self.path.startswith("/store")
                    and self.command == "POST" and proxy.gsp_posts > proxy.refuse_after
                ):  # fmt: skip
                    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                    status = 502 if mode == "html" else 413
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                }
                r = httpx.request(
                    self.command,
                    proxy.upstream + self.path,
                    content=body,
                    headers=headers,
                    timeout=60,
                )
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # a free port, race-free
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def store(self) -> str:
        return f"sparql+http://127.0.0.1:{self.port}/query"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture()
def proxied(upstream: Server, tmp_path: Path) -> Iterator[tuple[Proxy, KnowledgeGraph]]:
    proxy = Proxy(f"http://127.0.0.1:{upstream.port}")
    settings = remote_settings(
        Server("proxy", proxy.store, upstream.process, upstream.folder, proxy.port),
        tmp_path,
        BATTKG_SPARQL_BATCH="2000",
    )
    kg = KnowledgeGraph(settings)
    kg.store.ttl = 0.0  # type: ignore[attr-defined]  # every call re-reads the control graph
    if not kg.store.exists():
        kg.build()
    yield proxy, kg
    proxy.close()


def _health(kg: KnowledgeGraph) -> tuple[int, dict[str, Any]]:
    with TestClient(create_app(kg=kg)) as client:
        r = client.get("/health")
        return r.status_code, r.json()


def assert_health_down(
    kg: KnowledgeGraph, code: str, words: str, port: int, fault: dict[str, Any]
) -> None:
    """/health's 503: the error envelope naming the fault and the server; its details are the
    fault's own and say the store is down (api/openapi.json: ErrorEnvelope for 503;
    docs/remote.md, Errors and recovery)."""
    server = f"http://127.0.0.1:{port}/query"
    with TestClient(create_app(kg=kg)) as client:
        r = client.get("/health")
    assert r.status_code == 503 and list(r.json()) == ["error"]
    error = r.json()["error"]
    assert error["code"] == code and words in error["message"] and server in error["message"]
    assert error["fix"] and error["request_id"] == r.headers["x-request-id"]
    health = {"store": "down", "version": __version__, "server": server}
    assert error["details"] == {**health, **fault}


def test_unreachable_at_start_then_recovers_without_restart(tmp_path: Path) -> None:
    port = free_port()
    kg = KnowledgeGraph(
        remote_settings(
            Server("none", f"sparql+http://127.0.0.1:{port}/query", None, tmp_path, port), tmp_path
        )  # type: ignore[arg-type]
    )
    with pytest.raises(StoreError) as caught:
        kg.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert f"http://127.0.0.1:{port}/query" in str(caught.value)
    url = f"http://127.0.0.1:{port}/query"
    assert_health_down(kg, "store_error", "cannot reach the SPARQL server", port, {"url": url})
    server = start_oxigraph(tmp_path / "late", port=port)
    try:
        kg.build()
        status, body = _health(kg)
        assert status == 200 and body["status"] == "ok" and body["store"] == "up"
        assert body["build"] == kg.version() and body["generation"] == kg.store.generation
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("mode", "error", "words", "fault"),
    [
        ("drop", StoreError, "cannot reach the SPARQL server", {"url": "/query"}),
        ("slow", QueryTimeout, "did not answer within 1 s", {"timeout_seconds": 1.0}),
        ("html", StoreError, "HTTP 502, an HTML error page", {"url": "/query", "status": 502}),
    ],
)
def test_a_failing_server_is_named_and_health_recovers(
    proxied: tuple[Proxy, KnowledgeGraph],
    mode: str,
    error: type[QueryTimeout | StoreError],
    words: str,
    fault: dict[str, Any],
) -> None:
    proxy, kg = proxied
    # a 1 s limit for the failing requests only (the slow proxy takes 3 s): on a busy machine
    # the others may take longer than that
    impatient = KnowledgeGraph(kg.settings.with_(query_timeout=1.0))
    impatient.store.ttl = 0.0  # type: ignore[attr-defined]
    rows_before = kg.select("SELECT ?r WHERE { ?r a bkg:JobRole }")
    proxy.mode = mode
    with pytest.raises(error) as caught:
        impatient.select("SELECT ?r WHERE { ?r a bkg:JobRole }")
    assert words in str(caught.value) and f"127.0.0.1:{proxy.port}" in str(caught.value)
    if "url" in fault:  # the URL asked, on the proxy's port
        fault = {**fault, "url": f"http://127.0.0.1:{proxy.port}{fault['url']}"}
    assert_health_down(impatient, error.code, words, proxy.port, fault)
    proxy.mode = "pass"
    assert kg.select("SELECT ?r WHERE { ?r a bkg:JobRole }") == rows_before
    assert _health(kg)[0] == 200


def _server_graphs(proxy: Proxy) -> list[str]:
    r = httpx.post(
        proxy.upstream + "/query",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    return [b["g"]["value"] for b in r.json()["results"]["bindings"]]


def test_a_refused_batch_leaves_the_previous_graphs_and_nothing_staged(
    proxied: tuple[Proxy, KnowledgeGraph],
) -> None:
    proxy, kg = proxied
    courses = ox.NamedNode(kg.iris.data_graph("courses"))
    extra = ox.NamedNode(kg.iris.graph("dataset", "big"))
    generation, sizes = kg.store.current_generation(), kg.graph_sizes()
    p = ox.NamedNode("http://example.org/p")
    big = [ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i)), g)
           for g in (courses, extra) for i in range(6000)]  # fmt: skip
    proxy.mode, proxy.gsp_posts, proxy.refuse_after = "refuse-gsp", 0, 2
    with pytest.raises(StoreError) as caught, kg.store.writer() as w:
        w.bulk_extend(big)
    assert "HTTP 413" in str(caught.value) and "BATTKG_SPARQL_BATCH" in str(caught.value)
    assert kg.store.current_generation() == generation and kg.graph_sizes() == sizes
    assert not [g for g in _server_graphs(proxy) if "/staging/" in g or g == extra.value]
    proxy.mode = "pass"  # the same write succeeds once the server accepts batches again
    with kg.store.writer() as w:
        w.bulk_extend(big)
    after = kg.graph_sizes()
    assert after[courses.value] == sizes[courses.value] + 6000 and after[extra.value] == 6000
    assert not [g for g in _server_graphs(proxy) if "/staging/" in g]
    with kg.store.writer() as w:  # and back: 6,000 removals, a staged delta
        w.remove_graph(extra)
        for quad in big[:6000]:
            w.remove(quad)
    assert kg.graph_sizes() == sizes
    assert not [g for g in _server_graphs(proxy) if "/staging/" in g]


def test_a_load_is_invisible_until_published(proxied: tuple[Proxy, KnowledgeGraph]) -> None:
    """While a big write stages its graphs, readers keep seeing exactly the previous state."""
    _, kg = proxied
    reader = KnowledgeGraph(kg.settings)
    reader.store.ttl = 0.0  # type: ignore[attr-defined]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
    before = reader.select(count)[0]["n"].value
    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(reader.select(count)[0]["n"].value)

    g = ox.NamedNode(kg.iris.graph("dataset", "watched"))
    p = ox.NamedNode("http://example.org/p")
    thread = threading.Thread(target=watch)
    thread.start()
    try:
        with kg.store.writer() as w:
            w.bulk_extend(
                ox.Quad(ox.NamedNode(f"http://example.org/w{i}"), p, ox.Literal(str(i)), g)
                for i in range(20000)
            )
    finally:
        stop.set()
        thread.join()
    after = reader.select(count)[0]["n"].value
    assert int(after) >= int(before) + 20000
    assert set(seen) <= {before, after} and seen, "a reader saw a half-loaded graph"
