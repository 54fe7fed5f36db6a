"""The store interface: what battkg needs of a store backend, as Protocols mypy checks.

Two backends implement it: the embedded Oxigraph store kept in generations on disk
(store.GenerationalStore) and an existing SPARQL 1.1 server (remote.generations).
`remote.open_store` returns a `StoreBackend`, so mypy checks that both offer all of
it, and the code above the store (build, datasets, queries, pages) can use only what
both offer: a reader's `query` may answer a CONSTRUCT with pyoxigraph's QueryTriples
(embedded) or with the remote store's own triples, so callers test for solutions and
booleans and take anything else as `Triples`, never `isinstance(r, ox.QueryTriples)`.

- `ReadableStore`: one data version, read-only (pyoxigraph's Store read side).
- `WritableStore`: what a writer changes inside `StoreBackend.writer()`; published as a
  whole when the block ends, or not at all.
- `StoreBackend`: the store behind a KnowledgeGraph, its versions and its writer.

A new backend implements `StoreBackend` and is chosen in `remote.open_store`
(docs/architecture.md, "a new store backend").
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Protocol, TypeGuard

import pyoxigraph as ox

#: a graph name as pyoxigraph takes it
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
#: a value bound to a query variable
Binding = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Output = IO[bytes] | str | Path | None


class Triples(Protocol):
    """The answer to a CONSTRUCT or DESCRIBE: its triples, once."""

    def __iter__(self) -> Iterator[ox.Triple]: ...


QueryResult = ox.QuerySolutions | ox.QueryBoolean | Triples


class ReadableStore(Protocol):
    """One data version of the store, for reading (what battkg reads through)."""

    def query(
        self,
        /,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | list[GraphName] | None = None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
        substitutions: dict[ox.Variable, Binding] | None = None,
    ) -> QueryResult: ...

    def quads_for_pattern(
        self,
        /,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]: ...

    def named_graphs(self, /) -> Iterator[ox.NamedNode | ox.BlankNode]: ...

    def contains_named_graph(self, /, graph_name: ox.NamedNode | ox.BlankNode) -> bool: ...

    def dump(
        self,
        /,
        output: Output = None,
        format: ox.RdfFormat | None = None,
        *,
        from_graph: GraphName | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> bytes | None: ...

    def __iter__(self) -> Iterator[ox.Quad]: ...

    def __len__(self) -> int: ...


class WritableStore(ReadableStore, Protocol):
    """The store a writer changes (a new generation, or a mirror of the remote graphs)."""

    def add(self, /, quad: ox.Quad) -> None: ...

    def remove(self, /, quad: ox.Quad) -> None: ...

    def extend(self, /, quads: Iterable[ox.Quad]) -> None: ...

    def bulk_extend(self, /, quads: Iterable[ox.Quad]) -> None: ...

    def bulk_load(
        self, /, input: bytes, format: ox.RdfFormat, *, to_graph: GraphName | None = None
    ) -> None: ...

    def load(
        self,
        /,
        input: bytes | str | IO[bytes] | IO[str] | None = None,
        format: ox.RdfFormat | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        base_iri: str | None = None,
        to_graph: GraphName | None = None,
        lenient: bool = False,
    ) -> None: ...

    def update(self, /, update: str, *, base_iri: str | None = None) -> None: ...

    def add_graph(self, /, graph_name: GraphName) -> None: ...

    def clear_graph(self, /, graph_name: GraphName) -> None: ...

    def remove_graph(self, /, graph_name: GraphName) -> None: ...


class StoreBackend(Protocol):
    """The store behind a KnowledgeGraph: its data versions (generations) and its writer."""

    #: the local folder of the store's files (the embedded store's database, or, for a
    #: remote store, files such as dataset archives)
    root: Path

    def exists(self) -> bool:
        """Is there a published data version?"""
        ...

    def current_generation(self) -> str | None:
        """The data version published now (read afresh)."""
        ...

    def reader(self) -> ReadableStore:
        """The published data version, for battkg's own queries."""
        ...

    def exact_reader(self) -> ReadableStore:
        """The published data version for a client's SPARQL: exactly battkg's data graphs."""
        ...

    @property
    def generation(self) -> str | None:
        """The data version the last `reader()` serves."""
        ...

    def generation_address(self, generation: str) -> str:
        """Where a query worker finds `generation` (a key for a remote store)."""
        ...

    def published(self) -> list[str]:
        """Data versions ever published that are still known, oldest first."""
        ...

    def clean_orphans(self) -> list[str]:
        """Remove what a killed writer left unpublished; the names removed."""
        ...

    def written_elsewhere(self) -> None:
        """Another process of this service (an isolated load) has just published: the next
        `reader()` must serve what it published, so a client that loaded through this
        service reads its own write."""
        ...

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph of the data version `reader()` serves (the embedded store
        reads what its writer recorded, so no request counts a whole store)."""
        ...

    def writer(self, replace: Collection[str] = ()) -> AbstractContextManager[WritableStore]:
        """A writable copy of the published data, published when the block succeeds; the
        block rewrites the graphs `replace` names whole (see GenerationalStore.writer)."""
        ...

    def close(self) -> None: ...


def is_triples(result: QueryResult) -> TypeGuard[Triples]:
    """Is `result` a CONSTRUCT or DESCRIBE answer (from either backend)?"""
    return not isinstance(result, ox.QuerySolutions | ox.QueryBoolean)


def graph_sizes(store: ReadableStore) -> dict[str, int]:
    """Triples per named graph, counted inside the store (one GROUP BY over every quad)."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {s["g"].value: int(s["n"].value) for s in store.query(query)}  # type: ignore[union-attr]


def count_graphs(store: ReadableStore, graphs: Iterable[str]) -> dict[str, int]:
    """Triples in each of `graphs` (0 for a graph the store lacks), one COUNT per graph: on
    an embedded store about half the time of graph_sizes' GROUP BY over the same quads, and
    only the graphs asked for are read. For a remote store, graph_sizes is one request."""
    sizes = {}
    for graph in graphs:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        rows = store.query(query)
        sizes[graph] = next(int(row["n"].value) for row in rows)  # type: ignore[union-attr]
    return sizes
