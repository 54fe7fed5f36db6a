"""An apprenticeship needs an employer (bkg:needsEmployer): the data says so per entry
requirement, partner CSV can state it, and a route through such a step says so in the
person's language, in the API, the CLI text and the guide page, instead of "open entry"
alone (a person in Kokkola was offered the oppisopimus as if anyone could walk in)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.testclient import TestClient

from battkg.ingest import read_partner_file
from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG
from battkg.pathways.engine import PathwayAnswer, find_pathways
from battkg.pathways.text import render_answer
from battkg.pathways.views import Step
from battkg.validation import validate_files

HEADER = (
    "id,name_en,provider,region,languages,mode,duration_weeks,credit_system,skills_taught,"
    "entry_open,entry_needs_employer"
)
ROW = "trainee,Trainee course,centria,FI1D5,fi,on-site,40,osp,electrode-slurry-mixing,true,{flag}"


def _kokkola(kg: KnowledgeGraph, lang: str = "en") -> PathwayAnswer:
    return find_pathways(
        kg, "mineral-processing-operator", "fi-compulsory-school-only", home="FI1D5", k=5, lang=lang
    )


def _employer_steps(answer: PathwayAnswer) -> list[tuple[int, int, Step]]:
    return [
        (route.rank, n, step)
        for route in answer.routes
        for n, step in enumerate(route.steps, 1)
        if step.requires is not None and step.requires.needs_employer
    ]


def test_the_curated_apprenticeships_need_an_employer(curated_kg: KnowledgeGraph) -> None:
    rows = curated_kg.query(
        "PREFIX bkg: <https://w3id.org/battkg/ontology#> "
        "SELECT ?course WHERE { ?course bkg:entryRequirement ?r . ?r bkg:needsEmployer true }"
    )
    assert isinstance(rows, ox.QuerySolutions)
    courses = {str(row["course"].value).rsplit("/", 1)[-1] for row in rows}
    # the two Finnish oppisopimus routes and the Norwegian training office's læreplass
    assert {
        "fi-oppisopimus-prosessiteollisuuden-perustutkinto",
        "fi-oppisopimus-sahko-ja-automaatioalan-perustutkinto",
        "oki-dalane-laereplass-industrifag",
    } <= courses


def test_a_route_through_an_apprenticeship_says_it_needs_an_employer(
    curated_kg: KnowledgeGraph,
) -> None:
    answer = _kokkola(curated_kg)
    found = _employer_steps(answer)
    assert found, [s.course.id for r in answer.routes for s in r.steps]
    for rank, n, step in found:
        assert step.requires is not None
        assert "oppisopimus" in step.course.id
        assert "an employer who takes the person on" in step.requires.text
        route = answer.routes[rank - 1]
        lines = [t for t in route.explanation.text if t.startswith(f"Step {n}, ")]
        assert any("a place is not guaranteed" in t for t in lines), route.explanation.text
    # the other steps (school-based courses) do not claim it
    others = [
        s
        for r in answer.routes
        for s in r.steps
        if s.requires is not None and "oppisopimus" not in s.course.id
    ]
    assert others and not any(s.requires.needs_employer for s in others if s.requires)
    assert "an employer who takes the person on" in render_answer(answer)


def test_the_employer_condition_is_worded_in_each_language(curated_kg: KnowledgeGraph) -> None:
    words = {"sv": "lärlingsavtal", "fi": "oppisopimus", "nb": "lærekontrakt"}
    for lang, word in words.items():
        found = _employer_steps(_kokkola(curated_kg, lang))
        assert found
        for _rank, _n, step in found:
            assert step.requires is not None and word in step.requires.text, step.requires.text
            assert "employer" not in step.requires.text  # no English left in the sentence


def test_the_guide_page_says_an_employer_is_needed(client: TestClient) -> None:
    page = client.get(
        "/guide/routes",
        params={
            "role": "mineral-processing-operator",
            "entry": "fi-compulsory-school-only",
            "home": "FI1D5",
            "k": 5,
            "lang": "sv",
        },
    )
    assert page.status_code == 200, page.text[:500]
    assert "lärlingsavtal" in page.text
    assert "en plats är inte garanterad" in page.text


def test_partner_csv_states_it_and_a_wrong_value_is_named(curated_kg: KnowledgeGraph) -> None:
    good = read_partner_file(
        f"{HEADER}\n{ROW.format(flag='true')}\n".encode(), "courses.csv", curated_kg.iris
    )
    assert good.readable and not good.faults, good.faults
    flags = [q for q in good.quads if q.predicate.value == BKG + "needsEmployer"]
    assert [q.object.value for q in flags] == ["true"]
    report = validate_files(
        curated_kg,
        [
            read_partner_file(
                f"{HEADER}\n{ROW.format(flag='maybe')}\n".encode(), "courses.csv", curated_kg.iris
            )
        ],
    )
    assert not report.conforms
    (fault,) = [f for f in report.faults if f.location.column == "entry_needs_employer"]
    assert fault.location.row == 2 and fault.value == "maybe" and fault.fix
