"""The answer a counsellor reads: routes with their steps, labelled in the requested language."""

from __future__ import annotations

from dataclasses import dataclass, field

from .filters import Filters
from .model import CourseNode, PathwayModel, Requirement, RoleNode, Start
from .search import Route

SHORT_COURSES = 3  # short courses suggested for each missing essential skill


@dataclass
class Ref:
    id: str
    label: str


@dataclass
class RequirementView:
    text: str
    open_entry: bool = False
    accepts: list[Ref] = field(default_factory=list)
    levels: list[float] = field(default_factory=list)
    prior_learning: bool = False
    minimum_experience_years: float = 0.0
    skills: list[Ref] = field(default_factory=list)


@dataclass
class Step:
    course: Ref
    providers: list[Ref]
    places: list[Ref]
    municipality: str | None
    languages: list[str]
    mode: Ref | None
    weeks: float
    credits: float | None
    credit_system: Ref | None
    fee: float | None
    currency: str | None
    publicly_funded: bool | None
    places_per_year: int | None
    requires: RequirementView | None
    awards: list[Ref]
    skills: list[Ref]


@dataclass
class ShortCourse:
    course: Ref
    weeks: float
    eligible: bool  # the person meets its requirement at the end of the route


@dataclass
class MissingSkill:
    skill: Ref
    short_courses: list[ShortCourse]


@dataclass
class RouteView:
    rank: int
    steps: list[Step]
    total_weeks: float
    total_fee_eur: float
    qualifications_gained: list[Ref]
    skills_gained: list[Ref]
    essential_skills_covered: int
    essential_skills_total: int
    missing_essential_skills: list[MissingSkill]


@dataclass
class Reason:
    code: str
    message: str
    details: dict[str, object] = field(default_factory=dict)


class Describer:
    """Turns model ids into labelled answer parts, in one language with fallback."""

    def __init__(self, model: PathwayModel, lang: str) -> None:
        self.model, self.lang = model, lang

    def ref(self, iri: str) -> Ref:
        return Ref(iri, self.model.labels.get(iri, self.lang))

    def item(self, item: int) -> Ref:
        return self.ref(self.model.items[item])

    def items(self, items: object) -> list[Ref]:
        refs = [self.item(i) for i in items]  # type: ignore[attr-defined]
        return sorted(refs, key=lambda r: r.label.lower())

    def requirement(self, req: Requirement | None) -> RequirementView | None:
        if req is None:
            return None
        accepts = self.items(req.accepts)
        skills = self.items(req.skills)
        options = [r.label for r in accepts] + [f"EQF {lv:g} or above" for lv in req.levels]
        if req.prior_learning:
            years = (
                f" with {req.min_experience:g} years of experience" if req.min_experience else ""
            )
            options.append(f"validation of prior learning{years}")
        text = "open entry" if req.open_entry else " or ".join(options) or "no way in is stated"
        if skills:
            text += "; and the skills " + ", ".join(s.label for s in skills)
        return RequirementView(
            text,
            req.open_entry,
            accepts,
            list(req.levels),
            req.prior_learning,
            req.min_experience,
            skills,
        )

    def step(self, course: CourseNode) -> Step:
        return Step(
            course=self.ref(course.iri),
            providers=[self.ref(p) for p in course.providers],
            places=[self.ref(p) for p in course.located_in],
            municipality=course.municipality,
            languages=sorted(course.languages),
            mode=self.ref(course.mode) if course.mode else None,
            weeks=course.weeks,
            credits=course.credits,
            credit_system=self.ref(course.credit_system) if course.credit_system else None,
            fee=course.fee,
            currency=course.currency,
            publicly_funded=course.funded,
            places_per_year=course.places,
            requires=self.requirement(course.requirement),
            awards=self.items(course.qualifications),
            skills=self.items(course.skills),
        )

    def route(
        self, number: int, route: Route, start: Start, role: RoleNode, filters: Filters
    ) -> RouteView:
        courses = [self.model.courses[i] for i in route.courses]
        held = set(start.held)
        level = start.level
        for course in courses:
            held |= course.awards
            level = max(level, course.award_level)
        gained_quals = {q for c in courses for q in c.qualifications} - start.held
        gained_skills = {s for c in courses for s in c.skills} - start.held
        missing = [s for s in role.essential if s not in held]
        return RouteView(
            rank=number,
            steps=[self.step(c) for c in courses],
            total_weeks=round(sum(c.weeks for c in courses), 2),
            total_fee_eur=round(sum(c.fee_eur() for c in courses), 2),
            qualifications_gained=self.items(gained_quals),
            skills_gained=self.items(gained_skills),
            essential_skills_covered=len(role.essential) - len(missing),
            essential_skills_total=len(role.essential),
            missing_essential_skills=[
                MissingSkill(
                    self.item(s), self.short_courses(s, held, level, start.experience, filters)
                )
                for s in missing
            ],
        )

    def short_courses(
        self, skill: int, held: set[int], level: float, experience: float, filters: Filters
    ) -> list[ShortCourse]:
        """The shortest allowed courses that teach `skill`, and whether the person may enter them."""
        options = [self.model.courses[i] for i in self.model.awarders.get(skill, ())]
        options = sorted((c for c in options if filters.allows(c)), key=lambda c: (c.weeks, c.iri))
        return [
            ShortCourse(
                self.ref(c.iri),
                c.weeks,
                c.requirement is not None and c.requirement.met(held, level, experience),
            )
            for c in options[:SHORT_COURSES]
        ]
