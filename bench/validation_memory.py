"""Peak memory of one validation against the size of its input (issue 14, item 4).

    .venv/bin/python bench/validation_memory.py [--store DIR] [--rows 2000,10000,40000]

For each size, generated course files (CSV and the same courses as Turtle) are
validated the way POST /validate does it: in a fresh child process
(battkg.uploads.validate_job, forked by battkg.isolation). The bench prints
the input size, the child's peak RSS, what it needed beyond a child that
validated an empty file (the baseline: Python, battkg, the shapes, the store
opened), and the ratio of that extra memory to the input. The goal is
extra <= 10x the input; the default upload limit (BATTKG_MAX_UPLOAD_BYTES) is
chosen so that baseline + limit x worst ratio stays under 1 GiB.

Without --store a curated store is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from battkg.isolation import Upload
from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from battkg.uploads import validate_job
from generate_partner_data import write_files

MiB = 1024 * 1024


def _measure(settings: Settings, upload: Upload, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    started = time.perf_counter()
    report = validate_job(settings, [upload], None, None, 1 << 40)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out.put((peak, time.perf_counter() - started, len(report.faults), report.things))


def measure(settings: Settings, upload: Upload) -> tuple[int, float, int, int]:
    ctx = multiprocessing.get_context("forkserver")
    queue = ctx.Queue()
    process = ctx.Process(target=_measure, args=(settings, upload, queue))
    process.start()
    result = queue.get(timeout=1800)
    process.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", help="a built store (default: a curated one, built here)")
    parser.add_argument("--rows", default="2000,10000,40000", help="courses per file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = Path(args.store) if args.store else work / "store"
        settings = Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""})
        if not args.store:
            KnowledgeGraph(settings).build()
        base, *_ = measure(settings, Upload("empty.csv", "text/csv", b"id,name_en\n"))
        print(f"baseline (empty file): peak RSS {base / MiB:,.0f} MiB")
        print(
            f"{'input':<22} {'bytes':>12} {'peak RSS':>10} {'extra':>10} {'extra/input':>12} {'s':>6}"
        )
        worst = 0.0
        for rows in [int(r) for r in args.rows.split(",")]:
            csv_path, ttl_path = write_files(rows, work / f"c{rows}")
            for path, media in ((csv_path, "text/csv"), (ttl_path, "text/turtle")):
                data = path.read_bytes()
                peak, seconds, _faults, _things = measure(settings, Upload(path.name, media, data))
                extra = max(peak - base, 0)
                ratio = extra / len(data)
                worst = max(worst, ratio)
                label = f"{rows:,} courses {path.suffix[1:]}"
                print(
                    f"{label:<22} {len(data):>12,} {peak / MiB:>8,.0f} M {extra / MiB:>8,.0f} M "
                    f"{ratio:>11.1f}x {seconds:>6.1f}"
                )
        default = Settings.from_env({}).max_upload_bytes
        print(
            f"\nworst multiple {worst:.1f}x (goal <= 10x); at the default limit of "
            f"{default / MiB:.0f} MiB one upload needs about "
            f"{(base + worst * default) / MiB:,.0f} MiB (goal < 1024 MiB)"
        )


if __name__ == "__main__":
    main()
