"""A tighter lower bound for a search node: the open goals met together on the ladder.

The per-goal bounds of bounds.py look at one open goal at a time, so a node that needs a
level *and* two skills is bounded by the dearest of the three alone. This bound solves a
relaxed problem with all of them (up to `MAX_GOALS`, the dearest ones) at once: a state
is (EQF level, which open goals are met); a course can be taken from its entry level
(skills required are ignored), lifts the level to what it awards and meets the goals it
meets. Courses the node has chosen but cannot take yet are free. The cheapest way to meet
every goal in this relaxed problem never costs more than in the real one, so the bound is
admissible; it is what keeps the search from wandering plateaus of interchangeable
programmes (docs/decisions/0014-pathway-tight-bounds.md).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Container, Sequence
from typing import TYPE_CHECKING

from .bounds import INF, Ladder
from .model import CourseNode

if TYPE_CHECKING:
    from .search import Goal, Search, State

MAX_GOALS = 6
Edge = tuple[float, float, int, float]  # entry level, award level, goals met, cost


def _level_bits(goals: Sequence[tuple[object, ...]]) -> Callable[[float], int]:
    """The goals (as bits) that holding a level meets: alternatives parts with a level."""
    min_levels = [(g[2], 1 << i) for i, g in enumerate(goals) if g[0] == "alt" and g[2] is not None]

    def by_level(lv: float) -> int:
        mask = 0
        for need, bit in min_levels:
            if lv >= need:  # type: ignore[operator]
                mask |= bit
        return mask

    return by_level


#: per (entry level, award level, goals met) the courses that give such an edge, cheapest first
SupportTable = dict[tuple[float, float, int], list[tuple[int, int]]]


def support_table(
    goals: Sequence[tuple[object, ...]],
    ladder: Ladder,
    courses: list[CourseNode],
    supporters: Callable[[tuple[object, ...]], Sequence[int]],
) -> SupportTable:
    """The edges of the relaxed problem of a goal set (at most `MAX_GOALS`) that come from
    courses meeting a goal other than by their level, before any course is excluded: per
    (entry level, award level, goals met) every such course, cheapest first, so that a part
    of a k-best search that excludes a few courses takes the first one it does not exclude
    instead of looking at every supporter again (profiled at 50,000 courses, rebuilding the
    edges per part was the dearest function of the search).

    `supporters(goal)` gives every allowed course that meets a goal other than by its level
    (skill teachers, awarders of an accepted qualification); level-based support comes from
    the ladder's edges (a course that meets no goal is one of those, at no lower cost)."""
    goals = list(goals)[:MAX_GOALS]
    by_level = _level_bits(goals)
    entries = ladder.entry
    # each supporter's goals met other than by its level, goal by goal (a course meets a
    # skill goal when it is in that goal's supporters, since those are all the allowed
    # courses that give the skill); then one entry per course with its level's goals added
    met: dict[int, int] = {}
    for i, goal in enumerate(goals):
        bit, alt = 1 << i, goal[0] == "alt"
        for idx in supporters(goal):
            # an accepted item is a qualification or a skill (acceptsSkill): a course meets
            # the goal by any accepted item it gives; one listed only for its level gets its
            # bit from the level below
            if alt and goal[1].isdisjoint(courses[idx].awards):  # type: ignore[attr-defined]
                continue
            met[idx] = met.get(idx, 0) | bit
    costs, level_bits = ladder.costs, dict[float, int]()
    table: SupportTable = {}
    for idx, bits in met.items():
        award = courses[idx].award_level
        by_award = level_bits.get(award)
        if by_award is None:
            by_award = level_bits[award] = by_level(award)
        table.setdefault((entries[idx], award, bits | by_award), []).append((costs[idx], idx))
    for found in table.values():
        found.sort()
    return table


def base_edges(
    goals: Sequence[tuple[object, ...]],
    ladder: Ladder,
    table: SupportTable,
    exclude: Container[int] = frozenset(),
) -> list[Edge]:
    """The edges of the relaxed problem of a goal set, which do not depend on the node: per
    (entry level, award level, goals met) the cheapest course, from the ladder's edges and
    the goal set's `support_table` without the courses in `exclude`."""
    by_level = _level_bits(list(goals)[:MAX_GOALS])
    best: dict[tuple[float, float, int], float] = {}
    for (entry, award), cost in ladder.edges:
        key = (entry, award, by_level(award))
        if cost < best.get(key, INF):
            best[key] = cost
    for key, found in table.items():
        for cost, idx in found:
            if idx not in exclude:
                if cost < best.get(key, INF):
                    best[key] = cost
                break
    return sorted((e, a, m, c) for (e, a, m), c in best.items())


def relaxed_cost(
    goals: Sequence[tuple[object, ...]],
    level: float,
    ladder: Ladder,
    courses: list[CourseNode],
    base: list[Edge],
    free: Sequence[int],
    meets: Callable[[CourseNode, tuple[object, ...]], bool],
) -> float:
    """The cheapest relaxed cost of meeting every goal (the first `MAX_GOALS`) from `level`
    (INF: impossible), over the goal set's `base` edges (`base_edges`) and the node's stuck
    courses `free` (cost 0). Edges that lift no level and meet no goal are skipped."""
    goals = list(goals)[:MAX_GOALS]
    full = (1 << len(goals)) - 1
    by_level = _level_bits(goals)

    def mask_of(course: CourseNode) -> int:
        mask = by_level(course.award_level)
        for i, g in enumerate(goals):
            if not mask >> i & 1 and meets(course, g):
                mask |= 1 << i
        return mask

    entries = ladder.entry
    edges: list[Edge] = base
    if free:
        zero = {(entries[idx], courses[idx].award_level, mask_of(courses[idx])) for idx in free}
        edges = sorted(
            [x for x in base if (x[0], x[1], x[2]) not in zero] + [(*z, 0.0) for z in zero]
        )
    start = by_level(level)
    if start == full:
        return 0.0
    found: dict[tuple[float, int], float] = {(level, start): 0.0}
    heap: list[tuple[float, float, int]] = [(0.0, level, start)]
    while heap:
        cost, lv, mask = heapq.heappop(heap)
        if mask == full:
            return cost
        if cost > found.get((lv, mask), INF):
            continue
        for entry, award, gained, step in edges:
            if entry > lv:
                break
            new_lv = award if award > lv else lv
            new_mask = mask | gained
            if new_lv == lv and new_mask == mask:
                continue
            new_cost = cost + step
            if new_cost < found.get((new_lv, new_mask), INF):
                found[(new_lv, new_mask)] = new_cost
                heapq.heappush(heap, (new_cost, new_lv, new_mask))
    return INF


class RelaxedBound:
    """`relaxed_cost` for the nodes of one search, with each goal set's edges cached (profiled
    at 10,000 courses, building the edges per node was half of the search's time). The parts of one k-best search share the closure and differ only
    in a few excluded courses: what does not depend on those (each goal's supporters, each
    goal set's support table, relaxed costs on equal edges) is kept in the root's
    `SharedTables`, always made without any part's excluded courses."""

    def __init__(self, search: Search) -> None:
        self.s = search
        self._edges: dict[tuple[object, ...], list[Edge]] = {}

    def cost(self, goals: list[Goal], state: State) -> float:
        from .search import meets

        s = self.s
        goal_key = tuple(goals[:MAX_GOALS])
        base = self._edges.get(goal_key)
        if base is None:
            base = self._edges[goal_key] = self._base(goal_key)
        # nodes (of this search or of another part with the same edges) with the same goals,
        # level and stuck courses have the same relaxed problem
        key = (goal_key, state.level, frozenset(state.stuck))
        known = s.shared.costs.get(key)
        if known is not None and (known[0] is base or known[0] == base):
            return known[1]
        cost = relaxed_cost(goals, state.level, s.ladder, s.model.courses, base, state.stuck, meets)
        s.shared.costs[key] = (base, cost)
        return cost

    def _base(self, goal_key: tuple[Goal, ...]) -> list[Edge]:
        s, shared = self.s, self.s.shared
        table = shared.tables.get(goal_key)
        if table is None:
            table = shared.tables[goal_key] = support_table(
                goal_key, s.ladder, s.model.courses, self._every
            )
        return base_edges(goal_key, s.ladder, table, s.extra)

    def _every(self, goal: Goal) -> tuple[int, ...]:
        """Courses in the closure that meet a goal other than by the level they award, but
        those the root of the k-best search excludes (the same for all its parts)."""
        s = self.s
        every = s.shared.direct.get(goal)
        if every is None:
            model, rank = s.model, s.rank
            if goal[0] == "skill":
                pool: tuple[int, ...] = model.teachers(goal[1], rank)  # type: ignore[arg-type]
            else:
                pool = tuple(c for q in goal[1] for c in model.teachers(q, rank))  # type: ignore[attr-defined]
            taken, exclude = s.taken, s.shared.exclude
            every = s.shared.direct[goal] = tuple(
                c for c in pool if c in taken and c not in exclude
            )
        return every


class SharedTables:
    """What the searches of one k-best call (one closure, one ranking) share: per goal its
    supporter set and direct supporters without the root's excluded courses, per goal set
    its support table, and the relaxed costs computed (with the edges they were made on)."""

    def __init__(self, exclude: frozenset[int]) -> None:
        self.exclude = exclude
        self.sets: dict[Goal, frozenset[int]] = {}
        self.direct: dict[Goal, tuple[int, ...]] = {}
        self.costs: dict[tuple[object, ...], tuple[list[Edge], float]] = {}
        self.tables: dict[tuple[object, ...], SupportTable] = {}
