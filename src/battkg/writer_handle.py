"""The writable store a writer of the embedded store gets: a handle its caller cannot keep open.

GenerationalStore.writer() yields this instead of the pyoxigraph Store it wraps, so a
caller's variable left pointing at it after the `with` block does not keep the new
generation's database open: `release()` drops the only reference to the database and
readers can then open the generation read-only. It implements backend.WritableStore
by passing every call to the open database.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from typing import IO

import pyoxigraph as ox

from .backend import Binding, GraphName, Output, QueryResult
from .errors import StoreError


class WriterHandle:
    """The writable store given to a writer; released (and so closed) before publishing.

    A caller's variable keeps pointing at this handle, not at the store, so the
    database is really closed before readers open the new generation read-only.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store: ox.Store | None = store

    @property
    def _open(self) -> ox.Store:
        if self._store is None:
            raise StoreError(
                "this store generation was already published or discarded; write inside the `with` block"
            )
        return self._store

    def release(self) -> None:
        self._store = None
        gc.collect()

    def flush(self) -> None:
        self._open.flush()

    # -- WritableStore, by the open database -----------------------------------

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
    ) -> QueryResult:
        return self._open.query(
            query,
            base_iri=base_iri,
            prefixes=prefixes,
            use_default_graph_as_union=use_default_graph_as_union,
            default_graph=default_graph,
            named_graphs=named_graphs,
            substitutions=substitutions,
        )

    def quads_for_pattern(
        self,
        /,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        return self._open.quads_for_pattern(subject, predicate, object, graph_name)

    def named_graphs(self, /) -> Iterator[ox.NamedNode | ox.BlankNode]:
        return self._open.named_graphs()

    def contains_named_graph(self, /, graph_name: ox.NamedNode | ox.BlankNode) -> bool:
        return self._open.contains_named_graph(graph_name)

    def dump(
        self,
        /,
        output: Output = None,
        format: ox.RdfFormat | None = None,
        *,
        from_graph: GraphName | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> bytes | None:
        return self._open.dump(
            output, format, from_graph=from_graph, prefixes=prefixes, base_iri=base_iri
        )

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._open)

    def __len__(self) -> int:
        return len(self._open)

    def add(self, /, quad: ox.Quad) -> None:
        self._open.add(quad)

    def remove(self, /, quad: ox.Quad) -> None:
        self._open.remove(quad)

    def extend(self, /, quads: Iterable[ox.Quad]) -> None:
        self._open.extend(quads)

    def bulk_extend(self, /, quads: Iterable[ox.Quad]) -> None:
        self._open.bulk_extend(quads)

    def bulk_load(
        self, /, input: bytes, format: ox.RdfFormat, *, to_graph: GraphName | None = None
    ) -> None:
        self._open.bulk_load(input, format, to_graph=to_graph)

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
    ) -> None:
        self._open.load(
            input, format, path=path, base_iri=base_iri, to_graph=to_graph, lenient=lenient
        )

    def update(self, /, update: str, *, base_iri: str | None = None) -> None:
        self._open.update(update, base_iri=base_iri)

    def add_graph(self, /, graph_name: GraphName) -> None:
        self._open.add_graph(graph_name)

    def clear_graph(self, /, graph_name: GraphName) -> None:
        self._open.clear_graph(graph_name)

    def remove_graph(self, /, graph_name: GraphName) -> None:
        self._open.remove_graph(graph_name)
