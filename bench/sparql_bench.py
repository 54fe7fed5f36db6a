"""SPARQL endpoint benchmark on the full build (curated data + full ESCO).

1. Starts a real uvicorn server on the store and measures, over HTTP, the median and
   95th percentile latency of every named query (sequential requests, after warm-up).
2. Requests per second for a simple lookup with 16 concurrent clients.
3. Side by side in the same run: the same named queries, same parameters, same data,
   on rdflib's in-memory engine (Dataset with a union default graph); each query's
   ratio (rdflib median / battkg median over HTTP) and the median ratio. Also each
   query's median through battkg's worker pool without HTTP (engine against engine:
   rdflib runs in-process too), and that ratio.

    BATTKG_STORE=var/store .venv/bin/python bench/sparql_bench.py [--runs 40] [--seconds 10]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import rdflib

from battkg._convert import to_rdflib
from battkg.errors import UsageError
from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from battkg.sparql import executor

ESCO_SKILL = "http://data.europa.eu/esco/skill/f83e61e0-cb73-4a6a-b266-c4be03fb30eb"
PARAMS: dict[str, dict[str, str]] = {
    "role-essential-skills": {
        "role": "mineral-processing-operator",
        "lang": "sv",
        "optional": "true",
    },
    "role-entry-requirements": {"role": "mineral-processing-operator"},
    "courses-teaching-skill": {"skill": ESCO_SKILL},
    "roles-without-course-in-region": {"region": "SE331"},
    "qualifications-by-eqf": {"eqf": "4"},
    "providers-by-region": {"region": "SE"},
    "cross-border-offers": {},
    "course-details": {},
    "demand-estimates": {"stage": "cell-manufacturing"},
    "demand-vs-places": {},
}
LOOKUP = (
    "SELECT ?label WHERE { <https://w3id.org/battkg/id/role/mineral-processing-operator> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"
)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start_server(store: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BATTKG_STORE": store}
    cmd = [sys.executable, "-m", "uvicorn", "battkg.web.app:create_app", "--factory",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env)
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def load_rdflib(kg: KnowledgeGraph) -> tuple[rdflib.Dataset, float]:
    t = time.perf_counter()
    buffer = io.BytesIO()
    kg.reader().dump(buffer, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=buffer.getvalue(), format="nquads")
    return ds, time.perf_counter() - t


@dataclass
class Timing:
    http: list[float] = field(default_factory=list)
    pool: list[float] = field(default_factory=list)
    rdflib: list[float] = field(default_factory=list)
    rows: int = 0
    rdflib_rows: int = 0


def side_by_side(
    base: str, kg: KnowledgeGraph, ds: rdflib.Dataset, runs: int, rdflib_runs: int
) -> dict[str, Timing]:
    """Per named query, rounds of: one rdflib run, then HTTP requests, then runs through the pool.

    Interleaving puts all three under the same machine load (the box is shared).
    """
    out: dict[str, Timing] = {}
    path = executor.generation_path(kg)
    headers = {"Accept": "application/sparql-results+json"}
    per_round = max(1, runs // rdflib_runs)
    with httpx.Client(base_url=base, timeout=60) as client:
        for named in kg.queries.all():
            params = PARAMS.get(named.name, {})
            try:
                bound = named.bind(params, kg.iris)
            except UsageError as exc:  # a query added since, whose parameters PARAMS lacks
                print(f"skipped {named.name}: {exc.message}")
                continue
            job = executor.Job(
                path, named.text, substitutions={v.value: x for v, x in bound.items()} or None
            )
            bindings = {rdflib.Variable(v.value): to_rdflib(x) for v, x in bound.items()}
            warm = [client.get(f"/queries/{named.name}", params=params, headers=headers)]
            if warm[0].is_error:  # e.g. over the time limit on a loaded machine: say so, go on
                print(f"skipped {named.name}: {warm[0].status_code} {warm[0].text[:100]}")
                continue
            timing = out[named.name] = Timing()
            for _ in range(3):  # warm-up
                client.get(
                    f"/queries/{named.name}", params=params, headers=headers
                ).raise_for_status()
                executor.run(kg, job)
            for _ in range(rdflib_runs):
                t = time.perf_counter()
                timing.rdflib_rows = len(list(ds.query(named.text, initBindings=bindings)))
                timing.rdflib.append((time.perf_counter() - t) * 1000)
                for _ in range(per_round):
                    t = time.perf_counter()
                    r = client.get(f"/queries/{named.name}", params=params, headers=headers)
                    timing.http.append((time.perf_counter() - t) * 1000)
                    r.raise_for_status()
                    timing.rows = len(r.json()["results"]["bindings"])
                    t = time.perf_counter()
                    executor.run(kg, job)
                    timing.pool.append((time.perf_counter() - t) * 1000)
    return out


def throughput(base: str, seconds: float, clients: int = 16) -> tuple[float, float, int]:
    counts = [0] * clients
    errors = [0] * clients
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = client.get(
                    "/sparql",
                    params={"query": LOOKUP},
                    headers={"Accept": "application/sparql-results+json"},
                )
                latencies.append((time.perf_counter() - t) * 1000)
                if r.status_code == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), pct(latencies, 95), sum(errors)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", default=os.environ.get("BATTKG_STORE", "var/store"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per named query")
    parser.add_argument("--rdflib-runs", type=int, default=5, help="rdflib runs per query")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the throughput run")
    args = parser.parse_args()
    kg = KnowledgeGraph(Settings.from_env({**os.environ, "BATTKG_STORE": args.store}))
    sizes = kg.graph_sizes()
    print(
        f"store {Path(args.store).resolve()}: {sum(sizes.values()):,} triples, ESCO {sizes.get(kg.iris.esco_graph, 0):,}"
    )
    if kg.iris.esco_graph not in sizes:
        print("warning: this store has no ESCO graph; the targets are for the full build")
    ds, load = load_rdflib(kg)
    print(f"rdflib: loaded {len(ds):,} quads in {load:.1f} s\n")
    server = start_server(args.store, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        timings = side_by_side(base, kg, ds, args.runs, args.rdflib_runs)
        rps, p95, errors = throughput(base, args.seconds)
    finally:
        server.terminate()
        server.wait(10)
    head = ("named query", "rows", "HTTP med", "HTTP p95", "pool med", "rdflib med", "rdf rows")
    print(
        " ".join([f"{head[0]:<31}", *(f"{h:>10}" for h in head[1:]), " ratio HTTP", " ratio pool"])
    )
    ratios, engine = [], []
    for name, tm in timings.items():
        median, p95_q, pool, r_median = (
            statistics.median(tm.http),
            pct(tm.http, 95),
            statistics.median(tm.pool),
            statistics.median(tm.rdflib),
        )
        ratios.append(r_median / median)
        engine.append(r_median / pool)
        cells = [
            tm.rows,
            f"{median:.1f}",
            f"{p95_q:.1f}",
            f"{pool:.1f}",
            f"{r_median:.1f}",
            tm.rdflib_rows,
        ]
        line = " ".join([f"{name:<31}", *(f"{c:>10}" for c in cells)])
        print(f"{line} {ratios[-1]:>10.1f}x {engine[-1]:>10.1f}x")
    worst = max(pct(tm.http, 95) for tm in timings.values())
    print(f"\nworst p95 over HTTP: {worst:.1f} ms (target < 100 ms)")
    print(
        f"median speed-up against rdflib, over HTTP: {statistics.median(ratios):.1f}x (target >= 10x)"
    )
    print(f"median speed-up against rdflib, engine to engine: {statistics.median(engine):.1f}x")
    print(
        f"simple lookup, 16 concurrent clients, {args.seconds:g} s: {rps:.0f} requests/s, p95 {p95:.1f} ms, {errors} errors"
    )


if __name__ == "__main__":
    main()
