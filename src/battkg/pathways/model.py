"""The pathway model: entry requirements, courses, roles and entry profiles, held in memory.

Qualifications and skills share one integer id space ("items") so that what a person
holds is a small set of ints. The eligibility semantics are those of docs/data.md:
a requirement is met when its *alternatives* part is met (open entry, an accepted
qualification, a qualification at or above an accepted EQF level, or validation of
prior learning with enough experience) **and** every required skill is held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Costs are integers so that sums are exact: weeks are counted in hundredths.
WEEK = 100
#: Secondary rankings add the weeks below this scale (lexicographic in one integer).
SCALE = 10**7
RANKS = ("duration", "steps", "cost")
#: Approximate EUR value of one unit of each currency, to rank fees across countries.
EUR_PER_UNIT = {"EUR": 1.0, "SEK": 0.088, "NOK": 0.086, "DKK": 0.134, "ISK": 0.0066}


@dataclass(frozen=True)
class Requirement:
    """An entry requirement (of a course or a role)."""

    iri: str
    open_entry: bool = False
    accepts: frozenset[int] = frozenset()
    levels: tuple[float, ...] = ()
    prior_learning: bool = False
    min_experience: float = 0.0
    skills: frozenset[int] = frozenset()
    #: the lowest accepted level (any qualification at or above it meets the requirement)
    min_level: float | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_level", min(self.levels) if self.levels else None)

    def alternatives_open(self, experience: float) -> bool:
        """Met whatever the person holds: open entry, or prior learning with enough experience."""
        return self.open_entry or (self.prior_learning and experience >= self.min_experience)

    def has_alternatives(self) -> bool:
        return self.open_entry or self.prior_learning or bool(self.accepts or self.levels)

    def alternatives_met(
        self, held: Iterable[int] | set[int], level: float, experience: float
    ) -> bool:
        if self.alternatives_open(experience):
            return True
        min_level = self.min_level
        if min_level is not None and level >= min_level:
            return True
        return not self.accepts.isdisjoint(held)

    def met(self, held: set[int] | frozenset[int], level: float, experience: float) -> bool:
        return self.skills <= held and self.alternatives_met(held, level, experience)


@dataclass(frozen=True)
class CourseNode:
    idx: int
    iri: str
    requirement: Requirement | None
    qualifications: tuple[int, ...]
    skills: tuple[int, ...]
    award_level: float
    weeks: float
    credits: float | None = None
    credit_system: str | None = None
    fee: float | None = None
    currency: str | None = None
    funded: bool | None = None
    places: int | None = None
    mode: str | None = None
    municipality: str | None = None
    languages: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    located_in: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    awards: frozenset[int] = field(default=frozenset(), compare=False)

    @property
    def usable(self) -> bool:
        """A course with no requirement, or one nobody can meet, can never be taken."""
        return self.requirement is not None and self.requirement.has_alternatives()

    @property
    def free(self) -> bool:
        return bool(self.funded) or self.fee == 0

    def fee_eur(self) -> float:
        if self.funded or not self.fee:
            return 0.0
        return self.fee * EUR_PER_UNIT.get((self.currency or "EUR").upper(), 1.0)

    def cost(self, rank: str) -> int:
        """The course's cost for a ranking, as one integer (primary x SCALE + weeks)."""
        weeks = round(self.weeks * WEEK)
        if rank == "steps":
            return SCALE + weeks
        if rank == "cost":
            return round(self.fee_eur() * 100) * SCALE + weeks
        return weeks


@dataclass(frozen=True)
class RoleNode:
    iri: str
    requirement: Requirement | None
    essential: tuple[int, ...] = ()
    optional: tuple[int, ...] = ()


@dataclass(frozen=True)
class EntryProfile:
    iri: str
    qualifications: tuple[int, ...] = ()
    skills: tuple[int, ...] = ()
    experience: float = 0.0


@dataclass(frozen=True)
class Start:
    """Where a person starts: what they hold and their years of experience."""

    held: frozenset[int]
    level: float
    experience: float
    profile: str | None = None


@dataclass
class Labels:
    """Preferred and alternative labels by IRI and language, with fallback."""

    pref: dict[str, dict[str, str]] = field(default_factory=dict)
    alt: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, iri: str, lang: str, text: str, *, preferred: bool = True) -> None:
        if preferred:
            self.pref.setdefault(iri, {}).setdefault(lang, text)
        else:
            self.alt.setdefault(iri, []).append((lang, text))

    def get(self, iri: str, lang: str = "en") -> str:
        by_lang = self.pref.get(iri)
        if by_lang:
            for candidate in (lang, "en", "sv", "fi", "nb", ""):
                if candidate in by_lang:
                    return by_lang[candidate]
            return next(iter(by_lang.values()))
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def all_texts(self, iri: str) -> list[tuple[str, str]]:
        """Every (language, label) of a thing, preferred first."""
        return list(self.pref.get(iri, {}).items()) + self.alt.get(iri, [])


@dataclass
class PathwayModel:
    """Everything the search needs, with the indexes built once per store generation."""

    items: list[str]
    item_index: dict[str, int]
    qualification_level: dict[int, float]
    courses: list[CourseNode]
    roles: dict[str, RoleNode]
    profiles: dict[str, EntryProfile]
    labels: Labels
    region_country: dict[str, str] = field(default_factory=dict)
    course_index: dict[str, int] = field(default_factory=dict)
    awarders: dict[int, list[int]] = field(default_factory=dict)
    _supporters: dict[tuple[object, ...], tuple[int, ...]] = field(default_factory=dict)
    #: derived tables made on first use (bounds per ranking, the closure index)
    caches: dict[object, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.course_index = {c.iri: c.idx for c in self.courses}
        for course in self.courses:
            if course.usable:
                for item in course.awards:
                    self.awarders.setdefault(item, []).append(course.idx)
        self._by_level = sorted(
            (c.award_level, c.idx) for c in self.courses if c.usable and c.award_level > 0
        )

    def item(self, iri: str) -> int | None:
        return self.item_index.get(iri)

    def level_of(self, items: Iterable[int]) -> float:
        return max((self.qualification_level.get(i, 0.0) for i in items), default=0.0)

    def start(
        self,
        profile: EntryProfile | None,
        extra: Iterable[int] = (),
        experience: float | None = None,
    ) -> Start:
        held = set(extra)
        if profile is not None:
            held.update(profile.qualifications)
            held.update(profile.skills)
        years = experience if experience is not None else (profile.experience if profile else 0.0)
        return Start(frozenset(held), self.level_of(held), years, profile.iri if profile else None)

    def supporters(
        self, accepts: frozenset[int], min_level: float | None, rank: str
    ) -> tuple[int, ...]:
        """Usable courses that meet an alternatives part, cheapest first (cached)."""
        key = ("alt", accepts, min_level, rank)
        found = self._supporters.get(key)
        if found is None:
            chosen = {c for q in accepts for c in self.awarders.get(q, ())}
            if min_level is not None:
                chosen.update(idx for level, idx in self._by_level if level >= min_level)
            found = self._sorted(chosen, rank)
            self._supporters[key] = found
        return found

    def teachers(self, item: int, rank: str) -> tuple[int, ...]:
        """Usable courses that give an item, cheapest first (cached)."""
        key = ("item", item, rank)
        found = self._supporters.get(key)
        if found is None:
            found = self._sorted(self.awarders.get(item, ()), rank)
            self._supporters[key] = found
        return found

    def _sorted(self, idxs: Iterable[int], rank: str) -> tuple[int, ...]:
        courses = self.courses
        return tuple(sorted(idxs, key=lambda i: (courses[i].cost(rank), courses[i].iri)))
