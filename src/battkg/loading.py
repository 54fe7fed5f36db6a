"""A bulk load on a second thread, so Python can reason on the other core while Oxigraph writes.

Oxigraph's bulk loader is about half a build's CPU time (docs/decisions/0047): about 17 µs
of CPU a quad for ESCO, nearly all of it Oxigraph's own work (serialising the same quads
to N-Quads and parsing them in Rust costs as much). `Store.bulk_extend` releases the GIL
for most of that work (measured: a Python loop beside it keeps about 70% of its speed), so
the build starts the load of the new graphs on a thread, reasons from the parsed quads in
the meantime, and waits for the load before it writes anything else.

Whoever starts a load must `wait()` for it before the store is written again, published
or discarded: `wait()` re-raises the load's error, so a failed load fails the build and
the new generation is discarded (the served one untouched).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import pyoxigraph as ox

from .backend import WritableStore


class BackgroundLoad:
    """`store.bulk_extend(quads)` on a thread of its own, started at once."""

    def __init__(self, store: WritableStore, quads: Iterable[ox.Quad]) -> None:
        self._error: BaseException | None = None
        #: seconds callers spent in wait(): the part of the load reasoning did not cover
        self.waited = 0.0
        self._thread = threading.Thread(
            target=self._run, args=(store, quads), name="battkg-bulk-load", daemon=True
        )
        self._thread.start()

    def _run(self, store: WritableStore, quads: Iterable[ox.Quad]) -> None:
        try:
            store.bulk_extend(quads)
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
