"""Issue 16 item 4: `battkg serve --workers 2`, a real server with two serving processes over one
store. A write through one process is seen by the other; writes from both at once are
serialised (neither is lost); /health answers from each.

A keep-alive connection stays with the process that accepted it, and /health says which
process answered, so each client below talks to a known process.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT
from battkg.sparql import executor
from battkg.sparql.answer import answer
from battkg.sparql.executor import IN_PROCESS
from battkg.sparql.protocol import SparqlRequest
from tests.live_server import LiveServer

pytestmark = pytest.mark.timeout(240)

TOKEN = {"Authorization": "Bearer test-token"}
PROVIDERS = (PROJECT_ROOT / "docs" / "samples" / "providers.csv").read_bytes()
CSV = {**TOKEN, "Content-Type": "text/csv"}


@pytest.fixture(scope="module")
def server(
    curated_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("workers") / "store"
    shutil.copytree(curated_kg.settings.store, store)  # writes below never touch the shared one
    with LiveServer(store, {"BATTKG_TOKEN": "test-token"}, workers=2) as live:
        yield live


def _process(client: httpx.Client) -> int:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["triples"] > 0
    return int(body["process"])


@pytest.fixture(scope="module")
def pair(server: LiveServer) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Two clients whose connections were accepted by different serving processes."""
    seen: dict[int, httpx.Client] = {}
    spare: list[httpx.Client] = []
    for _ in range(60):
        client = httpx.Client(base_url=server.url, timeout=120)
        pid = _process(client)
        if pid in seen:
            spare.append(client)
        else:
            seen[pid] = client
        if len(seen) == 2:
            break
    for client in spare:
        client.close()
    assert len(seen) == 2, "the kernel gave every connection to one serving process"
    a, b = seen.values()
    yield a, b
    a.close()
    b.close()


def _children(server: LiveServer) -> set[int]:
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def test_two_serving_processes_answer_health(
    server: LiveServer, pair: tuple[httpx.Client, httpx.Client]
) -> None:
    a, b = pair
    assert _process(a) != _process(b)
    # both are serving processes started by `battkg serve` (uvicorn's supervisor)
    assert {_process(a), _process(b)} <= _children(server)
    assert a.get("/health").json()["generation"] == b.get("/health").json()["generation"]


def test_a_load_in_one_process_is_seen_by_the_other(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    assert b.get("/datasets/academy").status_code == 404  # b has looked: its caches are warm
    before = b.get("/health").json()["generation"]
    r = a.put(
        "/datasets/academy?filename=providers.csv&publisher=ALBATTS", content=PROVIDERS, headers=CSV
    )
    assert r.status_code == 200, r.text
    seen = b.get("/datasets/academy")
    assert seen.status_code == 200, seen.text
    assert seen.json()["current"] == 1
    after = b.get("/health").json()
    assert (
        after["generation"] != before
        and after["generation"] == a.get("/health").json()["generation"]
    )
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), '/academy')) }"
    rows = b.get(
        "/sparql", params={"query": count}, headers={"Accept": "application/sparql-results+json"}
    )
    assert int(rows.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_writes_from_both_processes_at_once_are_serialised(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair

    def load(client: httpx.Client, name: str) -> httpx.Response:
        own = PROVIDERS.replace(
            b"example-battery-academy", f"{name}-academy".encode()
        )  # its own provider
        return client.put(f"/datasets/{name}?filename=providers.csv", content=own, headers=CSV)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(load, [a, b], ["one", "two"]))
    assert [r.status_code for r in answers] == [200] * 2, [r.text for r in answers]
    # each write started from the generation the one before it published: none is lost
    for client in (a, b):
        listed = {d["name"] for d in client.get("/datasets").json()["datasets"]}
        assert {"one", "two"} <= listed
    assert a.get("/health").json()["generation"] == b.get("/health").json()["generation"]
    # and a rollback through one process is what the other serves
    again = PROVIDERS.replace(b"example-battery-academy", b"one-academy").replace(
        b"Example", b"Another"
    )
    assert (
        a.put("/datasets/one?filename=providers.csv", content=again, headers=CSV).status_code == 200
    )
    assert b.get("/datasets/one").json()["current"] == 2
    assert b.post("/datasets/one/rollback", headers=TOKEN).status_code == 200
    assert a.get("/datasets/one").json()["current"] == 1


def test_a_named_query_found_slow_in_process_runs_in_a_worker_process_after(
    curated_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    kg = KnowledgeGraph(curated_kg.settings)  # its own memo: no pool started yet
    named = kg.queries.get("roles-by-stage")
    accept = "application/sparql-results+json"

    def ask() -> bytes:
        request = SparqlRequest(named.text)
        return answer(
            kg, request, accept, named.bind({}, kg.iris), pool=IN_PROCESS, trusted=True
        ).body

    first = ask()
    assert kg.memo("sparql:slow-named-queries", None, set) == set()  # quick: stays in process
    monkeypatch.setattr(executor, "SLOW_SHARE", 0.0)  # every run now counts as slow
    assert ask() == first
    assert named.text in kg.memo("sparql:slow-named-queries", None, set)
    pool = executor.executor_for(kg, executor.NAMED_POOL)
    pids = {w.process.pid for w in pool._workers}
    assert ask() == first  # answered by the named worker pool, whose workers stay the same
    assert {w.process.pid for w in pool._workers} == pids and pool.killed == 0
    pool.close()
    with pytest.raises(ValueError, match="own queries"):
        executor.run(kg, executor.Job("x", named.text), IN_PROCESS, trusted=False)


def test_a_normal_load_on_a_named_query_is_served_not_refused(server: LiveServer) -> None:
    """64 clients at once on one named query (bench/serve_bench.py's load): the named lane has
    8 threads per serving process here; the others wait in its waiting room for a turn
    instead of getting 503 (issue 16: thousands were refused)."""

    def ask(_: int) -> list[int]:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            return [
                client.get(
                    "/queries/roles-by-stage", headers={"Accept": "application/sparql-results+json"}
                ).status_code
                for _ in range(3)
            ]

    with ThreadPoolExecutor(64) as pool:
        statuses = [s for answers in pool.map(ask, range(64)) for s in answers]
    assert statuses == [200] * len(statuses), sorted(set(statuses))
