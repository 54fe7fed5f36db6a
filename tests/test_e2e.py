"""End to end: a real `battkg serve` process keeps serving through a bad build and picks up a good one."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from battkg.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _battkg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "battkg.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def home_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    return dict(
        os.environ, BATTKG_HOME=str(home), BATTKG_STORE=str(tmp_path / "store"), BATTKG_ESCO_DIR=""
    )


@pytest.fixture()
def server(home_env: dict[str, str]) -> Iterator[str]:
    assert _battkg(home_env, "build").returncode == 0
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "battkg.cli", "serve", "--port", str(port), "--log-level", "warning"],
        env=home_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(url + "/health")
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_server_survives_bad_build_and_serves_the_next_good_one(
    server: str, home_env: dict[str, str]
) -> None:
    before = _get(server + "/health")
    assert before["status"] == "ok"
    data = Path(home_env["BATTKG_HOME"]) / "data"
    (data / "extra.ttl").write_text(
        "@prefix bkg: <https://w3id.org/battkg/ontology#> .\n<urn:x> a bkg:JobRole",
        encoding="utf-8",
    )
    failed = _battkg(home_env, "build")
    assert failed.returncode == 2
    assert "extra.ttl" in failed.stderr and "line" in failed.stderr
    assert _get(server + "/health")["build"] == before["build"]
    (data / "extra.ttl").write_text(
        "@prefix bkg: <https://w3id.org/battkg/ontology#> .\n<https://w3id.org/battkg/id/role/x> a bkg:JobRole .\n",
        encoding="utf-8",
    )
    assert _battkg(home_env, "build").returncode == 0
    after = _get(server + "/health")
    assert after["build"] != before["build"]
    assert after["generation"] != before["generation"]
    assert "https://w3id.org/battkg/graph/data/extra" in after["graphs"]  # type: ignore[operator]
