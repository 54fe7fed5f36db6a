"""An audit of the curated graph's best routes for degree holders (issue 10).

A counsellor would not send a person with a degree (EQF 6 or above) through a long
programme that awards nothing at their level. This counts the (preset, home, role) cells
whose best route (k=1) has such a step: longer than 40 weeks, awarding no qualification
at or above the person's level. Country-aware presets are asked at home; country-neutral
ones in each of Skellefteå (SE331), Keski-Pohjanmaa (FI1D5) and Nordland (NO071).

Print the figures: `.venv/bin/python -m tests.route_audit`; list the cells too with
`--cases`; reuse a built store with `--store DIR` (otherwise a temporary one is built).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import find_pathways
from battkg.pathways.loader import load_model
from battkg.settings import Settings

HOMES = {"SE": "SE331", "FI": "FI1D5", "NO": "NO071"}
LONG_WEEKS = 40.0
DEGREE_LEVEL = 6.0


def audit(kg: KnowledgeGraph, show_cases: bool) -> list[str]:
    model = load_model(kg)
    lines: list[str] = []
    cells = 0
    cases: Counter[str] = Counter()
    gating: Counter[str] = Counter()
    for profile in sorted(model.profiles.values(), key=lambda p: p.iri):
        levels = [model.qualification_level.get(q, 0.0) for q in profile.qualifications]
        level = max(levels, default=0.0)
        if level < DEGREE_LEVEL:
            continue
        homes = [profile.country] if profile.country else sorted(HOMES)
        for country in homes:
            if country not in HOMES:
                continue
            for role in sorted(model.roles):
                answer = find_pathways(kg, role, profile.iri, k=1, home=HOMES[country])
                cells += 1
                if not answer.found or not answer.routes:
                    continue
                route = answer.routes[0]
                long_steps = [
                    s
                    for s in route.steps
                    if (s.weeks or 0.0) > LONG_WEEKS
                    and not any(
                        model.qualification_level.get(model.item_index.get(a.id, -1), 0.0) >= level
                        for a in s.awards
                    )
                ]
                if not long_steps:
                    continue
                cases[country] += 1
                met = [
                    c.text
                    for c in route.explanation.requirement
                    if c.kind == "skill" and c.met_by == "step"
                ]
                gating.update(met)
                if show_cases:
                    tail = lambda iri: iri.rsplit("/", 1)[1]  # noqa: E731
                    lines.append(
                        f"  {country} {tail(profile.iri)} -> {tail(role)}: "
                        + ", ".join(f"{tail(s.course.id)} ({s.weeks:g} wk)" for s in long_steps)
                        + (f"; for {', '.join(met)}" if met else "")
                    )
    total = sum(cases.values())
    lines.insert(
        0,
        f"degree holders' best routes with a step > {LONG_WEEKS:g} weeks awarding nothing "
        f"at their level: {total} of {cells} cells "
        + "("
        + ", ".join(f"{c} {cases[c]}" for c in sorted(HOMES))
        + ")",
    )
    lines.insert(1, "required skills those routes' steps meet (cells):")
    for i, (skill, n) in enumerate(gating.most_common(12)):
        lines.insert(2 + i, f"  {n:4d}  {skill}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.route_audit", description=__doc__)
    parser.add_argument("--cases", action="store_true", help="list every cell counted")
    parser.add_argument("--store", type=Path, help="a built store to reuse")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
        if args.store is None:
            kg.build()
        print("\n".join(audit(kg, args.cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
