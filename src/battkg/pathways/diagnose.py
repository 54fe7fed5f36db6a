"""Why there is no route: the requirement that cannot be met, the filter or offer rule that
removed the last option, and the nearest route without it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .closure import Closure, index_of, unmet_parts
from .filters import Filters
from .model import PathwayModel, Requirement, RoleNode, Start
from .search import find_routes
from .views import Reason, RouteView

if TYPE_CHECKING:
    from .answer import Describer

BLOCKERS_SHOWN = 3
#: the filters (field names) that may block every route, with the parameter that sets each
PARAMETERS = {
    "countries": "country",
    "regions": "region",
    "languages": "language",
    "modes": "mode",
    "free_only": "free_only",
    "max_weeks": "max_weeks",
    "statuses": "offer_status",
    "audiences": "audience",
    "online": "online",
    "stay_in": "cross_border",
}


def _relaxed(filters: Filters, name: str) -> Filters:
    """The filters without one of them; for offer status and audience: any."""
    if name in ("statuses", "audiences"):
        return replace(filters, **{name: frozenset()})  # type: ignore[arg-type]
    return filters.without(name)


def _blocking(filters: Filters) -> list[str]:
    """The filters set on a search that could be what blocks it."""
    names = [n for n in filters.active() if n in PARAMETERS]
    if filters.statuses:
        names.append("statuses")
    if filters.audiences:
        names.append("audiences")
    if not filters.online:
        names.append("online")
    if filters.stay_in:
        names.append("stay_in")
    return names


def no_route_reasons(
    model: PathwayModel,
    start: Start,
    role: RoleNode,
    filters: Filters,
    rank: str,
    d: Describer,
) -> list[Reason]:
    """Reasons, most useful first, why no route leads from `start` to `role` under `filters`."""
    w = d.words
    req = role.requirement
    if req is None:
        return [
            Reason(
                "role-without-requirement",
                w.text("The role states no entry requirement, so no route can reach it."),
            )
        ]
    if not req.has_alternatives():
        return [
            Reason(
                "requirement-without-way-in",
                w.text("The role's requirement accepts no qualification, level or prior learning."),
            )
        ]
    closure = _closure(model, start, filters)
    if req.met(closure.held, closure.level, start.experience):
        return _too_long(model, start, role, filters, d)
    reasons = _unmet(model, req, closure, start, d)
    everything = replace(filters.without("max_weeks"), statuses=frozenset(), audiences=frozenset())
    for name in ("countries", "regions", "languages", "modes", "free_only", "online", "stay_in"):
        everything = everything.without(name)
    culprits = [
        n
        for n in _blocking(filters)
        if n != "max_weeks" and _reaches(model, start, req, _relaxed(filters, n))
    ]
    # without every filter a route exists if it does without one of them (fewer filters, more
    # courses): the closure without any is made only when no single filter is the culprit
    if not culprits and not _reaches(model, start, req, everything):
        return [
            *reasons,
            Reason(
                "unreachable", w.text("No route exists even without filters: an offer is missing.")
            ),
        ]
    for name in culprits:
        parameter = PARAMETERS[name]
        reasons.insert(
            0,
            Reason(
                "filter-removed-last-option",
                w.text(
                    "The filter {parameter} removed the last option; without it a route exists.",
                    parameter=parameter,
                )
                if name not in ("statuses", "audiences")
                else w.text(
                    "Only offers outside the default ({parameter}) lead there; ask for them with {parameter}=....",
                    parameter=parameter,
                ),
                {"filter": parameter, "value": filters.active().get(name, _value(filters, name))},
            ),
        )
    if not culprits:
        reasons.insert(
            0,
            Reason(
                "filters-together",
                w.text(
                    "The filters together remove every route: dropping any one of them still leaves none, dropping all of them gives one."
                ),
            ),
        )
    return reasons


def nearest_without(
    model: PathwayModel, start: Start, role: RoleNode, filters: Filters, rank: str, d: Describer
) -> tuple[str, RouteView] | None:
    """The best route without the first filter whose removal gives one (max_weeks included)."""
    req = role.requirement
    if req is None:
        return None
    for name in _blocking(filters):
        relaxed = _relaxed(filters, name)
        found = find_routes(model, start, req, relaxed, k=1, rank=rank)
        if found.routes:
            return PARAMETERS[name], d.route(1, found.routes[0], start, role, relaxed)
    return None


def home_route_of_unknown_status(
    model: PathwayModel, start: Start, role: RoleNode, filters: Filters, rank: str, d: Describer
) -> RouteView | None:
    """The best route that stays in the home country when offers of unknown status count too
    (None when the default statuses already include them, or there is none): a counsellor
    checks such an offer with its provider rather than sending the person abroad."""
    if role.requirement is None or not d.home_country:
        return None
    if not filters.statuses or "unknown" in filters.statuses:
        return None
    wider = replace(filters, within=d.home_country, statuses=filters.statuses | {"unknown"})
    found = find_routes(model, start, role.requirement, wider, k=1, rank=rank)
    return d.route(1, found.routes[0], start, role, wider) if found.routes else None


def _value(filters: Filters, name: str) -> object:
    value = getattr(filters, name)
    return sorted(value) if isinstance(value, frozenset) else value


def _reaches(model: PathwayModel, start: Start, req: Requirement, filters: Filters) -> bool:
    """Whether the closure under `filters` meets `req`. The closure without the excluded steps
    (retakes) is shared by every person with the same other filters and holds at least as
    much: when it does not meet `req`, neither does the person's own, which is made only
    otherwise (each is a closure from scratch per preset: at 50,000 courses 100 ms apiece,
    and an answer without a route asked for five or six)."""
    if filters.exclude:
        loose = replace(filters, exclude=frozenset())
        if not req.met(*_reach(model, start, loose), start.experience):
            return False
    return req.met(*_reach(model, start, filters), start.experience)


def _closure(model: PathwayModel, start: Start, filters: Filters) -> Closure:
    return index_of(model).closure(start, filters)


def _reach(model: PathwayModel, start: Start, filters: Filters) -> tuple[set[int], float]:
    found = _closure(model, start, filters)
    return found.held, found.level


def _too_long(
    model: PathwayModel, start: Start, role: RoleNode, filters: Filters, d: Describer
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
                d.words.text(
                    "The shortest route takes {weeks}, more than the maximum of {max}.",
                    weeks=d.words.weeks(weeks),
                    max=d.words.weeks(filters.max_weeks),
                ),
                {"shortest_weeks": weeks, "max_weeks": filters.max_weeks, "filter": "max_weeks"},
            )
        ]
    return [
        Reason(
            "search-limit",
            d.words.text(
                "The search stopped at its limit before it found a route; narrow the filters."
            ),
        )
    ]


def _unmet(
    model: PathwayModel, req: Requirement, closure: Closure, start: Start, d: Describer
) -> list[Reason]:
    w = d.words
    reasons = []
    for kind, what in unmet_parts(req, closure, start.experience):
        if kind == "alternatives":
            reasons.append(
                Reason(
                    "qualification-out-of-reach",
                    w.text(
                        "None of the ways into the role can be reached: {ways}.",
                        ways=d.ways_in(req),
                    ),
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
                    w.text(
                        "No course teaches the required skill {skill}: an offer is missing.",
                        skill=skill.label,
                    ),
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
                w.text(
                    "The required skill {skill} is taught by {n} course(s), none of which can be entered (under the filters).",
                    skill=skill.label,
                    n=len(teachers),
                ),
                {"skill": skill.id, "courses": blocked},
            )
        )
    return reasons
