"""Routes near home first: those that stay in the home country (on site there, or online
from anywhere) before any with a step abroad, whatever the ranking. Within each, a route whose
total is a lower bound and that leaves the home region comes after every other route (a step
of unknown duration counts for the shortest known step like it, so its bound never proves
that it beats a known total, and a far offer whose length nobody found is not the first
advice; a local one keeps its place, its length is one call away; without a home no offer
is local); then by the ranking; among
equals, those in the home region, then those whose total is known, then those resting on
confirmed facts (the tie-break folded into every cost)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .filters import Filters
from .model import TIE, PathwayModel, Requirement, Start
from .search import Route, find_routes

if TYPE_CHECKING:
    from .answer import Describer


def ranked_routes(
    model: PathwayModel,
    start: Start,
    goal: Requirement,
    filters: Filters,
    k: int,
    rank: str,
    d: Describer,
) -> tuple[list[Route], bool]:
    """The k best routes in the order above, and whether the search was exact."""
    if not d.home_country:
        found = find_routes(model, start, goal, filters, k=k, rank=rank)
        return _order(model, found.routes, d), not found.truncated
    home = find_routes(model, start, goal, replace(filters, within=d.home_country), k=k, rank=rank)
    routes = _order(model, home.routes, d)
    complete = not home.truncated
    if len(routes) < k:
        rest = find_routes(model, start, goal, filters, k=k, rank=rank)
        seen = {frozenset(r.courses) for r in routes}
        more = [r for r in rest.routes if frozenset(r.courses) not in seen]
        routes += _order(model, more, d)[: k - len(routes)]
        complete = complete and not rest.truncated
    return routes, complete


def _order(model: PathwayModel, routes: list[Route], d: Describer) -> list[Route]:
    def key(route: Route) -> tuple[bool, int, bool, bool, int]:
        courses = [model.courses[i] for i in route.courses]
        local = all(d.in_home_region(c) or c.online for c in courses) if d.home else True
        lower_bound = not all(c.weeks_known for c in courses)
        far_and_unknown = lower_bound and not (local and d.home)  # without a home, all are far
        return far_and_unknown, route.cost // TIE, not local, lower_bound, route.cost % TIE

    return sorted(routes, key=key)
