"""The remote store's cached control graph: a write through a replica is seen by that
replica as soon as the write returns, even when a read of the control graph raced it.

Found by the fresh-clone CI of 2026-12-02: after a load through replica a had answered,
a's /health still said gen-000001 while replica b said gen-000002. A read of the control
graph that began before the publication (the warm-up thread's) ended after the writer had
dropped the cached snapshot, and cached the old state for a whole ttl.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.remote import control, open_store
from battkg.remote.generations import RemoteGenerationalStore

from .remote_servers import Server, start_oxigraph
from .test_remote import remote_settings

GRAPH = "https://w3id.org/battkg/graph/data/race"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_oxigraph(tmp_path / "oxigraph")
    yield started
    started.stop()


def _write(store: RemoteGenerationalStore, value: str) -> None:
    with store.writer() as mirror:
        mirror.remove_graph(ox.NamedNode(GRAPH))
        mirror.add(
            ox.Quad(
                ox.NamedNode("https://example.org/s"),
                ox.NamedNode("https://example.org/p"),
                ox.Literal(value),
                ox.NamedNode(GRAPH),
            )
        )


def test_a_read_that_raced_a_write_is_not_cached_over_it(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(remote_settings(server, tmp_path / "local"))
    assert isinstance(store, RemoteGenerationalStore)
    store.ttl = 60.0  # a stale snapshot, once cached, would stay for the whole test
    _write(store, "first")
    first = store.current_generation()
    assert first is not None

    real_read = control.read
    has_read, may_return = threading.Event(), threading.Event()

    def slow_read(client: object, graph: str) -> control.Snapshot:
        snapshot = real_read(client, graph)  # type: ignore[arg-type]
        if threading.current_thread().name == "racing-reader":
            has_read.set()
            may_return.wait(30)
        return snapshot

    monkeypatch.setattr(control, "read", slow_read)
    store._snapshot = None  # the racing reader must go to the server
    seen: list[str | None] = []
    racer = threading.Thread(
        target=lambda: seen.append(store.snapshot().generation), name="racing-reader"
    )
    racer.start()
    assert has_read.wait(30), "the racing reader did not read the control graph"
    _write(store, "second")  # published while the racing read is still on its way back
    may_return.set()
    racer.join(30)

    assert seen == [first], "the racing reader read the state before the write"
    second = store.snapshot().generation
    assert second is not None and second != first, (
        "the read that began before the write was cached over it"
    )
    assert store.generation == second
    store.close()
