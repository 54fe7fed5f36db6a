"""Plain-text renderings of pathway answers, for the terminal (`battkg pathway`)."""

from __future__ import annotations

from .answer import Reason, RouteView
from .engine import MatrixAnswer, PathwayAnswer


def render_answer(answer: PathwayAnswer) -> str:
    entry = answer.entry.label if answer.entry else "(what the person holds)"
    lines = [f"{entry} -> {answer.role.label}"]
    if answer.filters:
        lines.append("filters: " + ", ".join(f"{k}={_value(v)}" for k, v in answer.filters.items()))
    if not answer.found:
        lines.append("no route:")
        lines += _reasons(answer.reasons)
        return "\n".join(lines)
    for route in answer.routes:
        lines += ["", *_route(route)]
    lines += ["", *_reasons([r for r in answer.reasons if r.code != "already-qualified"])]
    if not answer.complete:
        lines.append(
            "(the exact search stopped at its limit: these are the best routes found, not proven shortest)"
        )
    return "\n".join(lines).rstrip() + "\n"


def _route(route: RouteView) -> list[str]:
    head = f"route {route.rank}: {route.total_weeks:g} weeks, {len(route.steps)} step(s)"
    if route.total_fee_eur:
        head += f", fees about {route.total_fee_eur:,.0f} EUR"
    lines = [head]
    if not route.steps:
        lines.append("  already meets the role's requirement")
    for n, step in enumerate(route.steps, 1):
        where = ", ".join(p.label for p in step.providers)
        place = step.municipality or ", ".join(p.label for p in step.places)
        mode = step.mode.label if step.mode else ""
        lines.append(f"  {n}. {step.course.label} ({step.weeks:g} weeks)")
        lines.append(f"     {where}; {place}; {'/'.join(step.languages)}; {mode}")
        if step.requires:
            lines.append(f"     requires: {step.requires.text}")
        awards = [a.label for a in step.awards]
        if awards:
            lines.append(f"     awards: {', '.join(awards)}")
    lines.append(
        f"  essential skills covered: {route.essential_skills_covered} of {route.essential_skills_total}"
    )
    for missing in route.missing_essential_skills:
        fills = (
            ", ".join(f"{c.course.label} ({c.weeks:g} w)" for c in missing.short_courses)
            or "no course teaches it"
        )
        lines.append(f"    missing {missing.skill.label}: {fills}")
    return lines


def _reasons(reasons: list[Reason]) -> list[str]:
    return [f"  - {r.message}" for r in reasons]


def _value(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v).rsplit("/", 1)[-1] for v in value)
    return str(value)


def render_matrix(matrix: MatrixAnswer) -> str:
    lines = [f"best route to {matrix.role.label} from each entry profile (ranked by {matrix.rank})"]
    if matrix.filters:
        lines.append("filters: " + ", ".join(f"{k}={_value(v)}" for k, v in matrix.filters.items()))
    width = max((len(r.entry.label) for r in matrix.rows), default=10)
    lines.append("")
    lines.append(f"{'entry profile':<{width}}  {'weeks':>6}  {'steps':>5}  route")
    lines.append(f"{'-' * width}  {'-' * 6}  {'-' * 5}  {'-' * 40}")
    for row in matrix.rows:
        if row.found:
            route = " > ".join(c.label for c in row.courses) or "(already qualified)"
            lines.append(
                f"{row.entry.label:<{width}}  {row.total_weeks or 0:>6g}  {row.steps or 0:>5}  {route}"
            )
        else:
            why = row.reasons[0].message if row.reasons else ""
            lines.append(f"{row.entry.label:<{width}}  {'-':>6}  {'-':>5}  no route: {why}")
    return "\n".join(lines) + "\n"
