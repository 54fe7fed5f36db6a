"""A route read off the person's closure: the last fallback when the searches stop at their
limits, and the exact test of whether any route exists once retakes are excluded.

The closure (closure.py) says whether a role can be reached at all; the best-first search
says how best. On deep ladders (compulsory school -> upper secondary -> bachelor -> master,
with the university eligibility a bachelor asks for taught only by three-year programmes)
the search's bounds, which ignore the skills a course requires, stay far below the cost of
the cheapest route, and both the exact and the greedy search met their node limits without a
route although the closure proved one exists: the answer was `search-limit` after 10-20 s.

Here every course the person can ever take gets the additive cost of taking it (its own cost
plus, per part of its requirement, the cheapest way to meet that part: the "h_add" of
planning, a guide, not a bound), in one Dijkstra-like pass over the closure's courses; the
route is then read backwards from the role's requirement, each part met by its cheapest
supporter, which was settled before the course that needs it (so the steps can be taken in
order). Courses that the route does without are left out, dearest first, so the route is
minimal. It is feasible, not proven best: the answer says `complete: false`.

A requirement part no course of the person's closure can meet (with the retakes excluded,
which the shared closure keeps) means that no route exists.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from .bounds import INF
from .closure import index_of
from .model import Requirement

if TYPE_CHECKING:
    from .search import Route, Search


class Planner:
    """The additive cost of every item, level and course reachable in one search space."""

    def __init__(self, search: Search) -> None:
        self.s = search
        model, start = search.model, search.start
        courses = model.courses
        self.held, self.level, self.exp = start.held, start.level, start.experience
        index = index_of(model)
        allowed = [c for c in search.taken if search.allowed(c)]
        #: item -> (cost of getting it, the course that gives it cheapest)
        self.items: dict[int, tuple[float, int]] = {}
        #: (level reached, its cost, the course) in order of cost: levels only rise
        self.levels: list[tuple[float, float, int]] = []
        self.settled: dict[int, float] = {}
        #: course -> the courses that met its requirement's parts when it was settled
        self.via: dict[int, list[int]] = {}
        by_level = sorted(
            (courses[c].requirement.min_level or INF, c)  # type: ignore[union-attr]
            for c in allowed
        )
        allowed_set = set(allowed)
        heap: list[tuple[float, int]] = []
        for c in allowed:
            t = self.take_cost(c)
            if t < INF:
                heap.append((t, c))
        heapq.heapify(heap)
        lv_seen = 0  # courses of by_level already looked at again
        while heap:
            t, c = heapq.heappop(heap)
            if c in self.settled:
                continue
            # costs only fall as items are settled, and a course is pushed again whenever one
            # of its parts is: the first time it comes out is at its cheapest
            self.settled[c] = t
            course = courses[c]
            req = course.requirement
            assert req is not None
            self.via[c] = self.supporters(req)  # settled before c: the route can take them first
            woken: list[int] = []
            for item in course.awards:
                if item not in self.held and item not in self.items:
                    self.items[item] = (t, c)
                    woken += index.dependents.get(item, ())
            if course.award_level > self.top():
                self.levels.append((course.award_level, t, c))
                while lv_seen < len(by_level) and by_level[lv_seen][0] <= course.award_level:
                    woken.append(by_level[lv_seen][1])
                    lv_seen += 1
            for w in woken:
                if w in allowed_set and w not in self.settled:
                    tw = self.take_cost(w)
                    if tw < INF:
                        heapq.heappush(heap, (tw, w))

    def top(self) -> float:
        return self.levels[-1][0] if self.levels else self.level

    def level_cost(self, need: float) -> tuple[float, int | None]:
        if self.level >= need:
            return 0.0, None
        for reached, cost, c in self.levels:
            if reached >= need:
                return cost, c
        return INF, None

    def item_cost(self, item: int) -> tuple[float, int | None]:
        if item in self.held:
            return 0.0, None
        found = self.items.get(item)
        return (INF, None) if found is None else (found[0], found[1])

    def alternatives(self, req: Requirement) -> tuple[float, int | None]:
        """The cheapest way to meet the alternatives part, and the course that does it."""
        if req.alternatives_met(self.held, self.level, self.exp):
            return 0.0, None
        best: tuple[float, int | None] = (INF, None)
        if req.min_level is not None:
            best = self.level_cost(req.min_level)
        found = self.cheapest(req.accepts)
        return found if found[0] < best[0] else best

    def cheapest(self, items: frozenset[int]) -> tuple[float, int | None]:
        """The cheapest of some items to get, and the course that gives it (INF: none)."""
        best: tuple[float, int | None] = (INF, None)
        for q in sorted(items):
            found = self.item_cost(q)
            if found[0] < best[0]:
                best = found
        return best

    def skills_cost(self, req: Requirement) -> tuple[float, bool]:
        """The cheapest way to meet the required skills, and whether it is a stand-in."""
        total = sum(self.item_cost(skill)[0] for skill in req.skills)
        if req.skills and req.stand_ins:
            instead, _ = self.cheapest(req.stand_ins)
            if instead < total:
                return instead, True
        return total, False

    def requirement_cost(self, req: Requirement) -> float:
        total, _ = self.alternatives(req)
        return total + self.skills_cost(req)[0]

    def take_cost(self, c: int) -> float:
        req = self.s.model.courses[c].requirement
        if req is None:
            return INF
        return self.s.costs[c] + self.requirement_cost(req)

    def supporters(self, req: Requirement) -> list[int]:
        """The courses chosen to meet each unmet part of a requirement."""
        chosen: list[int] = []
        _, c = self.alternatives(req)
        if c is not None:
            chosen.append(c)
        if self.skills_cost(req)[1]:
            _, c = self.cheapest(req.stand_ins)
            if c is not None:
                chosen.append(c)
            return chosen
        for skill in sorted(req.skills):
            _, c = self.item_cost(skill)
            if c is not None:
                chosen.append(c)
        return chosen

    def route(self, goal: Requirement) -> Route | None:
        """A minimal route to `goal` from the settled courses (None: there is none)."""
        from .search import Route

        s = self.s
        if self.requirement_cost(goal) == INF:
            return None
        chosen: set[int] = set()
        todo = self.supporters(goal)
        while todo:
            c = todo.pop()
            if c in chosen:
                continue
            chosen.add(c)
            todo += self.via[c]
        state = s.evaluate(frozenset(chosen))
        if state.stuck or not s.reaches(state):  # cannot happen: each part was settled first
            return None
        for c in sorted(chosen, key=lambda i: (-s.costs[i], s.model.courses[i].iri)):
            if c not in chosen:
                continue
            state_fewer = s.evaluate(frozenset(chosen - {c}))
            if s.reaches(state_fewer):  # what it then cannot take is left out too
                chosen = set(state_fewer.order)
        state = s.evaluate(frozenset(chosen))
        courses = s.model.courses
        weeks = sum(courses[i].weeks for i in chosen)
        max_weeks = s.filters.max_weeks
        if max_weeks is not None and weeks > max_weeks + 1e-9:
            return None
        return Route(tuple(state.order), sum(s.costs[i] for i in chosen), weeks)


def planned_route(search: Search) -> Route | None:
    """A feasible minimal route of a search space (None: none exists, or it is too long)."""
    return Planner(search).route(search.goal)
