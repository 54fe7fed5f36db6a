"""The gap per region x stage (x education level): one row per current demand estimate against
the capacity of its region and scope, and a capacity-only row where a region has no demand data.

Every row carries the estimate's own measure, status, confidence and sources; a row never adds
two estimates, and only demand per year (with its method) is set against places per year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .capacity import Capacity, CapacityIndex, level_table, stage_table
from .figures import PerYear, difference, per_year
from .inputs import LEVELS, Estimate, Inputs, Offer
from .regional import regional_parts

Label = Callable[[str], str]
#: more than this share of what two courses teach in common (Jaccard) makes them an overlap
OVERLAP_THRESHOLD = 0.6
MAIN_STAGES = 8  # an estimate for this many stages or more is for the whole value chain


@dataclass(frozen=True)
class GapQuery:
    country: str | None = None
    region: str | None = None
    stage: str | None = None
    level: str | None = None
    year: int | None = None
    kind: str | None = None
    turnover: float | None = None


def scope_regions(inputs: Inputs, query: GapQuery) -> list[str]:
    regions = [r for r in inputs.country_of if not r.endswith("/region/EU")]
    if query.region:
        regions = [r for r in regions if r == query.region]
    if query.country:
        regions = [r for r in regions if inputs.country_of.get(r) == query.country]
    return sorted(regions)


def estimate_matches(e: Estimate, query: GapQuery) -> bool:
    if query.kind and e.measure != query.kind:
        return False
    if query.level and e.level != query.level:
        return False
    if query.year is not None and query.year not in e.years():
        return False
    return not (query.stage and query.stage not in e.stages)


def estimate_json(e: Estimate, label: Label) -> dict[str, object]:
    return {
        "id": e.iri,
        "label": e.label,
        "measure": e.measure,
        "kind": e.kind,
        "status": e.status,
        "status_reason": e.reason,
        "superseded_by": e.superseded_by,
        "region": {"id": e.where, "label": label(e.where)},
        "figure": {"low": e.low, "high": e.high},
        "confidence": e.confidence,
        "year": e.year,
        "period": [e.period_start, e.period_end] if e.period_start is not None else None,
        "published": e.published,
        "level": e.level,
        "level_note": None if e.level else NOT_SPLIT_BY_LEVEL,
        "stages": sorted(e.stages),
        "roles": [{"id": r, "label": label(r)} for r in sorted(e.roles)],
        "sources": list(e.sources),
        "figure_source": e.figure_source or (e.sources[0] if e.sources else None),
    }


def _scope(e: Estimate, label: Label) -> dict[str, object]:
    if e.roles:
        stages = sorted(e.stages)
        return {"id": " ".join(stages), "label": ", ".join(label(s) for s in stages)}
    if len(e.stages) >= MAIN_STAGES:
        return {"id": "value-chain", "label": "whole value chain"}
    stages = sorted(e.stages)
    return {"id": " ".join(stages), "label": ", ".join(label(s) for s in stages)}


def _capacity_source(region: str, stages: Iterable[str], roles: Iterable[str]) -> str:
    parts = ["status=running", f"region={region}"]
    roles, stages = list(roles), list(stages)
    if roles:
        parts.append(f"role={roles[0]}")
    elif len(stages) == 1:
        parts.append(f"stage={stages[0]}")
    return "/queries/gap-capacity?" + "&".join(parts)


#: what a row says when its demand is not split (issue 13: say so rather than splitting it)
NOT_SPLIT_BY_LEVEL = "the source does not split this figure by education level: it is not divided among levels, and level rows show capacity alone"
NOT_SPLIT_BY_ROLE = (
    "the source does not split this figure by role: it counts for every role of its stages together"
)
NO_LEVEL_SPLIT_HERE = "no source splits demand in this region by education level: capacity alone"


def split_json(e: Estimate | None) -> dict[str, object]:
    """Whether the row's demand figure is split by education level and by role, and a note
    saying so when it is not."""
    if e is None:
        return {"by_level": False, "by_role": False, "note": NO_LEVEL_SPLIT_HERE}
    notes = [
        n for n, split in ((NOT_SPLIT_BY_LEVEL, e.level), (NOT_SPLIT_BY_ROLE, e.roles)) if not split
    ]
    return {"by_level": bool(e.level), "by_role": bool(e.roles), "note": "; ".join(notes) or None}


def row_for(
    e: Estimate, cap: Capacity, label: Label, query: GapQuery, *, level: str | None
) -> dict[str, object]:
    yearly: PerYear = per_year(e, query.turnover)
    diff = difference(yearly.figure, cap.places) if yearly.figure is not None else None
    return {
        "region": {"id": e.where, "label": label(e.where)},
        "stage": _scope(e, label),
        "roles": [{"id": r, "label": label(r)} for r in sorted(e.roles)],
        "level": level,
        "demand": estimate_json(e, label),
        "demand_per_year": None
        if yearly.figure is None
        else {"kind": "demand-per-year", **yearly.figure.json(), "method": yearly.method},
        "demand_per_year_note": yearly.reason,
        "per_year_code": yearly.code,
        "per_year_values": dict(yearly.values),
        "capacity": cap.json(_capacity_source(e.where, e.stages, e.roles)),
        "difference": None
        if diff is None
        else {"kind": "demand-per-year-minus-places-per-year", **diff.json()},
        "comparable": diff is not None,
        "split": split_json(e),
        "note": None,
    }


def capacity_row(
    region: str, stage: str, level: str | None, cap: Capacity, label: Label
) -> dict[str, object]:
    return {
        "region": {"id": region, "label": label(region)},
        "stage": {"id": stage, "label": label(stage)},
        "roles": [],
        "level": level,
        "demand": None,
        "demand_per_year": None,
        "demand_per_year_note": None,
        "per_year_code": "",
        "per_year_values": {},
        "capacity": cap.json(_capacity_source(region, [stage], [])),
        "difference": None,
        "comparable": False,
        "split": split_json(None),
        "note": "no demand data for this region and stage: capacity alone",
    }


def analyse(
    inputs: Inputs, query: GapQuery, label: Label, extra: Iterable[Offer] = ()
) -> dict[str, object]:
    index = CapacityIndex(inputs, extra)
    regions = scope_regions(inputs, query)
    in_scope = set(regions)
    current = [e for e in inputs.estimates if e.status == "current"]
    rows: list[dict[str, object]] = []
    demanded: set[tuple[str, str]] = set()
    for e in current:
        if e.where not in in_scope or not estimate_matches(e, query):
            continue
        stages = frozenset() if e.roles else e.stages
        cap = index.capacity(e.where, stages, e.roles, query.level)
        rows.append(row_for(e, cap, label, query, level=query.level))
        if len(e.stages) == 1:
            demanded.add((e.where, next(iter(e.stages))))
    per_region = []
    for region in regions:
        table = stage_table(index, region)
        for (stage, level), cap in sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            if level != query.level or (query.stage and stage != query.stage):
                continue
            if (region, stage) not in demanded and query.kind is None:
                rows.append(capacity_row(region, stage, level, cap, label))
        levels = level_table(index, region)
        has_demand = any(e.where == region for e in current)
        per_region.append(
            {
                "region": {"id": region, "label": label(region)},
                "country": inputs.country_of.get(region),
                "has_demand": has_demand,
                "message": None if has_demand else "no demand data for this region: capacity alone",
                "levels": [
                    {
                        "level": lv,
                        "capacity": levels[lv].json(_capacity_source(region, [], []))
                        if lv in levels
                        else None,
                        "demand_split_by_level": (
                            split := any(e.level == lv and e.where == region for e in current)
                        ),
                        "demand_note": None if split else NO_LEVEL_SPLIT_HERE,
                    }
                    for lv in (*LEVELS, None)
                ],
                **regional_parts(inputs, index, region, current, label, OVERLAP_THRESHOLD),
            }
        )
    history = [
        estimate_json(e, label)
        for e in inputs.estimates
        if e.where in in_scope and (query.kind is None or e.measure == query.kind)
    ]
    return {
        "version": inputs.version,
        "filters": {k: v for k, v in query.__dict__.items() if v is not None},
        "overlap_threshold": OVERLAP_THRESHOLD,
        "links_stored": inputs.links_stored,
        "years": list(inputs.years) if inputs.years else None,
        "rows": rows,
        "regions": per_region,
        "history": history,
    }
