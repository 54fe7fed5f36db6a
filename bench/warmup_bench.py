"""The first requests of a data version, with and without the serving process's warm-up.

    .venv/bin/python bench/warmup_bench.py --store var/store --rounds 3

Each round opens the store in a fresh KnowledgeGraph (no cached value) twice, in alternating
order: once as the app factory leaves it (`warm_up=False`: the first request that needs the
pathway model, the guide's directory or the gap inputs computes them) and once as
`battkg serve` runs it (`warm_up=True`: the service computes them in the background at start;
the requests are sent once it has). Printed: the median wall time of each first request in
both, and how long the warm-up took (what a request arriving during it would wait at most).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from battkg.web.app import create_app

ROLE = "cell-assembly-operator"
PERSON = f"role={ROLE}&entry=compulsory-school-only&home=SE331"
FIRST_REQUESTS = [
    ("/pathways", f"/pathways?{PERSON}", "application/json"),
    ("routes page sv", f"/guide/routes?{PERSON}&lang=sv", "text/html"),
    ("guide form", "/guide?lang=fi", "text/html"),
    ("gap page", "/guide/gaps?lang=sv", "text/html"),
    ("/gaps", "/gaps", "application/json"),
]


def one_round(store: Path, *, warm: bool) -> tuple[dict[str, float], float]:
    kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store)}))
    times: dict[str, float] = {}
    warm_s = 0.0
    with TestClient(create_app(kg=kg, warm_up=warm)) as client:
        if warm:
            started = time.perf_counter()
            warming = client.app.state.warm_up  # type: ignore[attr-defined]
            while not warming.warmed:
                time.sleep(0.01)
            warm_s = time.perf_counter() - started
        for name, url, accept in FIRST_REQUESTS:
            start = time.perf_counter()
            answer = client.get(url, headers={"Accept": accept})
            times[name] = (time.perf_counter() - start) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")
    return times, warm_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a built store (battkg build)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = Path(args.store)
    cold: dict[str, list[float]] = {name: [] for name, _, _ in FIRST_REQUESTS}
    hot: dict[str, list[float]] = {name: [] for name, _, _ in FIRST_REQUESTS}
    warm_ups: list[float] = []
    for i in range(args.rounds):
        order = (False, True) if i % 2 == 0 else (True, False)
        for warm in order:
            times, warm_s = one_round(store, warm=warm)
            for name, ms in times.items():
                (hot if warm else cold)[name].append(ms)
            if warm:
                warm_ups.append(warm_s)
    print(f"store {store}, {args.rounds} rounds, each with and without warm-up (alternating)")
    print()
    print("| first request of a data version | without warm-up | after the warm-up |")
    print("| --- | --- | --- |")
    for name, _, _ in FIRST_REQUESTS:
        print(
            f"| {name} | {statistics.median(cold[name]):,.0f} ms "
            f"| {statistics.median(hot[name]):,.0f} ms |"
        )
    print()
    print(f"warm-up in the background, from start: median {statistics.median(warm_ups):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
