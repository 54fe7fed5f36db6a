"""The k best routes as a partition of the route space by excluded courses, each part
searched for its single best route (after Lawler).

Continuing one best-first search past the first route made the search enumerate plateaus:
once the best route has used a shortcut (an 8-week validation to level 7, say), every later
node's bound still counts on that shortcut although a route through it would no longer be
minimal, so all combinations of courses cheaper than the second route were looked at
(8,000 nodes for one query at 1,000 courses). Here, after the best route (x1, ..., xm) of a
part (the routes that avoid the courses `exclude`), the part is covered by the parts that
also avoid x1, or x2, ..., or xm: every other minimal route lacks some xj (else it would
contain the best route and not be minimal). An excluded course leaves the ladder and the
relaxed bound of its part, so the shortcut no longer lowers the bound there. Lawler's
partition would also force x1..x(j-1) in; forcing courses in makes a part prove that no
minimal route contains them, which measured as thousands of nodes, so the parts may
overlap instead: a route found twice is kept once, and a part is made once per excluded
set. Parts are solved lazily: a part waits in the queue under the lower bound of its root
and is searched only when it comes first. See docs/decisions/0054-pathway-k-best-partition.md.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import replace

from .bestfirst import BestFirst
from .bounds import INF
from .budget import past
from .filters import Filters
from .model import PathwayModel, Requirement, Start
from .planned import planned_route
from .search import GREEDY_WEIGHT, Route, Search, SearchResult


def k_best(
    model: PathwayModel,
    start: Start,
    goal: Requirement,
    filters: Filters,
    rank: str,
    k: int,
    max_nodes: int,
) -> SearchResult:
    """The k cheapest distinct minimal routes, with at most `max_nodes` nodes of exact search
    in all (then the greedy fallback of decision 0010, and the answer is not proven best)."""
    return KBest(model, start, goal, filters, rank, max_nodes).take(k)


class KBest:
    """The partition search of one start, goal, filter set and ranking, resumable: `take(k)`
    gives the first k routes, and a later `take(k + n)` continues where it stopped instead of
    searching the first k again (proximity.py asks for a few more routes when the first k all
    rest on a far step of unknown length; searching them again from scratch was half of the
    slowest answers at 50,000 courses). The routes and node counts are those one `k_best`
    call with the larger k gives: the loop is the same, only paused."""

    def __init__(
        self,
        model: PathwayModel,
        start: Start,
        goal: Requirement,
        filters: Filters,
        rank: str,
        max_nodes: int,
    ) -> None:
        self.root = root = Search(model, start, goal, filters, rank)
        self.max_nodes = max_nodes
        self.routes: list[Route] = []
        self.seq = itertools.count()
        # (key, 0 for a solved part else 1, order, excluded, its best route or None, its search)
        self.queue: list[tuple[float, int, int, frozenset[int], Route | None, Search | None]] = []
        self.parts: set[frozenset[int]] = {frozenset()}
        self.found_sets: set[frozenset[int]] = set()
        #: excluded set -> the cost of its best route, when an exact search proved it best
        self.proven: dict[frozenset[int], float] = {}
        # `greedy` is what the greedy fallback may still expand, for all parts together: a
        # fresh limit per part let one answer expand 25,000 nodes (docs/decisions/0055)
        self.used, self.greedy, self.truncated = 0, max_nodes, False
        self.reachable, self.done = True, False
        if root.reaches(root.evaluate(frozenset())):
            self.routes.append(Route((), 0, 0.0))
            self.done = True
        elif not goal.met(root.closure.held, root.closure.level, start.experience):
            self.reachable, self.done = False, True
        else:
            self.queue.append((0.0, 1, next(self.seq), frozenset(), None, root))

    def next_bound(self) -> float:
        """A lower bound on the cost of any route not yet taken (infinite when none is left)."""
        return self.queue[0][0] if self.queue and not self.done else float("inf")

    def result(self, k: int) -> SearchResult:
        return SearchResult(
            self.routes[:k],
            self.used,
            self.truncated,
            optimal=not self.truncated,
            reachable=self.reachable,
        )

    def take(self, k: int) -> SearchResult:
        """The first k routes (fewer when there are no more, or a limit stopped the search)."""
        root, queue, max_nodes = self.root, self.queue, self.max_nodes
        while not self.done and queue and len(self.routes) < k:
            if past(exact=False):  # the answer's time is spent: what was found, not proven best
                self.truncated = True
                break
            _, _, _, excluded, route, search = heapq.heappop(queue)
            if route is not None:
                chosen = frozenset(route.courses)
                if chosen not in self.found_sets:
                    self.found_sets.add(chosen)
                    self.routes.append(route)
                for x in route.courses:
                    sub = excluded | {x}
                    if sub in self.parts:
                        continue
                    self.parts.add(sub)
                    bounded = _bounded(root, sub)
                    if bounded is not None:
                        # a part's routes are routes of its parent part: none is cheaper than
                        # the parent's best when an exact search proved that best
                        floor = self.proven.get(excluded, 0.0)
                        key = max(bounded[0], floor)
                        heapq.heappush(queue, (key, 1, next(self.seq), sub, None, bounded[1]))
                continue
            assert search is not None
            exact = False
            if self.used >= max_nodes or past(exact=True):
                self.truncated = True
                result, self.greedy = _greedy(search, self.greedy, first=not self.routes)
            else:
                result = BestFirst(search, 1, max_nodes - self.used).run()
                self.used += result.expanded
                exact = not result.truncated
                if result.truncated:
                    self.truncated = True
                    result, self.greedy = _greedy(search, self.greedy, first=not self.routes)
            if result.routes:
                best = result.routes[0]
                if exact:
                    self.proven[excluded] = float(best.cost)
                heapq.heappush(queue, (float(best.cost), 0, next(self.seq), excluded, best, None))
        return self.result(k)


#: the most nodes the greedy fallback expands in one part: a part whose route it does not find
#: soon (measured: 110 nodes for the first) should not take the budget of the others
GREEDY_PART = 500
#: the greedy weight tried when `GREEDY_WEIGHT` found no first route within `GREEDY_PART`
SLOW_WEIGHT = 2.0


def _greedy(search: Search, left: int, first: bool) -> tuple[SearchResult, int]:
    """The greedy fallback on one part, within what is left of the greedy node budget (all
    while no route is found, else at most `GREEDY_PART`). Measured on the real data: weight 5
    found a first route in 110 nodes where 2 took 3,444, but from no home (three countries'
    ladders) 5 found none in 4,000 and 2 one in 1,035; so 5 first, then 2."""
    if left <= 0:
        route = planned_route(search)
        return SearchResult([route] if route else [], truncated=True, optimal=False), 0
    result = BestFirst(search, 1, min(left, GREEDY_PART), weight=GREEDY_WEIGHT).run()
    left -= result.expanded
    if first and not result.routes and left > 0:  # no route yet: the steadier, slower weight
        result = BestFirst(search, 1, left, weight=SLOW_WEIGHT).run()
        left -= result.expanded
    if not result.routes:  # a route read off the closure (planned.py), when there is one
        route = planned_route(search)
        if route is not None:
            result = SearchResult([route], result.expanded, truncated=True, optimal=False)
    return result, left


def _bounded(root: Search, excluded: frozenset[int]) -> tuple[float, Search] | None:
    """A part's search (sharing the root's tables) and the lower bound of its root (None: the
    part holds no route)."""
    filters = root.filters
    search = Search(
        root.model,
        root.start,
        root.goal,
        replace(filters, exclude=filters.exclude | excluded),
        root.rank,
        root.shared,
    )
    state = search.evaluate(frozenset())
    h, branch, _ = search.assess(state)
    if h == INF or not branch:
        return None
    return h, search
