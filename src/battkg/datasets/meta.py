"""What the meta graph records about partner datasets, read and written.

Each graph of a dataset is described in the meta graph like the build's graphs
(build.write_meta): graphKind "dataset", sha256, generatedAtTime, void:triples,
sourceFile, plus dcterms:identifier (the dataset name), dcterms:publisher and
dcat:version. The build version is recomputed from every recorded hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..backend import ReadableStore, WritableStore, graph_sizes
from ..build import build_version
from ..kg import KnowledgeGraph
from ..namespaces import BKG, DCAT, DCTERMS, PROV, RDF, VOID, XSD

if TYPE_CHECKING:
    from .load import DatasetVersion


def meta_rows(kg: KnowledgeGraph, store: ReadableStore) -> list[dict[str, Any]]:
    query = f"""SELECT ?g ?name ?version ?publisher ?time ?sha ?triples WHERE {{ GRAPH <{kg.iris.meta_graph}> {{
        ?g <{BKG}graphKind> "dataset" ; <{DCTERMS}identifier> ?name ; <{DCAT}version> ?version ;
           <{DCTERMS}publisher> ?publisher ; <{PROV}generatedAtTime> ?time ; <{BKG}sha256> ?sha ;
           <{VOID}triples> ?triples }} }}"""
    return [
        {k: row[k].value for k in ("g", "name", "version", "publisher", "time", "sha", "triples")}
        for row in store.query(query)  # type: ignore[union-attr]
    ]


def owned_graphs(kg: KnowledgeGraph, store: ReadableStore, name: str) -> list[str]:
    return sorted(r["g"] for r in meta_rows(kg, store) if r["name"] == name)


def graph_owners(kg: KnowledgeGraph, store: ReadableStore) -> dict[str, str]:
    """graph IRI -> what owns it (a build kind, or 'dataset NAME')."""
    query = f"SELECT ?g ?k WHERE {{ GRAPH <{kg.iris.meta_graph}> {{ ?g <{BKG}graphKind> ?k }} }}"
    owners = {r["g"].value: r["k"].value for r in store.query(query)}  # type: ignore[union-attr]
    owners.update({r["g"]: f"dataset {r['name']}" for r in meta_rows(kg, store)})
    owners.update(
        {
            kg.iris.meta_graph: "meta",
            kg.iris.inferred_graph: "inferred",
            kg.iris.datasets_inferred_graph: "inferred",
            kg.iris.esco_graph: "esco",
        }
    )
    return owners


def write_meta(
    kg: KnowledgeGraph, store: WritableStore, name: str, version: DatasetVersion
) -> None:
    meta = ox.NamedNode(kg.iris.meta_graph)
    for owned in owned_graphs(kg, store, name):
        for q in list(store.quads_for_pattern(ox.NamedNode(owned), None, None, meta)):
            store.remove(q)
    sizes = graph_sizes(store)
    when = ox.Literal(version.loaded_at, datatype=ox.NamedNode(XSD + "dateTime"))
    quads = []
    for graph in version.graphs:
        g = ox.NamedNode(graph)
        facts: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (RDF + "type", ox.NamedNode(VOID + "Dataset")),
            (RDF + "type", ox.NamedNode(PROV + "Entity")),
            (BKG + "graphKind", ox.Literal("dataset")),
            (BKG + "sha256", ox.Literal(version.sha256)),
            (PROV + "generatedAtTime", when),
            (DCTERMS + "title", ox.Literal(f"partner dataset {name}")),
            (DCTERMS + "identifier", ox.Literal(name)),
            (DCTERMS + "publisher", ox.Literal(version.publisher)),
            (DCAT + "version", ox.Literal(str(version.version))),
            (
                VOID + "triples",
                ox.Literal(str(sizes.get(graph, 0)), datatype=ox.NamedNode(XSD + "integer")),
            ),
            *((BKG + "sourceFile", ox.Literal(f)) for f in version.files),
        ]
        quads += [ox.Quad(g, ox.NamedNode(p), o, meta) for p, o in facts]
    store.extend(quads)
    # derived graphs (the gap links) are made from the version, not part of it
    query = f'SELECT ?g ?sha WHERE {{ GRAPH <{meta.value}> {{ ?g <{BKG}graphKind> ?k ; <{BKG}sha256> ?sha FILTER(?k != "derived") }} }}'
    hashes = {r["g"].value: ("", r["sha"].value) for r in store.query(query)}  # type: ignore[union-attr]
    build = ox.NamedNode(kg.iris.graph("meta") + "#build")
    for q in list(store.quads_for_pattern(build, ox.NamedNode(BKG + "buildVersion"), None, meta)):
        store.remove(q)
    store.add(
        ox.Quad(build, ox.NamedNode(BKG + "buildVersion"), ox.Literal(build_version(hashes)), meta)
    )
