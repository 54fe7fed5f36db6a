"""Shared fixtures: the curated graph built once per test run (without and with ESCO)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT, Settings
from battkg.web.app import create_app

ESCO_DIR = PROJECT_ROOT.parent / "shared" / "esco"
SHARED = PROJECT_ROOT.parent / "shared"


def make_settings(store: Path, *, esco: bool = False, **overrides: object) -> Settings:
    env = {"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": str(ESCO_DIR) if esco else ""}
    return Settings.from_env(env, **overrides)


def _var_state() -> dict[str, tuple[int, int]]:
    var = PROJECT_ROOT / "var"
    if not var.is_dir():
        return {}
    return {
        str(p.relative_to(var)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in var.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def _never_the_users_store() -> Iterator[None]:
    """Tests use temporary stores only: the repository's var/ must be as it was (issue 14, item 15)."""
    before = _var_state()
    yield
    after = _var_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the tests wrote into {PROJECT_ROOT / 'var'}: {changed[:10]}"


@pytest.fixture(scope="session")
def curated_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """ontology/ + data/, no ESCO: built once per run. Read-only for tests."""
    kg = KnowledgeGraph(
        make_settings(tmp_path_factory.mktemp("curated") / "store", token="test-token")
    )
    kg.build()
    return kg


@pytest.fixture(scope="session")
def full_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """ontology/ + data/ + full ESCO from ../shared/esco: built once per run. Read-only for tests."""
    if not ESCO_DIR.is_dir():
        pytest.skip("../shared/esco is not present")
    kg = KnowledgeGraph(make_settings(tmp_path_factory.mktemp("full") / "store", esco=True))
    kg.build()
    return kg


@pytest.fixture(scope="session")
def client(curated_kg: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(kg=curated_kg)) as c:
        yield c
