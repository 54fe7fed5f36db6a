"""Server time of every web page on the curated graph: p50 and p95 per page, in process
(the ASGI app through Starlette's test client, as a browser asks: Accept text/html).

    .venv/bin/python bench/pages_bench.py                     # builds the curated graph in a temp dir
    .venv/bin/python bench/pages_bench.py --store var/store --requests 50

Target (issue 12): p95 <= 100 ms for every page; the gap page with its charts <= 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.settings import Settings
from battkg.web.app import create_app

TARGET_MS = 100.0
GAP_PAGE_TARGET_MS = 300.0  # the gap page draws its charts
ROLE = "cell-assembly-operator"
PERSON = f"role={ROLE}&entry=compulsory-school-only&home=SE331&experience=1"
PAGES = [
    ("start page", "/?lang=sv"),
    ("guide form", "/guide?lang=fi"),
    ("routes sv", f"/guide/routes?{PERSON}&lang=sv"),
    ("routes fi", f"/guide/routes?{PERSON}&lang=fi"),
    (
        "routes nb, unemployed, cross_border=0",
        f"/guide/routes?{PERSON}&lang=nb&situation=unemployed&cross_border=0",
    ),
    ("routes en, k=5, sv only", f"/guide/routes?{PERSON}&lang=en&k=5&language=sv"),
    ("matrix with home", f"/guide/matrix?role={ROLE}&home=SE331&lang=sv"),
    ("matrix, every country", f"/guide/matrix?role={ROLE}&lang=en"),
    ("role profile", f"/guide/roles/{ROLE}?lang=nb"),
    ("course profile", "/guide/courses/{course}?lang=sv"),
    ("upload form", "/validate?lang=en"),
    ("/id/ page", f"/id/role/{ROLE}?lang=fi"),
    ("unknown role page", "/guide/routes?role=cell-asembly&lang=sv"),
    ("error page", "/no/such/page?lang=fi"),
]
#: pages with their own target
SLOWER_PAGES = [
    ("gap page, charts", "/guide/gaps?lang=sv", GAP_PAGE_TARGET_MS),
    ("gap page, one country", "/guide/gaps?country=FI&lang=fi", GAP_PAGE_TARGET_MS),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a built store (default: build the curated graph)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="battkg-pages-") as tmp:
        store = args.store or str(Path(tmp) / "store")
        kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": store, "BATTKG_ESCO_DIR": ""}))
        if not args.store:
            print("building the curated graph ...", file=sys.stderr)
            kg.build()
        client = TestClient(create_app(kg=kg))
        headers = {"accept": "text/html"}
        role_page = client.get(f"/guide/roles/{ROLE}", headers=headers).text
        course = role_page.split('href="/guide/courses/', 1)[1].split('"', 1)[0]
        print(
            f"{'page':<26} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95 <= {TARGET_MS:g} ms"
        )
        worst = 0.0  # as a share of each page's target
        missed = []
        for name, url, target in [(n, u, TARGET_MS) for n, u in PAGES] + SLOWER_PAGES:
            url = url.format(course=course)
            first = client.get(url, headers=headers)  # warm: templates, caches of this filter set
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                client.get(url, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            worst = max(worst, p95 / target)
            if p95 > target:
                missed.append(name)
            own = "" if target == TARGET_MS else f"  (target p95 <= {target:g} ms)"
            print(
                f"{name:<26} {first.status_code:>6} {statistics.median(times):>8.1f} {p95:>8.1f} {times[-1]:>8.1f}{own}"
            )
        verdict = "meets every target" if not missed else f"misses on {', '.join(missed)}"
        print(f"worst p95 {worst:.0%} of its page's target: {verdict}")
        return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
