"""The gap report as plain text for the terminal."""

from __future__ import annotations

from typing import Any


def _range(fig: dict[str, Any] | None) -> str:
    if not fig:
        return "-"
    low, high = fig.get("low"), fig.get("high")
    if low is None and high is None:
        return "unknown"
    if low == high:
        return f"{low:,}"
    if high is None:
        return f"{low:,} or more"
    if low is None:
        return f"up to {high:,}"
    return f"{low:,}-{high:,}"


def render_report(report: dict[str, Any]) -> str:
    lines = [f"gap analysis, data version {report['version']}", ""]
    for row in report["rows"]:
        demand = row["demand"]
        cap = row["capacity"]
        head = f"{row['region']['label']} | {row['stage']['label']}"
        if row["level"]:
            head += f" | {row['level']}"
        lines.append(head)
        if demand:
            lines.append(
                f"  demand    {_range(demand['figure'])} ({demand['measure']}, {demand['confidence']}) "
                f"{demand['label']}"
            )
            yearly = row["demand_per_year"]
            if yearly:
                lines.append(f"  per year  {_range(yearly)}: {yearly['method']}")
            else:
                lines.append(f"  per year  none: {row['demand_per_year_note']}")
            if row["split"]["note"]:
                lines.append(f"  split     {row['split']['note']}")
        else:
            lines.append(f"  demand    {row['note']}")
        lines.append(
            f"  places    {_range(cap['places'])} a year in {cap['offers']} running offers "
            f"({cap['offers_with_unknown_places']} with unknown places, {cap['confidence']})"
        )
        if row["difference"]:
            lines.append(f"  gap       {_range(row['difference'])} a year")
    lines.append("")
    for region in report["regions"]:
        missing = ", ".join(s["label"] for s in region["missing_skills"][:5])
        lines.append(
            f"{region['region']['label']}: {len(region['roles_without_course'])} of "
            f"{region['demanded_roles']} demanded roles without a running course; "
            f"{region['missing_skills_total']} skills no running course teaches"
            + (f" (most needed: {missing})" if missing else "")
            + (f"; {len(region['overlaps'])} overlaps" if region["overlaps"] else "")
        )
    return "\n".join(lines) + "\n"
