"""Benchmark GET /gaps (all regions) over HTTP: on the curated graph, and on a generated graph
of 50,000 courses and 5,000 demand estimates.

For each graph: build or load a store, compute (curated) or write (generated) the
course-to-role links, start a real uvicorn server on 127.0.0.1, warm it up, then time
`GET /gaps` for all regions. The first request of a data version reads the named queries and
is reported apart ("cold"); the percentiles are over the following requests. Targets (issue
13): p95 <= 200 ms on the curated graph, <= 2 s with 50k courses and 5k estimates.

On the generated graph the links are the engine's rule (gaps/links.py, useful.py), computed
from the store's data and kept per requirement atom (atoms.py) as a build writes them, with
their CPU time, the pairs they stand for (56.8 million at 50,000 courses: one for nearly
every course and role of a country) and the triples written printed.

    .venv/bin/python bench/gaps_bench.py                  # both graphs
    .venv/bin/python bench/gaps_bench.py --skip-large --requests 50
    .venv/bin/python bench/gaps_bench.py --courses 10000 --requests 50
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from battkg.gaps.links import graph_of, role_stages, write_atoms
from battkg.kg import KnowledgeGraph
from battkg.pathways.loader import load_model
from battkg.settings import PROJECT_ROOT, Settings
from pathways_gen import generate, in_graph

B = "https://w3id.org/battkg/id/"
ONT = "https://w3id.org/battkg/ontology#"
A = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
STAGES = [
    "raw-materials-and-mining", "refining-and-active-materials", "cell-manufacturing",
    "module-and-pack", "integration-e-mobility", "integration-stationary-storage", "second-life",
    "recycling",
]  # fmt: skip
MEASURES = ["headcount", "planned-jobs", "planned-hires", "hires-per-year", "scenario"]


def stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms   (n={len(ms)})"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(store: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "battkg.web.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/health", timeout=1.0)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def measure(store: Path, requests: int, label: str) -> None:
    with server(store) as base, httpx.Client(base_url=base, timeout=900.0) as client:
        t = time.perf_counter()
        first = client.get("/gaps")
        cold = time.perf_counter() - t
        assert first.status_code == 200, first.text[:500]
        body = first.json()
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            r = client.get("/gaps")
            times.append(time.perf_counter() - t)
            assert r.status_code == 200
        print(
            f"{label}: {len(body['rows'])} rows, {len(body['regions'])} regions, {len(first.content) / 1e6:.1f} MB"
        )
        print(f"  GET /gaps cold (reads the named queries)   {cold * 1000:8.1f} ms")
        print(f"  GET /gaps all regions                      {stats(times)}")


def curated(requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
        report = kg.build()
        print(
            f"curated: build {report.seconds['total']:.1f} s, of which course-role links "
            f"{report.seconds['gap links']:.2f} s"
        )
        kg.store.close()
        measure(store, requests, "curated graph")


def extra_triples(courses: int, roles: int, estimates: int, seed: int = 11) -> Iterator[str]:
    rng = random.Random(seed)

    def t(s: str, p: str, o: str) -> str:
        return f"<{s}> <{p}> {o} .\n"

    for stage in STAGES:
        yield t(B + "stage/" + stage, A, f"<{ONT}ValueChainStage>")
    for i in range(roles):
        yield t(f"{B}role/r{i}", ONT + "inStage", f"<{B}stage/{STAGES[i % len(STAGES)]}>")
    for i in range(courses):
        c = f"{B}course/c{i}"
        yield t(c, A, f"<{ONT}PathwayStep>")
        status = (
            "running" if rng.random() < 0.8 else rng.choice(["planned", "ended", "status-unknown"])
        )
        yield t(c, ONT + "offerStatus", f"<{B}vocab/offer-{status}>")
        if rng.random() < 0.85:
            yield t(
                c,
                ONT + "placesPerYear",
                f'"{rng.choice([12, 20, 25, 30, 60, 120])}"^^<{XSD}nonNegativeInteger>',
            )
    regions = [f"{B}region/{cc}" for cc in ("SE", "FI", "NO")] + [
        f"{B}region/{cc}{r:03d}" for cc in ("SE", "FI", "NO") for r in range(8)
    ]
    for i in range(estimates):
        e = f"{B}demand/d{i}"
        yield t(e, A, f"<{ONT}DemandEstimate>")
        yield t(e, ONT + "demandFor", f"<{B}stage/{rng.choice(STAGES)}>")
        yield t(e, ONT + "locatedIn", f"<{rng.choice(regions)}>")
        yield t(e, ONT + "demandMeasure", f"<{B}vocab/measure-{rng.choice(MEASURES)}>")
        status = "current" if rng.random() < 0.6 else rng.choice(["superseded", "void"])
        yield t(e, ONT + "demandStatus", f"<{B}vocab/demand-{status}>")
        yield t(e, ONT + "demandKind", '"jobs"')
        yield t(e, ONT + "count", f'"{rng.randint(10, 3000)}"^^<{XSD}nonNegativeInteger>')
        yield t(e, ONT + "year", f'"{rng.randint(2024, 2030)}"^^<{XSD}gYear>')
        yield t(e, ONT + "publishedOn", f'"{rng.randint(2021, 2026)}-06-01"^^<{XSD}date>')
        yield t(e, "http://purl.org/dc/terms/source", f"<{B}source/s{i % 50}>")


def real_links(kg: KnowledgeGraph) -> None:
    """Compute the engine's link rule on the store's data, kept per requirement atom
    (links.graph_of: the same pass as link_bits, compacted), print its CPU time and size (the
    pairs it stands for and the triples written), and write it as a build does."""
    t = time.perf_counter()
    model = load_model(kg)
    print(f"  pathway model read in {time.perf_counter() - t:.1f} s")
    wall, cpu = time.perf_counter(), time.process_time()
    atoms = graph_of(model, kg.iris)
    pairs = sum(b.bit_count() for b in atoms.link_bits().values())
    print(
        f"  link rule per atom (useful.py, atoms.py): {pairs:,} course-role links as "
        f"{len(atoms.nodes):,} atoms and {atoms.size():,} edges in "
        f"{time.process_time() - cpu:.1f} s CPU, {time.perf_counter() - wall:.1f} s wall "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    t, cpu = time.perf_counter(), time.process_time()
    with kg.store.writer() as w:
        count = write_atoms(w, kg.iris, model, atoms, role_stages(kg), kg.version())
    print(
        f"  links written: {count:,} triples in {time.perf_counter() - t:.1f} s "
        f"({time.process_time() - cpu:.1f} s CPU)"
    )


def large(courses: int, estimates: int, requests: int) -> None:
    roles, skills = 3000, 15000
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
        t = time.perf_counter()
        nt = Path(tmp) / "g.nt"
        lines = list(generate(courses, roles, skills))
        with nt.open("w", encoding="utf-8") as out:
            out.writelines(lines)
            out.writelines(extra_triples(courses, roles, estimates))
        with kg.store.writer() as w:
            for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl")):
                w.bulk_extend(  # the writer interface has no bulk_load: parse, then bulk insert
                    in_graph(
                        ox.parse(path=str(path), format=ox.RdfFormat.TURTLE),
                        ox.NamedNode(kg.iris.ontology_graph(path.stem)),
                    )
                )
            w.bulk_extend(  # the writer interface has no bulk_load: parse, then bulk insert
                in_graph(
                    ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES),
                    ox.NamedNode(kg.iris.data_graph("generated")),
                )
            )
        print(
            f"generated: {courses:,} courses, {roles:,} roles, {estimates:,} estimates, loaded in {time.perf_counter() - t:.1f} s"
        )
        del lines
        real_links(kg)
        kg.store.close()
        measure(store, requests, f"{courses:,} courses + {estimates:,} estimates")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--courses", type=int, default=50000)
    parser.add_argument("--estimates", type=int, default=5000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    curated(args.requests)
    if not args.skip_large:
        large(args.courses, args.estimates, max(10, args.requests // 5))


if __name__ == "__main__":
    main()
