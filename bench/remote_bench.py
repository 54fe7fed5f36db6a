"""Embedded store against the Oxigraph server, side by side: named queries, pathways, a full build.

    .venv/bin/python bench/remote_bench.py [--esco] [--reps 30] [--dataset union|explicit]

Starts an Oxigraph server (pip install oxigraph) on a free loopback port with its
data in a temporary folder, builds the same inputs into an embedded store and into
the server (timing the remote build), then runs every named query (with sample
parameters) and a set of pathway searches through battkg on both and prints
median and p95 latencies and their ratios. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import find_pathways, model_of
from battkg.settings import PROJECT_ROOT, Settings

ESCO = PROJECT_ROOT.parent / "shared" / "esco"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).is_file():
        binary = shutil.which("oxigraph") or sys.exit("the Oxigraph server is not installed")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(100):
        try:
            httpx.get(url, timeout=1)
            return process, f"sparql+{url}"
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("the Oxigraph server did not start")


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def sample_params(kg: KnowledgeGraph, name: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for param in kg.queries.get(name).params:
        if param.required:
            prefix = f"{kg.iris.base}/id/{param.kind.partition(':')[2] or 'role'}/"
            rows = kg.select(
                "SELECT ?x ?prefix WHERE { ?x a ?c FILTER(STRSTARTS(STR(?x), ?prefix)) } "
                "ORDER BY ?x LIMIT 1",
                prefix=ox.Literal(prefix),
            )
            params[param.name] = rows[0]["x"].value if rows else "x"
    return params


def run_named(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> Callable[[], object]:
    def call() -> object:
        _, result = kg.run_named(name, params)
        return list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)

    return call


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--esco", action="store_true", help="include full ESCO (../shared/esco)")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--dataset", choices=("union", "explicit"), default="union")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="battkg-remote-bench-"))
    esco = str(ESCO) if args.esco else ""
    process, store = start_server(tmp / "server")
    try:
        embedded = KnowledgeGraph(
            Settings.from_env({"BATTKG_STORE": str(tmp / "embedded"), "BATTKG_ESCO_DIR": esco})
        )
        t0 = time.perf_counter()
        embedded.build()
        build_embedded = time.perf_counter() - t0
        remote = KnowledgeGraph(
            Settings.from_env(
                {
                    "BATTKG_STORE": store,
                    "BATTKG_ESCO_DIR": esco,
                    "BATTKG_SPARQL_DATASET": args.dataset,
                }
            ).with_(store=tmp / "local")
        )
        t0 = time.perf_counter()
        report = remote.build()
        build_remote = time.perf_counter() - t0
        triples = sum(report.triples.values())
        print(f"# remote store bench ({'with' if args.esco else 'without'} ESCO, "
              f"dataset={args.dataset}, {args.reps} runs each)")  # fmt: skip
        print(f"full build: embedded {build_embedded:.1f} s, into the Oxigraph server "
              f"{build_remote:.1f} s ({triples:,} triples)")  # fmt: skip
        print("\n## named queries (seconds)")
        print(
            f"{'query':<34} {'emb med':>8} {'emb p95':>8} {'rem med':>8} {'rem p95':>8} {'p95 x':>6}"
        )
        all_e: list[float] = []
        all_r: list[float] = []
        for named in embedded.queries.all():
            params = sample_params(embedded, named.name)
            e = timed(run_named(embedded, named.name, params), args.reps)
            r = timed(run_named(remote, named.name, params), args.reps)
            all_e += e
            all_r += r
            print(f"{named.name:<34} {statistics.median(e):8.4f} {p95(e):8.4f} "
                  f"{statistics.median(r):8.4f} {p95(r):8.4f} {p95(r) / p95(e):6.2f}")  # fmt: skip
        print(f"{'ALL':<34} {statistics.median(all_e):8.4f} {p95(all_e):8.4f} "
              f"{statistics.median(all_r):8.4f} {p95(all_r):8.4f} {p95(all_r) / p95(all_e):6.2f}")  # fmt: skip

        print("\n## pathways")
        for kg, label in ((embedded, "embedded"), (remote, "remote")):
            t0 = time.perf_counter()
            model_of(kg)
            print(f"model load ({label}): {time.perf_counter() - t0:.2f} s")
        model = model_of(embedded)
        pairs = [(r, p) for r in sorted(model.roles)[:10] for p in sorted(model.profiles)[:3]]
        lat: dict[str, list[float]] = {}
        for kg, label in ((embedded, "embedded"), (remote, "remote")):
            lat[label] = []
            for role, entry in pairs:
                search = functools.partial(find_pathways, kg, role, entry, k=3)
                lat[label] += timed(search, max(3, args.reps // 5))
        e, r = lat["embedded"], lat["remote"]
        print(f"find_pathways k=3, {len(pairs)} pairs: embedded median {statistics.median(e) * 1000:.1f} ms "
              f"p95 {p95(e) * 1000:.1f} ms; remote median {statistics.median(r) * 1000:.1f} ms "
              f"p95 {p95(r) * 1000:.1f} ms; p95 ratio {p95(r) / p95(e):.2f}")  # fmt: skip
    finally:
        process.terminate()
        process.wait(20)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
