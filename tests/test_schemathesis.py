"""A bounded schemathesis run: every check on every operation of the committed contract.

`st run api/openapi.json` against a real `battkg serve` (tests/live_server.py) on a store
of its own, with the write token, so the write routes are exercised too. It must find no
server error, no undocumented status, content type or header, and no schema-valid request
refused; the few places where the contract cannot say what is valid are in
tests/schemathesis/schemathesis.toml, each with its reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT

from .conftest import make_settings
from .live_server import LiveServer

CONFIG = Path(__file__).parent / "schemathesis" / "schemathesis.toml"
TOKEN = "schemathesis-token"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_the_contract_holds_under_schemathesis(tmp_path: Path) -> None:
    store = tmp_path / "store"
    KnowledgeGraph(make_settings(store)).build()
    env = {"BATTKG_TOKEN": TOKEN, "BATTKG_QUERY_TIMEOUT": "5"}
    with LiveServer(store, env, log=tmp_path / "server.log") as server:
        st = Path(sys.executable).with_name("st")
        run = subprocess.run(
            [str(st), "--config-file", str(CONFIG), "run", str(PROJECT_ROOT / "api" / "openapi.json"),
             "--url", server.url, "--checks", "all", "--max-examples", "10", "--seed", "1",
             "--header", f"Authorization: Bearer {TOKEN}", "--request-timeout", "60",
             "--no-color"],
            capture_output=True, text=True, timeout=800, cwd=tmp_path, check=False,
        )  # fmt: skip
        assert server.alive(), "the server died under schemathesis"
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "Tested: " in run.stdout
