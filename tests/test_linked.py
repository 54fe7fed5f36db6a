"""Linked data over HTTP: /id/ dereferencing, /export, JSON-LD context, SSSOM, SKOS, VoID/DCAT."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from battkg import alignment, jsonld
from battkg.kg import KnowledgeGraph
from battkg.web.linked import CONTEXT_FILE

ROLE = "https://w3id.org/battkg/id/role/mineral-processing-operator"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_an_iri_dereferences_to_rdf(client: TestClient, accept: str, fmt: str) -> None:
    r = client.get("/id/role/mineral-processing-operator", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = rdflib.Graph().parse(data=r.text, format=fmt)
    role = rdflib.URIRef(ROLE)
    assert (
        role,
        SKOS.prefLabel,
        rdflib.Literal("processoperatör i anrikningsverk", lang="sv"),
    ) in g
    assert (role, DCTERMS.source, None) in g  # its sources, with their labels
    source = g.value(role, DCTERMS.source)
    assert g.value(source, rdflib.RDFS.label) is not None
    assert (role, VOID.inDataset, rdflib.URIRef("https://w3id.org/battkg/graph/data/roles")) in g
    stage = g.value(role, rdflib.URIRef("https://w3id.org/battkg/ontology#inStage"))
    assert g.value(stage, SKOS.prefLabel) is not None  # labels of what it links to


def test_an_iri_dereferences_to_html_for_a_browser(client: TestClient) -> None:
    r = client.get(
        "/id/role/mineral-processing-operator?lang=sv", headers={"Accept": "text/html,*/*;q=0.8"}
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>processoperatör i anrikningsverk</h1>" in r.text
    assert 'href="/id/stage/raw-materials-and-mining"' in r.text  # links stay on the service
    assert "Källor" in r.text and "data/roles.ttl" in r.text
    turtle = client.get("/id/role/mineral-processing-operator?format=turtle")
    assert turtle.headers["content-type"].startswith("text/turtle")


def test_unknown_iri_and_bad_format(client: TestClient) -> None:
    r = client.get("/id/role/no-such-role")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert client.get("/id/role/mineral-processing-operator?format=png").status_code == 422
    assert (
        client.get(
            "/id/role/mineral-processing-operator", headers={"Accept": "image/png"}
        ).status_code
        == 406
    )


def _nquads(client: TestClient) -> rdflib.Dataset:
    r = client.get("/export", params={"format": "nquads"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/n-quads"
    return rdflib.Dataset().parse(data=r.text, format="nquads")


def test_export_the_whole_dataset(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    ds = _nquads(client)
    assert len(ds) == sum(curated_kg.graph_sizes().values())
    trig = rdflib.Dataset().parse(data=client.get("/export?format=trig").text, format="trig")
    assert len(trig) == len(ds)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld")],
)
def test_export_one_graph_in_each_format(
    client: TestClient, curated_kg: KnowledgeGraph, name: str, fmt: str
) -> None:
    graph = curated_kg.iris.data_graph("regions")
    r = client.get("/export", params={"format": name, "graph": graph})
    assert r.status_code == 200
    expected = rdflib.Graph()
    nt = io.BytesIO()
    curated_kg.reader().dump(nt, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    expected.parse(data=nt.getvalue(), format="nt")
    assert isomorphic(rdflib.Graph().parse(data=r.content, format=fmt), expected)


def test_jsonld_export_uses_the_published_context(
    client: TestClient, curated_kg: KnowledgeGraph
) -> None:
    published = client.get("/context.jsonld")
    assert published.headers["content-type"] == "application/ld+json"
    assert published.json() == jsonld.context() == json.loads(CONTEXT_FILE.read_text())
    doc = client.get("/export", params={"format": "jsonld"}).json()
    assert doc["@context"] == published.json()["@context"]
    roles = next(g for g in doc["@graph"] if g["@id"] == curated_kg.iris.data_graph("roles"))
    node = next(
        n
        for n in roles["@graph"]
        if n["@id"] == "https://w3id.org/battkg/id/role/mineral-processing-operator"
    )
    assert "bkg:JobRole" in node["@type"] and "skos:prefLabel" in node
    ds = rdflib.Dataset().parse(data=json.dumps(doc), format="json-ld")
    assert len(ds) == len(_nquads(client))


def test_export_errors(client: TestClient) -> None:
    assert client.get("/export", params={"format": "docx"}).status_code == 422
    assert client.get("/export", params={"graph": "https://example.org/none"}).status_code == 404
    assert client.get("/export", headers={"Accept": "image/png"}).status_code == 406
    assert (
        client.get("/export", headers={"Accept": "application/trig"}).headers["content-type"]
        == "application/trig"
    )


def _sssom(text: str) -> tuple[dict[str, str], dict[str, str], list[dict[str, str]]]:
    meta: dict[str, str] = {}
    curies: dict[str, str] = {}
    lines = text.splitlines()
    header = [line[2:] for line in lines if line.startswith("# ")]
    in_map = False
    for line in header:
        if line.startswith("curie_map:"):
            in_map = True
        elif in_map and line.startswith("  "):
            key, _, value = line.strip().partition(": ")
            curies[key] = value
        elif not line.startswith(" "):
            in_map = False
            key, _, value = line.partition(": ")
            meta[key] = value
    table = [line.split("\t") for line in lines if not line.startswith("#")]
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    return meta, curies, rows


def test_sssom_mapping_set(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    r = client.get("/export/sssom")
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    meta, curies, rows = _sssom(r.text)
    assert meta["mapping_set_id"] == "http://testserver/export/sssom"
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["mapping_set_version"] == curated_kg.version()
    assert len(rows) == len(alignment.mappings(curated_kg)) >= 40
    for row in rows:
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            assert row[column].split(":", 1)[0] in curies, row[column]
        assert row["predicate_id"] in {
            "skos:exactMatch",
            "skos:closeMatch",
            "skos:broadMatch",
            "skos:narrowMatch",
            "skos:relatedMatch",
        }
    kinds = {row["subject_id"].split(":")[0] for row in rows}
    assert kinds == {"battkg.role", "battkg.skill"}


def test_skos_alignment_triples(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    g = rdflib.Graph().parse(data=client.get("/export/skos").text, format="turtle")
    assert len(g) == len(alignment.mappings(curated_kg))
    assert all(str(o).startswith("http://data.europa.eu/esco/") for o in g.objects())


def test_void_and_dcat(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    ds = rdflib.URIRef(curated_kg.iris.thing("dataset", "battkg"))
    assert (ds, rdflib.RDF.type, VOID.Dataset) in g and (ds, rdflib.RDF.type, DCAT.Dataset) in g
    assert (ds, DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert (ds, DCAT.version, rdflib.Literal(curated_kg.version())) in g
    assert g.value(ds, DCTERMS.publisher) is not None
    assert (ds, VOID.sparqlEndpoint, rdflib.URIRef("http://testserver/sparql")) in g
    downloads = [
        str(g.value(d, DCAT.downloadURL))
        for d in g.objects(ds, DCAT.distribution)
        if g.value(d, DCAT.downloadURL)
    ]
    assert len(downloads) >= 7
    for url in downloads:  # every distribution can be downloaded
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url
    same = client.get("/id/dataset/battkg", headers={"Accept": "text/turtle"})
    assert isomorphic(rdflib.Graph().parse(data=same.text, format="turtle"), g)
