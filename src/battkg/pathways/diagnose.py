"""Why there is no route: the requirement that cannot be met and the filter that removed it."""

from __future__ import annotations

from .answer import Describer, Reason
from .closure import Closure, filter_index_of, index_of, unmet_parts
from .filters import Filters
from .model import PathwayModel, Requirement, RoleNode, Start
from .search import find_routes

BLOCKERS_SHOWN = 3


def no_route_reasons(
    model: PathwayModel,
    start: Start,
    role: RoleNode,
    filters: Filters,
    rank: str,
    describe: Describer,
) -> list[Reason]:
    """Reasons, most useful first, why no route leads from `start` to `role` under `filters`."""
    req = role.requirement
    if req is None:
        return [
            Reason(
                "role-without-requirement",
                "the role states no entry requirement, so no route can reach it",
            )
        ]
    if not req.has_alternatives():
        return [
            Reason(
                "requirement-without-way-in",
                "the role's requirement accepts no qualification, level or prior learning",
            )
        ]
    closure = _closure(model, start, filters)
    if req.met(closure.held, closure.level, start.experience):
        return _too_long(model, start, role, filters, rank)
    reasons = _unmet(model, req, closure, start, describe)
    if not filters.active():
        return reasons
    if not req.met(*_reach(model, start, Filters()), start.experience):
        return [*reasons, Reason("unreachable", "no route exists even without filters")]
    culprits = []
    for name in filters.active():
        if name == "max_weeks":
            continue
        held, level = _reach(model, start, filters.without(name))
        if req.met(held, level, start.experience):
            culprits.append(name)
    for name in culprits:
        value = filters.active()[name]
        reasons.insert(
            0,
            Reason(
                "filter-removed-last-option",
                f"the filter {name}={value} removed the last option; without it a route exists",
                {"filter": name, "value": value},
            ),
        )
    if not culprits:
        reasons.insert(
            0,
            Reason(
                "filters-together",
                "the filters together remove every route: dropping any one of them still leaves none, "
                "dropping all of them gives one",
            ),
        )
    return reasons


def _closure(model: PathwayModel, start: Start, filters: Filters) -> Closure:
    return index_of(model).closure(start, filter_index_of(model).allowed(filters), filters)


def _reach(model: PathwayModel, start: Start, filters: Filters) -> tuple[set[int], float]:
    found = _closure(model, start, filters)
    return found.held, found.level


def _too_long(
    model: PathwayModel, start: Start, role: RoleNode, filters: Filters, rank: str
) -> list[Reason]:
    assert role.requirement is not None
    best = find_routes(
        model, start, role.requirement, filters.without("max_weeks"), k=1, rank="duration"
    )
    if filters.max_weeks is not None and best.routes:
        weeks = best.routes[0].weeks
        return [
            Reason(
                "longer-than-maximum",
                f"the shortest route takes {weeks:g} weeks, more than the maximum of {filters.max_weeks:g}",
                {"shortest_weeks": weeks, "max_weeks": filters.max_weeks},
            )
        ]
    return [
        Reason(
            "search-limit",
            "the search stopped at its limit before it found a route; narrow the filters",
        )
    ]


def _unmet(
    model: PathwayModel, req: Requirement, closure: Closure, start: Start, d: Describer
) -> list[Reason]:
    reasons = []
    for kind, what in unmet_parts(req, closure, start.experience):
        if kind == "alternatives":
            view = d.requirement(req)
            reasons.append(
                Reason(
                    "qualification-out-of-reach",
                    f"none of the ways into the role can be reached: {view.text if view else ''}",
                    {"accepts": [r.id for r in d.items(req.accepts)], "levels": list(req.levels)},
                )
            )
            continue
        skill = d.item(what)  # type: ignore[arg-type]
        teachers = model.awarders.get(what, [])  # type: ignore[call-overload]
        if not teachers:
            reasons.append(
                Reason(
                    "skill-not-taught",
                    f"no course teaches the required skill {skill.label}",
                    {"skill": skill.id},
                )
            )
            continue
        blocked = []
        for idx in teachers[:BLOCKERS_SHOWN]:
            course = model.courses[idx]
            needs = d.requirement(course.requirement)
            blocked.append(
                {
                    "course": course.iri,
                    "label": d.ref(course.iri).label,
                    "requires": needs.text if needs else "",
                }
            )
        reasons.append(
            Reason(
                "skill-out-of-reach",
                f"the required skill {skill.label} is taught by {len(teachers)} course(s), none of which can be entered (under the filters)",
                {"skill": skill.id, "courses": blocked},
            )
        )
    return reasons
