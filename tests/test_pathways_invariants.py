"""Properties every route holds, on random graphs with certified skills (hypothesis):
no step awards a qualification the person already holds (but a kind of degree awarded across
fields, which another programme may award again; holding a named qualification holds its kinds), every step adds something, and no
step can be left out (each adds what a later step or the role needs). The search is also
compared with brute force over every set of steps."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from battkg.pathways.builder import ModelBuilder
from battkg.pathways.filters import Filters
from battkg.pathways.model import PathwayModel, Start
from battkg.pathways.person import Person, person_filters
from battkg.pathways.search import Search, find_routes

QUALS = [f"q{i}" for i in range(3)]
SKILLS = [f"s{i}" for i in range(5)]


@st.composite
def cases(draw: st.DrawFn) -> tuple[PathwayModel, Start]:
    b = ModelBuilder()
    for q in QUALS:
        b.qualification(q, float(draw(st.integers(2, 6))))
        for s in draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)):
            b.certified(q, s)
        if draw(st.booleans()) and draw(st.booleans()):
            b.across_fields(q)  # a kind of degree: another programme awarding it is no retake
        if draw(st.booleans()) and draw(st.booleans()):
            # one of a kind (decision 0062): a cycle or the qualification itself adds nothing
            b.specialises(q, draw(st.sampled_from(QUALS)))

    def req(name: str) -> str:
        r = b.requirement(name)
        r.open_entry = draw(st.booleans())
        r.accepts = set(draw(st.lists(st.sampled_from(QUALS), max_size=2)))
        r.levels = set(draw(st.lists(st.sampled_from([3.0, 4.0, 5.0]), max_size=1)))
        r.prior_learning = draw(st.booleans()) and draw(st.booleans())
        r.min_experience = draw(st.sampled_from([0.0, 2.0]))
        r.skills = set(draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)))
        return name

    for i in range(draw(st.integers(1, 7))):
        b.course(
            f"c{i}",
            requirement=req(f"req-c{i}"),
            weeks=float(draw(st.integers(1, 9))),
            qualifications=draw(st.lists(st.sampled_from(QUALS), max_size=1)),
            skills=draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True)),
        )
    b.role("role", requirement=req("req-role"))
    holds = draw(st.lists(st.sampled_from(QUALS + SKILLS), max_size=3))
    b.profile(
        "me",
        qualifications=[h for h in holds if h[0] == "q"],
        skills=[h for h in holds if h[0] == "s"],
    )
    model = b.build()
    start = model.start(model.profiles["me"], experience=draw(st.sampled_from([0.0, 3.0])))
    return model, start


def _search(model: PathwayModel, start: Start) -> tuple[Search, Filters]:
    filters = person_filters(model, Person(profile="me"), start, Filters())
    goal = model.roles["role"].requirement
    assert goal is not None
    return Search(model, start, goal, filters, "duration"), filters


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_no_step_retakes_or_adds_nothing_and_none_can_be_left_out(
    case: tuple[PathwayModel, Start],
) -> None:
    model, start = case
    search, filters = _search(model, start)
    assert search.goal is not None
    result = find_routes(model, start, search.goal, filters, k=5)
    held_quals = {
        i for i in start.held if model.items[i].startswith("q") and i not in model.across_fields
    }
    for route in result.routes:
        held, level = set(start.held), start.level
        for idx in route.courses:
            course = model.courses[idx]
            assert held_quals.isdisjoint(course.qualifications), (
                "a step retakes a held qualification"
            )
            assert course.requirement is not None
            assert course.requirement.met(held, level, start.experience), "a step cannot be entered"
            assert not course.awards <= held or course.award_level > level, "a step adds nothing"
            held |= course.awards
            level = max(level, course.award_level)
        assert search.goal.met(held, level, start.experience)
        chosen = frozenset(route.courses)
        for idx in chosen:
            assert not search.reaches(search.evaluate(chosen - {idx})), "a step can be left out"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_best_route_is_the_cheapest_of_every_allowed_set(
    case: tuple[PathwayModel, Start],
) -> None:
    model, start = case
    search, filters = _search(model, start)
    assert search.goal is not None
    allowed = [c.idx for c in model.courses if filters.allows(c)]
    best = None
    for n in range(len(allowed) + 1):
        for combo in itertools.combinations(allowed, n):
            state = search.evaluate(frozenset(combo))
            if not state.stuck and search.reaches(state):
                cost = sum(search.cost(c) for c in combo)
                best = cost if best is None else min(best, cost)
    found = find_routes(model, start, search.goal, filters, k=1)
    if best is None:
        assert found.routes == []
    else:
        assert found.routes and found.routes[0].cost == best


def test_a_held_qualification_counts_for_the_skills_it_certifies() -> None:
    b = ModelBuilder()
    b.qualification("q-process", 4.0)
    b.certified("q-process", "s-operate")
    r = b.requirement("req-role")
    r.levels, r.skills = {4.0}, {"s-operate"}
    retake = b.requirement("req-retake")
    retake.open_entry = True
    b.course("retake", requirement="req-retake", weeks=120.0, qualifications=["q-process"])
    b.role("role", requirement="req-role")
    b.profile("me", qualifications=["q-process"])
    model = b.build()
    start = model.start(model.profiles["me"])
    goal = model.roles["role"].requirement
    assert goal is not None
    found = find_routes(model, start, goal, k=1)
    assert found.routes and found.routes[0].courses == ()  # already qualified: no retake
