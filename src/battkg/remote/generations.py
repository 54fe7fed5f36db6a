"""RemoteGenerationalStore: the store interface (backend.StoreBackend) over a SPARQL 1.1 server.

`reader()` gives a RemoteStore on the published graphs, `generation` is the data
version in the server's control graph (re-read at most once a second, so every
replica follows a load by any other within about a second), and `writer()` yields
an in-memory mirror whose changes are published atomically when the block ends.
The local folder (`settings.store`) only holds files such as dataset archives.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..backend import WritableStore, graph_sizes
from ..errors import StoreError
from ..namespaces import Iris
from . import control
from .client import SparqlClient
from .config import RemoteConfig
from .reader import RemoteStore, Snapshot
from .writer import Publication, changes, fingerprints, mirror, wait

if TYPE_CHECKING:
    from ..settings import Settings

#: seconds a replica trusts what it last read from the control graph
SNAPSHOT_TTL = 1.0


class RemoteGenerationalStore:
    """The store behind a KnowledgeGraph when BATTKG_STORE names a SPARQL server."""

    def __init__(self, settings: Settings, config: RemoteConfig) -> None:
        #: local files only (dataset archives); the data is on the server
        self.root = Path(settings.store)
        self.config = config
        self.client = SparqlClient(config, settings.query_timeout)
        self.control = Iris(settings.base_iri).graph("store")
        self.ttl = SNAPSHOT_TTL
        self._snapshot: Snapshot | None = None
        #: bumped whenever the cached snapshot is dropped (after a write, at close): a read of
        #: the control graph that began before the bump may have seen the old state, and must
        #: not be cached over the drop (a request racing a load through this replica would
        #: otherwise keep the old generation for a whole ttl after the load had answered)
        self._epoch = 0
        self._snapshot_lock = threading.Lock()
        self._write_lock = threading.Lock()

    @property
    def location(self) -> str:
        return self.config.server

    # -- reading -------------------------------------------------------------------------

    def generation_address(self, generation: str) -> str:
        """The key a generation of the remote store is known by (it is not opened by workers)."""
        return f"{self.location}#{generation}"

    def snapshot(self, max_age: float | None = None) -> Snapshot:
        """The control graph as last read, re-read when older than `max_age` (default: ttl)."""
        limit = self.ttl if max_age is None else max_age
        with self._snapshot_lock:
            cached = self._snapshot
            if cached is not None and time.monotonic() - cached.read_at < limit:
                return cached
            epoch = self._epoch
        fresh = control.read(self.client, self.control)
        with self._snapshot_lock:
            if self._epoch == epoch:
                self._snapshot = fresh
        return fresh

    def _forget_snapshot(self) -> None:
        with self._snapshot_lock:
            self._snapshot = None
            self._epoch += 1

    def exists(self) -> bool:
        return self.snapshot().generation is not None

    def current_generation(self) -> str | None:
        return self.snapshot(max_age=0).generation

    def reader(self) -> RemoteStore:
        """The published graphs; battkg's own queries may use the server's union default graph."""
        return self._open_reader(union=self.config.dataset == "union")

    def exact_reader(self) -> RemoteStore:
        """The published graphs listed explicitly: for arbitrary SPARQL (the /sparql endpoint),
        which must not see battkg's control graph in a server's union default graph."""
        return self._open_reader(union=False)

    def _open_reader(self, *, union: bool) -> RemoteStore:
        snapshot = self.snapshot()
        if snapshot.generation is None:
            raise StoreError(
                f"there is no battkg data on the SPARQL server {self.location}",
                fix="run `battkg build` with the same BATTKG_STORE first",
            )
        return RemoteStore(self.client, snapshot, union=union, control=self.control)

    @property
    def generation(self) -> str | None:
        return self._snapshot.generation if self._snapshot is not None else None

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, counted by the SPARQL server (its own COUNT)."""
        return graph_sizes(self.reader())

    def published(self) -> list[str]:
        generation = self.current_generation()
        return [generation] if generation else []

    def clean_orphans(self) -> list[str]:
        """Nothing to do at start-up: every writer drops what a killed one left staged."""
        return []

    def written_elsewhere(self) -> None:
        """Read the control graph again at the next `reader()` (not after the ttl): the
        isolated load of a PUT /datasets writes through a store of its own, in another process."""
        self._forget_snapshot()

    def close(self) -> None:
        self._forget_snapshot()
        self.client.close()

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, replace: Collection[str] = ()) -> Iterator[WritableStore]:
        """A mirror of the published graphs; its changes are published if the block succeeds.

        The graphs in `replace` keep their old content in the mirror (the writer replaces
        them by difference), so only what really changed travels back to the server.
        """
        with self._write_lock:
            lease = control.Lease(self.client, self.control)
            lease.acquire()
            try:
                snapshot = self._clean_up_after_crash()
                store = mirror(self.client, snapshot)
                before = fingerprints(store)
                yield store
                self._publish_changes(store, snapshot, before, lease)
            finally:
                with contextlib.suppress(StoreError):
                    lease.release()
                self._forget_snapshot()

    def _publish_changes(
        self,
        store: ox.Store,
        snapshot: Snapshot,
        before: dict[str, tuple[int, int]],
        lease: control.Lease,
    ) -> None:
        changed, dropped, graphs = changes(self.client, store, snapshot, before)
        if not changed and not dropped and snapshot.generation is not None:
            return
        hide = self.ttl + 0.5 if self.config.dataset == "union" else 0.0
        publication = Publication(
            self.client, self.control, hide=lambda: wait(hide), renew=lease.renew
        )
        generation = control.next_generation(snapshot.generation)
        try:
            publication.run(changed, dropped, graphs, generation)
        except BaseException:
            with contextlib.suppress(StoreError):
                publication.clean_up(published=False)
            raise
        with contextlib.suppress(StoreError):  # leftovers are dropped by the next writer
            publication.clean_up(published=True)

    def _clean_up_after_crash(self) -> Snapshot:
        """Drop what a killed writer left staged (its pending graphs that are not published)."""
        snapshot = self.snapshot(max_age=0)
        leftovers = [g for g in snapshot.pending if g not in snapshot.graphs]
        if leftovers:
            self.client.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers),
                "drop graphs a failed write left staged",
            )
        if snapshot.pending:
            control.set_pending(self.client, self.control, [])
            snapshot = self.snapshot(max_age=0)
        return snapshot
