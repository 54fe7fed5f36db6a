"""Foundation figures: full build with ESCO (time per phase), service start time, memory, triples per graph.

    .venv/bin/python bench/build_bench.py [--runs 3]

Prints medians over the runs; nothing is asserted. Needs ../shared/esco (or BATTKG_ESCO_DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from proctree import tree_memory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident memory of the service and every process below it (serving processes, query
    workers started from any thread): the whole tree, bench/proctree.py."""
    return tree_memory(pid)[0]


def serve_once(store: Path) -> tuple[float, float]:
    port = free_port()
    env = dict(os.environ, BATTKG_STORE=str(store))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "battkg.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.perf_counter() - started > 60:
                    raise
                time.sleep(0.02)
        ready = time.perf_counter() - started
        base = f"http://127.0.0.1:{port}"
        work = [
            "/health",
            "/queries/roles-by-stage",
            "/queries/role-essential-skills?role=electrode-coating-operator",
            "/pathways/matrix?role=cell-assembly-operator",
            "/pathways?role=process-technician&entry=compulsory-school-only",
            "/sparql?query=" + urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        ]
        for _ in range(10):
            for path in work:
                urllib.request.urlopen(base + path, timeout=60).read()
        return ready, rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    phases: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    base = Path(tempfile.mkdtemp(prefix="battkg-bench-"))
    try:
        for run in range(args.runs):
            store = base / f"store-{run}"
            settings = Settings.from_env(dict(os.environ, BATTKG_STORE=str(store)))
            if settings.esco_dir is None:
                sys.exit("ESCO is not available: set BATTKG_ESCO_DIR")
            report = KnowledgeGraph(settings).build(force=True)
            for phase, secs in report.seconds.items():
                phases.setdefault(phase, []).append(secs)
            sizes = report.triples
        noop = []
        kg = KnowledgeGraph(Settings.from_env(dict(os.environ, BATTKG_STORE=str(base / "store-0"))))
        for _ in range(args.runs):
            t0 = time.perf_counter()
            assert kg.build().noop
            noop.append(time.perf_counter() - t0)
        starts, memory = zip(*(serve_once(base / "store-0") for _ in range(args.runs)), strict=True)
        print(f"full build with ESCO, median of {args.runs} runs (target: total <= 60 s)")
        for phase, values in phases.items():
            print(f"  {phase:<16} {statistics.median(values):8.2f} s")
        print(f"  {'no-op rebuild':<16} {statistics.median(noop):8.2f} s")
        print(
            f"service ready (process start to first 200 on /health): median {statistics.median(starts):.2f} s (target <= 3 s)"
        )
        print(
            f"resident memory while serving (service and query workers, after named queries, pathways and SPARQL): median {statistics.median(memory):.0f} MiB (target <= 1024 MiB)"
        )
        print("triples per graph:")
        for graph, n in sorted(sizes.items()):
            print(f"  {n:>10,}  {graph}")
        print(f"  {sum(sizes.values()):>10,}  total")
        print(json.dumps({"phases_median_s": {k: statistics.median(v) for k, v in phases.items()},
                          "ready_s": statistics.median(starts), "rss_mib": statistics.median(memory)}))  # fmt: skip
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
