"""Compact JSON-LD with battkg's published context, written as a stream.

pyoxigraph writes expanded JSON-LD (full IRIs everywhere). This writer groups
the statements of each subject into one node object, writes IRIs as compact
IRIs (`bkg:JobRole`, `skos:prefLabel`) and embeds the published context
(/context.jsonld, the same prefixes as `namespaces.PREFIXES`), so the output is
readable JSON that any JSON-LD processor expands back to the same RDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

from battkg.namespaces import PREFIXES, RDF, XSD, shorten

FOAF = "http://xmlns.com/foaf/0.1/"
SD = "http://www.w3.org/ns/sparql-service-description#"
CONTEXT_PREFIXES: dict[str, str] = {**PREFIXES, "foaf": FOAF, "sd": SD}


def context() -> dict[str, Any]:
    """The published JSON-LD context document (served at /context.jsonld)."""
    return {"@context": dict(CONTEXT_PREFIXES)}


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """`prefix:local` when a context prefix covers `iri` with a plain local name, else `iri`."""
    return shorten(iri, CONTEXT_PREFIXES if prefixes is None else prefixes)


class _Writer:
    """Node objects for statements grouped by subject, compacted with one set of prefixes."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes

    def id(self, term: Any) -> str:
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return compact(term.value, self.prefixes)

    def value(self, term: Any) -> Any:
        if isinstance(term, ox.NamedNode | ox.BlankNode):
            return {"@id": self.id(term)}
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD + "string":
                return term.value
            return {"@value": term.value, "@type": compact(term.datatype.value, self.prefixes)}
        raise TypeError(f"cannot write {term!r} in JSON-LD 1.1")

    def node(self, subject: Any, statements: Iterable[ox.Quad | ox.Triple]) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.id(subject)}
        for s in statements:
            if s.predicate.value == RDF + "type" and isinstance(s.object, ox.NamedNode):
                node.setdefault("@type", []).append(compact(s.object.value, self.prefixes))
            else:
                node.setdefault(compact(s.predicate.value, self.prefixes), []).append(
                    self.value(s.object)
                )
        return node

    def nodes(self, statements: Iterable[ox.Quad | ox.Triple]) -> Iterator[dict[str, Any]]:
        for subject, group in groupby(statements, key=lambda s: s.subject):
            yield self.node(subject, group)


_DEFAULT = _Writer(CONTEXT_PREFIXES)
_id = _DEFAULT.id
_nodes = _DEFAULT.nodes


def write_graph(triples: Iterable[ox.Triple], out: IO[bytes], prefixes: dict[str, str]) -> None:
    """Write sorted `triples` as one JSON-LD document compacted with (and embedding) `prefixes`."""
    writer = _Writer(prefixes)
    out.write(b'{"@context":' + json.dumps(prefixes).encode() + b',"@graph":[')
    first = True
    for node in writer.nodes(triples):
        out.write((b"" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode())
        first = False
    out.write(b"]}\n")


def write(quads: Iterable[ox.Quad], out: IO[bytes], *, dataset: bool = True) -> None:
    """Write `quads` as one JSON-LD document; named graphs as graph objects when `dataset`."""
    out.write(b'{"@context":' + json.dumps(CONTEXT_PREFIXES).encode() + b',"@graph":[')
    first = True
    if not dataset:
        for node in _nodes(quads):
            out.write((b"" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode())
            first = False
        out.write(b"]}\n")
        return
    for graph, group in groupby(quads, key=lambda q: q.graph_name):
        if isinstance(graph, ox.DefaultGraph):
            for node in _nodes(group):
                out.write(
                    (b"" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode()
                )
                first = False
            continue
        out.write((b"" if first else b",\n") + b'{"@id":' + json.dumps(_id(graph)).encode())
        out.write(b',"@graph":[')
        inner = True
        for node in _nodes(group):
            out.write((b"" if inner else b",\n") + json.dumps(node, ensure_ascii=False).encode())
            inner = False
        out.write(b"]}")
        first = False
    out.write(b"]}\n")
