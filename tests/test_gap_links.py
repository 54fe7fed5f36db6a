"""The gap analysis's course-role links: written when a data version is made, and the same
courses as the pathway engine's routes (docs/decisions/0052-gap-analysis.md)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from battkg import datasets
from battkg.gaps.analysis import analyse
from battkg.gaps.links import (
    ensure_links,
    graph_of,
    link_bits,
    links_graph,
    links_of,
    starts_and_places,
    stored_pairs,
)
from battkg.gaps.service import inputs_of, labeller, labels_of, make_query
from battkg.gaps.useful import Usefulness
from battkg.ingest import read_partner_file
from battkg.kg import KnowledgeGraph
from battkg.pathways.bitsets import indexes_of as members
from battkg.pathways.engine import model_of
from battkg.pathways.filters import Filters
from battkg.pathways.loader import load_model
from battkg.pathways.model import PathwayModel
from battkg.pathways.search import find_routes
from battkg.settings import PROJECT_ROOT, Settings
from battkg.web.app import create_app

from .test_gaps import ID, small  # noqa: F401  (the small graph of the gap tests)

#: routes asked of the engine per search: a search that ends with fewer has listed them all
K = 8
#: roles whose alternatives make some courses redundant: a master's for a bachelor's level
#: (automation engineer), a short course for one skill of the degree the role requires
#: (battery integration engineer in Norway)
ROLES = ("automation-engineer", "battery-integration-engineer-e-mobility")
#: entry profiles where those redundancies occur, and one that holds little
PROFILES = (
    "general-upper-secondary",
    "fi-general-upper-secondary",
    "experienced-process-industry-worker",
    "vocational-upper-secondary-technical",
)


def _stored(kg: KnowledgeGraph) -> tuple[str | None, set[tuple[str, str]]]:
    """The stored links' version, and the (course, role) pairs their atoms stand for, read
    through the path a researcher writes (`role bkg:needsAtom+/^bkg:servesAtom course`)."""
    graph = links_graph(kg)
    version = kg.select(
        f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> bkg:buildVersion ?v }} }}"
    )
    return (str(version[0]["v"].value) if version else None), set(stored_pairs(kg))


def test_the_build_writes_the_links_of_its_version(curated_kg: KnowledgeGraph) -> None:
    version, pairs = _stored(curated_kg)
    assert version == curated_kg.version()
    assert len(pairs) > 100
    generation = curated_kg.store.current_generation()
    links = ensure_links(curated_kg)  # what the first gap request does: read, not compute
    assert links.stored
    assert curated_kg.store.current_generation() == generation  # no new generation written
    # no course-role pair is written: the links are kept per requirement atom
    graph = links_graph(curated_kg)
    assert not curated_kg.select(
        f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ ?c bkg:leadsToRole ?r }} }}"
    )
    assert curated_kg.select(f"SELECT ?c WHERE {{ GRAPH <{graph}> {{ ?c bkg:servesAtom ?a }} }}")


def test_the_links_hold_the_courses_of_the_engines_routes(
    curated_kg: KnowledgeGraph,
) -> None:
    model = model_of(curated_kg)
    countries = sorted({c for c in model.region_country.values() if c})
    profiles = [model.profiles[ID + "entry-profile/" + p] for p in PROFILES]
    starts = [model.start(None), *(model.start(p) for p in profiles)]
    routes = 0
    for code in countries:
        filters = Filters(countries=frozenset({ID + "region/" + code}))
        for role in ROLES:
            requirement = model.roles[ID + "role/" + role].requirement
            assert requirement is not None
            for start in starts:  # the rule runs for one start at a time, as links.py does
                useful = Usefulness(model, [start], filters)
                found = set(members(useful.leading_to([requirement])[0]))
                result = find_routes(model, start, requirement, filters, k=K, max_nodes=1_000)
                on_routes = {c for route in result.routes for c in route.courses}
                routes += len(result.routes)
                assert on_routes <= found, (role, code, start.profile)  # nothing used is missed
    assert routes >= 20  # the engine found routes: the inclusion is really tested


def test_no_link_joins_steps_that_no_one_person_takes(curated_kg: KnowledgeGraph) -> None:
    """Shared by every start, the rule linked Norwegian engineering bachelors to the cell
    assembly operator: a chain through a fagskole programme that one start enters by its
    experience, fed by a bachelor that another start enters by its level. No one person's
    route holds that chain, and a counsellor would not count those places for the role."""
    _, pairs = _stored(curated_kg)
    operator = ID + "role/cell-assembly-operator"
    linked = {course for course, role in pairs if role == operator}
    assert linked, "the cell assembly operator has courses that lead to it"
    for bachelor in (
        "ntnu-bachelor-ingenior-elektro-gjovik",
        "uis-bachelor-batteri-og-energiteknologi",
        "usn-bachelor-kjemiingenior-porsgrunn",
        "hvl-bachelor-energiteknologi",
    ):
        assert ID + "course/" + bachelor not in linked, bachelor


def _each_start_alone(model: PathwayModel, kg: KnowledgeGraph) -> dict[str, int]:
    """The rule as decision 0052 states it: `Usefulness` for one start and country at a time
    (the definition), its answers joined."""
    starts, places = starts_and_places(model, kg.iris)
    roles = [(r, req) for r in sorted(model.roles) if (req := model.roles[r].requirement)]
    found = dict.fromkeys((r for r, _ in roles), 0)
    for filters in places:
        for start in starts:
            each = Usefulness(model, [start], filters).leading_to([q for _, q in roles])
            for (role, _), bits in zip(roles, each, strict=True):
                found[role] |= bits
    return found


def test_the_links_are_those_of_each_start_alone(curated_kg: KnowledgeGraph) -> None:
    """The links are made for every start of a country at once, sharing what does not depend
    on the start (closures, serving courses, atoms below): the same links as the rule run for
    each start alone, on the curated graph (2,718 links on 2026-12-01)."""
    model = model_of(curated_kg)
    shared = link_bits(model, curated_kg.iris)
    assert shared == _each_start_alone(model, curated_kg)
    _, stored = _stored(curated_kg)
    assert len(stored) == sum(b.bit_count() for b in shared.values()) > 1_000
    # the pairs the stored atoms stand for are exactly the rule's
    assert stored == set(links_of(model, curated_kg.iris))


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "pathways_gen", PROJECT_ROOT / "bench" / "pathways_gen.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [3, 8])
def test_the_links_are_those_of_each_start_alone_on_a_generated_graph(
    tmp_path: Path, seed: int
) -> None:
    """The same on graphs of the benchmark's generator (long chains of programmes, validation
    of prior learning, skills required and taught in cycles, forty entry profiles)."""
    gen = _generator()
    kg = KnowledgeGraph(
        Settings.from_env({"BATTKG_STORE": str(tmp_path / "store"), "BATTKG_ESCO_DIR": ""})
    )
    text = "".join(gen.generate(600, 40, 240, seed=seed))
    graph = ox.NamedNode(kg.iris.data_graph("generated"))
    with kg.store.writer() as w:
        w.bulk_extend(gen.in_graph(ox.parse(text, format=ox.RdfFormat.N_TRIPLES), graph))
    model = load_model(kg)
    shared = link_bits(model, kg.iris)
    assert sum(b.bit_count() for b in shared.values()) > 100  # links to compare
    assert shared == _each_start_alone(model, kg)
    # kept per atom and compacted, the links are still exactly these, edge by edge
    atoms = graph_of(model, kg.iris)
    assert atoms.linked() == {r: b for r, b in shared.items() if b}
    assert atoms.size() < sum(b.bit_count() for b in shared.values())


def test_the_stored_atoms_stand_for_the_rules_pairs(small: KnowledgeGraph) -> None:  # noqa: F811
    """Written into the store and read back through the named query a researcher runs."""
    ensure_links(small)
    expected = links_of(model_of(small), small.iris)
    assert stored_pairs(small) == expected
    _, result = small.run_named("gap-course-roles", {})
    assert isinstance(result, ox.QuerySolutions)
    assert {(str(r["course"].value), str(r["role"].value)) for r in result} == expected


def test_a_course_is_linked_whatever_its_status(small: KnowledgeGraph) -> None:  # noqa: F811
    ensure_links(small)
    pairs = stored_pairs(small)
    assert (ID + "course/a", ID + "role/assembler") in pairs
    assert (ID + "course/ended", ID + "role/assembler") in pairs  # linked, no capacity


PARTNER = """
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix course: <https://w3id.org/battkg/id/course/> .
course:partner-welding a bkg:Course ; skos:prefLabel "partner welding course"@en ;
    bkg:locatedIn <https://w3id.org/battkg/id/region/SE332> ;
    bkg:entryRequirement <https://w3id.org/battkg/id/requirement/open> ;
    bkg:awardsQualification <https://w3id.org/battkg/id/qualification/operator> ;
    bkg:teachesSkill <https://w3id.org/battkg/id/skill/stacking> ,
        <https://w3id.org/battkg/id/skill/welding> , <https://w3id.org/battkg/id/skill/dry-room> ;
    bkg:durationWeeks 10.0 ; bkg:placesPerYear 12 ; bkg:offerStatus voc:offer-running ;
    bkg:mode voc:mode-on-site ; dcterms:source <https://w3id.org/battkg/id/source/page> .
"""


#: a second version of the partner's file: the same course under another name
PARTNER_V2 = PARTNER.replace('"partner welding course"@en', '"partner welding course, renamed"@en')


def test_a_dataset_load_and_its_rollback_rewrite_the_links(small: KnowledgeGraph) -> None:  # noqa: F811
    pair = (ID + "course/partner-welding", ID + "role/assembler")
    name = "gap-links-partner"
    versions = []
    client = TestClient(create_app(kg=small))
    answered = client.get("/gaps").content  # kept serialised, per data version
    for text in (PARTNER, PARTNER_V2):
        result = datasets.load(small, [read_partner_file(text.encode(), "p.ttl", small.iris)], name)
        assert result.loaded, [f.message for f in result.report.faults]
        version, pairs = _stored(small)
        assert version == small.version() and pair in pairs
        assert (ID + "course/a", ID + "role/assembler") in pairs
        versions.append(version)
        # the answer kept for the former version is not served for this one
        assert client.get("/gaps").json()["version"] == version
    loaded = client.get("/gaps").content
    assert b"partner-welding" in loaded and b"partner-welding" not in answered
    assert versions[0] != versions[1]  # each load wrote the links of its own version
    datasets.rollback(small, name, 1)
    version, pairs = _stored(small)
    assert version == small.version() == versions[0] and pair in pairs


def test_every_row_says_whether_its_demand_is_split(curated_kg: KnowledgeGraph) -> None:
    client = TestClient(create_app(kg=curated_kg))
    report = client.get("/gaps").json()
    assert report["rows"]
    for row in report["rows"]:
        split = row["split"]
        assert isinstance(split["by_level"], bool) and isinstance(split["by_role"], bool)
        if not split["by_level"]:
            assert "education level" in split["note"]  # said, not silently empty
    for region in report["regions"]:
        for level in region["levels"]:
            assert level["demand_split_by_level"] or "capacity alone" in level["demand_note"]
    lines = list(csv.DictReader(io.StringIO(client.get("/gaps", params={"format": "csv"}).text)))
    assert lines and all(line["demand_split_note"] for line in lines)
    page = client.get("/guide/gaps", params={"lang": "sv"}).text
    assert "inte uppdelat per utbildningsnivå" in page
    named = client.get("/queries/gap-demand", headers={"Accept": "application/json"}).json()
    rows = named["results"]["bindings"]
    assert rows and all("levelSplit" in r for r in rows)


def test_a_region_without_demand_shows_capacity_alone(curated_kg: KnowledgeGraph) -> None:
    client = TestClient(create_app(kg=curated_kg))
    region = client.get("/gaps", params={"region": "NO071"}).json()["regions"][0]
    assert region["has_demand"] is False
    page = client.get("/guide/gaps", params={"region": "NO071", "lang": "en"})
    assert page.status_code == 200
    assert "no demand data for this region: capacity alone" in page.text


def test_the_gap_labels_are_the_pathway_models(curated_kg: KnowledgeGraph) -> None:
    labels = labels_of(curated_kg)  # what the gap page's first request reads, alone
    model = model_of(curated_kg).labels
    assert len(labels.pref) > 500
    assert labels.pref == model.pref and labels.alt == model.alt


def test_the_answer_is_that_of_the_course_role_pairs(curated_kg: KnowledgeGraph) -> None:
    """Read through the atoms (gap-capacity's atoms and stages, gap-atoms), every offer leads
    to the roles and stages the rule's (course, role) pairs give it, as when the pairs were
    written as bkg:leadsToRole: so /gaps, its CSV and the what-if answer stay the same."""
    inputs = inputs_of(curated_kg)
    pairs = links_of(model_of(curated_kg), curated_kg.iris)
    roles_of: dict[str, set[str]] = {}
    for course, role in pairs:
        roles_of.setdefault(course, set()).add(role)
    before = replace(
        inputs,
        offers=[
            replace(
                o,
                role_bits=inputs.role_bits(roles_of.get(o.iri, set())),
                stages=frozenset(
                    s for r in roles_of.get(o.iri, ()) for s in inputs.role_stages.get(r, ())
                ),
            )
            for o in inputs.offers
        ],
    )
    assert sum(o.role_bits.bit_count() for o in inputs.offers) == len(pairs) > 1_000
    assert [(o.role_bits, o.stages) for o in inputs.offers] == [
        (o.role_bits, o.stages) for o in before.offers
    ]
    label = labeller(curated_kg, "en")
    client = TestClient(create_app(kg=curated_kg))
    for params in ({}, {"country": "SE"}, {"stage": "cell-manufacturing"}, {"region": "SE331"}):
        query = make_query(curated_kg, inputs, **params)
        expected = analyse(before, query, label)
        assert analyse(inputs, query, label) == expected
        assert client.get("/gaps", params=params).json() == json.loads(json.dumps(expected))
