"""Validation and load times for generated partner course files (CSV and Turtle).

    python bench/validation_bench.py [--store DIR] [--sizes 1000,10000,100000] [--runs 3]
                                     [--engine fast|pyshacl] [--load 10000]

Validates generated course files of each size against the store (default: a
curated store built in a temporary folder; give --store /path for one with
ESCO) and prints the median and worst time of reading + validating. Then loads
--load courses into a copy of the store (never the store itself) and prints the
phases. Targets (issue 6): 10,000 courses validated in at most 15 s and loaded
in at most 30 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from battkg import datasets
from battkg.ingest import read_path
from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from battkg.validation import validate_files
from generate_partner_data import write_files


def store_for(args: argparse.Namespace, work: Path) -> Path:
    if args.store:
        return Path(args.store)
    store = work / "store"
    KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""})).build()
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", default="fast", choices=("fast", "pyshacl"))
    parser.add_argument("--load", type=int, default=10000, help="courses to load (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="battkg-bench-") as tmp:
        work = Path(tmp)
        store = store_for(args, work)
        kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
        print(f"store {store}; engine {args.engine}; load average {os.getloadavg()[0]:.1f}")
        print(
            f"{'courses':>8} {'format':<7} {'triples':>9} {'median s':>9} {'max s':>7}  phases (last run)"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            paths = write_files(size, work / f"c{size}")
            for path in paths:
                times, report = [], None
                for _ in range(args.runs if size <= 10000 else 1):
                    t0 = time.perf_counter()
                    report = validate_files(
                        kg, [read_path(path, kg.iris, max_bytes=1 << 40)], engine=args.engine
                    )
                    times.append(time.perf_counter() - t0)
                assert report is not None and report.conforms, report.to_text(limit=5)
                phases = " ".join(f"{k}={v:.1f}" for k, v in report.seconds.items())
                fmt = path.suffix[1:]
                triples = report.files[0].triples
                print(
                    f"{size:>8,} {fmt:<7} {triples:>9,} {statistics.median(times):>9.2f} {max(times):>7.2f}  {phases}"
                )
        if args.load:
            copy = work / "load-store"
            shutil.copytree(store, copy)
            target = KnowledgeGraph(
                Settings.from_env({"BATTKG_STORE": str(copy), "BATTKG_ESCO_DIR": ""})
            )
            (csv_path, _) = write_files(args.load, work / "load")
            for attempt in ("first load", "same data again", "rollback"):
                t0 = time.perf_counter()
                if attempt == "rollback":
                    datasets.rollback(target, "bench", 1)
                    print(f"{attempt:<16} {time.perf_counter() - t0:6.1f} s")
                    continue
                result = datasets.load(
                    target, [read_path(csv_path, target.iris)], "bench", publisher="bench"
                )
                total = time.perf_counter() - t0
                phases = " ".join(f"{k}={v:.1f}" for k, v in result.seconds.items())
                print(
                    f"{attempt:<16} {total:6.1f} s  ({args.load:,} courses, loaded={result.loaded}; {phases})"
                )


if __name__ == "__main__":
    main()
