"""A bulk load on a second thread, so Python can reason on the other core while Oxigraph writes.

Oxigraph's bulk loader is about half a build's CPU time: about 7 µs of CPU a quad for
ESCO, nearly all of it Oxigraph's own work (indexes, RocksDB files). The build starts the
load of the new graphs on a thread, reasons from the parsed quads in the meantime, and
waits for the load before it writes anything else.

`Store.bulk_extend` (Python terms) holds the GIL for the whole load, so beside it the
reasoning thread stands still (measured with pyoxigraph 0.5.13: a Python loop beside a
3.5 s `bulk_extend` of ESCO ran 16 thousand iterations, against 12 million beside
`bulk_load`). `Store.bulk_load` of N-Quads bytes releases the GIL from start to end, so
a graph is serialised to N-Quads (Rust, about 0.2 s for ESCO's 467k quads) and loaded
from the bytes; it costs about 15% more CPU than `bulk_extend`, on the other core. The
parser renames blank nodes, so a graph whose N-Quads hold a blank node (or the text
`_:` anywhere, a literal included: checked on the bytes, so never missed) is written by
`bulk_extend` instead, after the others: the quads the build reasons over and the store
must name the same blank nodes.

Whoever starts a load must `wait()` for it before the store is written again, published
or discarded: `wait()` re-raises the load's error, so a failed load fails the build and
the new generation is discarded (the served one untouched).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence

import pyoxigraph as ox

from .backend import WritableStore


class BackgroundLoad:
    """The quads of some new graphs written into `store` on a thread of its own, started at once."""

    def __init__(self, store: WritableStore, graphs: Sequence[Sequence[ox.Quad]]) -> None:
        self._error: BaseException | None = None
        #: seconds callers spent in wait(): the part of the load reasoning did not cover
        self.waited = 0.0
        self._thread = threading.Thread(
            target=self._run, args=(store, graphs), name="battkg-bulk-load", daemon=True
        )
        self._thread.start()

    def _run(self, store: WritableStore, graphs: Sequence[Sequence[ox.Quad]]) -> None:
        try:
            load(store, graphs)
        except BaseException as exc:  # handed to the waiting thread, which raises it
            self._error = exc

    def wait(self) -> None:
        """Block until the load has ended; raise its error if it failed (once)."""
        started = time.perf_counter()
        self._thread.join()
        self.waited += time.perf_counter() - started
        error, self._error = self._error, None
        if error is not None:
            raise error


def load(store: WritableStore, graphs: Sequence[Sequence[ox.Quad]]) -> None:
    """Bulk-load the quads of `graphs`: from N-Quads bytes where that keeps every blank node,
    the rest as terms (the same quads either way)."""
    texts: list[bytes] = []
    as_terms: list[Sequence[ox.Quad]] = []
    for quads in graphs:
        text = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"") if quads else b""
        if b"_:" in text:
            as_terms.append(quads)
        elif text:
            texts.append(text)
    if texts:
        store.bulk_load(b"".join(texts), format=ox.RdfFormat.N_QUADS)
    if as_terms:
        store.bulk_extend(itertools.chain.from_iterable(as_terms))
