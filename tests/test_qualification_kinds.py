"""A named qualification is one of a kind (bkg:specialisationOf, decision 0062): its holder
holds the kind, and a step awarding it awards the kind; on hand-made graphs and the curated
data."""

from __future__ import annotations

from battkg.kg import KnowledgeGraph
from battkg.pathways.builder import ModelBuilder
from battkg.pathways.engine import find_pathways
from battkg.pathways.model import PathwayModel
from battkg.pathways.person import retakes
from battkg.pathways.search import find_routes

Q = "https://w3id.org/battkg/id/qualification/"


def model(specialises: list[tuple[str, str]]) -> PathwayModel:
    """q-named is a fagbrev in one trade; q-kind the fagbrev of any trade; q-any a kind above."""
    b = ModelBuilder()
    for q in ("q-named", "q-kind", "q-any", "q-other"):
        b.qualification(q, 4.0)
    for named, kind in specialises:
        b.specialises(named, kind)
    b.across_fields("q-kind")
    b.certified("q-named", "s-trade")
    for name, accepts, awards, teaches in (
        ("fagskole", {"q-any"}, ["q-other"], ["s-lead"]),
        ("trade-programme", set(), ["q-named"], []),
        ("generic-programme", set(), ["q-kind"], ["s-lead"]),
    ):
        r = b.requirement(f"req-{name}")
        r.accepts = set(accepts)
        r.open_entry = not accepts
        b.course(name, requirement=f"req-{name}", weeks=40.0, qualifications=awards, skills=teaches)
    r = b.requirement("req-role")
    r.open_entry, r.skills = True, {"s-lead"}
    b.role("role", requirement="req-role")
    b.profile("named", qualifications=["q-named"])
    b.profile("nobody")
    return b.build()


def best(m: PathwayModel, profile: str) -> list[str]:
    start = m.start(m.profiles[profile])
    goal = m.roles["role"].requirement
    assert goal is not None
    found = find_routes(m, start, goal, k=1)
    return [m.courses[i].iri for i in found.routes[0].courses] if found.routes else []


def test_the_holder_of_a_named_qualification_holds_its_kinds_transitively() -> None:
    m = model([("q-named", "q-kind"), ("q-kind", "q-any")])
    held = m.start(m.profiles["named"]).held
    assert {m.item_index[q] for q in ("q-named", "q-kind", "q-any", "s-trade")} <= held
    assert m.item_index["q-other"] not in held
    assert best(m, "named") == ["fagskole"]  # accepts the kind above, met by the named one


def test_without_the_link_the_named_qualification_meets_nothing_that_asks_for_the_kind() -> None:
    m = model([])
    assert m.item_index["q-any"] not in m.start(m.profiles["named"]).held
    assert best(m, "named") == ["generic-programme"]


def test_a_step_awarding_the_named_qualification_awards_its_kinds() -> None:
    m = model([("q-named", "q-kind"), ("q-kind", "q-any")])
    trade = m.courses[m.course_index["trade-programme"]]
    assert {m.item_index[q] for q in ("q-named", "q-kind", "q-any", "s-trade")} <= trade.awards
    # the kind's awarders include it, so the search can reach the fagskole through it
    assert trade.idx in m.awarders[m.item_index["q-any"]]
    assert best(m, "nobody") in (["trade-programme", "fagskole"], ["generic-programme"])


def test_a_cycle_or_a_self_link_adds_nothing_and_ends() -> None:
    m = model([("q-named", "q-kind"), ("q-kind", "q-named"), ("q-named", "q-named")])
    assert m.kinds[m.item_index["q-named"]] == frozenset({m.item_index["q-kind"]})
    assert m.kinds[m.item_index["q-kind"]] == frozenset({m.item_index["q-named"]})


def test_a_held_kind_awarded_across_fields_is_no_retake_but_a_named_one_is() -> None:
    m = model([("q-named", "q-kind")])
    start = m.start(m.profiles["named"])
    out = {m.courses[i].iri for i in retakes(m, start)}
    assert out == {"trade-programme"}  # the generic programme of the kind stays open


# -- the curated data ------------------------------------------------------------


def test_a_norwegian_industrial_mechanic_is_named_by_the_trade_not_the_kind(
    curated_kg: KnowledgeGraph,
) -> None:
    """An operator role asks for a fagbrev (or a level); the answer says which one the person
    holds: the trade certificate as industrial mechanic, not 'a fagbrev of any trade'."""
    mechanic = Q + "no-fagbrev-industrimekanikerfaget"
    a = find_pathways(
        curated_kg, "battery-production-operator", None, home="NO071", holds=[mechanic]
    )
    assert a.found and a.routes[0].steps == []
    clause = a.routes[0].explanation.requirement[0]
    assert clause.met_by == "holding" and clause.holding is not None
    assert clause.holding.id == mechanic


def test_a_norwegian_trade_certificate_enters_a_fagskole_that_asks_for_any_fagbrev(
    curated_kg: KnowledgeGraph,
) -> None:
    """Fagskolen i Viken's mechanical engineering programme accepts a trade certificate and
    no level: the industrial mechanic enters it on the certificate, without a first step."""
    mechanic = Q + "no-fagbrev-industrimekanikerfaget"
    a = find_pathways(
        curated_kg, "automation-technician", None, home="NO082", holds=[mechanic], k=5
    )
    assert a.found
    entered = [
        s
        for r in a.routes
        for s in r.steps[:1]
        if s.requires is not None
        and Q + "no-fagbrev" in {x.id for x in s.requires.accepts}
        and not s.requires.levels
        and mechanic not in {x.id for x in s.requires.accepts}
    ]
    assert entered, [[s.course.id for s in r.steps] for r in a.routes]
    for route in a.routes:  # the held trade certificate is never retaken
        assert all(mechanic not in {x.id for x in s.awards} for s in route.steps)
