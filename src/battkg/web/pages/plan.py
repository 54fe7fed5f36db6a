"""A route as the routes page shows it: each step with the facts a counsellor checks, how sure
each fact is and where it comes from, and why the person may enter the step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from ...pathways.model import CourseNode, PathwayModel, Requirement, Start
from ...pathways.views import RouteView, ShortCourse
from .directory import Directory, Fact, Labeller

#: a course that fills a skill gap: slug, name, weeks (None: unknown), whether it can be entered
GapCourse = tuple[str, Markup, float | None, bool, Markup | None]

Gettext = Callable[[str], str]


@dataclass
class Mark:
    """How sure a shown fact is, and the sources a reader can check it against."""

    confidence: str
    sources: list[tuple[str, str]]  # (label, url or /id/ path)
    note: str = ""
    #: the sources are the fact's own (decision 0050), not the whole course's
    own: bool = True


@dataclass
class StepCard:
    course: str  # IRI
    slug: str
    weeks: float
    start_week: float
    facts: list[tuple[str, Markup, Mark | None]]  # (what, value, how sure: None for no mark)
    why: list[Markup]
    awards: list[Markup]
    sources: Mark | None = None
    weeks_known: bool = True  # False: `weeks` is the search's stand-in, not a length
    start_known: bool = True  # False: an earlier step's length is unknown


@dataclass
class Gap:
    """A missing essential skill: its name and what fills it (decision 0059)."""

    skill: Markup
    short: list[GapCourse]  # courses of at most 20 weeks
    longer: list[GapCourse]  # when no short one: the longer or unknown-length courses
    others: list[GapCourse]  # when none is allowed: those of unknown or ended status
    trained_by_employer: bool = False


@dataclass
class Plan:
    rank: int
    total_weeks: float
    total_fee_eur: float | None  # None: some step's fee is unknown
    steps: list[StepCard]
    role_met: list[Markup]
    covered: int
    total: int
    #: each missing essential skill and what fills it
    missing: list[Gap] = field(default_factory=list)
    estimates: int = 0
    total_weeks_is_lower_bound: bool = False  # a step's length is unknown


class Planner:
    """Builds plans in one language; `_` is the page catalogue's gettext."""

    def __init__(
        self, model: PathwayModel, directory: Directory, names: Labeller, _: Gettext, root: str
    ) -> None:
        self.model, self.directory, self.names, self._ = model, directory, names, _
        self.root = root
        self.today = date.today()

    def mark(self, fact: Fact, own: bool = True) -> Mark:
        sources = []
        for iri in fact.sources:
            label, url = self.directory.sources.get(iri, (iri.rsplit("/", 1)[-1], ""))
            sources.append((label, url or self.path(iri)))
        return Mark(fact.confidence, sources, fact.note, own)

    def path(self, iri: str) -> str:
        return iri[len(self.root) :] if iri.startswith(self.root) else iri

    def requirement(self, req: Requirement | None) -> Markup:
        """An entry requirement in words, in the page's language."""
        _ = self._
        if req is None:
            return Markup(_("no way in is stated"))
        if req.open_entry:
            parts = [Markup(_("open entry"))]
        else:
            parts = [self.names(self.model.items[i]) for i in sorted(req.accepts)]
            parts += [
                Markup(_("EQF %(level)s or above")) % {"level": f"{lv:g}"} for lv in req.levels
            ]
            if req.prior_learning:
                parts.append(
                    Markup(_("validation of prior learning with %(years)s years of experience"))
                    % {"years": f"{req.min_experience:g}"}
                    if req.min_experience
                    else Markup(_("validation of prior learning"))
                )
        text = Markup(" {} ").format(_("or")).join(parts) or Markup(_("no way in is stated"))
        if req.skills:
            skills = Markup(", ").join(self.names(self.model.items[s]) for s in sorted(req.skills))
            one = len(req.skills) == 1  # one required skill reads in the singular
            said = _("and the skill %(skills)s") if one else _("and the skills %(skills)s")
            text += Markup("; ") + Markup(said) % {"skills": skills}
        if req.employer:
            text += Markup("; ") + Markup(
                _("and an employer who takes the person on (an apprenticeship contract)")
            )
        return text

    def why(
        self, req: Requirement | None, held: set[int], level: float, years: float
    ) -> list[Markup]:
        """Why the person meets a requirement at this point of the route."""
        _ = self._
        if req is None:
            return []
        reasons: list[Markup] = []
        if req.open_entry:
            reasons.append(Markup(_("anyone may enter")))
        elif not req.accepts.isdisjoint(held):
            first = sorted(req.accepts & held)[0]
            reasons.append(
                Markup(_("holds %(what)s")) % {"what": self.names(self.model.items[first])}
            )
        elif req.min_level is not None and level >= req.min_level:
            reasons.append(
                Markup(_("holds a qualification at EQF %(level)s")) % {"level": f"{level:g}"}
            )
        elif req.prior_learning and years >= req.min_experience and not years:
            reasons.append(Markup(_("validation of prior learning")))
        elif req.prior_learning and years >= req.min_experience:
            reasons.append(
                Markup(_("prior learning can be validated: %(years)s years of experience"))
                % {"years": f"{years:g}"}
            )
        if req.skills:
            reasons.append(Markup(_("has every required skill")))
        if req.employer:
            reasons.append(
                Markup(
                    _(
                        "but an employer must also take the person on as an apprentice: a place "
                        "is not guaranteed, the provider or a training office can help to find one"
                    )
                )
            )
        return reasons

    def plan(self, route: RouteView, start: Start, role_requirement: Requirement | None) -> Plan:
        _ = self._
        model = self.model
        held, level, years = set(start.held), start.level, start.experience
        cards: list[StepCard] = []
        week = 0.0
        estimates = 0
        for step in route.steps:
            course = model.courses[model.course_index[step.course.id]]
            facts = self.facts(course)
            estimates += sum(1 for _w, _v, m in facts if m and m.confidence != "confirmed")
            cards.append(
                StepCard(
                    course.iri,
                    course.iri.rsplit("/", 1)[-1],
                    course.weeks,
                    week,
                    facts,
                    self.why(course.requirement, held, level, years),
                    [self.names(model.items[q]) for q in course.qualifications],
                    self.course_sources(course.iri),
                    course.weeks_known,
                    all(c.weeks_known for c in cards),
                )
            )
            week += course.weeks
            held |= course.awards
            level = max(level, course.award_level)
        return Plan(
            rank=route.rank,
            total_weeks=route.total_weeks,
            total_weeks_is_lower_bound=route.total_weeks_is_lower_bound,
            total_fee_eur=route.total_fee_eur,
            steps=cards,
            role_met=self.why(role_requirement, held, level, years),
            covered=route.essential_skills_covered,
            total=route.essential_skills_total,
            missing=[
                Gap(
                    self.names(m.skill.id),
                    [self.short_course(c) for c in m.short_courses],
                    [self.short_course(c) for c in m.longer_courses],
                    [self.short_course(c) for c in m.other_status_courses],
                    m.trained_by_employer,
                )
                for m in route.missing_essential_skills
            ],
            estimates=estimates,
        )

    def short_course(self, c: ShortCourse) -> GapCourse:
        """A course that fills a skill gap: its slug, name, weeks, whether it can be entered and
        the country it is in when taking it means going abroad."""
        abroad = self.names(c.abroad.id) if c.abroad is not None else None
        return c.course.id.rsplit("/", 1)[-1], self.names(c.course.id), c.weeks, c.eligible, abroad

    def course_sources(self, iri: str) -> Mark | None:
        summary = self.directory.summary.get(iri)
        return self.mark(summary, own=False) if summary and summary.sources else None

    def facts(self, course: CourseNode) -> list[tuple[str, Markup, Mark | None]]:
        """The facts of one step; the key facts of decision 0050 with how sure each is (their
        own sources inline; the course's sources are listed once for the step)."""
        _, names, d = self._, self.names, self.directory
        iri = course.iri
        out: list[tuple[str, Markup, Mark | None]] = []

        def add(what: str, value: Markup, prop: str | None, has_value: bool = True) -> None:
            if prop is None:
                out.append((what, value, None))
                return
            fact = d.fact(iri, prop, has_value)
            own = prop in d.facts.get(iri, {})
            out.append((what, value, self.mark(fact, own)))

        providers = Markup(", ").join(names(p) for p in course.providers)
        add(_("Provider"), providers or Markup(_("not stated")), None, bool(providers))
        place = (
            Markup("{}").format(course.municipality)
            if course.municipality
            else Markup(", ").join(names(p) for p in course.located_in)
        )
        add(_("Place"), place or Markup(_("not stated")), None, bool(place))
        languages = Markup(", ").join(self.language_name(c) for c in sorted(course.languages))
        add(_("Language"), languages or Markup(_("unknown")), "teachingLanguage", bool(languages))
        add(_("Mode"), names(course.mode) if course.mode else Markup(_("unknown")), None)
        add(
            _("Duration"),
            Markup(_("%(weeks)s weeks")) % {"weeks": self.num(course.weeks)}
            if course.weeks_known
            else Markup(_("unknown")),  # never the search's stand-in length as if it were known
            "durationWeeks",
            course.weeks_known,
        )
        add(
            _("Cost"),
            self.cost(course),
            "tuitionFee",
            course.fee is not None or bool(course.funded),
        )
        start = d.next_start(iri, self.today)
        add(
            _("Next start"),
            Markup(self.day(start)) if start else Markup(_("unknown")),
            "startDate",
            start is not None,
        )
        add(_("Entry requirement"), self.requirement(course.requirement), "entryRequirement")
        return out

    def cost(self, course: CourseNode) -> Markup:
        _ = self._
        if course.funded:
            return Markup(_("free (publicly funded)"))
        if course.fee is None:
            return Markup(_("unknown"))
        if course.fee == 0:
            return Markup(_("free"))
        return Markup("{} {}").format(self.num(course.fee, 0), course.currency or "")

    # formatting hooks, set by the page (Babel, in the page's locale)
    def num(self, value: float, digits: int = 1) -> str:
        return f"{value:g}"

    def day(self, value: date) -> str:
        return value.isoformat()

    def language_name(self, code: str) -> str:
        return code
