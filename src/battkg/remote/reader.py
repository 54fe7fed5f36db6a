"""RemoteStore: the read side of pyoxigraph's Store, answered by a SPARQL 1.1 server.

It offers what battkg reads through (`query`, `quads_for_pattern`, `named_graphs`,
`contains_named_graph`, `dump`, `len`, iteration) for one snapshot of the server's
control graph: the data version and the graphs it publishes. Queries see exactly
those graphs, by the server's union default graph where it has one and no write is
staging graphs, else by listing them (default-graph-uri / named-graph-uri). A query
that names its own dataset (FROM / FROM NAMED) and is given none gets those graphs, as
pyoxigraph gives them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import StoreError
from .client import SparqlClient
from .dataset import dataset_clause
from .sparqltext import term, with_base, with_values

#: stands for the store's default graph, where battkg keeps nothing
EMPTY_GRAPH = "urn:battkg:store:empty-default-graph"
Graphs = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class Snapshot:
    """What the control graph said when it was read."""

    generation: str | None
    graphs: tuple[str, ...]
    pending: tuple[str, ...]
    read_at: float


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer (iterable, like pyoxigraph's QueryTriples)."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def serialize(
        self, output: IO[bytes] | str | Path | None = None, format: ox.RdfFormat | None = None
    ) -> bytes | None:
        return ox.serialize(self._triples, output, format or ox.RdfFormat.N_TRIPLES)


_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*"|_:)nodeID://')


class RemoteStore:
    """Read access to one snapshot of the remote store (see the module docstring)."""

    def __init__(
        self, client: SparqlClient, snapshot: Snapshot, *, union: bool, control: str
    ) -> None:
        self.client = client
        self.snapshot = snapshot
        #: may the server's union default graph stand for battkg's graphs right now?
        self.union = union and not snapshot.pending
        self.control = control

    # -- queries ---------------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: Graphs | list[Graphs] | None = None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
        substitutions: dict[ox.Variable, Any] | None = None,
        **_ignored: Any,
    ) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        text = with_values(query, substitutions)
        if prefixes:
            text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items()) + text
        text = with_base(text, base_iri)
        published = list(self.snapshot.graphs)
        named = published if named_graphs is None else [g.value for g in named_graphs]
        own = None
        if default_graph is None and named_graphs is None and not use_default_graph_as_union:
            own = dataset_clause(text, base_iri)  # the query names its dataset: as pyoxigraph
        if own is not None:
            shown = set(published)  # any other graph is empty, as in the embedded store
            defaults = [g if g in shown else EMPTY_GRAPH for g in own.default]
            named = [g for g in own.named if g in shown]
        elif default_graph is None and named_graphs is None and use_default_graph_as_union:
            if self.union:
                return self._answer(self.client.query(text, union=True))
            defaults = published
        elif default_graph is None:
            defaults = published if use_default_graph_as_union else [EMPTY_GRAPH]
        else:
            chosen = default_graph if isinstance(default_graph, list) else [default_graph]
            defaults = [g.value if isinstance(g, ox.NamedNode) else EMPTY_GRAPH for g in chosen]
        response = self.client.query(
            text, default_graphs=defaults or [EMPTY_GRAPH], named_graphs=named or [EMPTY_GRAPH]
        )
        return self._answer(response)

    def _answer(self, response: Any) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body: bytes = response.content
        if b"nodeID://" in body:  # Virtuoso names blank nodes nodeID://b1, not a valid label
            body = _VIRTUOSO_BNODE.sub(rb"\1virtuoso", body)
        try:
            if kind in _RESULT_TYPES:
                return ox.parse_query_results(body, _RESULT_TYPES[kind])
            if kind in _GRAPH_TYPES:
                quads = ox.parse(body, _GRAPH_TYPES[kind])
                return RemoteTriples([ox.Triple(q.subject, q.predicate, q.object) for q in quads])
        except SyntaxError as exc:
            raise StoreError(
                f"the SPARQL server {self.client.config.server} answered with a {kind} "
                f"document that cannot be read: {exc}",
                fix="check the server's log; it may be sending an error page",
            ) from None
        raise StoreError(
            f"the SPARQL server {self.client.config.server} answered with {kind or 'no type'}, "
            "not SPARQL results or RDF",
            fix="check that BATTKG_STORE (or BATTKG_SPARQL_QUERY_URL) is the server's query "
            "endpoint, not a web page",
        )

    # -- quads ---------------------------------------------------------------------------

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None,
        graph_name: Graphs | None = None,
    ) -> Iterator[ox.Quad]:
        if isinstance(graph_name, ox.DefaultGraph | ox.BlankNode):
            return iter(())
        if isinstance(graph_name, ox.NamedNode) and graph_name.value not in self.snapshot.graphs:
            return iter(())
        if isinstance(subject, ox.BlankNode) or isinstance(object, ox.BlankNode):
            return iter(())  # a server's blank nodes cannot be named again in a later query
        s, p, o = (
            term(t) if t is not None else f"?{v}"
            for t, v in zip((subject, predicate, object), "spo", strict=True)
        )
        g = term(graph_name) if graph_name is not None else "?g"
        result = self.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}",
            named_graphs=[ox.NamedNode(x) for x in self.snapshot.graphs],
        )
        assert isinstance(result, ox.QuerySolutions)
        return self._quads(result, subject, predicate, object, graph_name)

    def _quads(
        self,
        rows: ox.QuerySolutions,
        s: Any,
        p: Any,
        o: Any,
        g: Any,
    ) -> Iterator[ox.Quad]:
        for row in rows:
            graph = g if g is not None else row["g"]
            if graph is None or graph.value == self.control:
                continue
            yield ox.Quad(s or row["s"], p or row["p"], o or row["o"], graph)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.snapshot.graphs])

    def contains_named_graph(self, graph_name: ox.NamedNode | ox.BlankNode) -> bool:
        return isinstance(graph_name, ox.NamedNode) and graph_name.value in self.snapshot.graphs

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        result = self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            named_graphs=[ox.NamedNode(x) for x in self.snapshot.graphs],
        )
        assert isinstance(result, ox.QuerySolutions)
        return sum(int(row["n"].value) for row in result)

    def dump(
        self,
        output: IO[bytes] | str | Path | None = None,
        format: ox.RdfFormat | None = None,
        *,
        from_graph: Graphs | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> bytes | None:
        """Serialise one graph (as triples) or every published graph (as quads)."""
        fmt = format or ox.RdfFormat.N_QUADS
        target: Any = io.BytesIO() if output is None else output
        if from_graph is not None:
            triples = self._graph_triples(from_graph)
            ox.serialize(triples, target, fmt, prefixes=prefixes, base_iri=base_iri)
        else:
            ox.serialize(self._all_quads(), target, fmt, prefixes=prefixes, base_iri=base_iri)
        return target.getvalue() if output is None else None

    def _graph_triples(self, graph: Graphs) -> Iterator[ox.Triple]:
        if not isinstance(graph, ox.NamedNode) or graph.value not in self.snapshot.graphs:
            return
        for quad in ox.parse(self.client.get_graph(graph.value), ox.RdfFormat.N_TRIPLES):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)

    def _all_quads(self) -> Iterator[ox.Quad]:
        for graph in self.snapshot.graphs:
            node = ox.NamedNode(graph)
            for triple in self._graph_triples(node):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, node)
