"""Benchmark GET /gaps (all regions) over HTTP: on the curated graph, and on a generated graph
of 50,000 courses and 5,000 demand estimates.

For each graph: build or load a store, compute (curated) or write (generated) the
course-to-role links, start a real uvicorn server on 127.0.0.1, warm it up, then time
`GET /gaps` for all regions. The first request of a data version reads the named queries and
is reported apart ("cold"); the percentiles are over the following requests. Targets (issue
13): p95 <= 200 ms on the curated graph, <= 2 s with 50k courses and 5k estimates.

On the generated graph the served links are a simpler rule read off the generated triples (a
course leads to the roles whose entry requires a skill it teaches), because the engine's rule
(gaps/reach.py) does not finish at that size: the request's cost depends on how many links
there are, not on how they were found. The engine's rule is timed on a sample instead (the
first entry profile and country, role after role, within `--link-budget` seconds), and the figure it
prints is a lower bound on the whole computation (every start and country).

    .venv/bin/python bench/gaps_bench.py                  # both graphs
    .venv/bin/python bench/gaps_bench.py --skip-large --requests 50
    .venv/bin/python bench/gaps_bench.py --link-budget 0   # no sample of the engine's rule
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
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
from battkg.gaps.links import write_links
from battkg.gaps.reach import ReverseSearch
from battkg.kg import KnowledgeGraph
from battkg.pathways.filters import Filters
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


def simple_links(lines: list[str]) -> frozenset[tuple[str, str]]:
    """A course leads to a role whose entry requires a skill the course teaches (read off the
    generated N-Triples: course requirements are `requirement/cN`, roles' `requirement/role-rN`)."""
    teaches, required = ONT + "teachesSkill", ONT + "requiresSkill"
    teachers: dict[str, list[str]] = {}
    needs: list[tuple[str, str]] = []
    for line in lines:
        s, p, o = line.split(" ", 2)
        if p == f"<{teaches}>":
            teachers.setdefault(o[:-3], []).append(s[1:-1])
        elif p == f"<{required}>" and "/requirement/role-" in s:
            needs.append((s[1:-1].replace("/requirement/role-", "/role/"), o[:-3]))
    return frozenset((c, role) for role, skill in needs for c in teachers.get(skill, ()))


class _OverBudget(Exception):
    pass


def sample_rule(kg: KnowledgeGraph, budget: float) -> None:
    """Time the engine's rule (links_of) on its first start and country, one role after
    another, until `budget` seconds have passed; print what it covered and the lower bound."""
    t = time.perf_counter()
    model = load_model(kg)
    print(f"  pathway model read in {time.perf_counter() - t:.1f} s")
    codes = sorted({model.region_country.get(r, "") for c in model.courses for r in c.regions})
    places = [Filters(countries=frozenset({kg.iris.thing("region", c)})) for c in codes if c]
    distinct: dict[tuple[object, ...], str] = {}
    for iri in sorted(model.profiles):
        p = model.profiles[iri]
        distinct.setdefault((frozenset(p.qualifications), frozenset(p.skills), p.experience), iri)
    searches = (1 + len(distinct)) * max(1, len(places))
    # the first entry profile (holding nothing reaches few roles, so it would say little)
    first = model.profiles[next(iter(distinct.values()))] if distinct else None
    roles = [model.roles[r].requirement for r in sorted(model.roles)]

    def stop(_signum: int, _frame: object) -> None:
        raise _OverBudget

    done, found = 0, 0
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, budget)
    t = time.perf_counter()
    try:
        search = ReverseSearch(model, model.start(first), places[0] if places else Filters())
        for requirement in roles:
            if requirement is not None:
                found += len(search.leading_to(requirement))
            done += 1
    except _OverBudget:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    spent = time.perf_counter() - t
    share = done / max(1, len(roles))
    print(
        f"  engine's rule (reach.py), sampled: {done:,} of {len(roles):,} roles of 1 of "
        f"{searches} searches (start x country) in {spent:.1f} s ({found:,} links)"
    )
    if done < len(roles):
        print(
            f"  the whole computation: not finished within the budget; at least {spent:.0f} s "
            f"for {share:.1%} of one search of {searches} (target: minutes)"
        )
    else:
        print(
            f"  the whole computation: about {spent * searches / 60:.0f} min ({searches} searches)"
        )


def large(courses: int, estimates: int, requests: int, budget: float) -> None:
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
        t = time.perf_counter()
        pairs = simple_links(lines)
        del lines
        write_links(kg, pairs, kg.version())
        print(
            f"  served links (simpler rule: course teaches a skill the role requires): "
            f"{len(pairs):,} pairs, written in {time.perf_counter() - t:.1f} s"
        )
        if budget > 0:
            sample_rule(kg, budget)
        kg.store.close()
        measure(store, requests, f"{courses:,} courses + {estimates:,} estimates")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--courses", type=int, default=50000)
    parser.add_argument("--estimates", type=int, default=5000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument(
        "--link-budget", type=float, default=60.0,
        help="seconds to time the engine's link rule on a sample at 50k (0: skip)",
    )  # fmt: skip
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    curated(args.requests)
    if not args.skip_large:
        large(args.courses, args.estimates, max(10, args.requests // 5), args.link_budget)


if __name__ == "__main__":
    main()
