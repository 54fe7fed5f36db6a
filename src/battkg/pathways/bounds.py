"""Lower bounds on what it still costs to meet a goal: the qualification ladder.

The relaxation keeps only EQF levels: a course can be entered from level t(c) (0 when it
has open entry, or accepts prior learning and the person has the experience it asks for,
else its lowest accepted level or accepted qualification's level; never when it accepts
only prior learning the person lacks) and lifts the person to the level of what it awards;
skills are ignored. The cheapest climb between two levels in this relaxed problem never
costs more than in the real one, so bounds built on it are admissible. Courses a search
node has already chosen but cannot take yet are free steps of the ladder.

Experience never grows along a route, so a course that accepts prior learning with more
years than the person has is entered only from its level: counting it as open (entry 0)
made the ladder think an 8-week validation lifts anyone to any level, and the search
wandered thousands of nodes of interchangeable programmes under that weak bound.

What does not depend on the person is made once per data version: the entry levels per
experience band, each course's cost per ranking, and per ranking the awarding courses of
each (entry, award) level pair cheapest first, so that a filter set's ladder takes the
first allowed course of at most 81 pairs instead of a scan of every course.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Container, Iterable, Sequence

from .model import CourseNode, PathwayModel

INF = math.inf
Climbs = dict[float, float]


def entry_level(course: CourseNode, model: PathwayModel, experience: float = 0.0) -> float:
    """The lowest level from which a person with `experience` years can enter `course`."""
    req = course.requirement
    if req is None or req.open_entry or (req.prior_learning and experience >= req.min_experience):
        return 0.0
    levels = list(req.levels) + [model.qualification_level.get(q, 0.0) for q in req.accepts]
    return min(levels, default=INF)


def experience_band(model: PathwayModel, experience: float) -> int:
    """How many of the data's prior-learning thresholds `experience` reaches: entry levels
    are the same for every experience in one band."""
    thresholds: list[float] | None = model.caches.get("experience-thresholds")
    if thresholds is None:
        thresholds = model.caches["experience-thresholds"] = sorted(
            {
                c.requirement.min_experience
                for c in model.courses
                if c.requirement is not None and c.requirement.prior_learning
            }
        )
    return bisect.bisect_right(thresholds, experience)


def entries_for(model: PathwayModel, experience: float) -> list[float]:
    """Every course's entry level for a person with `experience` years (cached per band)."""
    key = ("entry-levels", experience_band(model, experience))
    found: list[float] | None = model.caches.get(key)
    if found is None:
        found = model.caches[key] = [entry_level(c, model, experience) for c in model.courses]
    return found


def costs_for(model: PathwayModel, rank: str) -> list[int]:
    """Every course's cost under a ranking (cached)."""
    return model.costs(rank)


def _pairs(
    model: PathwayModel, rank: str, experience: float
) -> list[tuple[tuple[float, float], tuple[int, ...]]]:
    """Per (entry level, award level) pair, the usable awarding courses cheapest first."""
    key = ("ladder-pairs", rank, experience_band(model, experience))
    found: list[tuple[tuple[float, float], tuple[int, ...]]] | None = model.caches.get(key)
    if found is None:
        entry, cost = entries_for(model, experience), costs_for(model, rank)
        groups: dict[tuple[float, float], list[int]] = {}
        for c in model.courses:
            if c.usable and c.award_level > 0 and entry[c.idx] < INF:
                groups.setdefault((entry[c.idx], c.award_level), []).append(c.idx)
        found = model.caches[key] = sorted(
            (pair, tuple(sorted(idxs, key=cost.__getitem__))) for pair, idxs in groups.items()
        )
    return found


def ladder_for(
    model: PathwayModel,
    rank: str,
    filters: object,
    allowed: frozenset[int],
    experience: float = 0.0,
) -> Ladder:
    """The ladder of a ranking, filter set and experience band (the last 64 are kept)."""
    key = ("ladder", rank, filters, experience_band(model, experience))
    found: Ladder | None = model.caches.get(key)
    if found is None:
        ladders = [k for k in model.caches if isinstance(k, tuple) and k[0] == "ladder"]
        if len(ladders) >= 64:
            del model.caches[ladders[0]]
        found = model.caches[key] = Ladder(model, rank, allowed, experience)
    return found


class Ladder:
    """Cheapest relaxed climbs between EQF levels for one ranking and experience, over the
    courses a filter set allows (all usable courses when `allowed` is None) but `exclude`."""

    def __init__(
        self,
        model: PathwayModel,
        rank: str,
        allowed: frozenset[int] | None = None,
        experience: float = 0.0,
        exclude: frozenset[int] = frozenset(),
    ) -> None:
        self.model, self.rank = model, rank
        self.entry: list[float] = entries_for(model, experience)
        self.costs: list[int] = costs_for(model, rank)
        edges: dict[tuple[float, float], float] = {}
        for pair, idxs in _pairs(model, rank, experience):
            for idx in idxs:
                if (allowed is None or idx in allowed) and idx not in exclude:
                    edges[pair] = self.costs[idx]
                    break
        self.edges = sorted(edges.items())
        self._cache: dict[float, Climbs] = {}

    def climbs(self, start: float, free: Iterable[int] = ()) -> Climbs:
        """Cheapest relaxed cost from `start` to each reachable level; `free` courses cost 0."""
        extra = [((self.entry[i], self.model.courses[i].award_level), 0.0) for i in free]
        extra = [e for e in extra if e[0][1] > 0 and e[0][0] < INF]
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
        costs, entry = self.costs, self.entry
        for idx in courses:
            cost = costs[idx]
            if cost >= best:
                break
            if allowed is None or idx in allowed:
                best = min(best, cost + self.climb(climbs, start, entry[idx]))
        return best
