"""`battkg serve` warms each generation's caches (web/warmup.py): at start and after a write."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.web.app import create_app
from battkg.web.warmup import TASKS, WarmUp

from .conftest import make_settings


def _wait_for(warm: WarmUp, generation: str, timeout: float = 120.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for gen, took in warm.warmed:
            if gen == generation:
                return took
        time.sleep(0.05)
    raise AssertionError(f"generation {generation} was not warmed: {warm.warmed}")


@pytest.fixture()
def kg(tmp_path: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph(make_settings(tmp_path / "store"))
    kg.build()
    return kg


def test_every_task_is_warmed_at_start_and_again_after_a_rebuild(kg: KnowledgeGraph) -> None:
    warm = WarmUp(kg, interval=0.05)
    warm.start()
    try:
        kg.reader()
        first = kg.store.generation
        assert first is not None
        took = _wait_for(warm, first)
        assert sorted(took) == sorted(name for name, _ in TASKS)
        kg.build(force=True)  # a new generation is published
        kg.reader()
        second = kg.store.generation
        assert second is not None and second != first
        assert sorted(_wait_for(warm, second)) == sorted(took)
    finally:
        warm.stop()
    assert [gen for gen, _ in warm.warmed] == [first, second]  # each generation once


def test_a_failing_task_leaves_the_others_warmed(kg: KnowledgeGraph) -> None:
    ran: list[str] = []

    def broken(_kg: KnowledgeGraph) -> object:
        raise RuntimeError("the store said no")

    def fine(_kg: KnowledgeGraph) -> object:
        ran.append("fine")
        return None

    warm = WarmUp(kg, interval=0.05, tasks=(("broken", broken), ("fine", fine)))
    warm.start()
    try:
        kg.reader()
        assert kg.store.generation is not None
        took = _wait_for(warm, kg.store.generation)
    finally:
        warm.stop()
    assert list(took) == ["fine"] and ran == ["fine"]


def test_the_app_warms_only_when_asked(kg: KnowledgeGraph) -> None:
    with TestClient(create_app(kg=kg)) as client:
        health = client.get("/health")
        assert health.status_code == 200
        assert health.json()["warmed"] is None  # this process does no warm-up
        assert not hasattr(client.app.state, "warm_up")  # type: ignore[attr-defined]
    with TestClient(create_app(kg=kg, warm_up=True)) as client:
        warm = client.app.state.warm_up  # type: ignore[attr-defined]
        kg.reader()
        assert kg.store.generation is not None
        _wait_for(warm, kg.store.generation)
        assert client.get("/health").json()["warmed"] is True
        assert client.get("/guide/routes?role=battery-production-operator").status_code == 200
    assert warm._thread is not None and not warm._thread.is_alive()  # stopped with the app


def test_health_says_whether_the_served_generation_is_warmed(kg: KnowledgeGraph) -> None:
    """/health's `warmed` is false until every task has run for the generation being served,
    and false again once a newer generation is published, until that one is warmed too."""
    with TestClient(create_app(kg=kg, warm_up=True)) as client:
        client.app.state.warm_up.stop()  # type: ignore[attr-defined]
        # a warm-up with no thread of its own in its place: this test runs its tasks itself
        warm = client.app.state.warm_up = WarmUp(kg)  # type: ignore[attr-defined]
        assert client.get("/health").json()["warmed"] is False
        kg.reader()
        first = kg.store.generation
        assert first is not None
        warm.warm(first)
        assert client.get("/health").json()["warmed"] is True
        kg.build(force=True)
        body = client.get("/health").json()
        assert body["generation"] != first and body["warmed"] is False
        warm.warm(body["generation"])
        assert client.get("/health").json()["warmed"] is True
