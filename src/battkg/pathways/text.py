"""Plain-text renderings of pathway answers, for the terminal (`battkg pathway`)."""

from __future__ import annotations

from .engine import MatrixAnswer, MatrixRow, PathwayAnswer
from .moves import MovesAnswer
from .views import Reason, RouteView


def render_answer(answer: PathwayAnswer) -> str:
    entry = answer.entry.label if answer.entry else "(what the person holds)"
    lines = [f"{entry} -> {answer.role.label}"]
    if answer.filters:
        lines.append("filters: " + ", ".join(f"{k}={_value(v)}" for k, v in answer.filters.items()))
    if not answer.found:
        lines.append("no route:")
        lines += _reasons(answer.reasons)
        if answer.nearest is not None:
            lines += ["", f"nearest route without {answer.nearest.without}:"]
            lines += _route(answer.nearest.route)
        return "\n".join(lines) + "\n"
    for route in answer.routes:
        lines += ["", *_route(route)]
    lines += ["", *_reasons(answer.reasons)]
    lines += [f"  ({note})" for note in answer.notes]
    if not answer.complete:
        lines.append(
            "(the exact search stopped at its limit: these are the best routes found, not proven shortest)"
        )
    return "\n".join(lines).rstrip() + "\n"


def _route(route: RouteView) -> list[str]:
    weeks = f"{'at least ' if route.total_weeks_is_lower_bound else ''}{route.total_weeks:g} weeks"
    if route.total_weeks_is_lower_bound and not route.total_weeks:
        weeks = "duration unknown"
    head = f"route {route.rank}: {weeks}, {len(route.steps)} step(s), facts {route.confidence}"
    if route.total_fee_eur is None:
        head += ", fee unknown"
    elif route.total_fee_eur:
        head += f", fees about {route.total_fee_eur:,.0f} EUR"
    lines = [head]
    for n, step in enumerate(route.steps, 1):
        where = ", ".join(p.label for p in step.providers)
        place = step.municipality or ", ".join(p.label for p in step.places)
        mode = step.mode.label if step.mode else ""
        length = f"{step.weeks:g} weeks" if step.weeks is not None else "duration unknown"
        lines.append(f"  {n}. {step.course.label} ({length}; {step.offer_status})")
        lines.append(f"     {where}; {place}; {'/'.join(step.languages)}; {mode}")
        if step.requires:
            lines.append(f"     requires: {step.requires.text}")
        awards = [a.label for a in step.awards]
        if awards:
            lines.append(f"     awards: {', '.join(awards)}")
    lines.append(
        f"  essential skills covered: {route.essential_skills_covered} of {route.essential_skills_total}"
    )
    lines += [f"  - {line}" for line in route.explanation.text]
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
    for table in matrix.tables:
        lines.append("")
        lines.append(f"[{table.country or 'not tied to a country'}]")
        lines += _table(table.rows, width)
    return "\n".join(lines) + "\n"


def _table(rows: list[MatrixRow], width: int) -> list[str]:
    lines = [f"{'entry profile':<{width}}  {'weeks':>6}  {'steps':>5}  route"]
    lines.append(f"{'-' * width}  {'-' * 6}  {'-' * 5}  {'-' * 40}")
    for row in rows:
        if row.found:
            route = " > ".join(c.label for c in row.courses) or "(already qualified)"
            lines.append(
                f"{row.entry.label:<{width}}  {row.total_weeks or 0:>6g}  {row.steps or 0:>5}  {route}"
            )
        else:
            why = row.reasons[0].message if row.reasons else ""
            lines.append(f"{row.entry.label:<{width}}  {'-':>6}  {'-':>5}  no route: {why}")
    return lines


def render_moves(found: MovesAnswer) -> str:
    lines = [f"lateral moves from {found.job.label} ({len(found.job_skills)} essential skills)"]
    for n, move in enumerate(found.moves, 1):
        lines.append("")
        lines.append(
            f"{n}. {move.role.label}: covers {move.essential_covered} of {move.essential_total} "
            f"essential skills ({move.share:.0%})"
        )
        lines.append("   shared: " + ", ".join(s.label for s in move.shared_skills))
        if move.route is None:
            lines += [f"   no bridging route: {why}" for why in move.reasons[:1]]
        elif not move.route.steps:
            lines.append("   already qualified")
        else:
            lines += ["   " + line for line in _route(move.route)]
    return "\n".join(lines) + "\n"
