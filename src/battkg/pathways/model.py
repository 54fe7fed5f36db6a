"""The pathway model: entry requirements, courses, roles and entry profiles, held in memory.

Qualifications and skills share one integer id space ("items") so that what a person
holds is a small set of ints. The eligibility semantics are those of docs/data.md:
a requirement is met when its *alternatives* part is met (open entry, an accepted
qualification, a qualification at or above an accepted EQF level, or validation of
prior learning with enough experience) **and** every required skill is held, or, for a
role's requirement with `bkg:skillsMetByField`, a qualification in one of its fields at or
above its level is held in place of the required skills (decision 0057).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .labels import Labels

#: Costs are integers so that sums are exact: weeks are counted in hundredths.
WEEK = 100
#: Secondary rankings add the weeks below this scale (lexicographic in one integer).
SCALE = 10**6
#: Every cost ends in a tie-break: the number of the step's key facts that are not confirmed,
#: so that among routes equal in the ranking, those resting on confirmed facts come first.
TIE = 100
RANKS = ("duration", "steps", "cost", "confidence")
#: The facts every step must mark (decision 0050).
KEY_FACTS = (
    "durationWeeks",
    "tuitionFee",
    "entryRequirement",
    "awardsQualification",
    "placesPerYear",
    "startDate",
    "teachingLanguage",
    "offerStatus",
)
CONFIDENCE_MARKS = ("confirmed", "estimated", "unknown")
#: Approximate EUR value of one unit of each currency, to rank fees across countries.
EUR_PER_UNIT = {"EUR": 1.0, "SEK": 0.088, "NOK": 0.086, "DKK": 0.134, "ISK": 0.0066}


#: confidence marks from the surest to the weakest (decision 0050)
CONFIDENCE_ORDER = ("confirmed", "estimated", "unknown")


def weakest_mark(marks: Iterable[str], default: str = "estimated") -> str:
    """The weakest of confidence marks (unknown below estimated below confirmed); with no
    mark, `default` (a value given without a mark is estimated, decision 0050)."""
    known = [m for m in marks if m in CONFIDENCE_ORDER]
    return max(known, key=CONFIDENCE_ORDER.index) if known else default


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
    #: the person must also have an employer who takes them on (an apprenticeship or employment
    #: contract): shown with the step, not something a course or a holding meets
    employer: bool = False
    #: qualifications taken in place of the required skills (bkg:skillsMetByField: those in
    #: the named fields at or above the named level); only on a role's requirement
    stand_ins: frozenset[int] = frozenset()
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

    def skills_met(self, held: set[int] | frozenset[int]) -> bool:
        """Every required skill is held, or a qualification taken in place of them."""
        return self.skills <= held or not self.stand_ins.isdisjoint(held)

    def met(self, held: set[int] | frozenset[int], level: float, experience: float) -> bool:
        return self.skills_met(held) and self.alternatives_met(held, level, experience)


@dataclass(frozen=True)
class Fact:
    """How sure the data is of one key fact of a step, and where it comes from."""

    prop: str
    confidence: str  # confirmed, estimated or unknown
    source: str | None = None


@dataclass(frozen=True)
class CourseNode:
    """A pathway step: a course or programme, or a recognition, validation or trade test."""

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
    #: course, recognition, validation or trade-test
    kind: str = "course"
    #: running, planned, ended or unknown
    status: str = "unknown"
    audience: frozenset[str] = frozenset({"anyone"})
    employer: str | None = None
    start_dates: tuple[str, ...] = ()
    academic_year: str | None = None
    ended_in: str | None = None
    #: False: the data gives no duration (`weeks` is 0, a lower bound)
    weeks_known: bool = True
    #: the key facts with their confidence; `doubts` counts those not confirmed
    facts: tuple[Fact, ...] = ()
    doubts: int = 0
    country: str | None = None  # the country code of where it is given (SE, FI, NO)

    @property
    def usable(self) -> bool:
        """A course with no requirement, or one nobody can meet, can never be taken."""
        return self.requirement is not None and self.requirement.has_alternatives()

    @property
    def fee_known(self) -> bool:
        return bool(self.funded) or self.fee is not None

    @property
    def free(self) -> bool:
        """Known to be free: publicly funded, or a stated fee of 0 (an unknown fee is not)."""
        return bool(self.funded) or self.fee == 0

    @property
    def online(self) -> bool:
        return bool(self.mode) and str(self.mode).endswith("mode-online")

    @property
    def studied_from_home(self) -> bool:
        """A course studied online: taken from any country without moving. A recognition,
        validation or trade test belongs to its country's system even when applied for online."""
        return self.online and self.kind == "course"

    def fee_eur(self) -> float:
        """The fee in EUR; 0 when free or unknown (`fee_known` tells which)."""
        if self.funded or not self.fee:
            return 0.0
        return self.fee * EUR_PER_UNIT.get((self.currency or "EUR").upper(), 1.0)

    def cost(self, rank: str) -> int:
        """The step's cost for a ranking, as one integer: (primary x SCALE + weeks) x TIE +
        the facts not confirmed. An unknown duration or fee counts as 0 (a lower bound)."""
        weeks = min(round(self.weeks * WEEK), SCALE - 1)
        if rank == "steps":
            primary = SCALE + weeks
        elif rank == "cost":
            primary = round(self.fee_eur()) * SCALE + weeks
        elif rank == "confidence":
            primary = self.doubts * SCALE + weeks
        else:
            primary = weeks
        return primary * TIE + self.doubts


@dataclass(frozen=True)
class RoleNode:
    iri: str
    requirement: Requirement | None
    essential: tuple[int, ...] = ()
    optional: tuple[int, ...] = ()
    #: the weakest mark of the role's entry requirement (the role's mark on it and its
    #: requirement's own); what an answer with no step rests on (decision 0050)
    requirement_confidence: str = "estimated"


@dataclass(frozen=True)
class EntryProfile:
    iri: str
    qualifications: tuple[int, ...] = ()
    skills: tuple[int, ...] = ()
    experience: float = 0.0
    country: str | None = None  # the country code of a country-aware preset
    situation: str | None = None  # the situation of every person of the preset (decision 0063)


@dataclass(frozen=True)
class Start:
    """Where a person starts: what they hold and their years of experience."""

    held: frozenset[int]
    level: float
    experience: float
    profile: str | None = None


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
    #: qualification item -> the skill items a holder can be assumed to have
    certified: dict[int, frozenset[int]] = field(default_factory=dict)
    #: qualification item -> the country code of its education system
    qualification_country: dict[int, str] = field(default_factory=dict)
    #: region IRI -> the regions it lies within (its closure)
    region_parents: dict[str, frozenset[str]] = field(default_factory=dict)
    #: qualification items named by kind and level only, which programmes of many fields
    #: award (a master's degree, a vocational diploma): another such programme is no retake
    across_fields: frozenset[int] = frozenset()
    #: named qualification item -> the kinds it is one of, transitively (bkg:specialisationOf,
    #: decision 0062): its holder holds them, and a step awarding it awards them
    kinds: dict[int, frozenset[int]] = field(default_factory=dict)
    #: skill items employers train at work (bkg:trainedByEmployer, decision 0059): a gap in
    #: one says so, and no requirement should ask it of an applicant
    trained_by_employer: frozenset[int] = frozenset()
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

    def with_certified(self, items: Iterable[int]) -> set[int]:
        """Items plus the kinds their qualifications are of and the skills they certify."""
        held = set(items)
        for item in list(held):
            held |= self.kinds.get(item, frozenset())
            held |= self.certified.get(item, frozenset())
        return held

    def start(
        self,
        profile: EntryProfile | None,
        extra: Iterable[int] = (),
        experience: float | None = None,
        country: str | None = None,
    ) -> Start:
        """What a person starts with: a preset's holdings (with a `country`, a country-neutral
        preset's qualifications of that country only), what else they hold, and the skills
        their qualifications certify."""
        held = set(extra)
        if profile is not None:
            quals = profile.qualifications
            if country and not profile.country:
                quals = tuple(
                    q for q in quals if self.qualification_country.get(q, country) == country
                )
            held.update(quals)
            held.update(profile.skills)
        held = self.with_certified(held)
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
                # those awarding the level are already in order: two sorted runs, which
                # the sort merges in one pass
                at_level = self.supporters_at(min_level, rank)
                chosen.difference_update(at_level)
                merged = [*at_level, *self._sorted(chosen, rank)]
                merged.sort(key=self.position(rank).__getitem__)
                found = tuple(merged)
            else:
                found = self._sorted(chosen, rank)
            self._supporters[key] = found
        return found

    def supporters_at(self, min_level: float, rank: str) -> tuple[int, ...]:
        """Usable courses awarding `min_level` or above, cheapest first (cached: a handful
        of levels per ranking, made with the model, so that no query pays for sorting tens of
        thousands of courses)."""
        key = ("at-level", min_level, rank)
        found: tuple[int, ...] | None = self.caches.get(key)
        if found is None:
            found = self.caches[key] = self._sorted(
                (idx for level, idx in self._by_level if level >= min_level), rank
            )
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
        return tuple(sorted(idxs, key=self.position(rank).__getitem__))

    def position(self, rank: str) -> list[int]:
        """Each course's place in the order of a ranking (cost, then IRI), by index: a key
        that sorts in C (profiled at 50,000 courses, a key of tuples made per comparison was
        a tenth of a cold query)."""
        key = ("position", rank)
        found: list[int] | None = self.caches.get(key)
        if found is None:
            courses, costs = self.courses, self.costs(rank)
            order = sorted(range(len(courses)), key=lambda i: (costs[i], courses[i].iri))
            found = [0] * len(courses)
            for place, idx in enumerate(order):
                found[idx] = place
            self.caches[key] = found
        return found

    def costs(self, rank: str) -> list[int]:
        """Every course's cost under a ranking, by index (made once per ranking)."""
        key = ("costs", rank)
        found: list[int] | None = self.caches.get(key)
        if found is None:
            found = self.caches[key] = [c.cost(rank) for c in self.courses]
        return found
