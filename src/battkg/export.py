"""Export the whole graph or one named graph in the common RDF formats, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pyoxigraph as ox

from .backend import ReadableStore
from .errors import NotFoundError, UsageError
from .kg import KnowledgeGraph
from .namespaces import PREFIXES


@dataclass(frozen=True)
class ExportFormat:
    name: str
    rdf: ox.RdfFormat
    media_type: str
    extension: str


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("turtle", ox.RdfFormat.TURTLE, "text/turtle", "ttl"),
        ExportFormat("ntriples", ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt"),
        ExportFormat("nquads", ox.RdfFormat.N_QUADS, "application/n-quads", "nq"),
        ExportFormat("trig", ox.RdfFormat.TRIG, "application/trig", "trig"),
        ExportFormat("rdfxml", ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf"),
        ExportFormat("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld"),
    )
}
ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "nq": "nquads",
    "xml": "rdfxml",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
}


def export_format(name: str) -> ExportFormat:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise UsageError(
            f"unknown export format {name!r}", fix=f"choose one of {', '.join(FORMATS)}"
        )
    return FORMATS[key]


def export(kg: KnowledgeGraph, out: IO[bytes], fmt: ExportFormat, graph: str | None = None) -> None:
    """Write the export to `out`: one graph, or all graphs (as a dataset, or merged for triple formats)."""
    store = kg.reader()
    prefixes = None if fmt.rdf in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS) else PREFIXES
    if graph is not None:
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            raise NotFoundError(
                f"there is no graph {graph} in the store",
                fix="`battkg stats` (or GET /health) lists the graphs",
                details={"graphs": sorted(kg.graph_sizes())},
            )
        if fmt.rdf.supports_datasets:
            ox.serialize(_quads(store, node), out, fmt.rdf, prefixes=prefixes)
        else:
            store.dump(out, fmt.rdf, from_graph=node, prefixes=prefixes)
        return
    if fmt.rdf.supports_datasets:
        store.dump(out, fmt.rdf, prefixes=prefixes)
    else:
        ox.serialize(_merged(store), out, fmt.rdf, prefixes=prefixes)


def _quads(store: ReadableStore, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    yield from store.quads_for_pattern(None, None, None, graph)


def _merged(store: ReadableStore) -> Iterator[ox.Triple]:
    for quad in store.quads_for_pattern(None, None, None, None):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)
