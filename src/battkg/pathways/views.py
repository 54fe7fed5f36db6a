"""The parts of a pathway answer, as the API returns them (labels in the asked language)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Ref:
    id: str
    label: str
    #: the language of `label`: the asked one, or another (en) where the graph has none in it
    label_lang: str | None = None


@dataclass
class RequirementView:
    text: str
    open_entry: bool = False
    accepts: list[Ref] = field(default_factory=list)
    levels: list[float] = field(default_factory=list)
    prior_learning: bool = False
    minimum_experience_years: float = 0.0
    skills: list[Ref] = field(default_factory=list)
    #: the person must also find an employer who takes them on (an apprenticeship or
    #: employment contract); no holding or course meets this
    needs_employer: bool = False


@dataclass
class FactView:
    """One fact a step rests on: its property, how sure it is and where it comes from."""

    property: str
    label: str
    confidence: str  # confirmed, estimated or unknown
    source: str | None = None
    step: int | None = None  # the step's number in the route


@dataclass
class CrossBorder:
    """A step in another country than the person's home, and what that means."""

    country: str
    languages: list[str]
    text: str


@dataclass
class Step:
    course: Ref
    kind: str  # course, recognition, validation, trade-test
    providers: list[Ref]
    places: list[Ref]
    municipality: str | None
    country: str | None
    languages: list[str]
    mode: Ref | None
    weeks: float | None  # None: the data gives no duration
    credits: float | None
    credit_system: Ref | None
    fee: float | None
    currency: str | None
    publicly_funded: bool | None
    places_per_year: int | None
    offer_status: str
    next_start: str | None
    academic_year: str | None
    ended_in: str | None
    audience: list[str]
    requires: RequirementView | None
    awards: list[Ref]
    skills: list[Ref]
    facts: list[FactView]
    cross_border: CrossBorder | None = None


@dataclass
class ShortCourse:
    course: Ref
    weeks: float | None
    eligible: bool  # the person meets its requirement at the end of the route
    #: the country it is given in, when taking it means going abroad: the home country
    #: differs and it cannot be studied from home (None without a home)
    abroad: Ref | None = None


@dataclass
class MissingSkill:
    skill: Ref
    short_courses: list[ShortCourse]
    #: when no allowed course teaches it: the courses that do but whose offer status the
    #: search left out (unknown or ended, where only running and planned offers were asked
    #: for), leads to check with the provider, not steps
    other_status_courses: list[ShortCourse] = field(default_factory=list)
    #: when no short course (at most 20 weeks, decision 0059) teaches it: the longer
    #: courses, or those of unknown length, that do (a programme, not a top-up)
    longer_courses: list[ShortCourse] = field(default_factory=list)
    #: employers train it at work (bkg:trainedByEmployer): not expected of an applicant
    trained_by_employer: bool = False


@dataclass
class Clause:
    """One clause of the role's requirement and how the route meets it."""

    kind: str  # "qualification" (one of the ways in) or "skill"
    text: str
    met_by: str  # "holding" (the person already meets it), "step", or "no"
    holding: Ref | None = None
    step: int | None = None
    #: a required skill met by a qualification the role takes in place of its required skills
    #: (bkg:skillsMetByField): the holding or the step's award is that qualification
    stand_in: bool = False


@dataclass
class Explanation:
    requirement: list[Clause]
    gap: list[MissingSkill]
    rests_on: list[FactView]
    text: list[str]


@dataclass
class RouteView:
    rank: int
    steps: list[Step]
    total_weeks: float
    #: True: some step's duration is unknown, so total_weeks (the known steps' sum) is a
    #: lower bound
    total_weeks_is_lower_bound: bool
    #: None when any step's fee is unknown
    total_fee_eur: float | None
    confidence: str  # the weakest mark of the facts the route rests on
    in_home_country: bool | None
    in_home_region: bool | None
    qualifications_gained: list[Ref]
    skills_gained: list[Ref]
    essential_skills_covered: int
    essential_skills_total: int
    missing_essential_skills: list[MissingSkill]
    explanation: Explanation


@dataclass
class Reason:
    code: str
    message: str
    details: dict[str, object] = field(default_factory=dict)
