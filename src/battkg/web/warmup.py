"""Warm a store generation's caches before a request needs them (`battkg serve`).

The pathway model, the gap analysis's inputs, labels and first answers, and the guide's
directory are computed once per generation (`KnowledgeGraph.derived`), by the first
request that needs them: with full ESCO that request waited about a second while the
others took tens of milliseconds (bench/warmup_bench.py). A serving
process of `battkg serve` runs a daemon thread that computes them when it starts and
again whenever the published generation changes (one `stat` of the store's pointer every
`interval` seconds). A request that arrives while a value is being computed waits for
that computation (`KnowledgeGraph.memo`); nothing is computed twice.

The app factory leaves this off (`create_app(warm_up=False)`), so that tests and embedders
pay for what they ask only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI

from ..kg import KnowledgeGraph
from ..logs import logger

log = logger(__name__)

#: seconds between two checks of the published generation
INTERVAL_S = 2.0


def _pathways(kg: KnowledgeGraph) -> object:
    from ..pathways.engine import model_of, warm_up

    model = model_of(kg)
    warm_up(kg)  # each home country's first person (engine.warm_up)
    return model


def _gaps(kg: KnowledgeGraph) -> object:
    """The gap analysis's inputs and labels, and its answer for all regions in each language
    (the gap page's first view)."""
    from ..gaps.service import LANGS, gap_report, inputs_of, labels_of

    inputs_of(kg)
    labels_of(kg)
    return [gap_report(kg, lang=lang) for lang in LANGS]


def _directory(kg: KnowledgeGraph) -> object:
    from .pages.directory import directory_of

    return directory_of(kg)


#: what a generation's first requests would otherwise compute, most used first
TASKS: tuple[tuple[str, Callable[[KnowledgeGraph], object]], ...] = (
    ("health", lambda kg: (kg.version(), kg.graph_sizes())),
    ("pathways", _pathways),
    ("guide-directory", _directory),
    ("gaps", _gaps),
)


@dataclass
class WarmUp:
    """The warming thread of one serving process."""

    kg: KnowledgeGraph
    interval: float = INTERVAL_S
    tasks: tuple[tuple[str, Callable[[KnowledgeGraph], object]], ...] = TASKS
    #: the generations warmed so far, and how long each task took (seconds), newest last
    warmed: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="battkg-warm-up", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def has_warmed(self, generation: str) -> bool:
        """Whether every task has run for `generation` (successfully or not)."""
        return any(done == generation for done, _ in self.warmed)

    def _run(self) -> None:
        done: str | None = None
        while not self._stop.is_set():
            generation = self._generation()
            if generation is not None and generation != done:
                self.warm(generation)
                done = generation
            self._stop.wait(self.interval)

    def _generation(self) -> str | None:
        try:
            self.kg.reader()
        except Exception as exc:  # the store may be down: try again later
            log.warning("warm-up cannot read the store: %s", exc)
            return None
        return self.kg.store.generation or "-"

    def warm(self, generation: str) -> None:
        """Compute every task's value for the generation being served."""
        took: dict[str, float] = {}
        for name, task in self.tasks:
            if self._stop.is_set():
                return
            start = time.perf_counter()
            try:
                task(self.kg)
            except Exception as exc:  # a request will meet (and report) it
                log.warning("warm-up of %s failed for %s: %s", name, generation, exc)
                continue
            took[name] = time.perf_counter() - start
        self.warmed.append((generation, took))
        del self.warmed[:-8]
        log.info(
            "warmed generation %s: %s",
            generation,
            ", ".join(f"{name} {seconds:.2f} s" for name, seconds in took.items()),
        )


def lifespan(kg: KnowledgeGraph) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """An app lifespan that warms `kg`'s caches while the app serves."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        warm = WarmUp(kg)
        app.state.warm_up = warm
        warm.start()
        try:
            yield
        finally:
            warm.stop()

    return run
