"""Lower bounds on what it still costs to meet a goal: the qualification ladder.

The relaxation keeps only EQF levels: a course can be entered from level t(c) (0 when it
has open entry or accepts prior learning, else its lowest accepted level or accepted
qualification's level) and lifts the person to the level of what it awards; skills
are ignored. The cheapest climb between two levels in this relaxed problem never
costs more than in the real one, so bounds built on it are admissible. Courses a
search node has already chosen but cannot take yet are free steps of the ladder.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Container, Iterable, Sequence

from .model import CourseNode, PathwayModel

INF = math.inf
Climbs = dict[float, float]


def entry_level(course: CourseNode, model: PathwayModel) -> float:
    req = course.requirement
    if req is None or req.open_entry or req.prior_learning:
        return 0.0
    levels = list(req.levels) + [model.qualification_level.get(q, 0.0) for q in req.accepts]
    return min(levels, default=0.0)


def ladder_for(model: PathwayModel, rank: str, filters: object, allowed: frozenset[int]) -> Ladder:
    """The ladder of a ranking and filter set (the last 64 are kept)."""
    key = ("ladder", rank, filters)
    found: Ladder | None = model.caches.get(key)
    if found is None:
        ladders = [k for k in model.caches if isinstance(k, tuple) and k[0] == "ladder"]
        if len(ladders) >= 64:
            del model.caches[ladders[0]]
        found = model.caches[key] = Ladder(model, rank, allowed)
    return found


class Ladder:
    """Cheapest relaxed climbs between EQF levels for one ranking, over the courses a filter
    set allows (all usable courses when `allowed` is None)."""

    def __init__(
        self, model: PathwayModel, rank: str, allowed: frozenset[int] | None = None
    ) -> None:
        self.model, self.rank = model, rank
        shared = model.caches.get("entry-levels")
        if shared is None:
            shared = model.caches["entry-levels"] = [entry_level(c, model) for c in model.courses]
        self.entry: list[float] = shared
        edges: dict[tuple[float, float], float] = {}
        for c in model.courses:
            if c.usable and c.award_level > 0 and (allowed is None or c.idx in allowed):
                key = (self.entry[c.idx], c.award_level)
                edges[key] = min(edges.get(key, INF), c.cost(rank))
        self.edges = sorted(edges.items())
        self._cache: dict[float, Climbs] = {}

    def climbs(self, start: float, free: Iterable[int] = ()) -> Climbs:
        """Cheapest relaxed cost from `start` to each reachable level; `free` courses cost 0."""
        extra = [((self.entry[i], self.model.courses[i].award_level), 0.0) for i in free]
        extra = [e for e in extra if e[0][1] > 0]
        if not extra and start in self._cache:
            return self._cache[start]
        edges = self.edges + extra if extra else self.edges
        found: Climbs = {start: 0.0}
        heap = [(0.0, start)]
        while heap:
            cost, level = heapq.heappop(heap)
            if cost > found.get(level, INF):
                continue
            for (entry, award), step in edges:
                if entry <= level < award and cost + step < found.get(award, INF):
                    found[award] = cost + step
                    heapq.heappush(heap, (cost + step, award))
        if not extra:
            self._cache[start] = found
        return found

    @staticmethod
    def climb(climbs: Climbs, start: float, target: float) -> float:
        """Cheapest relaxed cost to hold a qualification at `target` or above."""
        if target <= start:
            return 0.0
        return min((cost for level, cost in climbs.items() if level >= target), default=INF)

    def via(
        self,
        courses: Sequence[int],
        climbs: Climbs,
        start: float,
        allowed: Container[int] | None = None,
    ) -> float:
        """Cheapest relaxed cost of entering and finishing one of the `allowed` `courses`
        (sorted by cost)."""
        best = INF
        all_courses = self.model.courses
        for idx in courses:
            cost = all_courses[idx].cost(self.rank)
            if cost >= best:
                break
            if allowed is None or idx in allowed:
                best = min(best, cost + self.climb(climbs, start, self.entry[idx]))
        return best
