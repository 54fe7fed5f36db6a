"""Benchmark the pathway engine on generated graphs of growing size.

For each size: generate the graph (bench/pathways_gen.py), load it into a fresh store,
then measure the model build (SPARQL reads + indexes) and its memory, the closure of
each entry profile per filter set (computed once, then cached), and the latency of
single pathway queries (k=3) and of the matrix (best route from every profile), in
process and over HTTP against a real uvicorn server on 127.0.0.1, after the warm-up that
`battkg serve` runs (engine.warm_up: each home country's presets under the default and the
job seeker's filters; its time is printed). In-process figures are
wall time and, beside it, the CPU time of the process (what the same query takes on a quiet
machine; the project's machine is shared). At the end, the growth exponent of each
in-process figure over the sizes (t ~ n^e, least squares on the logarithms).

    python bench/pathways_bench.py                       # 1,000, 10,000 and 50,000 courses
    python bench/pathways_bench.py --sizes 1000 10000 --queries 100 --no-http
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import find_pathways, make_filters, model_of, pathway_matrix
from battkg.settings import Settings
from pathways_gen import generate, in_graph

SHAPES = {
    1000: (60, 300),
    5000: (300, 1500),
    10000: (600, 3000),
    20000: (1200, 6000),
    50000: (3000, 15000),
}
FILTER_SETS: dict[str, dict[str, object]] = {
    "no filters": {},
    "SE + sv": {"countries": ["SE"], "languages": ["sv"]},
    "person": {"situation": "unemployed"},
}
#: the richer start of the "person" runs: a home region (its country's routes first, its
#: presets in the matrix), a further qualification held, and the situation
HOMES = ["SE000", "FI001", "NO002"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


#: (figure, size) -> (median, p95) in ms of CPU time, for the growth exponents
GROWTH: dict[tuple[str, int], tuple[float, float]] = {}


def p95_of(ms: list[float]) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95_of(ms):7.1f} ms   max {ms[-1]:7.1f} ms   (n={len(ms)})"


class Timed:
    """Wall and CPU times of calls."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, fn: Callable[[], object]) -> None:
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - start)

    def report(self, figure: str, size: int) -> str:
        cpu = [t * 1000 for t in self.cpu]
        GROWTH[(figure, size)] = (statistics.median(cpu), p95_of(cpu))
        return f"{stats(self.wall)}   cpu median {statistics.median(cpu):7.1f} p95 {p95_of(cpu):7.1f} ms"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def exponent(points: list[tuple[int, float]]) -> float:
    """e of t ~ n^e, least squares over (n, t) on the logarithms."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-3)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def print_growth(sizes: list[int]) -> None:
    if len(sizes) < 2:
        return
    print(f"\n== growth exponents over {', '.join(f'{n:,}' for n in sizes)} courses (CPU time) ==")
    for figure in dict.fromkeys(f for f, _ in GROWTH):
        points = [(n, GROWTH[(figure, n)]) for n in sizes if (figure, n) in GROWTH]
        if len(points) >= 2:
            med = exponent([(n, m) for n, (m, _) in points])
            p95 = exponent([(n, p) for n, (_, p) in points])
            print(f"{figure:<40} median {med:5.2f}   p95 {p95:5.2f}")


def make_store(folder: Path, courses: int, roles: int, skills: int) -> KnowledgeGraph:
    source = folder / "graph.nt"
    with source.open("w", encoding="utf-8") as out:
        out.writelines(generate(courses, roles, skills))
    kg = KnowledgeGraph(
        Settings.from_env({"BATTKG_STORE": str(folder / "store"), "BATTKG_ESCO_DIR": ""})
    )
    with kg.store.writer() as w:
        w.bulk_extend(  # the writer interface has no bulk_load: parse, then bulk insert
            in_graph(
                ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES),
                ox.NamedNode(kg.iris.graph("bench")),
            )
        )
    return kg


@contextlib.contextmanager
def server(store: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}
    cmd = [
        sys.executable,
        "-m",
        "battkg.cli",
        "serve",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run_size(courses: int, queries: int, matrices: int, http: bool) -> None:
    roles, skills = SHAPES.get(courses, (courses * 3 // 50, courses * 3 // 10))
    print(f"\n== {courses:,} courses, {roles:,} roles, {skills:,} skills ==")
    with tempfile.TemporaryDirectory(prefix="battkg-bench-") as tmp:
        t = time.perf_counter()
        kg = make_store(Path(tmp), courses, roles, skills)
        print(f"generate + load store        {time.perf_counter() - t:8.2f} s")
        before = rss_mb()
        t = time.perf_counter()
        model = model_of(kg)
        print(
            f"pathway model build          {time.perf_counter() - t:8.2f} s   (+{rss_mb() - before:.0f} MB RSS)"
        )
        from battkg.pathways.engine import warm_up  # here: pathways_ab.py imports this file

        t = time.perf_counter()
        warmed = warm_up(kg)
        print(
            f"warm-up of battkg serve       {time.perf_counter() - t:8.2f} s   ({warmed} matrix rows: "
            "each home country's presets, default and job-seeker filters)"
        )
        rng = random.Random(42)
        role_ids, profile_ids = sorted(model.roles), sorted(model.profiles)
        pairs = [(rng.choice(role_ids), rng.choice(profile_ids)) for _ in range(queries)]
        matrix_roles = [rng.choice(role_ids) for _ in range(matrices)]
        quals = sorted(model.qualification_level)
        people = [
            {
                "home": rng.choice(HOMES),
                "holds": [model.items[rng.choice(quals)]],
                "situation": "unemployed",
            }
            for _ in range(queries)
        ]
        for name, spec in FILTER_SETS.items():
            filters = make_filters(kg, **spec)  # type: ignore[arg-type]
            person = name == "person"
            starts = people if person else [{}] * len(pairs)
            cold = [
                timed(lambda p=p, f=filters: find_pathways(kg, role_ids[0], p, k=1, filters=f))
                for p in profile_ids
            ]
            single_t = Timed()
            for (r, p), s in zip(pairs, starts, strict=True):
                single_t(
                    lambda r=r, p=p, f=filters, s=s: find_pathways(kg, r, p, k=3, filters=f, **s)
                )
            answers = [
                find_pathways(kg, r, p, k=3, filters=filters, **s)
                for (r, p), s in zip(pairs, starts, strict=True)
            ]
            found = sum(a.found for a in answers)
            incomplete = sum(not a.complete for a in answers)
            matrix_t = Timed()
            for i, r in enumerate(matrix_roles):
                matrix_t(
                    lambda r=r, f=filters, h=HOMES[i % 3] if person else None: pathway_matrix(
                        kg,
                        r,
                        filters=f,
                        home=h,
                        situation="unemployed" if h else None,
                    )
                )
            print(f"[{name}] first query per profile (closure)  {stats(cold)}")
            print(
                f"[{name}] single query, k=3, in process      {single_t.report(name + ' single', courses)}   "
                f"found {found}/{len(pairs)}, not proven best {incomplete}"
            )
            rows = len(
                pathway_matrix(
                    kg, matrix_roles[0], filters=filters, home=HOMES[0] if person else None
                ).rows
            )
            print(
                f"[{name}] matrix ({rows} rows), in process  {matrix_t.report(name + ' matrix', courses)}"
            )
            if http and not person:
                with (
                    server(kg.settings.store) as url,
                    httpx.Client(base_url=url, timeout=120) as client,
                ):
                    params = {
                        "country": spec.get("countries", []),
                        "language": spec.get("languages", []),
                    }
                    client.get(
                        "/pathways/matrix", params={"role": role_ids[0], **params}
                    )  # warm-up
                    single = [
                        timed(
                            lambda r=r, p=p, q=params: client.get(
                                "/pathways", params={"role": r, "entry": p, **q}
                            )
                        )
                        for r, p in pairs
                    ]
                    matrix = [
                        timed(
                            lambda r=r, q=params: client.get(
                                "/pathways/matrix", params={"role": r, **q}
                            )
                        )
                        for r in matrix_roles
                    ]
                print(f"[{name}] single query, k=3, over HTTP       {stats(single)}")
                print(f"[{name}] matrix, over HTTP                  {stats(matrix)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--queries", type=int, default=200, help="single queries per filter set")
    parser.add_argument("--matrices", type=int, default=20, help="matrix queries per filter set")
    parser.add_argument("--no-http", action="store_true", help="skip the uvicorn measurements")
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    for size in args.sizes:
        run_size(size, args.queries, args.matrices, not args.no_http)
    print_growth(args.sizes)


if __name__ == "__main__":
    main()
