"""Build figures: fresh build against `build --force`, growth with ESCO, gap links; then serving.

    .venv/bin/python bench/build_bench.py [--runs 3] [--baseline SRC] [--no-serve] [--json]

Every build is a real `battkg build --format json` process on a store of its own, so the
wall time is what a user waits for. A *fresh* build makes a new store; the same store is
then rebuilt with `--force`: the two are paired run by run, and the ratio is the median of
the pairs' ratios (the machine is shared: only figures measured side by side compare).
`--baseline SRC` (the `src` folder of another checkout) measures that code the same way,
alternating with this one, for a before/after table. ESCO is cut to 10% and 30% of each CSV
file's rows for the growth exponent (slope of log time over log ESCO triples). Gap links
(course-to-role links of the data version, gaps/links.py) are timed on their own after
a fresh build. Then a service is started on the built store and its start time and
memory measured. Prints markdown tables (or one JSON object with --json); asserts nothing.
Needs ../shared/esco (or BATTKG_ESCO_DIR).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from battkg.settings import Settings
from proctree import tree_memory

FRACTIONS = (0.1, 0.3, 1.0)
csv.field_size_limit(1 << 24)  # ESCO has long multi-line fields


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


def cut_esco(source: Path, target: Path, fraction: float) -> Path:
    """A copy of the ESCO zips holding the first `fraction` of every CSV file's rows."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("esco_*.zip")):
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(target / path.name, "w") as out:
            for name in src.namelist():
                text = src.read(name).decode("utf-8-sig")
                if not name.endswith(".csv"):
                    out.writestr(name, text)
                    continue
                rows = list(csv.reader(io.StringIO(text, newline="")))
                keep = rows[: 1 + math.ceil((len(rows) - 1) * fraction)]
                buffer = io.StringIO(newline="")
                csv.writer(buffer, lineterminator="\n").writerows(keep)
                out.writestr(name, buffer.getvalue())
    return target


def run_build(store: Path, esco: Path, src: str | None, *, force: bool) -> dict[str, Any]:
    """One `battkg build` process: its wall time and the build's own report."""
    env = dict(os.environ, BATTKG_STORE=str(store), BATTKG_ESCO_DIR=str(esco))
    if src:
        env["PYTHONPATH"] = src
    command = [sys.executable, "-m", "battkg.cli", "build", "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*command, *(["--force"] if force else [])], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}):\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    # user + system time of the build process and its threads: what the build costs the
    # machine whatever else runs on it
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"wall": wall, "cpu": cpu, **report}


def time_links(store: Path, esco: Path, src: str | None) -> float:
    """Seconds to compute and store the gap links of a freshly built store, in a new process."""
    env = dict(os.environ, BATTKG_STORE=str(store), BATTKG_ESCO_DIR=str(esco))
    if src:
        env["PYTHONPATH"] = src
    code = (
        "import time\nfrom battkg.kg import KnowledgeGraph\nfrom battkg.settings import Settings\n"
        "from battkg.gaps.links import ensure_links\nkg = KnowledgeGraph(Settings.from_env())\n"
        "kg.reader()\nt = time.perf_counter()\nensure_links(kg)\nprint(time.perf_counter() - t)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"gap links failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.split()[-1])


def exponent(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(seconds) over log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="src folder of another checkout, measured alongside")
    parser.add_argument("--no-growth", action="store_true", help="skip ESCO at 10% and 30%")
    parser.add_argument("--no-links", action="store_true", help="skip the gap links")
    parser.add_argument("--no-serve", action="store_true", help="skip the service figures")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    args = parser.parse_args()
    settings = Settings.from_env()
    if settings.esco_dir is None:
        sys.exit("ESCO is not available: set BATTKG_ESCO_DIR")
    codes: dict[str, str | None] = {"this": None}
    if args.baseline:
        codes = {"baseline": str(Path(args.baseline).resolve()), "this": None}
    load_at_start = os.getloadavg()
    base = Path(tempfile.mkdtemp(prefix="battkg-bench-"))
    results: dict[str, dict[str, Any]] = {c: {"fresh": [], "force": [], "growth": {}, "links": []} for c in codes}  # fmt: skip
    try:
        escos = {1.0: settings.esco_dir}
        if not args.no_growth:
            for fraction in FRACTIONS[:-1]:
                escos[fraction] = cut_esco(settings.esco_dir, base / f"esco-{fraction}", fraction)
        for run in range(args.runs):
            for code, src in codes.items():  # alternating: the codes see the same load
                store = base / f"{code}-{run}"
                fresh = run_build(store, settings.esco_dir, src, force=False)
                force = run_build(store, settings.esco_dir, src, force=True)
                results[code]["fresh"].append(fresh)
                results[code]["force"].append(force)
                if not args.no_links:
                    results[code]["links"].append(time_links(store, settings.esco_dir, src))
                if run < args.runs - 1 or args.no_serve:
                    shutil.rmtree(store, ignore_errors=True)
                for fraction, esco in escos.items():
                    if fraction < 1.0:
                        cut = run_build(base / f"{code}-{run}-{fraction}", esco, src, force=False)
                        results[code]["growth"].setdefault(fraction, []).append(cut)
                        shutil.rmtree(base / f"{code}-{run}-{fraction}", ignore_errors=True)
        summary: dict[str, Any] = {code: summarise(r) for code, r in results.items()}
        summary["load_average"] = {"start": load_at_start, "end": os.getloadavg()}
        if not args.no_serve:
            store = base / f"this-{args.runs - 1}"
            starts, memory = zip(*(serve_once(store) for _ in range(args.runs)), strict=True)
            summary["serve"] = {"ready_s": median(list(starts)), "rss_mib": median(list(memory))}
        if args.json:
            print(json.dumps(summary, indent=2))
        else:
            print_tables(summary, args.runs)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    fresh, force = result["fresh"], result["force"]
    ratios = [b["wall"] / a["wall"] for a, b in zip(fresh, force, strict=True)]
    phases = sorted({k for r in fresh for k in r["seconds"]}, key=list(fresh[0]["seconds"]).index)
    out: dict[str, Any] = {
        "fresh_s": median([r["wall"] for r in fresh]),
        "force_s": median([r["wall"] for r in force]),
        "fresh_cpu_s": median([r["cpu"] for r in fresh]),
        "force_cpu_s": median([r["cpu"] for r in force]),
        "force_over_fresh": median(ratios),
        "fresh_phases_s": {p: median([r["seconds"].get(p, 0.0) for r in fresh]) for p in phases},
        "force_phases_s": {p: median([r["seconds"].get(p, 0.0) for r in force]) for p in phases},
        "triples": fresh[-1]["triples"],
        "links_s": median(result["links"]),
    }
    esco_graph = next((g for g in out["triples"] if g.endswith("/graph/esco")), None)
    if result["growth"] and esco_graph:
        points = {1.0: fresh, **result["growth"]}
        rows = []
        for fraction in sorted(points):
            runs = points[fraction]
            rows.append({
                "fraction": fraction,
                "esco_triples": runs[-1]["triples"].get(esco_graph, 0),
                "build_s": median([r["wall"] for r in runs]),
                "reasoning_s": median([r["seconds"]["reasoning"] for r in runs]),
            })  # fmt: skip
        out["growth"] = rows
        out["growth_exponent_build"] = exponent([(r["esco_triples"], r["build_s"]) for r in rows])
        out["growth_exponent_reasoning"] = exponent(
            [(r["esco_triples"], r["reasoning_s"]) for r in rows]
        )
    return out


def print_tables(summary: dict[str, Any], runs: int) -> None:
    codes = [c for c in ("baseline", "this") if c in summary]
    print(
        f"## Build with full ESCO and reasoning (median of {runs} paired runs, wall time of `battkg build`)\n"
    )
    print("| what | " + " | ".join(codes) + " | target |")
    print("| --- | " + " | ".join("---" for _ in codes) + " | --- |")
    rows = [
        ("fresh build", "fresh_s", "{:.1f} s", "<= 15 s, stretch 10 s"),
        ("`build --force` on the built store", "force_s", "{:.1f} s", ""),
        ("force / fresh (median of pairs)", "force_over_fresh", "{:.2f}x", "<= 1.1x"),
        ("CPU time of the fresh build (user + system)", "fresh_cpu_s", "{:.1f} s", "reported"),
        ("CPU time of `build --force`", "force_cpu_s", "{:.1f} s", "reported"),
        ("gap links after a fresh build", "links_s", "{:.1f} s", "reported"),
        ("growth exponent, build (ESCO 10/30/100%)", "growth_exponent_build", "{:.2f}", "near 1"),
        ("growth exponent, reasoning", "growth_exponent_reasoning", "{:.2f}", "near 1"),
    ]
    for label, key, fmt, target in rows:
        cells = [fmt.format(summary[c][key]) if key in summary[c] else "-" for c in codes]
        print(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    for kind in ("fresh", "force"):
        print(f"\n### Phases of the {kind} build (seconds inside the build, median)\n")
        print("| phase | " + " | ".join(codes) + " |")
        print("| --- | " + " | ".join("---" for _ in codes) + " |")
        phases = list(summary[codes[-1]][f"{kind}_phases_s"])
        for phase in phases:
            cells = [
                f"{summary[c][f'{kind}_phases_s'].get(phase, float('nan')):.2f}" for c in codes
            ]
            print(f"| {phase} | " + " | ".join(cells) + " |")
    this = summary["this"]
    if "growth" in this:
        print("\n### Growth with ESCO (this code)\n")
        print("| ESCO rows | ESCO triples | build | reasoning |")
        print("| --- | --- | --- | --- |")
        for row in this["growth"]:
            print(
                f"| {row['fraction']:.0%} | {row['esco_triples']:,} | {row['build_s']:.1f} s | {row['reasoning_s']:.1f} s |"
            )
    if "serve" in summary:
        serve = summary["serve"]
        print("\n### Serving the built store\n")
        print("| what | median | target |")
        print("| --- | --- | --- |")
        print(
            f"| service ready (process start to first 200 on /health) | {serve['ready_s']:.2f} s | <= 3 s |"
        )
        print(
            f"| resident memory (service and its query workers) | {serve['rss_mib']:.0f} MiB | <= 1024 MiB |"
        )
    start, end = (
        " ".join(f"{x:.1f}" for x in summary["load_average"][k]) for k in ("start", "end")
    )
    print(f"\nLoad average (1, 5, 15 min) at the start: {start}; at the end: {end}.")
    print("\n### Triples per graph after a full build\n")
    print("| graph | triples |")
    print("| --- | --- |")
    for graph, n in sorted(this["triples"].items()):
        print(f"| {graph} | {n:,} |")
    print(f"| total | {sum(this['triples'].values()):,} |")


if __name__ == "__main__":
    main()
