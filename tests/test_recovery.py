"""After a `kill -9` of a load or build, the next start or write removes what it left (issue 14, item 14).

Left behind: an unpublished store generation (110-330 MB each), a version
archive that was never committed, a temporary file, a dataset folder with no
committed version (a phantom in GET /datasets).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from battkg import datasets
from battkg.ingest import read_partner_file
from battkg.kg import KnowledgeGraph
from tests.live_server import LiveServer

from .conftest import make_settings

PROVIDERS = "id,name_en,type,region\n{name}-academy,Recovery Academy,komvux,SE331\n"


@pytest.fixture
def kg(curated_kg: KnowledgeGraph, tmp_path: Path) -> KnowledgeGraph:
    shutil.copytree(curated_kg.settings.store, tmp_path / "store")
    return KnowledgeGraph(make_settings(tmp_path / "store", token="test-token"))


def gens(kg: KnowledgeGraph) -> set[str]:
    return {p.name for p in (kg.settings.store / "gens").iterdir()}


def load(kg: KnowledgeGraph, name: str = "academy") -> None:
    files = [read_partner_file(PROVIDERS.format(name=name).encode(), "providers.csv", kg.iris)]
    assert datasets.load(KnowledgeGraph(kg.settings), files, name).loaded


def leave_debris(kg: KnowledgeGraph) -> dict[str, Path]:
    """What a load or build killed late leaves: as a kill -9 at the worst moment would."""
    current = kg.store.current_generation()
    assert current is not None
    number = int(current.split("-")[1]) + 1
    orphan_gen = kg.settings.store / "gens" / f"gen-{number:06d}"
    shutil.copytree(kg.settings.store / "gens" / current, orphan_gen)
    folder = kg.settings.store / "datasets"
    orphan_archive = folder / "academy" / "v2.nq.gz"
    shutil.copy(folder / "academy" / "v1.nq.gz", orphan_archive)
    temporary = folder / "academy" / ".manifest.json.4242.tmp"
    temporary.write_bytes(b"{")
    (folder / "ghost").mkdir()
    phantom = folder / "ghost" / "v1.nq.gz"
    shutil.copy(folder / "academy" / "v1.nq.gz", phantom)
    return {"gen": orphan_gen, "archive": orphan_archive, "tmp": temporary, "phantom": phantom}


def test_a_dataset_without_a_committed_version_is_never_listed(kg: KnowledgeGraph) -> None:
    load(kg)
    leave_debris(kg)
    assert [d.name for d in datasets.list_datasets(kg)] == ["academy"]
    with pytest.raises(Exception, match="no dataset 'ghost'"):
        datasets.get_dataset(kg, "ghost")


def test_the_next_write_removes_the_debris(kg: KnowledgeGraph) -> None:
    load(kg)
    debris = leave_debris(kg)
    load(kg, "another")
    # the orphan's folder is gone, and its name is not taken by the new generation
    assert not any(p.exists() for p in debris.values()), debris
    assert not (kg.settings.store / "datasets" / "ghost").exists()
    assert gens(kg) <= set(kg.store.published())
    assert datasets.get_dataset(kg, "academy").current == 1


def test_the_next_start_removes_the_debris(kg: KnowledgeGraph) -> None:
    load(kg)
    debris = leave_debris(kg)
    with LiveServer(kg.settings.store) as server:
        listed = httpx.get(server.url + "/datasets").json()["datasets"]
    assert [d["name"] for d in listed] == ["academy"]
    assert not any(p.exists() for p in debris.values()), debris
    assert gens(kg) <= set(kg.store.published())


def _kill_when_writing(kg: KnowledgeGraph, args: list[str], tries: int = 5) -> None:
    """Start `battkg ARGS`, kill -9 it as soon as its new generation appears.

    A write that publishes before the 5 ms poll sees its folder (a busy machine can stall
    the poll that long) is a finished write, not a failure: it is started again, at most
    `tries` times.
    """
    for _ in range(tries):
        if _try_kill_when_writing(kg, args):
            return
    raise AssertionError(f"the write finished before it could be killed, {tries} times")


def _try_kill_when_writing(kg: KnowledgeGraph, args: list[str]) -> bool:

    def folders() -> set[tuple[str, int]]:
        found = set()
        for p in (kg.settings.store / "gens").iterdir():
            with contextlib.suppress(FileNotFoundError):
                found.add((p.name, p.stat().st_ino))
        return found

    before = folders()
    env = {**os.environ, "BATTKG_STORE": str(kg.settings.store), "BATTKG_ESCO_DIR": ""}
    proc = subprocess.Popen([sys.executable, "-m", "battkg.cli", *args], env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and folders() <= before:
        time.sleep(0.005)
    if proc.poll() is not None:
        assert proc.returncode == 0, f"battkg {' '.join(args)} failed: exit {proc.returncode}"
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


@pytest.mark.slow
def test_killed_builds_and_loads_leave_no_orphan_generation(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    _kill_when_writing(kg, ["build", "--force"])
    rows = "".join(f"k{i},Provider {i},komvux,SE331\n" for i in range(60_000))
    big = tmp_path / "providers.csv"
    big.write_text("id,name_en,type,region\n" + rows)
    published = KnowledgeGraph(kg.settings).store.current_generation()
    # once only: a finished load would publish "big", which the checks below rule out
    _kill_when_writing(kg, ["load", str(big), "--dataset", "big"], tries=1)
    orphans = gens(kg) - set(kg.store.published())
    assert orphans, "the kills left no unpublished generation to clean"
    assert KnowledgeGraph(kg.settings).store.current_generation() == published
    with LiveServer(kg.settings.store) as server:  # the next start
        assert httpx.get(server.url + "/health").status_code == 200
        assert "big" not in str(httpx.get(server.url + "/datasets").json())
    assert not orphans & gens(kg)
