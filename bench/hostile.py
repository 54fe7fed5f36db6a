"""Hostile input against a real server: per attack, the peak memory, the /health gap and the status.

    .venv/bin/python bench/hostile.py                 # builds the curated graph in a temp folder
    .venv/bin/python bench/hostile.py --store var/store --only sparql

The server is `battkg serve` in a child process under a memory cap (tests/live_server.py),
with 2 query workers and a 5 s query limit. For each attack (issue 14) it prints the
status returned, how much the server's resident memory (with its query workers) rose
above what it was before the attack, and the longest time /health went unanswered.
The goals: no /health gap over 1 s, no request over 512 MiB of extra memory. A server
that dies under an attack is reported and started again for the next one.
"""

from __future__ import annotations

import argparse
import functools
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests import attacks
from tests.live_server import HealthWatch, LiveServer, MemoryWatch

GAP_GOAL_S = 1.0
MEMORY_GOAL = 512 * 1024**2
DIRECT = {"content-type": "application/sparql-query"}
TOKEN = "bench-token"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: an answer that must be held whole before its first row: memory, not time
HUNGRY = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


@dataclass(frozen=True)
class Attack:
    name: str
    group: str
    send: Callable[[LiveServer], str]  # returns the status (or statuses) it got
    #: made before the watch starts (the bench's own CPU is not the server's)
    prepare: Callable[[], object] | None = None


def _post(
    server: LiveServer, path: str, body: bytes, headers: dict[str, str], **params: str
) -> str:
    try:
        r = httpx.post(server.url + path, content=body, headers=headers, params=params, timeout=330)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    code = ""
    if r.headers.get("content-type", "").startswith("application/json"):
        body_json = r.json()
        if isinstance(body_json, dict) and "error" in body_json:
            code = " " + body_json["error"].get("code", "")
        elif isinstance(body_json, dict) and "faults" in body_json:
            code = f" ({len(body_json['faults'])} faults)"
    return f"{r.status_code}{code}"


def _sparql(query: str) -> Callable[[LiveServer], str]:
    return lambda s: _post(s, "/sparql", query.encode(), DIRECT)


def _validate(body: bytes, media: str, filename: str) -> Callable[[LiveServer], str]:
    return lambda s: _post(s, "/validate", body, {"content-type": media}, filename=filename)


RDF_XML, JSON_LD = "application/rdf+xml", "application/ld+json"


def _upload(name: str, body: bytes, media: str, filename: str) -> Attack:
    """An ingest attack: `body` uploaded to /validate as the file `filename`."""
    return Attack(name, "ingest", _validate(body, media, filename))


def _odd_paths(server: LiveServer) -> str:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        codes = [
            client.get(f"/id/role/{p}").status_code
            for p in ("a%20b", "%00", "%FF", "%22", "%3Cscript%3E")
        ]
    return "/".join(map(str, codes))


def _long_get(server: LiveServer) -> str:
    target = "/sparql?query=SELECT%20*%20%7B%7D%23" + "x" * 1_000_000
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as conn:
            conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = conn.recv(200)
    except OSError as exc:
        return type(exc).__name__
    return head.split(b"\r\n", 1)[0].decode(errors="replace").removeprefix("HTTP/1.1 ") or "dropped"


def _runaways(server: LiveServer) -> str:
    """Four clients send runaway queries for 8 s; meanwhile a named query and the pathway API."""
    stop = threading.Event()

    def attack() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                try:
                    if client.post("/sparql", content=RUNAWAY, headers=DIRECT).status_code == 503:
                        time.sleep(0.2)
                except httpx.HTTPError:
                    time.sleep(0.2)

    threads = [threading.Thread(target=attack, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    named, pathways, slowest = [], [], 0.0
    try:
        time.sleep(1)
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for _ in range(8):
                started = time.monotonic()
                named.append(client.get("/queries/roles-by-stage").status_code)
                slowest = max(slowest, time.monotonic() - started)
                pathways.append(client.get("/pathways/roles").status_code)
                time.sleep(0.8)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    ok = sum(c == 200 for c in named), sum(c == 200 for c in pathways)
    return f"named {ok[0]}/8, pathways {ok[1]}/8 ok, slowest named {slowest:.2f}s"


def _cors_write(server: LiveServer) -> str:
    r = httpx.options(
        server.url + "/datasets/x",
        headers={"origin": "https://evil.example", "access-control-request-method": "PUT",
                 "access-control-request-headers": "authorization"},
    )  # fmt: skip
    return str(r.status_code)


def _service_filler(size: int) -> str:
    filler = " ".join(f"?s{i} <http://example.org/p> ?o{i} ." for i in range(size // 33))
    return f"# service\nSELECT * WHERE {{ {filler} }} LIMIT 1"


JSON = {"content-type": "application/json"}
WHAT_IF = b'{"region": "SE331", "level": "bachelor", "places": 5, "roles": ['


@functools.cache
def _partner_csv(rows: int) -> bytes:
    from generate_partner_data import write_files

    with tempfile.TemporaryDirectory() as tmp:
        return write_files(rows, Path(tmp))[0].read_bytes()


def _empty_put(server: LiveServer) -> str:
    r = httpx.put(
        server.url + "/datasets/bench-empty",
        content=b"",
        headers={"authorization": f"Bearer {TOKEN}", "content-type": "text/turtle"},
    )
    return f"{r.status_code} {r.json()['error']['code']}"


ATTACKS = [
    Attack("SPARQL { } nested 200 deep", "sparql", _sparql("SELECT * " + "{ " * 200 + "}" * 200)),
    Attack(
        "SPARQL { } nested 100,000 deep",
        "sparql",
        _sparql("SELECT * " + "{ " * 100_000 + "}" * 100_000),
    ),
    Attack("SPARQL 109 KB mentioning service", "sparql", _sparql(_service_filler(109_000))),
    Attack(
        "SPARQL SERVICE call", "sparql", _sparql("SELECT * { SERVICE <http://127.0.0.1:9/> {} }")
    ),
    Attack("odd /id/ paths (5)", "http", _odd_paths),
    Attack("1 MB GET query", "http", _long_get),
    Attack(
        "SPARQL sorted cross product (memory)",
        "sparql",
        lambda s: _post(s, "/sparql", HUNGRY.encode(), DIRECT),
    ),
    Attack("runaway SPARQL x4 clients", "sparql", _runaways),
    Attack("cross-origin write preflight", "http", _cors_write),
    _upload("RDF/XML billion laughs (9x10)", attacks.billion_laughs(), RDF_XML, "laughs.rdf"),
    _upload("RDF/XML quadratic blow-up", attacks.quadratic_blowup(), RDF_XML, "blowup.rdf"),
    _upload("RDF/XML external entity", attacks.external_entity(), RDF_XML, "xxe.rdf"),
    _upload("RDF/XML nested 40,000 deep", attacks.deep_rdfxml(), RDF_XML, "deep.rdf"),
    _upload("JSON-LD [[[ 20,000 deep", attacks.deep_jsonld_arrays(), JSON_LD, "deep.jsonld"),
    _upload('JSON-LD {"a": 50,000 deep', attacks.deep_jsonld_objects(), JSON_LD, "deep2.jsonld"),
    Attack(
        "multipart of 1,000 files",
        "ingest",
        lambda s: _post(s, "/validate", *_many_files()),
    ),
    Attack(
        "CSV of 35,000 courses (11 MB)",
        "ingest",
        lambda s: _post(
            s,
            "/validate",
            _partner_csv(35_000),
            {"content-type": "text/csv"},
            filename="courses.csv",
        ),
        prepare=lambda: _partner_csv(35_000),
    ),
    Attack("empty PUT /datasets", "ingest", _empty_put),
    Attack(
        "what-if JSON body of 20 MB",
        "http",
        lambda s: _post(s, "/gaps/what-if", WHAT_IF + b'"x",' * 5_000_000 + b'"x"]}', JSON),
    ),
    Attack(
        "what-if listing 50,000 roles",
        "http",
        lambda s: _post(s, "/gaps/what-if", WHAT_IF + b'"x",' * 50_000 + b'"x"]}', JSON),
    ),
]


def _many_files() -> tuple[bytes, dict[str, str]]:
    body, media = attacks.many_files()
    return body, {"content-type": media}


def run(server: LiveServer, attack: Attack) -> tuple[str, int, float]:
    if not server.alive():
        server.start()
    if attack.prepare is not None:
        attack.prepare()
    time.sleep(0.5)
    with MemoryWatch(server) as memory, HealthWatch(server.url) as health:
        status = attack.send(server)
        time.sleep(0.3)  # let /health answer once more after the attack
    if not server.alive():
        status += " (server died)"
    return status, memory.extra, health.gap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build one)")
    parser.add_argument("--only", choices=("sparql", "http", "ingest"), help="one group")
    parser.add_argument("--memory-cap-mib", type=int, default=2048)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="battkg-hostile-") as tmp:
        store = args.store
        if store is None:
            from battkg.kg import KnowledgeGraph
            from battkg.settings import Settings

            store = Path(tmp) / "store"
            KnowledgeGraph(
                Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""})
            ).build()
        env = {"BATTKG_QUERY_TIMEOUT": "5", "BATTKG_TOKEN": TOKEN}
        server = LiveServer(store, env, memory=args.memory_cap_mib * 1024**2, log=Path(tmp) / "log")
        server.start()
        try:
            print(f"{'attack':36} {'status':44} {'extra RSS':>10} {'/health gap':>12}")
            worst_gap, worst_memory = 0.0, 0
            for attack in ATTACKS:
                if args.only and attack.group != args.only:
                    continue
                status, extra, gap = run(server, attack)
                worst_gap, worst_memory = max(worst_gap, gap), max(worst_memory, extra)
                flag = "" if gap <= GAP_GOAL_S and extra <= MEMORY_GOAL else "  <- over the goal"
                print(
                    f"{attack.name:36} {status[:44]:44} {extra / 1024**2:7.0f} MiB {gap:10.2f} s{flag}"
                )
            print(
                f"worst: /health gap {worst_gap:.2f} s (goal <= {GAP_GOAL_S:g} s), extra memory "
                f"{worst_memory / 1024**2:.0f} MiB (goal <= {MEMORY_GOAL / 1024**2:.0f} MiB)"
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
