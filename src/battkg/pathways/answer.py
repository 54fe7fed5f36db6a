"""The answer a counsellor reads: routes with their steps, labelled in the requested language."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import replace

from .explain import explain
from .filters import Filters
from .model import CourseNode, PathwayModel, Requirement, RoleNode, Start, weakest_mark
from .search import Route
from .views import (
    CrossBorder,
    FactView,
    MissingSkill,
    Ref,
    RequirementView,
    RouteView,
    ShortCourse,
    Step,
)
from .wording import Words

SHORT_COURSES = 3  # short courses suggested for each missing essential skill
#: the longest course offered as a short course for a skill gap: one semester, 30 credits
#: (decision 0059); longer courses that teach the skill are named as such, never as short
SHORT_WEEKS = 20.0
COUNTRY_LANGUAGES = {"SE": "sv", "FI": "fi", "NO": "nb"}


class Describer:
    """Turns model ids into labelled answer parts, in one language with fallback."""

    def __init__(
        self,
        model: PathwayModel,
        lang: str,
        home: str | None = None,
        home_country: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.model, self.lang = model, lang
        self.words = Words(lang)
        self.home, self.home_country = home, home_country
        self.today = (today or dt.date.today()).isoformat()
        self._fills: dict[tuple[int, Filters, bool], tuple[list[CourseNode], list[CourseNode]]] = {}

    def ref(self, iri: str) -> Ref:
        label, lang = self.model.labels.get_with_lang(iri, self.lang)
        return Ref(iri, label, lang)

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
        employer = (
            self.words.text(
                "; and an employer who takes the person on (an apprenticeship contract)"
            )
            if req.employer
            else ""
        )
        return RequirementView(
            self.ways_in(req) + self.skills_text(skills) + employer,
            req.open_entry,
            accepts,
            list(req.levels),
            req.prior_learning,
            req.min_experience,
            skills,
            req.employer,
        )

    def ways_in(self, req: Requirement) -> str:
        """The alternatives part of a requirement in words."""
        w = self.words
        if req.open_entry:
            return w.text("open entry")
        options = [r.label for r in self.items(req.accepts)]
        options += [w.text("EQF {level} or above", level=format(lv, "g")) for lv in req.levels]
        if req.prior_learning:
            options.append(
                w.text(
                    "validation of prior learning with {years} of experience",
                    years=w.years(req.min_experience),
                )
                if req.min_experience
                else w.text("validation of prior learning")
            )
        return w.text(" or ").join(options) or w.text("no way in is stated")

    def skills_text(self, skills: list[Ref]) -> str:
        if not skills:
            return ""
        return self.words.catalogue.ngettext(
            "; and the skill {skills}", "; and the skills {skills}", len(skills)
        ).format(skills=", ".join(s.label for s in skills))

    def facts(self, course: CourseNode, number: int | None = None) -> list[FactView]:
        return [
            FactView(f.prop, self.words.fact(f.prop), f.confidence, f.source, number)
            for f in course.facts
        ]

    def next_start(self, course: CourseNode) -> str | None:
        return next((d for d in course.start_dates if d >= self.today), None)

    def from_home(self, course: CourseNode) -> bool:
        """The person can take it without moving abroad (always so without a home)."""
        return (
            not self.home_country
            or course.country in (None, self.home_country)
            or course.studied_from_home
        )

    def cross_border(self, course: CourseNode) -> CrossBorder | None:
        if not self.home_country or course.country in (None, self.home_country):
            return None
        country = self.ref(self._country_iri(course.country)).label
        languages = sorted(course.languages)
        home_language = COUNTRY_LANGUAGES.get(self.home_country)
        w = self.words
        parts = [w.text("given in another country ({country})", country=country)]
        if home_language and home_language not in course.languages:
            parts.append(
                w.text(
                    "taught in {languages}",
                    languages=", ".join(languages) or w.confidence("unknown"),
                )
            )
        if course.online:
            parts.append(w.text("studied online, no move needed"))
        if course.qualifications:
            parts.append(w.text("the qualification it awards may need recognition at home"))
        return CrossBorder(course.country or "", languages, "; ".join(parts))

    def _country_iri(self, code: str | None) -> str:
        for region, cc in self.model.region_country.items():
            if cc == code and region.rsplit("/", 1)[-1] == code:
                return region
        return code or ""

    def step(self, course: CourseNode, number: int | None = None) -> Step:
        return Step(
            course=self.ref(course.iri),
            kind=course.kind,
            providers=[self.ref(p) for p in course.providers],
            places=[self.ref(p) for p in course.located_in],
            municipality=course.municipality,
            country=course.country,
            languages=sorted(course.languages),
            mode=self.ref(course.mode) if course.mode else None,
            weeks=course.weeks if course.weeks_known else None,
            credits=course.credits,
            credit_system=self.ref(course.credit_system) if course.credit_system else None,
            fee=course.fee,
            currency=course.currency,
            publicly_funded=course.funded,
            places_per_year=course.places,
            offer_status=course.status,
            next_start=self.next_start(course),
            academic_year=course.academic_year,
            ended_in=course.ended_in,
            audience=sorted(course.audience),
            requires=self.requirement(course.requirement),
            awards=self.items(course.qualifications),
            skills=self.items(course.skills),
            facts=self.facts(course, number),
            cross_border=self.cross_border(course),
        )

    def in_home_region(self, course: CourseNode) -> bool:
        """Given within the home region, or across an area that contains it (a national
        procedure counts for every region of its country)."""
        if not self.home:
            return False
        around = self.model.region_parents.get(self.home, frozenset())
        return self.home in course.regions or any(r in around for r in course.located_in)

    def local(self, course: CourseNode) -> bool:
        """Near home: in the home region, or online from the home country (an online course
        from abroad awards a foreign qualification, so it is no nearer than one at home)."""
        return self.in_home_region(course) or (
            course.online and course.country in (None, self.home_country)
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
        kinds = {k for c in courses for q in c.qualifications for k in self.model.kinds.get(q, ())}
        gained_skills = {s for c in courses for s in c.awards} - start.held - gained_quals - kinds
        missing = [s for s in role.essential if s not in held]
        gap = [self.missing_skill(s, held, level, start.experience, filters) for s in missing]
        steps = [self.step(c, n) for n, c in enumerate(courses, 1)]
        facts = [f for s in steps for f in s.facts]
        # with no step, the answer rests on the role's entry requirement being what the data
        # says: it is as sure as that requirement's marks, never "confirmed" by default
        weakest = weakest_mark((f.confidence for f in facts), default=role.requirement_confidence)
        known_fee = all(c.fee_known for c in courses)
        view = RouteView(
            rank=number,
            steps=steps,
            # with a step of unknown length, the known steps' sum: a lower bound that is true,
            # never the search's stand-in length for the unknown one
            total_weeks=round(sum(c.weeks for c in courses if c.weeks_known), 2),
            total_weeks_is_lower_bound=not all(c.weeks_known for c in courses),
            total_fee_eur=round(sum(c.fee_eur() for c in courses), 2) if known_fee else None,
            confidence=weakest,
            in_home_country=all(
                c.country in (None, self.home_country) or c.studied_from_home for c in courses
            )
            if self.home_country
            else None,
            in_home_region=all(self.local(c) for c in courses) if self.home else None,
            qualifications_gained=self.items(gained_quals),
            skills_gained=self.items(gained_skills),
            essential_skills_covered=len(role.essential) - len(missing),
            essential_skills_total=len(role.essential),
            missing_essential_skills=gap,
            explanation=None,  # type: ignore[arg-type]
        )
        view.explanation = explain(self, view, courses, start, role)
        return view

    def missing_skill(
        self, skill: int, held: set[int], level: float, experience: float, filters: Filters
    ) -> MissingSkill:
        """A skill still missing, with what fills it: the short courses (at most
        `SHORT_WEEKS`) that teach it; where none does, the longer or unknown-length courses
        that do; where no allowed course does, those left out by their offer status only. A
        skill employers train at work gets its short courses only."""
        trained = skill in self.model.trained_by_employer
        short, longer = self.short_courses(skill, held, level, experience, filters)
        if trained:  # a programme is no answer to what the employer teaches at hire
            longer = []
        leads = (
            []
            if short or longer or trained
            else self.short_courses(
                skill, held, level, experience, filters, statuses_left_out=True
            )[0]
        )
        return MissingSkill(
            self.item(skill),
            short,
            leads,
            longer_courses=[] if short else longer,
            trained_by_employer=trained,
        )

    def short_courses(
        self,
        skill: int,
        held: set[int],
        level: float,
        experience: float,
        filters: Filters,
        *,
        statuses_left_out: bool = False,
    ) -> tuple[list[ShortCourse], list[ShortCourse]]:
        """The shortest allowed courses that teach `skill`, and whether the person may enter
        them, those the person can take from home first (a short course abroad is a move):
        the short ones (known to take at most `SHORT_WEEKS`), and the others.

        With `statuses_left_out`, the courses the filters allow in all but their offer status
        (unknown or ended where only running and planned ones are asked for): not steps of a
        route, but a lead a counsellor can check with the provider (short or not, together).
        None when every status is allowed."""
        short, longer = self._fillers(skill, filters, statuses_left_out)
        return (
            [self.short_course(c, held, level, experience) for c in short],
            [self.short_course(c, held, level, experience) for c in longer],
        )

    def short_course(
        self, c: CourseNode, held: set[int], level: float, experience: float
    ) -> ShortCourse:
        return ShortCourse(
            self.ref(c.iri),
            c.weeks if c.weeks_known else None,
            c.requirement is not None and c.requirement.met(held, level, experience),
            None if self.from_home(c) else self.ref(self._country_iri(c.country)),
        )

    def _fillers(
        self, skill: int, filters: Filters, statuses_left_out: bool
    ) -> tuple[list[CourseNode], list[CourseNode]]:
        """The first `SHORT_COURSES` short and longer courses of `short_courses`, kept per
        skill and filters: the k routes of an answer mostly miss the same skills, and a skill
        may have thousands of teachers (profiled at 50,000 courses, a fifth of an answer)."""
        key = (skill, filters, statuses_left_out)
        found = self._fills.get(key)
        if found is None:
            options = [self.model.courses[i] for i in self.model.awarders.get(skill, ())]
            if statuses_left_out:
                relaxed = replace(filters, statuses=frozenset())
                allowed = [
                    c
                    for c in options
                    if filters.statuses and relaxed.allows(c) and not filters.allows(c)
                ]
                found = (self._first(allowed), [])
            else:
                allowed = [c for c in options if filters.allows(c)]
                found = (
                    self._first([c for c in allowed if _short(c)]),
                    self._first([c for c in allowed if not _short(c)]),
                )
            self._fills[key] = found
        return found

    def _first(self, courses: list[CourseNode]) -> list[CourseNode]:
        return heapq.nsmallest(
            SHORT_COURSES,
            courses,
            key=lambda c: (not self.from_home(c), not c.weeks_known, c.weeks, c.iri),
        )


def _short(course: CourseNode) -> bool:
    """Known to take at most `SHORT_WEEKS` (a course of unknown length is not called short)."""
    return course.weeks_known and course.weeks <= SHORT_WEEKS
