"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql gives a machine)."""

from __future__ import annotations

import pyoxigraph as ox

from battkg.namespaces import RDF, VOID

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n("http://www.w3.org/2001/XMLSchema#integer"))


def service_description(endpoint: str, dataset: str, graphs: dict[str, int]) -> list[ox.Triple]:
    """sd:Service at `endpoint`; its default dataset (`dataset`, also described by VoID) and graphs.

    The default graph is the union of the named graphs (sd:UnionDefaultGraph); SERVICE
    is refused, so sd:BasicFederatedQuery is not claimed.
    """
    a = _n(RDF + "type")
    service = ox.BlankNode("service")
    ds = _n(dataset)
    default = ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, a, _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), _n(endpoint)),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(SD + "defaultEntailmentRegime"), _n(ENTAILMENT + "Simple")),
        ox.Triple(service, _n(SD + "defaultDataset"), ds),
        ox.Triple(ds, a, _n(SD + "Dataset")),
        ox.Triple(ds, _n(SD + "defaultGraph"), default),
        ox.Triple(default, a, _n(SD + "Graph")),
        ox.Triple(default, _n(VOID + "triples"), _int(sum(graphs.values()))),
    ]
    triples += [
        ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS + f)) for f in RESULT_FORMATS
    ]
    for i, (name, size) in enumerate(sorted(graphs.items())):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(ds, _n(SD + "namedGraph"), named),
            ox.Triple(named, a, _n(SD + "NamedGraph")),
            ox.Triple(named, _n(SD + "name"), _n(name)),
            ox.Triple(named, _n(SD + "graph"), graph),
            ox.Triple(graph, a, _n(SD + "Graph")),
            ox.Triple(graph, _n(VOID + "triples"), _int(size)),
        ]
    return triples
