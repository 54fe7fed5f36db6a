"""The gap rows as CSV: one line per row, every figure with its kind, confidence and source."""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = (
    "region",
    "region_label",
    "stage",
    "stage_label",
    "level",
    "demand_split_note",
    "estimate",
    "estimate_label",
    "measure",
    "status",
    "demand_low",
    "demand_high",
    "demand_confidence",
    "demand_year",
    "demand_published",
    "demand_sources",
    "demand_per_year_low",
    "demand_per_year_high",
    "demand_per_year_method",
    "demand_per_year_note",
    "places_low",
    "places_high",
    "places_confidence",
    "offers",
    "offers_with_unknown_places",
    "online_places",
    "capacity_source",
    "difference_low",
    "difference_high",
    "note",
)


def rows_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report["rows"]:
        demand = row["demand"] or {}
        yearly = row["demand_per_year"] or {}
        cap = row["capacity"]
        diff = row["difference"] or {}
        figure = demand.get("figure") or {}
        writer.writerow(
            [
                row["region"]["id"],
                row["region"]["label"],
                row["stage"]["id"],
                row["stage"]["label"],
                row["level"] or "",
                row["split"]["note"] or "",
                demand.get("id", ""),
                demand.get("label", ""),
                demand.get("measure", ""),
                demand.get("status", ""),
                _n(figure.get("low")),
                _n(figure.get("high")),
                demand.get("confidence", ""),
                _n(demand.get("year")),
                demand.get("published") or "",
                " ".join(demand.get("sources", [])),
                _n(yearly.get("low")),
                _n(yearly.get("high")),
                yearly.get("method") or "",
                row["demand_per_year_note"] or "",
                _n(cap["places"]["low"]),
                _n(cap["places"]["high"]),
                cap["confidence"],
                cap["offers"],
                cap["offers_with_unknown_places"],
                cap["online_places"],
                cap["source"],
                _n(diff.get("low")),
                _n(diff.get("high")),
                row["note"] or "",
            ]
        )
    return out.getvalue()


def _n(value: object) -> str:
    return "" if value is None else str(value)
