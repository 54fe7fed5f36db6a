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
from .kbest import KBest
from .model import TIE, PathwayModel, Requirement, Start
from .search import DEFAULT_MAX_NODES, Route

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

    def best(within: Filters) -> tuple[list[Route], bool]:
        # The search ranks by cost, and a step of unknown length costs its stand-in: when all
        # k routes found rest on one far away, a few more are searched, so that a route of
        # known length (or a local one) that costs a little more can come first, as the
        # order says. Without this, k=1 (the matrix) gave the stand-in route.
        # The same partition search continues for the few more (kbest.KBest).
        search = KBest(model, start, goal, within, rank, DEFAULT_MAX_NODES)
        found = search.take(k)
        ordered = _order(model, found.routes, d)
        if len(ordered) == k and _far_and_unknown(model, ordered[0], d):
            more = search.take(k + EXTRA)
            if len(more.routes) >= k:  # fewer: the time budget stopped it, keep what was found
                found, ordered = more, _order(model, more.routes, d)[:k]
            else:
                found.truncated = True
        # among equals a route in the home region comes first: while the first leaves it and
        # a route not yet taken may cost the same, take one more (at most LOCAL_EXTRA)
        taken = len(found.routes)
        while (
            len(ordered) == k
            and taken < k + LOCAL_EXTRA
            and _may_have_local_equal(search, ordered[0], d)
        ):
            taken += 1
            more = search.take(taken)
            if len(more.routes) < taken:
                found.truncated = found.truncated or more.truncated
                break
            found, ordered = more, _order(model, more.routes, d)[:k]
        return ordered, not found.truncated

    if not d.home_country:
        return best(filters)
    routes, complete = best(replace(filters, within=d.home_country))
    if len(routes) < k:
        rest, rest_complete = best(filters)
        seen = {frozenset(r.courses) for r in routes}
        more = [r for r in rest if frozenset(r.courses) not in seen]
        routes += more[: k - len(routes)]
        complete = complete and rest_complete
    return routes, complete


#: how many more routes are searched when the k found all rest on a far step of unknown length
EXTRA = 2
#: how many more at most, one by one, while the first route leaves the home region and an
#: equal one may not (decision 0053: among equals, routes in the home region first)
LOCAL_EXTRA = 4


def _may_have_local_equal(search: KBest, first: Route, d: Describer) -> bool:
    """The first route leaves the home region and a route not yet taken may cost the same:
    among equals the local one comes first, so with k=1 (the matrix) a pupil in Skellefteå
    was sent to the same programme in Tierp. Only then are a few more searched."""
    leaves_home_region = _key(d.model, first, d)[2]  # False without a home
    return leaves_home_region and search.next_bound() // TIE <= first.cost // TIE


def _far_and_unknown(model: PathwayModel, route: Route, d: Describer) -> bool:
    return _key(model, route, d)[0]


def _key(model: PathwayModel, route: Route, d: Describer) -> tuple[bool, int, bool, bool, int]:
    courses = [model.courses[i] for i in route.courses]
    local = all(d.local(c) for c in courses) if d.home else True
    lower_bound = not all(c.weeks_known for c in courses)
    far_and_unknown = lower_bound and not (local and d.home)  # without a home, all are far
    return far_and_unknown, route.cost // TIE, not local, lower_bound, route.cost % TIE


def _order(model: PathwayModel, routes: list[Route], d: Describer) -> list[Route]:
    return sorted(routes, key=lambda route: _key(model, route, d))
