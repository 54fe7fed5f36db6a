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
