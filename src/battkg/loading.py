"""A bulk load on a second thread, so Python can reason on the other core while Oxigraph writes.

Oxigraph's bulk loader is about half a build's CPU time (docs/decisions/0045): about 15 µs
of CPU a quad for ESCO, nearly all of it Oxigraph's own work. `Store.bulk_extend` holds the
GIL from its first quad to its commit (pyoxigraph takes the quads from a Python iterator and
joins its loading thread without releasing the GIL: measured, a Python loop beside it ran
for a few milliseconds in 14 s), so a thread calling it stops every other thread. The load
is therefore handed over as N-Quads bytes: `Store.bulk_load` of bytes parses and loads them
with the GIL released, and the build reasons from the parsed quads in the meantime.

Oxigraph renames blank nodes when it parses (any `load`), so quads with a blank node (or a
triple term, which may hold one) keep going in as terms, by `bulk_extend` before the thread
starts: a few thousand quads of the curated data, none of ESCO.

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

_KEEP_AS_TERMS = ox.BlankNode | ox.Triple


def as_text(quads: Iterable[ox.Quad]) -> tuple[bytes, list[ox.Quad]]:
    """(N-Quads of the quads without blank nodes or triple terms, the other quads)."""
    quads = quads if isinstance(quads, list) else list(quads)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    if b"_:" not in text and b"<<" not in text:
        return text, []  # neither a blank node nor a triple term (ESCO): no pass over the terms
    plain: list[ox.Quad] = []
    kept: list[ox.Quad] = []
    for quad in quads:
        graph = quad.graph_name
        if (
            isinstance(quad.subject, _KEEP_AS_TERMS)
            or isinstance(quad.object, _KEEP_AS_TERMS)
            or isinstance(graph, ox.BlankNode)
        ):
            kept.append(quad)
        else:
            plain.append(quad)
    return ox.serialize(plain, format=ox.RdfFormat.N_QUADS) or b"", kept


class BackgroundLoad:
    """Quads bulk-loaded into `store` on a thread of its own (the GIL released)."""

    def __init__(self, store: WritableStore, graphs: Iterable[Iterable[ox.Quad]]) -> None:
        """`graphs`: the quads, in parts (one per graph: ESCO's part has no blank node, so it
        is serialised without a pass over its terms)."""
        self._error: BaseException | None = None
        #: seconds callers spent in wait(): the part of the load reasoning did not cover
        self.waited = 0.0
        texts: list[bytes] = []
        kept: list[ox.Quad] = []
        for quads in graphs:
            text, special = as_text(quads)
            texts.append(text)
            kept.extend(special)
        text = b"".join(texts)
        if kept:
            store.bulk_extend(kept)  # holds the GIL, but for a few thousand quads only
        self._thread = threading.Thread(
            target=self._run, args=(store, text), name="battkg-bulk-load", daemon=True
        )
        self._thread.start()

    def _run(self, store: WritableStore, text: bytes) -> None:
        try:
            if text:
                store.bulk_load(text, ox.RdfFormat.N_QUADS)
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
