"""battkg on an existing SPARQL 1.1 server: the remote store backend (docs/remote.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..backend import ReadableStore, StoreBackend
    from ..kg import KnowledgeGraph
    from ..settings import Settings


def open_store(settings: Settings) -> StoreBackend:
    """The store `settings` configure: the embedded Oxigraph store, or a remote server."""
    from ..store import GenerationalStore

    if settings.remote is None:
        return GenerationalStore(settings.store)
    from .generations import RemoteGenerationalStore

    return RemoteGenerationalStore(settings, settings.remote)


def is_remote(store: object) -> bool:
    from .generations import RemoteGenerationalStore

    return isinstance(store, RemoteGenerationalStore)


def reader_for(kg: KnowledgeGraph, *, trusted: bool) -> ReadableStore:
    """The reader to run a query on. On a remote store, `trusted` text (battkg's own named
    queries, chosen by the code, never by the client) may use the server's union default graph;
    any other text (from /sparql) gets the exact dataset of battkg's graphs."""
    return kg.store.reader() if trusted else kg.store.exact_reader()
