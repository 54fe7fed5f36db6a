"""What the /guide/gaps page shows, made from a gap report: the charts and their tables, the
method and reason texts in the page's language, and a link to the source of every number."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..i18n import N_
from . import charts
from .inputs import LEVELS, Inputs
from .service import labeller

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

Gettext = Callable[[str], str]
METHODS = {
    "stated": N_("hires a year, as the source states"),
    "period": N_("hires planned for %(start)s-%(end)s, divided by %(years)s year(s)"),
    "ramp-up": N_(
        "jobs planned by %(year)s, spread over the %(years)s years since the plan was published (%(published)s)"
    ),
    "turnover": N_(
        "headcount times a turnover of %(rate)s a year (the rate you gave, not the source's)"
    ),
    "unknown": N_("the figure is unknown"),
    "no-period": N_("a hiring plan without a stated period has no yearly figure"),
    "no-target": N_(
        "a plan of jobs has a yearly figure only with a target year after its publication"
    ),
    "no-turnover": N_("a headcount is demand per year only with a stated turnover rate"),
    "not-yearly": N_(
        "this kind of figure is not demand per year and is never compared with places"
    ),
}


def local(kg: KnowledgeGraph, iri: str) -> str:
    """A battkg IRI as this service's own page (/id/...), other IRIs as they are."""
    base = kg.iris.base
    return iri[len(base) :] if iri.startswith(base + "/id/") else iri


def _figure(fig: dict[str, Any] | None) -> tuple[int | None, int | None]:
    return (fig or {}).get("low"), (fig or {}).get("high")


def page_data(
    kg: KnowledgeGraph, inputs: Inputs, report: dict[str, Any], lang: str, _: Gettext
) -> dict[str, Any]:
    report = copy.deepcopy(report)  # the report is cached and shared with the API: never change it
    label = labeller(kg, lang)
    vocab = kg.iris.thing("vocab", "")
    measure = {m: label(vocab + "measure-" + m) for m in charts.MEASURE_ORDER}
    level = {lv: label(vocab + "edu-" + lv) for lv in LEVELS}
    status = {s: label(vocab + "demand-" + s) for s in ("current", "superseded", "void")}
    rows = report["rows"]
    for row in rows:
        code, values = row["per_year_code"], row["per_year_values"]
        row["method_text"] = _(METHODS[code]) % values if code in METHODS else ""
        demand = row["demand"]
        if demand:
            demand["href"] = local(kg, demand["id"])
            demand["figure_href"] = local(kg, demand["figure_source"] or demand["id"])
    regions = [r for r in report["regions"] if r["region"]["id"] != kg.iris.thing("region", "FR")]
    stages = [s for s in inputs.stages if not s.endswith("/value-chain")]
    stage_index = {s: j for j, s in enumerate(stages)}
    region_index = {r["region"]["id"]: i for i, r in enumerate(regions)}
    cells: dict[tuple[int, int], charts.Cell] = {}
    for row in rows:
        i = region_index.get(row["region"]["id"])
        j = stage_index.get(row["stage"]["id"])
        if i is None or j is None:
            continue
        low, high = _figure(row["capacity"]["places"])
        offers = row["capacity"]["offers"]
        old = cells.get((i, j))
        demand = (old.demand if old else 0) + (1 if row["demand"] else 0)
        cells[(i, j)] = charts.Cell(
            places=low if offers else None,
            open_high=high is None,
            demand=demand,
            tip=f"{row['region']['label']}, {row['stage']['label']}: "
            + _("%(places)s places a year in %(offers)s running offers")
            % {"places": low, "offers": offers},
            href=row["capacity"]["source"],
        )
    heat = charts.heatmap(
        [r["region"]["label"] for r in regions],
        [label(s) for s in stages],
        cells,
        title=_("Places a year of running offers, by region and value-chain stage"),
        description=_(
            "Each cell gives the known places a year of running offers in the region that lead to a role of the stage (+: some places are unknown); a dot marks a cell with a current demand estimate. The table below gives the same figures."
        ),
        chart_id="heat",
    )
    level_charts = []
    for region in regions:
        if region["region"]["id"] not in {
            kg.iris.thing("region", c) for c in ("SE", "FI", "NO")
        } and not report["filters"].get("region"):
            continue
        bars = []
        for entry in region["levels"]:
            cap = entry["capacity"]
            name = (
                level.get(entry["level"], _("level unknown"))
                if entry["level"]
                else _("level unknown")
            )
            low, high = _figure(cap["places"]) if cap else (None, None)
            bars.append(
                charts.LevelBar(
                    label=name,
                    places=low if cap and cap["offers"] else None,
                    open_high=high is None,
                    tip=f"{name}: {low}",
                )
            )
        level_charts.append(
            {
                "region": region,
                "svg": charts.level_bars(
                    bars,
                    title=_("Places a year by education level: %(region)s")
                    % {"region": region["region"]["label"]},
                    description=_(
                        "Known places a year of running offers that lead to a battery role, by education level. No demand figure is split by level."
                    ),
                    chart_id="levels-" + region["region"]["id"].rsplit("/", 1)[-1],
                    unknown=_("no running offer"),
                ),
                "bars": bars,
            }
        )
    history = report["history"]
    timeline_rows = sorted({h["region"]["label"] for h in history})
    points = []
    for h in history:
        h["href"] = local(kg, h["id"])
        h["figure_href"] = local(kg, h["figure_source"] or h["id"])
        year = (
            h["year"]
            or (h["period"][0] if h["period"] else None)
            or (int(h["published"][:4]) if h["published"] else None)
        )
        if year is None:
            continue
        low, high = _figure(h["figure"])
        points.append(
            charts.Point(
                row=timeline_rows.index(h["region"]["label"]),
                year=year,
                measure=h["measure"],
                current=h["status"] == "current",
                tip=f"{h['label']} ({measure.get(h['measure'], h['measure'])}, {status.get(h['status'], h['status'])})",
                href=local(kg, h["id"]),
            )
        )
    timeline = charts.timeline(
        timeline_rows,
        points,
        title=_("Demand estimates over time, by region"),
        description=_(
            "Each estimate at its year (or the year it was published), one colour per measure; hollow when superseded or void. Figures of different measures are never added."
        ),
        chart_id="timeline",
    )
    skills: dict[str, dict[str, Any]] = {}
    for region in regions:
        for s in region["missing_skills"]:
            found = skills.setdefault(
                s["id"],
                {"label": s["label"], "href": local(kg, s["id"]), "roles": set(), "regions": set()},
            )
            found["roles"] |= set(s["roles"])
            found["regions"].add(region["region"]["label"])
    top_skills = sorted(skills.values(), key=lambda s: (-len(s["roles"]), s["label"]))[:15]
    return {
        "title": _("Demand and training capacity"),
        "heatmap": heat,
        "stages": [(s, label(s)) for s in stages],
        "level_charts": level_charts,
        "timeline": timeline,
        "top_skills": top_skills,
        "rows": rows,
        "regions": regions,
        "measure": measure,
        "level": level,
        "status": status,
        "history": history,
        "roles": sorted(((r, label(r)) for r in inputs.role_stages), key=lambda x: x[1]),
        "local": lambda iri: local(kg, iri),
    }
