"""The named queries in queries/: headers, parameters bound (never pasted), served at /queries."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from battkg.errors import NotFoundError, UsageError
from battkg.kg import KnowledgeGraph
from battkg.queries import QueryRegistry
from battkg.settings import PROJECT_ROOT

REGISTRY = QueryRegistry(PROJECT_ROOT / "queries")
ESCO_SKILL = "http://data.europa.eu/esco/skill/f83e61e0-cb73-4a6a-b266-c4be03fb30eb"
#: Parameters that make every named query answer something on the curated graph.
EXAMPLES: dict[str, dict[str, str]] = {
    "role-essential-skills": {
        "role": "mineral-processing-operator",
        "lang": "sv",
        "optional": "true",
    },
    "role-entry-requirements": {"role": "mineral-processing-operator"},
    "courses-teaching-skill": {"skill": ESCO_SKILL},
    "roles-without-course-in-region": {"region": "SE331"},
    "qualifications-by-eqf": {"eqf": "4", "country": "NO"},
    "providers-by-region": {"region": "SE"},
    "demand-vs-places": {"country": "SE"},
    "cross-border-offers": {"from": "FI", "to": "SE"},
    "course-details": {"region": "FI"},
    "demand-estimates": {"stage": "cell-manufacturing", "region": "NO"},
    "roles-by-stage": {"stage": "cell-assembly"},
    "gap-demand": {"region": "SE", "stage": "cell-manufacturing"},
    "gap-capacity": {"region": "FI", "status": "running"},
    "gap-skills": {"stage": "cell-assembly"},
    # Norrbotten's and Västra Götaland's demanded roles all have a running course now
    "gap-roles-without-course": {"region": "SE125"},
    "gap-missing-skills": {"region": "SE332"},
    "gap-atoms": {"country": "SE"},
    "gap-course-roles": {"role": "cell-assembly-operator"},
}


def test_there_are_at_least_twelve_named_queries_with_headers() -> None:
    queries = REGISTRY.all()
    assert len(queries) >= 12
    for q in queries:
        assert q.title and q.title != q.name, q.name
        assert len(q.description) > 40, q.name


@pytest.mark.parametrize("name", REGISTRY.names())
def test_parameters_are_bound_in_every_answer_row(curated_kg: KnowledgeGraph, name: str) -> None:
    """Run the query: each bound parameter is an answer column with the given value in every row."""
    named, result = curated_kg.run_named(name, EXAMPLES.get(name, {}))
    assert isinstance(result, ox.QuerySolutions)
    columns = {v.value for v in result.variables}
    bound = named.bind(EXAMPLES.get(name, {}), curated_kg.iris)
    assert {v.value for v in bound} <= columns, f"{name}: parameters not among the answer columns"
    rows = list(result)
    assert rows, f"{name} answers nothing with {EXAMPLES.get(name, {})}"
    for variable, term in bound.items():
        assert all(row[variable] == term for row in rows), f"{name}: ?{variable.value} changed"


@pytest.mark.parametrize("name", REGISTRY.names())
def test_every_named_query_answers_over_http(client: TestClient, name: str) -> None:
    r = client.get(
        f"/queries/{name}",
        params=EXAMPLES.get(name, {}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text
    rows = r.json()["results"]["bindings"]
    assert rows, f"{name} found nothing"


def test_list(client: TestClient) -> None:
    listed = client.get("/queries").json()
    assert {q["name"] for q in listed} == set(REGISTRY.names())
    skills = next(q for q in listed if q["name"] == "role-essential-skills")
    assert skills["url"] == "/queries/role-essential-skills"
    assert {"name": "role", "kind": "iri:role", "required": True}.items() <= skills["parameters"][
        0
    ].items()


def test_parameters_are_bound_and_filter(client: TestClient) -> None:
    def rows(params: dict[str, str]) -> list[dict[str, dict[str, str]]]:
        r = client.get("/queries/qualifications-by-eqf", params=params)
        return r.json()["results"]["bindings"]  # type: ignore[no-any-return]

    everything, level4 = rows({}), rows({"eqf": "4"})
    assert len(everything) > len(level4) > 0
    assert {b["eqf"]["value"] for b in level4} == {"4"}
    swedish = client.get(
        "/queries/role-essential-skills",
        params={"role": "mineral-processing-operator", "lang": "sv"},
    ).json()
    assert {b["roleLabel"]["value"] for b in swedish["results"]["bindings"]} == {
        "processoperatör i anrikningsverk"
    }


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"role": "x> } ; DROP ALL ; SELECT * { <y"}, 422),  # not an IRI or short id: refused
        ({"role": "mineral-processing-operator", "lang": 'en") } #'}, 422),
        ({"role": "mineral-processing-operator", "bogus": "1"}, 422),
        ({}, 422),
    ],
)
def test_bad_parameters(client: TestClient, params: dict[str, str], status: int) -> None:
    r = client.get("/queries/role-essential-skills", params=params)
    assert r.status_code == status
    assert r.json()["error"]["code"] == "invalid_parameter"


def test_a_string_is_a_value_never_query_text(curated_kg: KnowledgeGraph) -> None:
    named = REGISTRY.get("role-essential-skills")
    bound = named.bind({"role": "mineral-processing-operator"}, curated_kg.iris)
    assert bound[ox.Variable("role")] == ox.NamedNode(
        "https://w3id.org/battkg/id/role/mineral-processing-operator"
    )
    # a language tag that would close the query if it were pasted is one literal value
    hostile = 'sv") } UNION { ?s ?p ?o } #'
    with pytest.raises(UsageError):
        named.bind({"role": "mineral-processing-operator", "lang": hostile}, curated_kg.iris)
    with pytest.raises(NotFoundError) as err:  # an unknown role is a 404, never an empty answer
        curated_kg.run_named("role-essential-skills", {"role": "mineral-procesing-operator"})
    assert err.value.details["parameter"] == "role"
    closest = [m["id"] for m in err.value.details["closest"]]
    assert "https://w3id.org/battkg/id/role/mineral-processing-operator" in closest


def test_unknown_query_repeated_parameter_and_negotiation(client: TestClient) -> None:
    assert client.get("/queries/no-such-query").status_code == 404
    twice = client.get("/queries/roles-by-stage?lang=en&lang=sv")
    assert twice.status_code == 422 and "more than once" in twice.json()["error"]["message"]
    csv = client.get("/queries/roles-by-stage", headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith(
        "stage,stageLabel,role"
    )
    assert client.get("/queries/roles-by-stage", headers={"Accept": "image/png"}).status_code == 406
    page = client.get("/queries/roles-by-stage", headers={"Accept": "text/html"})
    assert (
        page.headers["content-type"].startswith("text/html")
        and "Job roles by value-chain stage" in page.text
    )


def test_the_direct_route_answers_as_fastapis_route_does(curated_kg: KnowledgeGraph) -> None:
    """GET /queries/{name} is dispatched by web/direct.py, without FastAPI's router; the same
    requests through the router alone (that layer taken out) get the same answers."""
    from battkg.web.app import create_app
    from battkg.web.direct import NamedQueryRoute

    routed = create_app(kg=curated_kg)
    routed.user_middleware = [m for m in routed.user_middleware if m.cls is not NamedQueryRoute]
    json = {"Accept": "application/sparql-results+json"}
    requests: list[tuple[str, dict[str, str]]] = [
        ("/queries/role-essential-skills?role=mineral-processing-operator&lang=sv", json),
        ("/queries/roles-by-stage?stage=cell-assembly", {"Accept": "text/csv"}),
        ("/queries/no-such-query", json),
        ("/queries/no-such-query", {"Accept": "text/html"}),
        ("/queries/roles-by-stage?lang=en&lang=sv", json),
        ("/queries/role-essential-skills?bogus=1", json),
        ("/queries/roles-by-stage", {"Accept": "image/png"}),
        ("/queries/roles-by-stage", {"Accept": "text/html"}),
        ("/queries/a%00b", json),
    ]
    with TestClient(create_app(kg=curated_kg)) as direct, TestClient(routed) as through:
        for path, headers in requests:
            ids = {"X-Request-ID": "same-id"}
            a = direct.get(path, headers={**headers, **ids})
            b = through.get(path, headers={**headers, **ids})
            assert (a.status_code, a.content) == (b.status_code, b.content), path
            assert dict(a.headers) == dict(b.headers), path
        # what the direct route leaves to FastAPI: other methods, the list, a nested path
        for method in ("HEAD", "POST"):
            a = direct.request(method, "/queries/roles-by-stage")
            b = through.request(method, "/queries/roles-by-stage")
            assert a.status_code == b.status_code == 405
            assert a.headers.get("allow") == b.headers.get("allow")
        assert direct.get("/queries/roles-by-stage/x").status_code == 404
        assert direct.get("/queries").status_code == 200
