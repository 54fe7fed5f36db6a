"""Two versions of the pathway engine side by side: the same generated store and queries,
each version in its own process, alternating, so that the shared machine's load falls on both.

A version is a source tree (a checkout or `git archive` of a commit, with its src/). The
queries are pathways_bench.py's, per filter set (`--sets`; by default "person": a preset, a
further qualification held, a home region and the situation `unemployed`; single queries
with k = 3 and matrices of the home country's presets). Prints wall and CPU time (median / p95, ms) per version and round, and the
ratio of the CPU times (before / after) over all rounds.

    git archive main | tar -x -C /tmp/before
    python bench/pathways_ab.py --before /tmp/before --after . --size 50000
    python bench/pathways_ab.py --before /tmp/before --sets 'no filters' 'SE + sv' person
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pathways_bench import FILTER_SETS, HOMES, SHAPES, make_store, p95_of


def measure(
    store: Path, queries: int, matrices: int, name: str = "person"
) -> dict[str, list[float]]:
    """In a child process: one filter set's single and matrix times (wall and CPU, ms), with
    the queries of pathways_bench.py."""
    from battkg.kg import KnowledgeGraph
    from battkg.pathways.engine import find_pathways, make_filters, model_of, pathway_matrix
    from battkg.settings import Settings

    kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
    model = model_of(kg)
    from battkg.pathways import engine

    if hasattr(engine, "warm_up"):  # what battkg serve warms, where the version has it
        engine.warm_up(kg)
    rng = random.Random(42)  # the choices of pathways_bench.py
    role_ids, profile_ids = sorted(model.roles), sorted(model.profiles)
    pairs = [(rng.choice(role_ids), rng.choice(profile_ids)) for _ in range(queries)]
    matrix_roles = [rng.choice(role_ids) for _ in range(matrices)]
    quals = sorted(model.qualification_level)
    people = [(rng.choice(HOMES), model.items[rng.choice(quals)]) for _ in range(queries)]
    person = name == "person"
    filters = make_filters(kg, **FILTER_SETS[name])  # type: ignore[arg-type]
    for p in profile_ids:  # the bench's first query per profile, not measured
        find_pathways(kg, role_ids[0], p, k=1, filters=filters)
    out: dict[str, list[float]] = {"single": [], "single_cpu": [], "matrix": [], "matrix_cpu": []}
    for (role, entry), (home, held) in zip(pairs, people, strict=True):
        extra: dict[str, object] = (
            {"home": home, "holds": [held], "situation": "unemployed"} if person else {}
        )
        wall, cpu = time.perf_counter(), time.process_time()
        find_pathways(kg, role, entry, k=3, filters=filters, **extra)  # type: ignore[arg-type]
        out["single_cpu"].append((time.process_time() - cpu) * 1000)
        out["single"].append((time.perf_counter() - wall) * 1000)
    for i, role in enumerate(matrix_roles):
        home = HOMES[i % 3] if person else None
        wall, cpu = time.perf_counter(), time.process_time()
        pathway_matrix(
            kg, role, filters=filters, home=home, situation="unemployed" if home else None
        )
        out["matrix_cpu"].append((time.process_time() - cpu) * 1000)
        out["matrix"].append((time.perf_counter() - wall) * 1000)
    return out


def run_version(
    tree: Path, store: Path, queries: int, matrices: int, name: str
) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve() / "src")}
    cmd = [sys.executable, __file__, "--child", str(store), str(queries), str(matrices), name]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    result: dict[str, list[float]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def figure(ms: list[float]) -> str:
    return f"{statistics.median(ms):7.1f} / {p95_of(ms):7.1f}"


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        got = measure(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        print(json.dumps(got))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="source tree of the old code")
    parser.add_argument("--after", type=Path, default=Path("."), help="source tree of the new")
    parser.add_argument("--size", type=int, default=50000, help="courses")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--matrices", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--sets", nargs="+", default=["person"], choices=list(FILTER_SETS), help="filter sets"
    )
    args = parser.parse_args()
    roles, skills = SHAPES.get(args.size, (args.size * 3 // 50, args.size * 3 // 10))
    totals: dict[tuple[str, str], dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="battkg-ab-") as tmp:
        make_store(Path(tmp), args.size, roles, skills)
        print(f"{args.size:,} courses; ms median / p95 (wall, then CPU)")
        for n in range(1, args.rounds + 1):
            for name in args.sets:
                for side in ("before", "after"):
                    tree = args.before if side == "before" else args.after
                    got = run_version(tree, Path(tmp) / "store", args.queries, args.matrices, name)
                    for key, values in got.items():
                        totals.setdefault((name, side), {}).setdefault(key, []).extend(values)
                    print(
                        f"round {n} [{name}] {side:<6} single {figure(got['single'])}"
                        f"  cpu {figure(got['single_cpu'])}   matrix {figure(got['matrix'])}"
                        f"  cpu {figure(got['matrix_cpu'])}   load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
    for name in args.sets:
        for key in ("single_cpu", "matrix_cpu"):
            old, new = totals[(name, "before")][key], totals[(name, "after")][key]
            print(
                f"[{name}] {key:<11} before {figure(old)}  after {figure(new)}  ratio "
                f"{statistics.median(old) / statistics.median(new):.2f}x / {p95_of(old) / p95_of(new):.2f}x"
            )


if __name__ == "__main__":
    main()
