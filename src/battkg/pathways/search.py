"""The k best routes from a start to a role: best-first regression over sets of courses.

A search node is a set of chosen courses C. Its holdings are the fixed point of taking,
from the start, every course of C whose requirement is met (order does not matter:
holdings only grow). Its *open goals* are the parts of the role's requirement and of
the still-stuck courses' requirements that those holdings do not meet: an
alternatives part ("one of these qualifications or levels") or one required skill.
A node with no open goal is a route.

A node is expanded on one open goal that no course of C could meet (any route through
C must add a course for it; of those, the one the fewest courses meet), or, when every
open goal could be met by a stuck course of C (a cycle), on all of them. Children are
generated lazily, cheapest supporter first, so a goal that thousands of courses meet
costs only the few looked at. The priority is g + h with an admissible h (per goal:
bounds.py; all open goals together: relaxed.py), so routes come out cheapest first. Only minimal routes (no course can be left out) are kept, and routes
are distinct as sets of courses. See docs/decisions/0010-pathway-search.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace

from .bounds import INF, Climbs, Ladder, experience_band, ladder_for
from .closure import filter_index_of, index_of
from .filters import Filters
from .model import CourseNode, PathwayModel, Requirement, Start
from .relaxed import RelaxedBound, SharedTables

Goal = tuple[object, ...]  # ("alt", accepts, min_level) or ("skill", item)
DEFAULT_MAX_NODES = 4_000  # for the exact search; the greedy fallback gets as many again
GREEDY_WEIGHT = 5.0  # was 2: on the real data 2 took 3,444 nodes to a first route, 5 took 110


@dataclass(frozen=True)
class Route:
    courses: tuple[int, ...]  # in an order in which they can be taken
    cost: int
    weeks: float


@dataclass
class SearchResult:
    routes: list[Route]
    expanded: int = 0
    truncated: bool = False  # the node limit stopped the exact search
    optimal: bool = True  # False: some routes come from the greedy fallback, not proven best
    reachable: bool = True  # the role can be reached at all under the filters


@dataclass
class State:
    order: list[int]
    held: set[int]
    level: float
    stuck: list[int]


def goals_of(req: Requirement, held: set[int], level: float, experience: float) -> list[Goal]:
    """The parts of a requirement that the holdings do not meet. Where qualifications stand
    in for the required skills, each missing skill is an alternatives part of its own (the
    skill or one of them): together they are met exactly when every skill or one stand-in is
    held."""
    goals: list[Goal] = []
    if not req.alternatives_met(held, level, experience):
        goals.append(("alt", req.accepts, req.min_level))
    stand_ins = req.stand_ins
    if stand_ins and not stand_ins.isdisjoint(held):
        return goals
    if stand_ins:
        goals.extend(("alt", stand_ins | {s}, None) for s in sorted(req.skills) if s not in held)
    else:
        goals.extend(("skill", s) for s in sorted(req.skills) if s not in held)
    return goals


def meets(course: CourseNode, goal: Goal) -> bool:
    """Completing `course` meets `goal`."""
    if goal[0] == "skill":
        return goal[1] in course.awards
    min_level = goal[2]
    if min_level is not None and course.award_level >= min_level:  # type: ignore[operator]
        return True
    # an accepted item is a qualification or a skill (acceptsSkill): any item the course gives
    return not goal[1].isdisjoint(course.awards)  # type: ignore[attr-defined]


class Search:
    """One search space: a start, a role requirement, filters and a ranking."""

    def __init__(
        self,
        model: PathwayModel,
        start: Start,
        goal: Requirement,
        filters: Filters,
        rank: str,
        tables: SharedTables | None = None,
    ) -> None:
        self.model, self.start, self.goal = model, start, goal
        self.filters, self.rank = filters, rank
        self._minsup: dict[Goal, int | None] = {}
        self._sets: dict[Goal, frozenset[int]] = {}
        self._sums: dict[tuple[Goal, ...], int] = {}
        # What the filters allow, the closure and the ladder are shared by every person with
        # the same filters: the steps excluded for this person (retakes) are taken out only
        # here, so the closure is a superset (a weaker pruning, never a wrong route) and the
        # ladder a lower bound still.
        shared = replace(filters, exclude=frozenset()) if filters.exclude else filters
        allowed = filter_index_of(model).allowed(shared)
        self.closure = index_of(model).closure(start, shared)
        self.taken, self.exclude = self.closure.taken, filters.exclude
        self.ladder = (
            Ladder(model, rank, allowed, start.experience, filters.exclude)
            if filters.exclude
            else ladder_for(model, rank, shared, allowed, start.experience)
        )
        self.costs = self.ladder.costs
        self._band = experience_band(model, start.experience)
        # a part of a k-best search shares the root's tables: `extra` are the courses it
        # excludes beyond the root's
        self.shared = SharedTables(filters.exclude) if tables is None else tables
        assert self.shared.exclude <= filters.exclude
        self.extra = filters.exclude - self.shared.exclude
        self.relaxed = RelaxedBound(self)

    # -- courses and goals -----------------------------------------------------

    def allowed(self, idx: int) -> bool:
        """Passes the filters and can be taken at some point (it is in the closure)."""
        return idx in self.taken and idx not in self.exclude

    def __contains__(self, idx: object) -> bool:
        return idx in self.taken and idx not in self.exclude

    def cost(self, idx: int) -> int:
        return self.costs[idx]

    def supporters(self, goal: Goal) -> tuple[int, ...]:
        if goal[0] == "skill":
            return self.model.teachers(goal[1], self.rank)  # type: ignore[arg-type]
        return self.model.supporters(goal[1], goal[2], self.rank)  # type: ignore[arg-type]

    def minsup(self, goal: Goal) -> int | None:
        """The cost of the cheapest allowed course that meets `goal`."""
        if goal not in self._minsup:
            first = next((c for c in self.supporters(goal) if self.allowed(c)), None)
            self._minsup[goal] = None if first is None else self.cost(first)
        return self._minsup[goal]

    def bound(self, goal: Goal, state: State, climbs: Climbs, helpers: list[int]) -> float:
        """A lower bound on what meeting `goal` still costs from a node (INF: impossible)."""
        ladder, level = self.ladder, state.level
        best = INF
        for idx in helpers:  # a stuck course of the node that meets it costs only its entry
            best = min(best, ladder.climb(climbs, level, ladder.entry[idx]))
        if goal[0] == "skill":
            best = min(best, ladder.via(self.supporters(goal), climbs, level, self))
        else:
            if goal[2] is not None:
                best = min(best, ladder.climb(climbs, level, goal[2]))  # type: ignore[arg-type]
            for q in goal[1]:  # type: ignore[attr-defined]
                teachers = self.model.teachers(q, self.rank)
                best = min(best, ladder.via(teachers, climbs, level, self))
        if not helpers:
            first = self.minsup(goal)
            return INF if first is None else max(best, first)
        return best

    # -- nodes -----------------------------------------------------------------

    def evaluate(self, chosen: frozenset[int]) -> State:
        """Take every course of `chosen` that can be taken, in a natural order."""
        courses = self.model.courses
        held, level, exp = set(self.start.held), self.start.level, self.start.experience
        pending = sorted(
            chosen, key=lambda i: (courses[i].award_level, courses[i].weeks, courses[i].iri)
        )
        order: list[int] = []
        progress = True
        while progress and pending:
            progress = False
            for idx in pending:
                req = courses[idx].requirement
                if req is not None and req.met(held, level, exp):
                    held.update(courses[idx].awards)
                    level = max(level, courses[idx].award_level)
                    order.append(idx)
                    pending.remove(idx)
                    progress = True
                    break
        return State(order, held, level, pending)

    def open_goals(self, state: State) -> dict[Goal, set[int]]:
        """The open goals, each with the stuck courses whose requirement has it."""
        exp = self.start.experience
        goals: dict[Goal, set[int]] = {
            g: set() for g in goals_of(self.goal, state.held, state.level, exp)
        }
        for idx in state.stuck:
            req = self.model.courses[idx].requirement
            if req is not None:
                for g in goals_of(req, state.held, state.level, exp):
                    goals.setdefault(g, set()).add(idx)
        return goals

    def helpers(self, goal: Goal, owners: set[int], state: State) -> list[int]:
        """Stuck courses of the node that would meet `goal`. A course that needs the goal itself
        is counted too: the bound stays admissible (it only gets weaker), and measured on the
        generated graphs, branching on such self-cycles first made plateaus far larger."""
        courses = self.model.courses
        return [c for c in state.stuck if meets(courses[c], goal)]

    def reaches(self, state: State) -> bool:
        return self.goal.met(state.held, state.level, self.start.experience)

    def minimal(self, chosen: frozenset[int]) -> bool:
        return not any(self.reaches(self.evaluate(chosen - {c})) for c in chosen)

    def assess(self, state: State, greedy: bool = False) -> tuple[float, list[Goal], Climbs]:
        """h for a node with open goals, the goals to branch on ([] when a dead end), and the
        node's relaxed climbs. h is the largest of the per-goal bounds, the disjoint sum and,
        with several open goals, the relaxed cost of meeting them together (relaxed.py).
        `greedy` sums the goals' bounds instead: not a lower bound, but a better guide for
        the fallback search."""
        owned = self.open_goals(state)
        goals = list(owned)
        helpers = [self.helpers(g, owned[g], state) for g in goals]
        hard = [g for g, h in zip(goals, helpers, strict=True) if not h]
        climbs = self.ladder.climbs(state.level, state.stuck)
        bounds = [self.bound(g, state, climbs, h) for g, h in zip(goals, helpers, strict=True)]
        if INF in bounds:
            return INF, [], climbs
        h = max(bounds)
        if greedy:
            h = sum(bounds)
        else:
            if len(hard) > 1:
                h = max(h, self._disjoint_sum(hard))
            if len(goals) > 1:
                ranked = sorted(range(len(goals)), key=lambda i: -bounds[i])
                h = max(h, self.relaxed.cost([goals[i] for i in ranked], state))
                if h == INF:
                    return INF, [], climbs
        if hard:
            worst = min(hard, key=lambda g: (len(self._support_set(g)), -bounds[goals.index(g)]))
            return h, [worst], climbs
        return h, goals, climbs

    def _disjoint_sum(self, hard: list[Goal]) -> int:
        """Goals no single course meets together each need a course of their own: the
        dearest sum over a family of two or more goals whose supporter sets are pairwise
        disjoint. The pairs are tested once (at most 28 set tests for the first 8 goals), the
        families as bit masks, and the sum is kept per goal list for the nodes of the search."""
        key = tuple(hard[:8])
        found = self._sums.get(key)
        if found is not None:
            return found
        sets = [self._support_set(g) for g in key]
        firsts = [self.minsup(g) or 0 for g in key]
        n = len(sets)
        # apart[i]: the goals after i whose supporters share no course with i's
        apart = [0] * n
        for i in range(n):
            for j in range(i + 1, n):
                if sets[i].isdisjoint(sets[j]):
                    apart[i] |= 1 << j
        best = 0
        for mask in range(3, 1 << n):
            if mask & (mask - 1) == 0:  # a single goal
                continue
            total, ok, rest = 0, True, mask
            while rest:
                i = (rest & -rest).bit_length() - 1
                rest &= rest - 1
                if rest & ~apart[i]:
                    ok = False
                    break
                total += firsts[i]
            if ok and total > best:
                best = total
        self._sums[key] = best
        return best

    def _support_set(self, goal: Goal) -> frozenset[int]:
        """The allowed courses that meet `goal`: set operations on the data version's
        supporter set, never a scan of the courses in Python."""
        found = self._sets.get(goal)
        if found is None:
            found = self.shared.sets.get(goal)
            if found is None:
                key = ("support-set", goal)
                every: frozenset[int] | None = self.model.caches.get(key)
                if every is None:
                    every = self.model.caches[key] = frozenset(self.supporters(goal))
                found = every & self.taken
                root_exclude = self.shared.exclude
                if root_exclude and not found.isdisjoint(root_exclude):
                    found -= root_exclude
                self.shared.sets[goal] = found
            if self.extra and not found.isdisjoint(self.extra):
                found -= self.extra
            self._sets[goal] = found
        return found

    def candidates(
        self, goals: list[Goal], chosen: frozenset[int], climbs: Climbs, level: float
    ) -> Iterator[tuple[float, int]]:
        """Allowed courses not yet chosen that meet one of `goals`, with a lower bound on what
        adding each costs (its cost plus the relaxed climb to its entry level), in that order."""
        entry, climb = self.ladder.entry, self.ladder.climb
        streams = []
        for goal in goals:
            for bucket in self._buckets(goal):
                streams.append(self._keyed(bucket, climb(climbs, level, entry[bucket[0]])))
        seen: set[int] = set()
        for key, idx in heapq.merge(*streams):
            if idx not in seen and idx not in chosen and self.allowed(idx):
                seen.add(idx)
                yield key, idx

    def _keyed(self, bucket: tuple[int, ...], extra: float) -> Iterator[tuple[float, int]]:
        for idx in bucket:
            yield self.cost(idx) + extra, idx

    def _buckets(self, goal: Goal) -> list[tuple[int, ...]]:
        """The supporters of a goal grouped by entry level, each group cheapest first."""
        key = ("buckets", goal, self.rank, self._band)
        found: list[tuple[int, ...]] | None = self.model.caches.get(key)
        if found is None:
            groups: dict[float, list[int]] = {}
            for idx in self.supporters(goal):
                groups.setdefault(self.ladder.entry[idx], []).append(idx)
            found = self.model.caches[key] = [tuple(g) for g in groups.values()]
        return found

    # -- the search ------------------------------------------------------------

    def run(self, k: int = 3, max_nodes: int = DEFAULT_MAX_NODES) -> SearchResult:
        from .kbest import k_best

        return k_best(self.model, self.start, self.goal, self.filters, self.rank, k, max_nodes)


def find_routes(
    model: PathwayModel,
    start: Start,
    goal: Requirement,
    filters: Filters | None = None,
    *,
    k: int = 3,
    rank: str = "duration",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> SearchResult:
    """The k cheapest distinct minimal routes from `start` to meeting `goal`."""
    from .kbest import k_best

    return k_best(model, start, goal, filters or Filters(), rank, k, max_nodes)
