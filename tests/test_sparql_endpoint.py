"""/sparql over HTTP on the curated graph: protocol, negotiation, limits and bad input."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.web.app import create_app

ROLES = "PREFIX bkg: <https://w3id.org/battkg/ontology#> SELECT ?r WHERE { ?r a bkg:JobRole } ORDER BY ?r"
NEVER_ENDS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _roles(client: TestClient) -> int:
    r = client.get(
        "/sparql", params={"query": ROLES}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200
    return len(r.json()["results"]["bindings"])


def test_get_post_form_and_post_direct_agree(client: TestClient) -> None:
    n = _roles(client)
    assert n >= 30
    form = client.post(
        "/sparql", data={"query": ROLES}, headers={"Accept": "application/sparql-results+json"}
    )
    direct = client.post(
        "/sparql", content=ROLES, headers={"Content-Type": "application/sparql-query"}
    )
    assert form.status_code == direct.status_code == 200
    assert len(form.json()["results"]["bindings"]) == len(direct.json()["results"]["bindings"]) == n


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        (
            "text/csv;q=0.2, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_results_by_content_negotiation(
    client: TestClient, accept: str, media: str, fmt: ox.QueryResultsFormat
) -> None:
    r = client.get("/sparql", params={"query": ROLES}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "Accept" in r.headers["vary"]
    assert len(list(ox.parse_query_results(r.content, fmt))) == _roles(client)


def test_csv_and_ask(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ROLES}, headers={"Accept": "text/csv"})
    assert r.text.startswith("r\r\nhttps://w3id.org/battkg/id/role/")
    ask = client.get(
        "/sparql",
        params={"query": "ASK { ?s a ?t }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert bool(ox.parse_query_results(ask.content, ox.QueryResultsFormat.XML)) is True


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_and_describe_as_rdf(client: TestClient, accept: str, rdflib_format: str) -> None:
    iri = "https://w3id.org/battkg/id/region/SE"
    for query in (f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}", f"DESCRIBE <{iri}>"):
        r = client.post(
            "/sparql",
            content=query,
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = rdflib.Graph().parse(data=r.text, format=rdflib_format)
        assert (
            rdflib.URIRef(iri),
            rdflib.URIRef("https://w3id.org/battkg/ontology#countryCode"),
            rdflib.Literal("SE"),
        ) in g


def test_protocol_dataset_replaces_the_union_default_graph(
    client: TestClient, curated_kg: KnowledgeGraph
) -> None:
    roles_graph = curated_kg.iris.data_graph("roles")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(params: dict[str, str]) -> int:
        r = client.get("/sparql", params={"query": count, **params})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    assert n({"default-graph-uri": roles_graph}) == curated_kg.graph_sizes()[roles_graph]
    assert (
        n({}) >= sum(curated_kg.graph_sizes().values()) - 10
    )  # union (duplicates across graphs merge)
    assert n({"named-graph-uri": roles_graph}) == 0  # the default graph is then empty


def test_bad_query_gives_parser_message_and_position(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "query_error" and "not valid SPARQL" in error["message"]
    assert error["details"]["line"] == 3
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s "})
    message = r.json()["error"]["message"]
    assert "error at 1:" in message and "a letter" in message and "\\u{" not in message


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        (
            {"method": "GET", "params": {"query": ROLES}, "headers": {"Accept": "image/png"}},
            406,
            "not_acceptable",
        ),
        (
            {"method": "POST", "content": ROLES, "headers": {"Content-Type": "text/plain"}},
            415,
            "unsupported_media_type",
        ),
        (
            {
                "method": "POST",
                "content": "query=" + "x" * 2_000_000,
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            413,
            "too_large",
        ),
        (
            {
                "method": "POST",
                "content": "CLEAR ALL",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
            "read_only",
        ),
        (
            {
                "method": "GET",
                "params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
            },
            400,
            "service_refused",
        ),
        ({"method": "PUT", "params": {"query": "ASK {}"}}, 405, "method_not_allowed"),
        (
            {"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]},
            400,
            "query_error",
        ),
    ],
)
def test_bad_input_gets_the_common_envelope(
    client: TestClient, kwargs: dict[str, object], status: int, code: str
) -> None:
    method = kwargs.pop("method")
    r = client.request(str(method), "/sparql", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert _roles(client) > 0  # and the service keeps serving


def test_service_never_calls_out(client: TestClient) -> None:
    """A listening socket the query names receives no connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(1.0)
    port = server.getsockname()[1]
    query = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400 and r.json()["error"]["code"] == "service_refused"
    with pytest.raises(TimeoutError):
        server.accept()
    server.close()


def test_service_description_and_query_page(client: TestClient) -> None:
    sd = client.get("/sparql", headers={"Accept": "*/*"})
    assert sd.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=sd.text, format="turtle")
    sdns = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sdns.endpoint, rdflib.URIRef("http://testserver/sparql")) in g
    assert (None, sdns.feature, sdns.UnionDefaultGraph) in g
    page = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text and "Job roles by value-chain stage" in page.text
    assert (
        "http://" not in page.text.split("<script")[0].split("<style")[1].split("</style>")[0]
    )  # no remote assets
    browsed = client.get("/sparql", params={"query": ROLES}, headers={"Accept": "text/html"})
    assert "PREFIX bkg:" in browsed.text  # the query is shown; it runs only on a click
    assert "<script>" not in browsed.text and "run()" not in browsed.text


def test_cors_for_get_and_post(client: TestClient) -> None:
    r = client.options(
        "/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    assert r.status_code == 204 and r.headers["access-control-allow-origin"] in (
        "*",
        "https://yasgui.example",
    )
    get = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"}
    )
    assert get.headers["access-control-allow-origin"] in ("*", "https://yasgui.example")


@pytest.fixture(scope="module")
def limited(curated_kg: KnowledgeGraph) -> Iterator[TestClient]:
    """The same store behind a service with a 1.5 s time limit and a 5-row result limit."""
    kg = KnowledgeGraph(curated_kg.settings.with_(query_timeout=1.5, result_limit=5))
    with TestClient(create_app(kg=kg)) as c:
        yield c


@pytest.mark.slow
def test_a_query_that_never_ends_is_stopped_and_the_service_keeps_serving(
    limited: TestClient,
) -> None:
    started = time.monotonic()
    r = limited.get("/sparql", params={"query": NEVER_ENDS})
    elapsed = time.monotonic() - started
    assert r.status_code == 503 and r.json()["error"]["code"] == "query_timeout"
    assert r.json()["error"]["details"]["timeout_seconds"] == 1.5
    assert elapsed >= 1.4  # it ran to the limit; no upper bound: a busy machine is slower
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                limited.get("/sparql", params={"query": "ASK {}"}).status_code
            )
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4


def test_result_limit(limited: TestClient) -> None:
    r = limited.get("/sparql", params={"query": ROLES})
    assert r.status_code == 400 and r.json()["error"]["code"] == "result_too_large"
    ok = limited.get("/sparql", params={"query": ROLES + " LIMIT 5"})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 5
