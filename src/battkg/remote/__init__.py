"""battkg on an existing SPARQL 1.1 server: the remote store backend (docs/remote.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..kg import KnowledgeGraph
    from ..settings import Settings
    from ..store import GenerationalStore


def open_store(settings: Settings) -> GenerationalStore:
    """The store `settings` configure: the embedded Oxigraph store, or a remote server."""
    from ..store import GenerationalStore

    if settings.remote is None:
        return GenerationalStore(settings.store)
    from .generations import RemoteGenerationalStore

    return RemoteGenerationalStore(settings, settings.remote)


def is_remote(store: object) -> bool:
    from .generations import RemoteGenerationalStore

    return isinstance(store, RemoteGenerationalStore)


def reader_for_query(kg: KnowledgeGraph, query: str) -> ox.Store:
    """The reader to run `query` on: on a remote store, battkg's own named queries may use the
    server's union default graph, any other text (from /sparql) gets the exact dataset."""
    from .generations import RemoteGenerationalStore

    store = kg.store
    if isinstance(store, RemoteGenerationalStore):
        if any(query == named.text for named in kg.queries.all()):
            return store.reader()
        return store.exact_reader()
    return store.reader()
