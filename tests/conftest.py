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


#: The longest test files, longest first (the sums of their tests' durations in a suite run of
#: 2026-12-02, `pytest -n 2 --dist loadfile --durations=80`; test_remote.py's three files by the
#: parts of it they took): they start first.
LONG_FILES = (
    "test_w3c.py",
    "test_remote_esco.py",
    "test_reasoning.py",
    "test_datasets.py",
    "test_remote_virtuoso.py",
    "test_browser.py",
    "test_remote_faults.py",
    "test_build.py",
    "test_gap_links.py",
    "test_hostile_http.py",
    "test_recovery.py",
    "test_partner_isolation.py",
    "test_elm.py",
    "test_remote.py",
    "test_serve_workers.py",
    "test_e2e.py",
    "test_schemathesis.py",
    "test_cli.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of LONG_FILES first, in its order, then the others in theirs.

    `./dev test` gives whole files to 2 workers (--dist loadfile), in this order with
    --no-loadscope-reorder. xdist's own order (the files with the most tests first) sent the
    few long tests of test_remote.py, test_datasets.py and test_w3c.py last: one worker then ran
    test_w3c.py alone for 7 minutes. The longest first balances the two; the order of the
    tests within a file is kept.
    """
    rank = {name: i for i, name in enumerate(LONG_FILES)}
    first: dict[Path, int] = {}
    for i, item in enumerate(items):
        first.setdefault(item.path, i)
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), first[item.path]))


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
