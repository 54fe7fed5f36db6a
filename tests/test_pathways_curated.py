"""The pathway engine on the curated graph: the model as read, every role reachable, and
the routes a guidance counsellor would expect for real cases."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import find_pathways, make_filters, model_of, pathway_matrix
from battkg.pathways.search import find_routes

ID = "https://w3id.org/battkg/id/"


def _count(kg: KnowledgeGraph, cls: str) -> int:
    result = kg.query(
        f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <https://w3id.org/battkg/ontology#{cls}> }}"
    )
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def _course_ids(answer_route: object) -> list[str]:
    return [s.course.id.rsplit("/", 1)[-1] for s in answer_route.steps]  # type: ignore[attr-defined]


def test_model_holds_every_course_role_and_profile(curated_kg: KnowledgeGraph) -> None:
    model = model_of(curated_kg)
    assert len(model.courses) == _count(curated_kg, "Course")
    assert len(model.roles) == _count(curated_kg, "JobRole")
    assert len(model.profiles) == _count(curated_kg, "EntryProfile")
    yh = model.courses[
        model.course_index[ID + "course/yh-skelleftea-processtekniker-underhall-och-driftsakerhet"]
    ]
    assert yh.weeks == 80.0 and yh.languages == {"sv"} and yh.funded is True
    assert ID + "region/SE" in yh.regions  # the inferred place closure reaches the country
    assert (
        yh.requirement is not None
        and yh.requirement.levels == (4.0,)
        and yh.requirement.prior_learning
    )
    assert model.labels.get(yh.iri, "fi").startswith("Prosessiteknikko")


def test_every_role_is_reachable_from_some_entry_profile(curated_kg: KnowledgeGraph) -> None:
    model = model_of(curated_kg)
    unreachable = []
    for role in model.roles.values():
        assert role.requirement is not None
        if not any(
            find_routes(model, model.start(p), role.requirement, k=1).routes
            for p in model.profiles.values()
        ):
            unreachable.append(role.iri)
    assert unreachable == []


def test_compulsory_school_in_skelleftea_in_swedish_to_cell_operator(
    curated_kg: KnowledgeGraph,
) -> None:
    filters = make_filters(curated_kg, regions=["SE331"], languages=["sv"])
    answer = find_pathways(
        curated_kg, "cell-assembly-operator", "compulsory-school-only", filters=filters, lang="sv"
    )
    assert answer.found
    best = answer.routes[0]
    assert _course_ids(best) == ["vux-skelleftea-automationsoperator"]
    step = best.steps[0]
    assert (
        step.municipality == "Skellefteå" and step.languages == ["sv"] and step.requires is not None
    )
    assert step.requires.open_entry
    assert answer.role.label.startswith("cellmonteringsoperatör")  # labels in Swedish
    assert best.total_weeks == 18.0
    assert all(s.languages == ["sv"] for r in answer.routes for s in r.steps)


def test_finnish_vocational_route_to_control_room_operator(curated_kg: KnowledgeGraph) -> None:
    filters = make_filters(curated_kg, countries=["FI"], languages=["fi"])
    answer = find_pathways(
        curated_kg, "control-room-process-operator", "compulsory-school-only", filters=filters
    )
    assert answer.found
    first = _course_ids(answer.routes[0])
    assert len(first) == 1 and first[0].endswith("prosessiteollisuuden-perustutkinto")
    assert (
        answer.routes[0]
        .qualifications_gained[0]
        .id.endswith("fi-prosessiteollisuuden-perustutkinto")
    )


def test_norwegian_fagbrev_to_batterifagskolen(curated_kg: KnowledgeGraph) -> None:
    filters = make_filters(curated_kg, countries=["NO"])
    answer = find_pathways(
        curated_kg, "process-technician", "vocational-upper-secondary-technical", filters=filters
    )
    assert answer.found
    assert _course_ids(answer.routes[0])[0].startswith("batterifagskolen")
    assert any(q.id.endswith("no-fagskolegrad-5-1") for q in answer.routes[0].qualifications_gained)


def test_foreign_engineer_takes_the_ltu_fast_track(curated_kg: KnowledgeGraph) -> None:
    answer = find_pathways(
        curated_kg, "maintenance-engineer", "recognised-foreign-engineering-degree"
    )
    assert _course_ids(answer.routes[0]) == [
        "ltu-drift-och-underhallsteknik-for-utrikes-fodda-ingenjorer"
    ]
    assert answer.routes[0].total_weeks == 26.0


def test_no_route_names_the_filter_and_the_requirement(curated_kg: KnowledgeGraph) -> None:
    filters = make_filters(curated_kg, countries=["FI"], languages=["sv"])
    answer = find_pathways(
        curated_kg, "cell-assembly-operator", "compulsory-school-only", filters=filters
    )
    assert not answer.found and answer.routes == []
    codes = [r.code for r in answer.reasons]
    assert "filter-removed-last-option" in codes
    blamed = {r.details["filter"] for r in answer.reasons if r.code == "filter-removed-last-option"}
    assert blamed <= {"countries", "languages"} and blamed
    assert any(
        r.code in ("skill-out-of-reach", "qualification-out-of-reach") for r in answer.reasons
    )


def test_maximum_duration_reason(curated_kg: KnowledgeGraph) -> None:
    filters = make_filters(curated_kg, max_weeks=10)
    answer = find_pathways(
        curated_kg, "cell-assembly-operator", "compulsory-school-only", filters=filters
    )
    assert not answer.found
    assert answer.reasons[0].code == "longer-than-maximum"
    assert answer.reasons[0].details["shortest_weeks"] == 18.0


def test_missing_essential_skills_come_with_short_courses(curated_kg: KnowledgeGraph) -> None:
    answer = find_pathways(curated_kg, "cell-assembly-operator", "compulsory-school-only", k=1)
    route = answer.routes[0]
    assert (
        route.essential_skills_covered + len(route.missing_essential_skills)
        == route.essential_skills_total
    )
    offered = [m for m in route.missing_essential_skills if m.short_courses]
    assert offered, "some missing skill should be taught by a course"
    weeks = [c.weeks for c in offered[0].short_courses]
    assert weeks == sorted(weeks)


def test_matrix_has_one_row_per_profile_and_matches_single_queries(
    curated_kg: KnowledgeGraph,
) -> None:
    matrix = pathway_matrix(curated_kg, "process-technician")
    model = model_of(curated_kg)
    assert len(matrix.rows) == len(model.profiles)
    row = next(r for r in matrix.rows if r.entry.id.endswith("compulsory-school-only"))
    single = find_pathways(curated_kg, "process-technician", "compulsory-school-only", k=1)
    assert row.found and row.total_weeks == single.routes[0].total_weeks


@pytest.mark.parametrize("rank", ["steps", "cost"])
def test_rankings_on_curated_data(curated_kg: KnowledgeGraph, rank: str) -> None:
    answer = find_pathways(
        curated_kg, "process-technician", "compulsory-school-only", rank=rank, k=3
    )
    assert answer.found
    keys = [len(r.steps) if rank == "steps" else r.total_fee_eur for r in answer.routes]
    assert keys == sorted(keys)
