"""What a person can ever reach: the fixed point of taking every course they may enter.

Holdings only grow, so the fixed point is exact: a role is reachable under some filters
if and only if its requirement is met by the closure. The search uses the closure to
leave out courses that can never be taken; the no-route answer uses it to name the
requirement that cannot be met and the filter that removed the last option.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .filters import FilterIndex
from .model import PathwayModel, Requirement, Start


@dataclass
class Closure:
    held: set[int]
    level: float
    taken: set[int] = field(default_factory=set)


class ClosureIndex:
    """Which courses to look at again when an item or a level is gained (built once)."""

    def __init__(self, model: PathwayModel) -> None:
        self.model = model
        self.dependents: dict[int, list[int]] = {}
        by_level: list[tuple[float, int]] = []
        by_experience: list[tuple[float, int]] = []
        for c in model.courses:
            req = c.requirement
            if req is None or not c.usable:
                continue
            for item in req.accepts | req.skills:
                self.dependents.setdefault(item, []).append(c.idx)
            if req.open_entry:
                by_experience.append((-1.0, c.idx))
            elif req.prior_learning:
                by_experience.append((req.min_experience, c.idx))
            if req.min_level is not None:
                by_level.append((req.min_level, c.idx))
        by_level.sort()
        by_experience.sort()
        self._levels = [lv for lv, _ in by_level]
        self._by_level = [c for _, c in by_level]
        self._experience = [e for e, _ in by_experience]
        self._by_experience = [c for _, c in by_experience]
        self._cache: dict[object, Closure] = {}
        self._bases: dict[object, dict[float, Closure]] = {}
        self._profile_levels = {model.level_of(p.qualifications) for p in model.profiles.values()}

    def closure(self, start: Start, allowed: frozenset[int], key: object = None) -> Closure:
        """The fixed point from `start` using only `allowed` courses (cached by `key`).

        It grows from a *base* of the filter set: the fixed point from holding nothing but a
        level at or below the start's, with no experience (computed once per `key` and
        level, each from the one below). The start holds at least that much and holdings
        only grow, so continuing from the base gives the same fixed point, while each entry
        profile pays only for what its own holdings add."""
        cache_key = (start.held, start.experience, key)
        if key is not None and cache_key in self._cache:
            return self._cache[cache_key]
        if key is None:
            return self._grow(None, start, allowed)
        found = self._grow(self._base(key, start.level, allowed), start, allowed)
        if len(self._cache) >= 256:
            self._cache.pop(next(iter(self._cache)))
        self._cache[cache_key] = found
        return found

    def _base(self, key: object, level: float, allowed: frozenset[int]) -> Closure:
        bases = self._bases.get(key)
        if bases is None:
            if len(self._bases) >= 64:
                self._bases.pop(next(iter(self._bases)))
            bases = self._bases[key] = {}
        found = bases.get(level)
        if found is None:  # chain up through the entry profiles' levels, the lowest first
            for step in sorted({lv for lv in self._profile_levels if lv < level} | {level}):
                if step not in bases:
                    below = max((lv for lv in bases if lv < step), default=None)
                    seed = None if below is None else bases[below]
                    bases[step] = self._grow(seed, Start(frozenset(), step, 0.0), allowed)
            found = bases[level]
        return found

    def _grow(self, seed: Closure | None, start: Start, allowed: frozenset[int]) -> Closure:
        """The fixed point from `start`, continuing that of a base `seed` (reached from
        nothing held and no experience) when given."""
        courses = self.model.courses
        exps, levels = self._experience, self._levels
        held, level, exp = set(start.held), start.level, start.experience
        taken: set[int] = set()
        lo_exp = lo_level = 0
        if seed is not None:
            held |= seed.held
            level = max(level, seed.level)
            taken = set(seed.taken)
            lo_exp = bisect.bisect_right(exps, 0.0)
            lo_level = bisect.bisect_right(levels, seed.level)
        todo = self._by_experience[lo_exp : bisect.bisect_right(exps, exp)]
        todo += self._by_level[lo_level : bisect.bisect_right(levels, level)]
        for item in start.held if seed is None else start.held - seed.held:
            todo += self.dependents.get(item, ())
        # most of these are taken already (the seed's) or not allowed: leave them out with set
        # operations, not one test each in Python (at 50,000 courses a person's few holdings
        # beyond the seed's gave ~10,000 such candidates, 16 ms of each answer)
        todo = list(allowed.intersection(todo).difference(taken))
        while todo:
            idx = todo.pop()
            if idx in taken or idx not in allowed:
                continue
            req = courses[idx].requirement
            if req is None or not req.skills <= held:
                continue
            if not (
                req.open_entry
                or (req.prior_learning and exp >= req.min_experience)
                or (req.min_level is not None and level >= req.min_level)
                or not req.accepts.isdisjoint(held)
            ):
                continue
            taken.add(idx)
            course = courses[idx]
            for item in course.awards:
                if item not in held:
                    held.add(item)
                    todo += self.dependents.get(item, ())
            if course.award_level > level:
                lo = bisect.bisect_right(levels, level)
                level = course.award_level
                todo += allowed.intersection(
                    self._by_level[lo : bisect.bisect_right(levels, level)]
                ).difference(taken)
        return Closure(held, level, taken)


def index_of(model: PathwayModel) -> ClosureIndex:
    found: ClosureIndex | None = model.caches.get("closure-index")
    if found is None:
        found = model.caches["closure-index"] = ClosureIndex(model)
    return found


def filter_index_of(model: PathwayModel) -> FilterIndex:
    found: FilterIndex | None = model.caches.get("filter-index")
    if found is None:
        found = model.caches["filter-index"] = FilterIndex(model.courses)
    return found


def unmet_parts(req: Requirement, closure: Closure, experience: float) -> list[tuple[str, object]]:
    """The parts of a requirement a closure does not meet: ("alternatives", req) or ("skill", item)."""
    parts: list[tuple[str, object]] = []
    if not req.alternatives_met(closure.held, closure.level, experience):
        parts.append(("alternatives", req))
    parts.extend(("skill", s) for s in sorted(req.skills - closure.held))
    return parts
