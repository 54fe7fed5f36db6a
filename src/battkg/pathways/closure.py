"""What a person can ever reach: the fixed point of taking every course they may enter.

Holdings only grow, so the fixed point is exact: a role is reachable under some filters
if and only if its requirement is met by the closure. The search uses the closure to
leave out courses that can never be taken; the no-route answer uses it to name the
requirement that cannot be met and the filter that removed the last option.

The fixed point is computed on bit sets of courses (an `int`, bit i for course i), one
round per wave of courses that become enterable together: which courses a round opens is a
few operations on whole sets (open entry, experience, level, an accepted holding, required
skills all held), so the cost is that of the courses taken, not of every candidate looked
at. Any closure already made from less (fewer holdings, a lower level, less experience,
fewer courses allowed) is a valid place to continue from, since holdings only grow: the
closures of a filter set's relaxations (the no-route answer drops one filter at a time)
continue those of the filter set itself.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .bitsets import bits_of, indexes_of
from .filters import FilterIndex, Filters
from .model import PathwayModel, Requirement, Start

_CACHED = 256  # closures kept per index
_KEYS = 64  # filter sets whose bases are kept


@dataclass
class Closure:
    held: set[int]
    level: float
    #: the courses taken, as a bit set
    bits: int = field(default=0, repr=False)
    #: courses whose requirement accepts something held
    accepting: int = field(default=0, compare=False, repr=False)
    #: courses that require a skill not held
    blocked: int = field(default=0, compare=False, repr=False)
    _taken: set[int] | None = field(default=None, compare=False, repr=False)
    #: the closure this one continued: its set of taken courses, once made, is copied and
    #: extended rather than read again from all the bits
    _seed: Closure | None = field(default=None, compare=False, repr=False)

    @property
    def taken(self) -> set[int]:
        """The courses taken (made from `bits` when first asked: a base and the no-route
        answer's closures never need it)."""
        if self._taken is None:
            seed = self._seed
            if seed is None:
                self._taken = set(indexes_of(self.bits))
            else:
                self._taken = seed.taken | set(indexes_of(self.bits & ~seed.bits))
            self._seed = None
        return self._taken


@dataclass
class _Made:
    """A closure with what it was made from, so that it can seed a closure from more."""

    held: frozenset[int]
    level: float
    experience: float
    allowed: int
    closure: Closure


class ClosureIndex:
    """Bit sets of the courses each kind of requirement lets in (built once per model)."""

    def __init__(self, model: PathwayModel) -> None:
        self.model = model
        #: item -> the courses whose requirement names it (the planner's wake-up lists)
        self.dependents: dict[int, list[int]] = {}
        self._awards = [c.awards for c in model.courses]
        self._award_level = [c.award_level for c in model.courses]
        open_entry: list[int] = []
        by_experience: dict[float, list[int]] = {}
        by_level: dict[float, list[int]] = {}
        accepting: dict[int, list[int]] = {}
        self._skills: dict[int, frozenset[int]] = {}
        self._requiring: dict[int, list[int]] = {}
        for c in model.courses:
            req = c.requirement
            if req is None or not c.usable:
                continue
            for item in req.accepts | req.skills:
                self.dependents.setdefault(item, []).append(c.idx)
            if req.open_entry:
                open_entry.append(c.idx)
            elif req.prior_learning:
                by_experience.setdefault(req.min_experience, []).append(c.idx)
            if req.min_level is not None:
                by_level.setdefault(req.min_level, []).append(c.idx)
            for item in req.accepts:
                accepting.setdefault(item, []).append(c.idx)
            if req.skills:
                self._skills[c.idx] = req.skills
                for item in req.skills:
                    self._requiring.setdefault(item, []).append(c.idx)
        self._open = bits_of(open_entry)
        self._with_skills = bits_of(self._skills)
        self._accepting = {item: bits_of(cs) for item, cs in accepting.items()}
        self._experience, self._by_experience = _prefixes(by_experience)
        self._levels, self._by_level = _prefixes(by_level)
        self._cache: dict[object, _Made] = {}
        self._bases: dict[Filters, dict[float, _Made]] = {}
        self._profile_levels = {model.level_of(p.qualifications) for p in model.profiles.values()}

    def closure(self, start: Start, filters: Filters) -> Closure:
        """The fixed point from `start` using only the courses `filters` allow (cached).

        It continues the largest closure already made (under any filters) from no more than
        the start holds, with no more courses allowed; failing one, from a *base* of the
        filter set: the fixed point from holding nothing but a level at or below the
        start's, with no experience (computed once per filter set and level, each from the
        one below)."""
        cache_key = (start.held, start.experience, filters)
        made = self._cache.get(cache_key)
        if made is not None:
            return made.closure
        mask = filter_index_of(self.model).mask(filters)
        seed = self._seed(start, mask, self._base(filters, start.level, mask))
        found = self._grow(seed, start, mask)
        if len(self._cache) >= _CACHED:
            self._cache.pop(next(iter(self._cache)))
        self._cache[cache_key] = _Made(start.held, start.level, start.experience, mask, found)
        return found

    def fresh(self, start: Start, allowed: frozenset[int]) -> Closure:
        """The fixed point from `start` using only `allowed` courses, from nothing made before
        (not cached)."""
        return self._grow(None, start, bits_of(allowed))

    def _seed(self, start: Start, mask: int, base: Closure | None) -> Closure | None:
        """The largest closure made from no more than `start` under no more than `mask`."""
        best, size = base, base.bits.bit_count() if base is not None else -1
        made_so_far = [
            *self._cache.values(),
            *(m for b in self._bases.values() for m in b.values()),
        ]
        for made in made_so_far:
            if (
                made.level <= start.level
                and made.experience <= start.experience
                and not made.allowed & ~mask
                and made.held <= start.held
            ):
                n = made.closure.bits.bit_count()
                if n > size:
                    best, size = made.closure, n
        return best

    def _base(self, key: Filters, level: float, mask: int) -> Closure:
        bases = self._bases.get(key)
        if bases is None:
            if len(self._bases) >= _KEYS:
                self._bases.pop(next(iter(self._bases)))
            bases = self._bases[key] = {}
        found = bases.get(level)
        if found is None:  # chain up through the entry profiles' levels, the lowest first
            for step in sorted({lv for lv in self._profile_levels if lv < level} | {level}):
                if step not in bases:
                    below = max((lv for lv in bases if lv < step), default=None)
                    start = Start(frozenset(), step, 0.0)
                    seed = self._seed(start, mask, None if below is None else bases[below].closure)
                    bases[step] = _Made(start.held, step, 0.0, mask, self._grow(seed, start, mask))
            found = bases[level]
        return found.closure

    def _grow(self, seed: Closure | None, start: Start, mask: int) -> Closure:
        """The fixed point from `start` under the courses of `mask`, continuing `seed` (a
        closure made from no more than `start` holds under no more courses) when given."""
        held = set(start.held)
        level, experience = start.level, start.experience
        if seed is None:
            taken, accepting, blocked = 0, 0, self._with_skills
            gained = set(held)
        else:
            held |= seed.held
            level = max(level, seed.level)
            taken, accepting, blocked = seed.bits, seed.accepting, seed.blocked
            gained = held - seed.held
        accepting, blocked = self._gain(gained, held, accepting, blocked)
        opened = self._open | _prefix(self._experience, self._by_experience, experience)
        awards, award_level = self._awards, self._award_level
        while True:
            entered = _prefix(self._levels, self._by_level, level) | opened | accepting
            new = entered & mask & ~(blocked | taken)
            if not new:
                break
            taken |= new
            courses = indexes_of(new)
            gained = set().union(*map(awards.__getitem__, courses))
            gained -= held
            level = max(level, max(map(award_level.__getitem__, courses)))
            if gained:
                held |= gained
                accepting, blocked = self._gain(gained, held, accepting, blocked)
        return Closure(held, level, taken, accepting, blocked, _seed=seed)

    def _gain(
        self, items: set[int], held: set[int], accepting: int, blocked: int
    ) -> tuple[int, int]:
        """The accepting and blocked sets once `items` are held too."""
        freed: list[int] = []
        for item in items.intersection(self._accepting):
            accepting |= self._accepting[item]
        skills = self._skills
        for item in items.intersection(self._requiring):
            freed.extend(c for c in self._requiring[item] if skills[c] <= held)
        if freed:
            blocked &= ~bits_of(freed)
        return accepting, blocked


def _prefixes(by_value: dict[float, list[int]]) -> tuple[list[float], list[int]]:
    """Sorted values, and for each the bit set of courses at or below it."""
    values = sorted(by_value)
    out, acc = [], 0
    for value in values:
        acc |= bits_of(by_value[value])
        out.append(acc)
    return values, out


def _prefix(values: list[float], sets: list[int], at: float) -> int:
    i = bisect.bisect_right(values, at)
    return sets[i - 1] if i else 0


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
    if req.stand_ins.isdisjoint(closure.held):
        parts.extend(("skill", s) for s in sorted(req.skills - closure.held))
    return parts
