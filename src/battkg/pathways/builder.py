"""Assemble a PathwayModel from IRIs: used by the store loader, the tests and the benchmark."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .labels import Labels
from .model import (
    KEY_FACTS,
    CourseNode,
    EntryProfile,
    Fact,
    PathwayModel,
    Requirement,
    RoleNode,
    weakest_mark,
)


@dataclass
class RequirementSpec:
    open_entry: bool = False
    accepts: set[str] = field(default_factory=set)
    levels: set[float] = field(default_factory=set)
    prior_learning: bool = False
    min_experience: float = 0.0
    skills: set[str] = field(default_factory=set)
    employer: bool = False
    #: bkg:skillsMetByField and bkg:skillsMetByFieldLevel (a role's requirement only)
    stand_in_fields: set[str] = field(default_factory=set)
    stand_in_level: float | None = None


_NONE: frozenset[int] = frozenset()
#: what a step of unknown duration that awards no level counts for, when no step gives one
UNKNOWN_WEEKS = 1.0
COURSE_LISTS = (
    "qualifications",
    "skills",
    "languages",
    "regions",
    "located_in",
    "providers",
    "audience",
    "start_dates",
)
#: key fact -> the course entry key whose presence means the data gives a value
_FACT_VALUE = {
    "durationWeeks": "weeks",
    "tuitionFee": "fee",
    "entryRequirement": "requirement",
    "awardsQualification": "qualifications",
    "placesPerYear": "places",
    "startDate": "start_dates",
    "teachingLanguage": "languages",
    "offerStatus": "status",
}


class ModelBuilder:
    """Collect things by IRI, in any order; `build()` interns them and makes the indexes."""

    def __init__(self) -> None:
        self.levels: dict[str, float] = {}
        self.requirements: dict[str, RequirementSpec] = {}
        self.courses: dict[str, dict[str, object]] = {}
        self.roles: dict[str, dict[str, object]] = {}
        self.profiles: dict[str, dict[str, object]] = {}
        self.labels = Labels()
        self.region_country: dict[str, str] = {}
        self.certifies: dict[str, set[str]] = {}
        self.qualification_country: dict[str, str] = {}
        #: qualification IRI -> its ISCED-F fields (bkg:fieldOfStudy)
        self.qualification_fields: dict[str, set[str]] = {}
        self.region_parents: dict[str, set[str]] = {}
        #: qualifications named by kind and level only, awarded by programmes of many fields
        self.generic: set[str] = set()
        #: named qualification -> the kinds it is one of (bkg:specialisationOf, decision 0062)
        self.kinds: dict[str, set[str]] = {}
        #: skills employers train at work (bkg:trainedByEmployer)
        self.employer_trained: set[str] = set()
        #: course IRI -> key fact -> (confidence, source)
        self.marks: dict[str, dict[str, tuple[str, str | None]]] = {}
        #: requirement or role IRI -> the marks on the requirement's facts (a role's: on
        #: bkg:entryRequirement)
        self.requirement_marks: dict[str, list[str]] = {}
        self._items: dict[str, int] = {}
        self._item_list: list[str] = []

    def item(self, iri: str) -> int:
        found = self._items.get(iri)
        if found is None:
            found = self._items[iri] = len(self._item_list)
            self._item_list.append(iri)
        return found

    def qualification(self, iri: str, level: float | None) -> None:
        self.item(iri)
        if level is not None:
            self.levels[iri] = max(level, self.levels.get(iri, 0.0))

    def field_of(self, qualification: str, field_iri: str) -> None:
        self.item(qualification)
        self.qualification_fields.setdefault(qualification, set()).add(field_iri)

    def across_fields(self, qualification: str) -> None:
        """A qualification named by its kind and level only (bkg:awardedAcrossFields)."""
        self.item(qualification)
        self.generic.add(qualification)

    def specialises(self, qualification: str, kind: str) -> None:
        """A named qualification that is one of a kind (bkg:specialisationOf): a fagbrev in
        one trade is a fagbrev of any trade, and holding it meets what accepts the kind."""
        self.item(qualification)
        self.item(kind)
        if kind != qualification:
            self.kinds.setdefault(qualification, set()).add(kind)

    def _kind_closure(self) -> dict[int, frozenset[int]]:
        """Each named qualification's kinds, and theirs in turn (a cycle adds nothing)."""
        out: dict[int, frozenset[int]] = {}
        for qualification in self.kinds:
            seen: set[str] = set()
            todo = list(self.kinds[qualification])
            while todo:
                kind = todo.pop()
                if kind not in seen and kind != qualification:
                    seen.add(kind)
                    todo.extend(self.kinds.get(kind, ()))
            out[self.item(qualification)] = frozenset(map(self.item, seen))
        return out

    def trained_by_employer(self, skill: str) -> None:
        """A skill employers train at work, not one they expect of an applicant."""
        self.item(skill)
        self.employer_trained.add(skill)

    def requirement(self, iri: str) -> RequirementSpec:
        return self.requirements.setdefault(iri, RequirementSpec())

    def course(self, iri: str, **values: object) -> dict[str, object]:
        """Record (or update) a course; list-valued keys are extended."""
        entry = self.courses.setdefault(
            iri,
            {
                "qualifications": [],
                "skills": [],
                "languages": [],
                "regions": [],
                "located_in": [],
                "providers": [],
                "audience": [],
                "start_dates": [],
            },
        )
        _merge(entry, values)
        return entry

    def certified(self, qualification: str, skill: str) -> None:
        self.item(qualification)
        self.certifies.setdefault(qualification, set()).add(skill)

    def mark(self, course: str, prop: str, confidence: str, source: str | None = None) -> None:
        """The confidence of one key fact of a step (confirmed, estimated or unknown)."""
        self.marks.setdefault(course, {})[prop] = (confidence, source)

    def requirement_mark(self, thing: str, confidence: str) -> None:
        """A mark on a fact of an entry requirement, or on a role's bkg:entryRequirement."""
        self.requirement_marks.setdefault(thing, []).append(confidence)

    def _requirement_confidence(self, role: str, requirement: object) -> str:
        """The weakest mark of a role's requirement; with none, estimated (a given value
        without a mark, decision 0050)."""
        marks = [*self.requirement_marks.get(role, ())]
        if isinstance(requirement, str):
            marks += self.requirement_marks.get(requirement, ())
        return weakest_mark(marks)

    def role(self, iri: str, **values: object) -> dict[str, object]:
        entry = self.roles.setdefault(iri, {"essential": [], "optional": []})
        _merge(entry, values)
        return entry

    def profile(self, iri: str, **values: object) -> dict[str, object]:
        entry = self.profiles.setdefault(iri, {"qualifications": [], "skills": []})
        _merge(entry, values)
        return entry

    # -- building --------------------------------------------------------------

    def _requirement(self, iri: object, role: bool = False) -> Requirement | None:
        if not isinstance(iri, str) or iri not in self.requirements:
            return None
        spec = self.requirements[iri]
        stand_ins = _NONE
        if role and spec.skills and spec.stand_in_fields and spec.stand_in_level is not None:
            floor, fields = spec.stand_in_level, spec.stand_in_fields
            stand_ins = frozenset(
                self.item(q)
                for q, found in sorted(self.qualification_fields.items())
                if not found.isdisjoint(fields) and self.levels.get(q, 0.0) >= floor
            )
        return Requirement(
            iri=iri,
            open_entry=spec.open_entry,
            accepts=frozenset(map(self.item, spec.accepts)) if spec.accepts else _NONE,
            levels=tuple(sorted(spec.levels)),
            prior_learning=spec.prior_learning,
            min_experience=spec.min_experience,
            skills=frozenset(map(self.item, spec.skills)) if spec.skills else _NONE,
            employer=spec.employer,
            stand_ins=stand_ins,
        )

    def _items_of(self, iris: object) -> tuple[int, ...]:
        values = iris if isinstance(iris, list) else _strings(iris)
        items, out = self._items, []
        for iri in values:
            found = items.get(iri)
            if found is None:
                found = self.item(iri)
            if found not in out:
                out.append(found)
        return tuple(out)

    def _facts(self, iri: str, c: dict[str, object]) -> tuple[Fact, ...]:
        """Each key fact with its mark; a missing mark reads as unknown for a missing value
        and estimated for a given one (decision 0050)."""
        marks = self.marks.get(iri, {})
        out = []
        for prop in KEY_FACTS:
            value = c.get(_FACT_VALUE[prop])
            given = bool(value) if isinstance(value, list) else value is not None
            if prop == "tuitionFee" and c.get("funded") is True:
                given = True
            confidence, source = marks.get(prop, ("estimated" if given else "unknown", None))
            if not given and confidence == "confirmed" and prop != "awardsQualification":
                confidence = "unknown"  # a confirmed mark on no value: only "awards nothing"
            out.append(Fact(prop, confidence, source))
        return tuple(out)

    def _award_level(self, quals: tuple[int, ...]) -> float:
        return max((self.levels.get(self._item_list[q], 0.0) for q in quals), default=0.0)

    def _duration_floors(self) -> dict[float, float]:
        """EQF level awarded -> the shortest known duration of a step awarding it: what a step
        of unknown duration counts for, so that its route's total is a lower bound and a
        step with no stated length never looks free to the search."""
        floors: dict[float, float] = {}
        for c in self.courses.values():
            weeks = c.get("weeks")
            if weeks is not None:
                level = self._award_level(self._items_of(c["qualifications"]))
                floors[level] = min(floors.get(level, float(weeks)), float(weeks))  # type: ignore[arg-type]
        return floors

    def build(self) -> PathwayModel:
        courses: list[CourseNode] = []
        certified = {
            self.item(q): frozenset(map(self.item, skills)) for q, skills in self.certifies.items()
        }
        kinds = self._kind_closure()
        for q, its_kinds in kinds.items():  # a kind's certified skills hold for its members
            found = certified.get(q, frozenset()).union(
                *(certified.get(k, frozenset()) for k in its_kinds)
            )
            if found:
                certified[q] = found
        floors = self._duration_floors()
        for idx, (iri, c) in enumerate(sorted(self.courses.items())):
            quals = self._items_of(c["qualifications"])
            skills = self._items_of(c["skills"])
            gives = set(quals) | set(skills)
            for q in quals:
                gives |= certified.get(q, frozenset())
                gives |= kinds.get(q, frozenset())
            facts = self._facts(iri, c)
            located = _unique(c["located_in"])
            country = next(
                (self.region_country[r] for r in located if self.region_country.get(r)), None
            )
            courses.append(
                CourseNode(
                    idx=idx,
                    iri=iri,
                    requirement=self._requirement(c.get("requirement")),
                    qualifications=quals,
                    skills=skills,
                    award_level=self._award_level(quals),
                    weeks=float(c["weeks"])  # type: ignore[arg-type]
                    if c.get("weeks") is not None
                    else floors.get(self._award_level(quals), UNKNOWN_WEEKS),
                    credits=_opt_float(c.get("credits")),
                    credit_system=_opt_str(c.get("credit_system")),
                    fee=_opt_float(c.get("fee")),
                    currency=_opt_str(c.get("currency")),
                    funded=c.get("funded") if isinstance(c.get("funded"), bool) else None,  # type: ignore[arg-type]
                    places=int(c["places"]) if c.get("places") is not None else None,  # type: ignore[call-overload]
                    mode=_opt_str(c.get("mode")),
                    municipality=_opt_str(c.get("municipality")),
                    languages=frozenset(_strings(c["languages"])),
                    regions=frozenset(c["regions"] + c["located_in"]),  # type: ignore[operator]
                    located_in=located,
                    providers=_unique(c["providers"]),
                    awards=frozenset(gives),
                    kind=str(c.get("kind") or "course"),
                    status=str(c.get("status") or "unknown"),
                    audience=frozenset(_strings(c["audience"])) or frozenset({"anyone"}),
                    employer=_opt_str(c.get("employer")),
                    start_dates=tuple(sorted(set(_strings(c["start_dates"])))),
                    academic_year=_opt_str(c.get("academic_year")),
                    ended_in=_opt_str(c.get("ended_in")),
                    weeks_known=c.get("weeks") is not None,
                    facts=facts,
                    doubts=sum(f.confidence != "confirmed" for f in facts),
                    country=country,
                )
            )
        roles = {
            iri: RoleNode(
                iri,
                self._requirement(r.get("requirement"), role=True),
                self._items_of(r["essential"]),
                self._items_of(r["optional"]),
                self._requirement_confidence(iri, r.get("requirement")),
            )
            for iri, r in self.roles.items()
        }
        profiles = {
            iri: EntryProfile(
                iri,
                self._items_of(p["qualifications"]),
                self._items_of(p["skills"]),
                float(p.get("experience") or 0.0),  # type: ignore[arg-type]
                _opt_str(p.get("country")),
                _opt_str(p.get("situation")),
            )
            for iri, p in self.profiles.items()
        }
        levels = {self._items[q]: lvl for q, lvl in self.levels.items()}
        return PathwayModel(
            items=list(self._item_list),
            item_index=dict(self._items),
            qualification_level=levels,
            courses=courses,
            roles=roles,
            profiles=profiles,
            labels=self.labels,
            region_country=dict(self.region_country),
            certified=certified,
            qualification_country={
                self.item(q): cc for q, cc in self.qualification_country.items()
            },
            region_parents={r: frozenset(p) for r, p in self.region_parents.items()},
            across_fields=frozenset(self.item(q) for q in self.generic),
            kinds=kinds,
            trained_by_employer=frozenset(self.item(s) for s in self.employer_trained),
        )


def _merge(entry: dict[str, object], values: dict[str, object]) -> None:
    for key, value in values.items():
        current = entry.get(key)
        if isinstance(current, list):
            current.extend(_strings(value))
        elif value is not None:
            entry[key] = value


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _unique(values: object) -> tuple[str, ...]:
    assert isinstance(values, list)
    return tuple(values) if len(values) < 2 else tuple(dict.fromkeys(values))


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
