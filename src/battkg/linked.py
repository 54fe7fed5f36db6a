"""Linked data: what the service says about one IRI (its statements, links, labels and sources)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pyoxigraph as ox

from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, VOID

from .backend import ReadableStore

LABELS = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")
INCOMING_LIMIT = 200


@dataclass
class Description:
    """One IRI as the store knows it; `triples` is the RDF document served for it."""

    iri: str
    label: str
    outgoing: list[tuple[Any, Any, str]] = field(default_factory=list)  # (predicate, object, graph)
    incoming: list[tuple[Any, Any, str]] = field(
        default_factory=list
    )  # (subject, predicate, graph)
    incoming_truncated: bool = False
    labels: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, str]] = field(default_factory=list)
    graphs: list[dict[str, str]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)


def _label(store: ReadableStore, node: Any, langs: tuple[str, ...]) -> tuple[str, list[ox.Triple]]:
    found: dict[str, str] = {}
    triples: list[ox.Triple] = []
    for predicate in LABELS:
        for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None, None):
            if isinstance(q.object, ox.Literal):
                triples.append(ox.Triple(q.subject, q.predicate, q.object))
                found.setdefault(q.object.language or "", q.object.value)
        if found:
            break
    for lang in (*langs, "en", ""):
        if lang in found:
            return found[lang], triples
    return (next(iter(found.values())) if found else ""), triples


def describe(kg: KnowledgeGraph, iri: str, *, lang: str = "en") -> Description | None:
    """Statements about `iri` and pointing to it, with labels and provenance; None if unknown."""
    store = kg.reader()
    node = ox.NamedNode(iri)
    meta = ox.NamedNode(kg.iris.meta_graph)
    out = [q for q in store.quads_for_pattern(node, None, None, None) if q.graph_name != meta]
    incoming = list(islice(store.quads_for_pattern(None, None, node, None), INCOMING_LIMIT + 1))
    if not out and not incoming:
        return None
    langs = (lang,)
    label, triples = _label(store, node, langs)
    d = Description(iri, label or iri)
    d.incoming_truncated = len(incoming) > INCOMING_LIMIT
    seen: set[ox.Triple] = set()
    for q in out:
        d.outgoing.append((q.predicate, q.object, _graph(q)))
        triples.append(ox.Triple(q.subject, q.predicate, q.object))
    for q in incoming[:INCOMING_LIMIT]:
        d.incoming.append((q.subject, q.predicate, _graph(q)))
        triples.append(ox.Triple(q.subject, q.predicate, q.object))
    linked = {t for _, t, _ in d.outgoing} | {s for s, _, _ in d.incoming}
    linked |= {p for p, _, _ in d.outgoing} | {p for _, p, _ in d.incoming}
    for other in linked:
        if isinstance(other, ox.NamedNode) and other != node:
            text, label_triples = _label(store, other, langs)
            if text:
                d.labels[other.value] = text
                triples += label_triples
    for _, source, _ in (o for o in d.outgoing if o[0].value == DCTERMS + "source"):
        if isinstance(source, ox.NamedNode):
            url = next(
                store.quads_for_pattern(source, ox.NamedNode(SCHEMA + "url"), None, None), None
            )
            if url is not None:
                triples.append(ox.Triple(url.subject, url.predicate, url.object))
            entry = {"iri": source.value, "label": d.labels.get(source.value, source.value)}
            d.sources.append({**entry, "url": str(getattr(url.object, "value", "")) if url else ""})
    for graph in sorted({g for _, _, g in d.outgoing} - {""}):
        g = ox.NamedNode(graph)
        triples.append(ox.Triple(node, ox.NamedNode(VOID + "inDataset"), g))
        info = {"iri": graph}
        for key, predicate in (
            ("title", DCTERMS + "title"),
            ("kind", BKG + "graphKind"),
            ("loaded", PROV + "generatedAtTime"),
            ("sha256", BKG + "sha256"),
        ):
            for q in store.quads_for_pattern(g, ox.NamedNode(predicate), None, meta):
                info[key] = str(getattr(q.object, "value", ""))
                triples.append(ox.Triple(q.subject, q.predicate, q.object))
        triples.append(ox.Triple(g, ox.NamedNode(RDF + "type"), ox.NamedNode(VOID + "Dataset")))
        d.graphs.append(info)
    d.triples = [t for t in triples if not (t in seen or seen.add(t))]  # type: ignore[func-returns-value]
    return d


def _graph(q: ox.Quad) -> str:
    return "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name.value)
