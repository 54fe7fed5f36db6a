"""The route search on hand-made graphs with known answers, and against brute force."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from battkg.pathways.builder import ModelBuilder
from battkg.pathways.closure import ClosureIndex, filter_index_of
from battkg.pathways.filters import FilterIndex, Filters
from battkg.pathways.model import TIE, CourseNode, PathwayModel, Requirement, Start
from battkg.pathways.search import Search, find_routes

# -- a tiny language for hand-made graphs --------------------------------------


def graph(
    courses: dict[str, dict[str, object]],
    role: dict[str, object],
    holds: tuple[str, ...] = (),
    experience: float = 0.0,
    levels: dict[str, float] | None = None,
    fields: dict[str, str] | None = None,
) -> PathwayModel:
    """courses: name -> {weeks, req: {...}, awards: [...], teaches: [...], lang, fee, mode};
    `fields`: qualification -> its field (for a role's `instead` fields, with `instead_level`)."""
    b = ModelBuilder()
    for q, level in (levels or {}).items():
        b.qualification(q, level)
    for q, f in (fields or {}).items():
        b.field_of(q, f)

    def requirement(name: str, spec: dict[str, object]) -> str:
        r = b.requirement(name)
        r.open_entry = bool(spec.get("open"))
        r.accepts = set(spec.get("accepts", ()))  # type: ignore[call-overload]
        r.levels = set(spec.get("levels", ()))  # type: ignore[call-overload]
        r.prior_learning = bool(spec.get("pl"))
        r.min_experience = float(spec.get("years", 0.0))  # type: ignore[arg-type]
        r.skills = set(spec.get("skills", ()))  # type: ignore[call-overload]
        r.stand_in_fields = set(spec.get("instead", ()))  # type: ignore[call-overload]
        r.stand_in_level = spec.get("instead_level")  # type: ignore[assignment]
        return name

    for name, c in courses.items():
        b.course(
            name,
            requirement=requirement(f"req-{name}", c.get("req", {"open": True})),  # type: ignore[arg-type]
            weeks=c.get("weeks", 10.0),
            qualifications=c.get("awards", []),
            skills=c.get("teaches", []),
            languages=c.get("lang", ["sv"]),
            fee=c.get("fee"),
            funded=c.get("funded", True),
            mode=c.get("mode", "https://w3id.org/battkg/id/vocab/mode-on-site"),
            located_in=c.get("region", ["SE331"]),
        )
    b.role("role", requirement=requirement("req-role", role))
    b.profile(
        "me",
        qualifications=[h for h in holds if h.startswith("q")],
        skills=[h for h in holds if not h.startswith("q")],
        experience=experience,
    )
    return b.build()


def routes(
    model: PathwayModel, k: int = 3, rank: str = "duration", filters: Filters | None = None
) -> list[list[str]]:
    start = model.start(model.profiles["me"])
    goal = model.roles["role"].requirement
    assert goal is not None
    found = find_routes(model, start, goal, filters, k=k, rank=rank)
    return [[model.courses[i].iri for i in r.courses] for r in found.routes]


# -- known answers ----------------------------------------------------------------


def test_shortest_of_alternative_qualifications() -> None:
    m = graph(
        {"long": {"weeks": 80, "awards": ["qA"]}, "short": {"weeks": 20, "awards": ["qB"]}},
        {"accepts": ["qA", "qB"]},
    )
    assert routes(m) == [["short"], ["long"]]


def test_level_alternative_accepts_any_qualification_at_or_above() -> None:
    m = graph(
        {"l3": {"weeks": 5, "awards": ["q3"]}, "l6": {"weeks": 30, "awards": ["q6"]}},
        {"levels": [4.0]},
        levels={"q3": 3.0, "q6": 6.0},
    )
    assert routes(m) == [["l6"]]


def test_an_accepted_skill_stands_in_for_the_qualification() -> None:
    """acceptsSkill: a course teaching the accepted skill meets the alternatives part as a
    qualification would, beside a required skill and in a course's entry (the search once
    found no route in all three graphs: its bounds counted only qualifications)."""
    m = graph(
        {
            "programme": {"weeks": 60, "awards": ["q1"]},
            "operator-course": {"weeks": 18, "teaches": ["s1"]},
            "safety": {"weeks": 5, "teaches": ["s2"]},
        },
        {"accepts": ["q1", "s1"], "skills": ["s2"]},
        levels={"q1": 4.0},
    )
    assert routes(m, k=2) == [["safety", "operator-course"], ["safety", "programme"]]
    m = graph(
        {"operator-course": {"weeks": 18, "teaches": ["s1"]}, "safety": {"teaches": ["s2"]}},
        {"accepts": ["s1"], "skills": ["s2"]},
    )
    assert routes(m) == [["safety", "operator-course"]]
    m = graph(
        {
            "basics": {"weeks": 18, "teaches": ["s1"]},
            "advanced": {"teaches": ["s2"], "req": {"accepts": ["s1"]}},
        },
        {"open": True, "skills": ["s2"]},
    )
    assert routes(m) == [["basics", "advanced"]]


def test_a_qualification_in_the_field_stands_in_for_the_required_skills() -> None:
    """bkg:skillsMetByField: an engineering degree at EQF 6 is taken in place of the hands-on
    skills; a degree in another field, or below the level, is not."""
    courses = {
        "troubleshooting": {"weeks": 30, "teaches": ["s1"]},
        "maintenance": {"weeks": 30, "teaches": ["s2"]},
        "engineering-degree": {"weeks": 50, "awards": ["q1"]},
    }
    role = {"open": True, "skills": ["s1", "s2"], "instead": ["eng"], "instead_level": 6.0}
    levels = {"q1": 6.0, "q2": 6.0, "q3": 5.0}
    fields = {"q1": "eng", "q2": "chem", "q3": "eng"}

    def best(holds: tuple[str, ...], k: int = 1) -> list[list[str]]:
        return routes(graph(courses, role, holds=holds, levels=levels, fields=fields), k=k)

    # from nothing: the degree (50 weeks) beats the two skills courses (60), which come next
    assert best((), k=2) == [["engineering-degree"], ["maintenance", "troubleshooting"]]
    assert best(("q1",)) == [[]]  # the engineer is already qualified
    assert best(("q2",)) == [["engineering-degree"]]  # a chemistry degree does not stand in
    assert best(("q3",)) == [["engineering-degree"]]  # nor an engineering one below EQF 6
    courses["engineering-degree"]["weeks"] = 70
    assert best(("q2",), k=2) == [["maintenance", "troubleshooting"], ["engineering-degree"]]


def test_conjunctive_skills_need_every_skill() -> None:
    m = graph(
        {
            "a": {"weeks": 3, "teaches": ["s1"]},
            "b": {"weeks": 4, "teaches": ["s2"]},
            "ab": {"weeks": 10, "teaches": ["s1", "s2"]},
        },
        {"open": True, "skills": ["s1", "s2"]},
    )
    assert routes(m) == [["a", "b"], ["ab"]]


def test_chain_through_a_prerequisite_and_steps_in_order() -> None:
    m = graph(
        {
            "upper-secondary": {"weeks": 40, "awards": ["q4"]},
            "technician": {"weeks": 40, "awards": ["q5"], "req": {"levels": [4.0]}},
        },
        {"levels": [5.0]},
        holds=("q2",),
        levels={"q2": 2.0, "q4": 4.0, "q5": 5.0},
    )
    assert routes(m) == [["upper-secondary", "technician"]]


def test_prior_learning_stands_in_with_enough_experience() -> None:
    courses = {"diploma": {"weeks": 40, "awards": ["q4"]}}
    role = {"levels": [4.0], "pl": True, "years": 3.0}
    assert routes(graph(courses, role, experience=5.0, levels={"q4": 4.0})) == [[]]
    assert routes(graph(courses, role, experience=1.0, levels={"q4": 4.0})) == [["diploma"]]


def test_cycle_of_courses_that_need_each_other_is_not_a_route() -> None:
    m = graph(
        {
            "x": {"weeks": 1, "teaches": ["sx"], "req": {"open": True, "skills": ["sy"]}},
            "y": {"weeks": 1, "teaches": ["sy"], "req": {"open": True, "skills": ["sx"]}},
            "z": {"weeks": 9, "teaches": ["sy"]},
        },
        {"open": True, "skills": ["sx"]},
    )
    assert routes(m) == [["z", "x"]]


def test_ties_give_distinct_routes_not_reorderings() -> None:
    m = graph(
        {
            "a": {"weeks": 5, "teaches": ["s1"]},
            "b": {"weeks": 5, "teaches": ["s2"]},
            "c": {"weeks": 5, "teaches": ["s1"]},
        },
        {"open": True, "skills": ["s1", "s2"]},
    )
    found = routes(m, k=5)
    assert sorted(map(sorted, found)) == [["a", "b"], ["b", "c"]]


def test_unreachable_role_has_no_route() -> None:
    m = graph({"a": {"weeks": 5, "teaches": ["s1"]}}, {"open": True, "skills": ["s9"]})
    assert routes(m) == []


def test_role_without_any_way_in_is_unreachable() -> None:
    m = graph({"a": {"weeks": 5, "awards": ["q1"]}}, {})
    assert routes(m) == []


def test_filters_that_remove_every_route() -> None:
    m = graph({"fi-course": {"weeks": 5, "awards": ["q1"], "lang": ["fi"]}}, {"accepts": ["q1"]})
    assert routes(m) == [["fi-course"]]
    assert routes(m, filters=Filters(languages=frozenset({"sv"}))) == []
    assert routes(m, filters=Filters(max_weeks=4)) == []


def test_online_courses_pass_place_filters() -> None:
    online = "https://w3id.org/battkg/id/vocab/mode-online"
    m = graph(
        {
            "far": {"weeks": 5, "awards": ["q1"], "region": ["FI195"]},
            "web": {"weeks": 9, "awards": ["q1"], "region": ["SE232"], "mode": online},
        },
        {"accepts": ["q1"]},
    )
    assert routes(m, filters=Filters(regions=frozenset({"SE331"}))) == [["web"]]


def test_rankings_by_steps_and_by_cost() -> None:
    m = graph(
        {
            "one-long-paid": {"weeks": 60, "teaches": ["s1", "s2"], "fee": 3000.0, "funded": False},
            "a": {"weeks": 10, "teaches": ["s1"]},
            "b": {"weeks": 10, "teaches": ["s2"]},
        },
        {"open": True, "skills": ["s1", "s2"]},
    )
    assert routes(m, k=1) == [["a", "b"]]
    assert routes(m, k=1, rank="steps") == [["one-long-paid"]]
    assert routes(m, k=1, rank="cost") == [["a", "b"]]
    assert routes(m, k=1, filters=Filters(free_only=True)) == [["a", "b"]]


def test_only_minimal_routes() -> None:
    # "both" alone is enough; "extra" + "both" must never come back as a second route
    m = graph(
        {"both": {"weeks": 5, "teaches": ["s1", "s2"]}, "extra": {"weeks": 1, "teaches": ["s1"]}},
        {"open": True, "skills": ["s1", "s2"]},
    )
    assert routes(m, k=3) == [["both"]]


# -- property tests against brute force --------------------------------------------

QUALS = [f"q{i}" for i in range(3)]
SKILLS = [f"s{i}" for i in range(4)]
FIELDS = ["f-engineering", "f-chemistry"]


@st.composite
def random_graphs(draw: st.DrawFn) -> PathwayModel:
    def req() -> dict[str, object]:
        # accepts takes skills too (bkg:acceptsSkill): a skill held stands in for a qualification
        return {
            "open": draw(st.booleans()) and draw(st.booleans()),
            "accepts": draw(st.lists(st.sampled_from(QUALS + SKILLS), max_size=2)),
            "levels": draw(st.lists(st.sampled_from([3.0, 4.0, 5.0]), max_size=1)),
            "pl": draw(st.booleans()) and draw(st.booleans()),
            "years": draw(st.sampled_from([0.0, 2.0])),
            "skills": draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)),
        }

    n = draw(st.integers(1, 7))
    courses = {
        f"c{i}": {
            "weeks": draw(st.integers(1, 9)),
            "awards": draw(st.lists(st.sampled_from(QUALS), max_size=1)),
            "teaches": draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
            "req": req(),
        }
        for i in range(n)
    }
    levels = {q: float(draw(st.integers(2, 6))) for q in QUALS}
    holds = tuple(draw(st.lists(st.sampled_from(QUALS + SKILLS), max_size=2)))
    # the role may take qualifications of a field in place of its required skills
    role = req()
    if draw(st.booleans()):
        role["instead"] = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2))
        role["instead_level"] = float(draw(st.integers(3, 6)))
    fields = {q: draw(st.sampled_from(FIELDS)) for q in QUALS}
    return graph(
        courses,
        role,
        holds=holds,
        experience=draw(st.sampled_from([0.0, 3.0])),
        levels=levels,
        fields=fields,
    )


def brute_force(model: PathwayModel) -> list[tuple[int, frozenset[int]]]:
    """Every minimal feasible set of courses, cheapest first."""
    goal = model.roles["role"].requirement
    assert goal is not None
    s = Search(model, model.start(model.profiles["me"]), goal, Filters(), "duration")
    usable = [c.idx for c in model.courses if c.usable]
    found = []
    for n in range(len(usable) + 1):
        for combo in itertools.combinations(usable, n):
            chosen = frozenset(combo)
            state = s.evaluate(chosen)
            if not state.stuck and s.reaches(state) and s.minimal(chosen):
                found.append((sum(s.cost(c) for c in chosen), chosen))
    return sorted(found, key=lambda x: x[0])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs())
def test_routes_are_feasible_and_none_cheaper_exists(model: PathwayModel) -> None:
    goal = model.roles["role"].requirement
    assert goal is not None
    start = model.start(model.profiles["me"])
    result = find_routes(model, start, goal, k=3)
    s = Search(model, start, goal, Filters(), "duration")
    for route in result.routes:  # feasible: each step's requirement is held before it is taken
        held, level = set(start.held), start.level
        for idx in route.courses:
            course = model.courses[idx]
            assert course.requirement is not None and course.requirement.met(
                held, level, start.experience
            )
            held |= course.awards
            level = max(level, course.award_level)
        assert goal.met(held, level, start.experience)
        assert s.minimal(frozenset(route.courses))
    assert len({frozenset(r.courses) for r in result.routes}) == len(result.routes)
    expected = [cost for cost, _ in brute_force(model)[:3]]
    assert [r.cost for r in result.routes] == expected


@pytest.mark.parametrize("rank", ["steps", "cost"])
def test_other_rankings_match_brute_force(rank: str) -> None:
    m = graph(
        {
            "a": {"weeks": 2, "teaches": ["s1"], "fee": 100.0, "funded": False},
            "b": {"weeks": 3, "teaches": ["s2"]},
            "ab": {"weeks": 30, "teaches": ["s1", "s2"]},
        },
        {"open": True, "skills": ["s1", "s2"]},
    )
    best = routes(m, k=1, rank=rank)
    assert best == ([["ab"]] if rank in ("steps", "cost") else [["a", "b"]])


def test_plateau_of_interchangeable_programmes_is_searched_exactly() -> None:
    # Eight interchangeable 40-week programmes per level, and two skills only short modules
    # teach: the per-goal bounds leave a plateau of 8^3 programme choices below the best
    # cost; the relaxed bound over all open goals together sees the modules and dives.
    # (Without it this search stops at its node limit: truncated.)
    levels = {f"q{lv}-{i}": float(lv) for lv in (3, 4, 5) for i in range(8)}
    courses: dict[str, dict[str, object]] = {
        f"p{lv}-{i}": {"weeks": 40, "awards": [f"q{lv}-{i}"], "req": {"levels": [lv - 1.0]}}
        for lv in (3, 4, 5)
        for i in range(8)
    }
    for i in range(10):  # more teachers than programmes, so the search branches on the level
        courses[f"m1-{i}"] = {"weeks": 1 + i, "teaches": ["s1"]}
        courses[f"m2-{i}"] = {"weeks": 2 + i, "teaches": ["s2"]}
    m = graph(
        courses,
        {"levels": [5.0], "skills": ["s1", "s2"]},
        holds=("q2",),
        levels=levels | {"q2": 2.0},
    )
    start = m.start(m.profiles["me"])
    goal = m.roles["role"].requirement
    assert goal is not None
    found = find_routes(m, start, goal, k=3, max_nodes=60)
    assert not found.truncated
    assert [r.cost // TIE for r in found.routes] == [123 * 100] * 3
    assert len({frozenset(r.courses) for r in found.routes}) == 3


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs(), st.lists(st.lists(st.sampled_from(QUALS + SKILLS), max_size=3), max_size=4))
def test_closures_grown_from_bases_equal_fresh_ones(
    model: PathwayModel, extras: list[list[str]]
) -> None:
    allowed = filter_index_of(model).allowed(Filters())
    cached = ClosureIndex(model)
    for extra in [[], *([q] for q in QUALS), *extras]:
        start = model.start(
            model.profiles["me"], [model.item_index[x] for x in extra if x in model.item_index]
        )
        fresh = ClosureIndex(model).fresh(start, allowed)
        grown = cached.closure(start, Filters())
        assert (grown.taken, grown.held, grown.level) == (fresh.taken, fresh.held, fresh.level)


MODE = "https://w3id.org/battkg/id/vocab/mode-"


@st.composite
def courses_and_filters(draw: st.DrawFn) -> tuple[list[CourseNode], Filters]:
    """Courses with every fact a filter reads, and filters over those facts."""
    langs, regions, countries = ["sv", "fi", "nb", "en"], ["r1", "r2", "r3"], ["SE", "FI", None]
    statuses, audiences = ["running", "planned", "ended", "unknown"], ["anyone", "unemployed"]
    courses = [
        CourseNode(
            idx=i,
            iri=f"c{i}",
            requirement=Requirement("req", open_entry=draw(st.booleans()) or i % 2 == 0),
            qualifications=(),
            skills=(),
            award_level=0.0,
            weeks=1.0,
            weeks_known=draw(st.booleans()),
            fee=draw(st.sampled_from([None, 0.0, 100.0])),
            funded=draw(st.sampled_from([None, True, False])),
            mode=draw(
                st.sampled_from([None, *(MODE + m for m in ("on-site", "online", "blended"))])
            ),
            languages=frozenset(draw(st.lists(st.sampled_from(langs), max_size=2))),
            regions=frozenset(draw(st.lists(st.sampled_from(regions), max_size=2))),
            kind=draw(st.sampled_from(["course", "recognition"])),
            status=draw(st.sampled_from(statuses)),
            audience=frozenset(draw(st.lists(st.sampled_from(audiences), min_size=1, max_size=2))),
            country=draw(st.sampled_from(countries)),
        )
        for i in range(draw(st.integers(0, 12)))
    ]

    def some(values: list[str]) -> frozenset[str]:
        return frozenset(draw(st.lists(st.sampled_from(values), max_size=2)))

    filters = Filters(
        countries=some(regions),
        regions=some(regions),
        languages=some(langs),
        modes=some(["on-site", "online", "blended"]),
        max_weeks=draw(st.sampled_from([None, 10.0])),
        free_only=draw(st.booleans()),
        statuses=some(statuses),
        audiences=some(audiences),
        online=draw(st.booleans()),
        stay_in=draw(st.sampled_from([None, "SE", "FI"])),
        within=draw(st.sampled_from([None, "SE", "FI"])),
        exclude=frozenset(draw(st.lists(st.integers(0, 12), max_size=3))),
    )
    return courses, filters


@settings(max_examples=400, deadline=None)
@given(courses_and_filters())
def test_the_filter_index_allows_what_the_filters_allow(
    case: tuple[list[CourseNode], Filters],
) -> None:
    """The bit sets of the filter index give, for any filters, the courses `Filters.allows`
    lets through one at a time."""
    courses, filters = case
    index = FilterIndex(courses)
    expected = {c.idx for c in courses if filters.allows(c)}
    assert index.allowed(filters) == expected
    assert index.mask(filters) == sum(1 << i for i in expected)


def naive_closure(
    model: PathwayModel, start: Start, allowed: frozenset[int]
) -> tuple[set[int], set[int], float]:
    """The fixed point by its definition: take any course that can be entered, until none."""
    held, level, taken = set(start.held), start.level, set()
    changed = True
    while changed:
        changed = False
        for c in model.courses:
            req = c.requirement
            if c.idx in taken or c.idx not in allowed or not c.usable or req is None:
                continue
            if req.met(held, level, start.experience):
                taken.add(c.idx)
                held |= c.awards
                level = max(level, c.award_level)
                changed = True
    return taken, held, level


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    random_graphs(),
    st.lists(
        st.tuples(
            st.sets(st.integers(0, 6), max_size=3),  # the courses a filter set leaves out
            st.lists(st.sampled_from(QUALS + SKILLS), max_size=2),  # holdings beyond the preset
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_closures_continued_from_other_filter_sets_equal_the_fixed_point(
    model: PathwayModel, asks: list[tuple[set[int], list[str]]]
) -> None:
    """One index answers closures for several filter sets, people and experiences in any
    order, each continuing whatever it already made from less (a stricter filter set, fewer
    holdings, less experience): each equals the fixed point computed by its definition."""
    index = ClosureIndex(model)
    profile = model.profiles["me"]
    for left_out, extra in asks:
        filters = Filters(exclude=frozenset(i for i in left_out if i < len(model.courses)))
        allowed = filter_index_of(model).allowed(filters)
        base = model.start(profile, [model.item_index[x] for x in extra if x in model.item_index])
        for years in (3.0, 2.0, 0.0):  # more experience first: no closure may seed one with less
            start = Start(base.held, base.level, years)
            made = index.closure(start, filters)
            assert (made.taken, made.held, made.level) == naive_closure(model, start, allowed)
            assert made.bits == sum(1 << i for i in made.taken)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs(), st.sets(st.integers(0, 6), max_size=2))
def test_a_route_read_off_the_closure_exists_exactly_when_one_does(
    model: PathwayModel, excluded: set[int]
) -> None:
    """The last fallback (planned.py): a route whenever brute force finds one (also with steps
    excluded, which the shared closure keeps), feasible in its order and minimal; none else."""
    from battkg.pathways.planned import planned_route

    goal = model.roles["role"].requirement
    assert goal is not None
    start = model.start(model.profiles["me"])
    exclude = frozenset(i for i in excluded if i < len(model.courses))
    s = Search(model, start, goal, Filters(exclude=exclude), "duration")
    if s.reaches(s.evaluate(frozenset())):
        return  # already qualified: the search answers before any fallback
    usable = [c.idx for c in model.courses if c.usable and c.idx not in exclude]
    exists = any(
        not (state := s.evaluate(frozenset(combo))).stuck and s.reaches(state)
        for n in range(1, len(usable) + 1)
        for combo in itertools.combinations(usable, n)
    )
    route = planned_route(s)
    assert (route is not None) == exists
    if route is None:
        return
    assert not exclude & set(route.courses)
    held, level = set(start.held), start.level
    for idx in route.courses:
        course = model.courses[idx]
        assert course.requirement is not None
        assert course.requirement.met(held, level, start.experience)
        held |= course.awards
        level = max(level, course.award_level)
    assert goal.met(held, level, start.experience)
    assert s.minimal(frozenset(route.courses))
    assert route.cost == sum(s.cost(c) for c in route.courses)
