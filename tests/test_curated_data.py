"""Tests of the curated data in data/*.ttl and of the check queries in queries/checks/.

Uses rdflib only. The ESCO test reads the official ESCO v1.1.1 CSV zips from
$BATTKG_ESCO_DIR, or from ../shared/esco relative to the repository, and is
skipped only when those zips are absent.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ONTOLOGY = REPO / "ontology"
CHECKS = REPO / "queries" / "checks"

BKG = rdflib.Namespace("https://w3id.org/battkg/ontology#")
ID = "https://w3id.org/battkg/id/"
VOC = rdflib.Namespace(ID + "vocab/")
EQF = "http://data.europa.eu/snb/eqf/"
UNCERTAIN = VOC["confidence-uncertain"]
ESTIMATED = VOC["confidence-estimated"]
UNKNOWN = VOC["confidence-unknown"]
# Kinds whose files the courses and gaps helpers migrate to decision 0050; until then they may
# still carry the deprecated per-thing mark.
LEGACY_MARK_KINDS = {"course", "demand"}

DATA_FILES = [
    "sources.ttl",
    "sources-courses-2026.ttl",
    "sources-quals-2026.ttl",
    "sources-steps-2026.ttl",
    "value-chain.ttl",
    "regions.ttl",
    "frameworks.ttl",
    "skills.ttl",
    "roles.ttl",
    "providers.ttl",
    "courses.ttl",
    "courses-se.ttl",
    "courses-fi.ttl",
    "courses-no.ttl",
    "entry-profiles.ttl",
    "demand.ttl",
    "sources-demand-2026.ttl",
    "sources-no-2026-12.ttl",
    "elm-profile.ttl",
    "elm-offers.ttl",
    "sources-se-2026-12.ttl",
    "elm-profile-se.ttl",
    "sources-fi-2026-12.ttl",
    "elm-profile-fi.ttl",
    "elm-profile-no.ttl",
]

LANGS = ("en", "sv", "fi", "nb")


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


@lru_cache(maxsize=1)
def union_graph() -> rdflib.Graph:
    """The ontology and every data file in one graph (the union of all graphs)."""
    g = rdflib.Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")) + sorted(DATA.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def union_store() -> ox.Store:
    """The same union in an in-memory Oxigraph store, for the check queries (the store
    `battkg check` runs them on; rdflib took about 70 s for them, Oxigraph about 2 s)."""
    store = ox.Store()
    for path in sorted(ONTOLOGY.glob("*.ttl")) + sorted(DATA.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def check_rows(store: ox.Store, path: Path) -> list[tuple[str, str | None]]:
    """(focus, message) of each row a check query finds."""
    solutions = store.query(path.read_text(encoding="utf-8"))
    assert isinstance(solutions, ox.QuerySolutions), path.name
    return [
        (row["focus"].value, None if row["message"] is None else row["message"].value)
        for row in solutions
    ]


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def check_queries() -> list[Path]:
    return sorted(CHECKS.glob("*-violation.rq"))


def instances(g: rdflib.Graph, cls: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef) and str(s).startswith(ID)}


# ---------------------------------------------------------------------------
# Files parse, each on its own (so each file declares its own prefixes)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_parses_on_its_own(name: str) -> None:
    path = DATA / name
    assert path.exists(), f"missing data file {name}"
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    assert len(g) > 0


def test_no_unexpected_data_files() -> None:
    present = {p.name for p in DATA.glob("*.ttl")}
    assert present == set(DATA_FILES)


# ---------------------------------------------------------------------------
# Check queries: zero rows on the curated data, at least one on a broken example
# ---------------------------------------------------------------------------

PREFIXES = """
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix eqf: <http://data.europa.eu/snb/eqf/> .
@prefix role: <https://w3id.org/battkg/id/role/> .
@prefix course: <https://w3id.org/battkg/id/course/> .
@prefix skill: <https://w3id.org/battkg/id/skill/> .
@prefix stage: <https://w3id.org/battkg/id/stage/> .
@prefix src: <https://w3id.org/battkg/id/source/> .
@prefix req: <https://w3id.org/battkg/id/requirement/> .
@prefix demand: <https://w3id.org/battkg/id/demand/> .
"""

GOOD_ROLE = """
role:broken a bkg:JobRole ;
    skos:prefLabel "x"@en, "x"@sv, "x"@fi, "x"@nb ;
    skos:closeMatch <http://data.europa.eu/esco/occupation/718bba63-75b7-4b3a-9912-e201b729fe4c> .
"""

# check name -> (Turtle with a fault, the IRI the check must report; None for a blank node)
BROKEN_EXAMPLES: dict[str, tuple[str, str | None]] = {
    "role-without-esco-alignment": (
        "role:broken a bkg:JobRole ; skos:closeMatch <https://example.org/not-esco> .",
        "role/broken",
    ),
    "role-missing-language-label": (
        'role:broken a bkg:JobRole ; skos:prefLabel "x"@en, "x"@sv, "x"@fi .',
        "role/broken",
    ),
    "concept-missing-language-label": (
        'skill:broken a bkg:Skill ; skos:prefLabel "x"@en .',
        "skill/broken",
    ),
    "role-with-too-few-essential-skills": (
        GOOD_ROLE + "role:broken bkg:essentialSkill skill:a, skill:b .",
        "role/broken",
    ),
    "role-without-level-or-isco": (GOOD_ROLE, "role/broken"),
    "course-without-provider": ("course:broken a bkg:Course .", "course/broken"),
    "course-without-language": (
        'course:broken a bkg:Course ; bkg:teachingLanguage "swedish" .',
        "course/broken",
    ),
    "course-without-duration": (
        "course:broken a bkg:Course ; bkg:durationWeeks 0 .",
        "course/broken",
    ),
    "course-without-entry-requirement": (
        "course:broken a bkg:Course ; bkg:entryRequirement req:missing .",
        "course/broken",
    ),
    "course-without-skill-taught": ("course:broken a bkg:Course .", "course/broken"),
    "course-without-place-or-mode": (
        "course:broken a bkg:Course ; bkg:mode voc:mode-online .",
        "course/broken",
    ),
    "thing-without-source": (
        "course:broken a bkg:Course ; dcterms:source src:not-described .",
        "course/broken",
    ),
    "source-without-url": (
        'src:broken a dcterms:BibliographicResource ; rdfs:label "x" .',
        "source/broken",
    ),
    "dangling-iri": (
        GOOD_ROLE + "role:broken bkg:inStage stage:no-such-stage .",
        "stage/no-such-stage",
    ),
    "undefined-ontology-term": ('role:broken bkg:noSuchProperty "x" .', None),
    "skill-without-broad-match": (
        "skill:broken a bkg:Skill ; skos:broadMatch skill:other .",
        "skill/broken",
    ),
    "uncertain-without-note": (
        "role:broken bkg:confidence voc:confidence-uncertain .",
        "role/broken",
    ),
    "requirement-asks-employer-trained-skill": (
        "req:broken a bkg:EntryRequirement ; bkg:acceptsLevel eqf:3 ; bkg:requiresSkill skill:a ."
        " skill:a bkg:trainedByEmployer true .",
        "requirement/broken",
    ),
    "empty-entry-requirement": (
        "req:broken a bkg:EntryRequirement ; bkg:requiresSkill skill:a .",
        "requirement/broken",
    ),
    "demand-without-figure": (
        "demand:broken a bkg:DemandEstimate ; bkg:countMin 5 ; bkg:countMax 2 .",
        "demand/broken",
    ),
    "blank-node": ("role:broken bkg:entryRequirement [ a bkg:EntryRequirement ] .", None),
    "step-without-offer-status": (
        "course:broken a bkg:Course ; bkg:offerStatus voc:offer-ended .",
        "course/broken",
    ),
    "step-without-fact-mark": (
        "course:broken a bkg:Course ; bkg:factConfidence [ bkg:aboutProperty bkg:durationWeeks ;"
        " bkg:confidence voc:confidence-confirmed ] .",
        "course/broken",
    ),
    "fact-mark-inconsistent": (
        "course:broken a bkg:Course ; bkg:durationWeeks 4 ; bkg:factConfidence"
        ' [ bkg:aboutProperty bkg:durationWeeks ; bkg:confidence voc:confidence-unknown ; skos:note "x"@en ] .',
        "course/broken",
    ),
}


def check_name(path: Path) -> str:
    return path.name[: -len("-violation.rq")]


def test_there_are_check_queries_with_headers() -> None:
    paths = check_queries()
    assert len(paths) >= 11
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# title: "), path.name
        assert "\n# description: " in text, path.name
        assert "?focus" in text and "?message" in text, path.name


@pytest.mark.parametrize("path", check_queries(), ids=check_name)
def test_check_query_passes_on_curated_data(path: Path) -> None:
    rows = check_rows(union_store(), path)
    shown = "\n".join(f"  {focus}  {message}" for focus, message in rows[:20])
    assert not rows, f"{path.name} found {len(rows)} fault(s):\n{shown}"


@pytest.mark.parametrize("path", check_queries(), ids=check_name)
def test_check_query_finds_fault_in_broken_example(path: Path) -> None:
    name = check_name(path)
    assert name in BROKEN_EXAMPLES, f"add a broken example for {path.name} to BROKEN_EXAMPLES"
    turtle, expected = BROKEN_EXAMPLES[name]
    store = ox.Store()
    for path_ in sorted(ONTOLOGY.glob("*.ttl")):
        store.load(path=str(path_), format=ox.RdfFormat.TURTLE)
    store.load(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    rows = check_rows(store, path)
    assert rows, f"{path.name} found nothing in its broken example"
    assert all(message is not None for _, message in rows), "every row needs a ?message"
    if expected is not None:
        assert ID + expected in {focus for focus, _ in rows}, (
            f"{path.name} did not report {expected}"
        )
    assert not any(focus.startswith(ID + "vocab/") for focus, _ in rows)


# ---------------------------------------------------------------------------
# Counts and coverage
# ---------------------------------------------------------------------------

STAGES = [
    "raw-materials-and-mining",
    "refining-and-active-materials",
    "cell-manufacturing",
    "electrode-production",
    "cell-assembly",
    "formation-and-ageing",
    "module-and-pack",
    "integration-e-mobility",
    "integration-stationary-storage",
    "second-life",
    "recycling",
    "research-and-development",
    "quality",
    "maintenance",
    "logistics",
    "health-and-safety",
]


def test_counts() -> None:
    g = union_graph()
    assert len(instances(g, BKG.JobRole)) >= 30
    local_skills = {s for s in instances(g, BKG.Skill) if str(s).startswith(ID + "skill/")}
    assert len(local_skills) >= 25
    assert len(instances(g, BKG.Course)) >= 25
    assert len(instances(g, BKG.EntryProfile)) >= 8
    assert len(instances(g, BKG.Provider)) >= 15
    assert len(instances(g, BKG.Qualification)) >= 20
    assert len(instances(g, BKG.DemandEstimate)) >= 20


def test_all_stages_present_and_staffed() -> None:
    g = union_graph()
    scheme = iri("stage", "value-chain")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    for slug in STAGES:
        stage = iri("stage", slug)
        assert (stage, RDF.type, BKG.ValueChainStage) in g, slug
        assert (stage, SKOS.inScheme, scheme) in g, slug
        labels = {lab.language for lab in g.objects(stage, SKOS.prefLabel)}
        assert set(LANGS) <= labels, slug
        assert any(g.objects(stage, DCTERMS.source)), slug
        assert any(g.subjects(BKG.inStage, stage)), f"no role works in stage {slug}"
    for sub in ("electrode-production", "cell-assembly", "formation-and-ageing"):
        assert (iri("stage", sub), BKG.partOfStage, iri("stage", "cell-manufacturing")) in g


def test_every_role_has_four_language_labels_and_core_properties() -> None:
    g = union_graph()
    for role in instances(g, BKG.JobRole):
        labels = {lab.language for lab in g.objects(role, SKOS.prefLabel)}
        assert set(LANGS) <= labels, role
        assert len(set(g.objects(role, BKG.essentialSkill))) >= 3, role
        assert any(g.objects(role, BKG.optionalSkill)), role
        eqf = g.value(role, BKG.typicalEqfLevel)
        assert eqf is not None and str(eqf).startswith(EQF), role
        req = g.value(role, BKG.entryRequirement)
        assert req == iri("requirement", "role-" + str(role).rsplit("/", 1)[1]), role
        assert (req, RDF.type, BKG.EntryRequirement) in g


def test_roles_span_operators_to_researchers() -> None:
    g = union_graph()
    levels = {
        int(str(g.value(r, BKG.typicalEqfLevel)).rsplit("/", 1)[1])
        for r in instances(g, BKG.JobRole)
    }
    assert {3, 4, 5, 6, 7, 8} <= levels


def country_of(g: rdflib.Graph, thing: URIRef) -> set[str]:
    q = """PREFIX bkg: <https://w3id.org/battkg/ontology#>
           SELECT ?cc WHERE { ?t bkg:locatedIn/bkg:withinRegion* ?c . ?c bkg:countryCode ?cc }"""
    return {str(r[0]) for r in g.query(q, initBindings={"t": thing})}


def test_courses_in_every_country_with_required_fields() -> None:
    g = union_graph()
    per_country: dict[str, int] = {}
    for course in instances(g, BKG.Course):
        countries = country_of(g, course)
        assert len(countries) == 1, f"{course} is not placed in exactly one country: {countries}"
        cc = countries.pop()
        per_country[cc] = per_country.get(cc, 0) + 1
    for cc in ("SE", "FI", "NO"):
        assert per_country.get(cc, 0) >= 5, (cc, per_country)


# Credit-to-weeks convention (docs/data.md): a full-time study year is 40 weeks.
YEARLY_CREDITS = {
    "credits-yh": 200,
    "credits-ects": 60,
    "credits-fagskolepoeng": 60,
    "credits-osp": 60,
}


def test_durations_follow_the_credit_convention() -> None:
    g = union_graph()
    for course in instances(g, BKG.Course):
        credits = g.value(course, BKG.credits)
        system = g.value(course, BKG.creditSystem)
        duration = g.value(course, BKG.durationWeeks)
        if duration is None:  # an unknown length is absent (decision 0050)
            continue
        weeks = float(duration)
        assert weeks > 0
        if credits is None or system is None:
            continue
        key = str(system).rsplit("/", 1)[1]
        if key in YEARLY_CREDITS:
            expected = float(credits) / YEARLY_CREDITS[key] * 40
            assert abs(weeks - expected) <= 0.05 * expected + 0.1, (course, weeks, expected)


# ---------------------------------------------------------------------------
# ESCO IRIs exist in the official ESCO v1.1.1 data
# ---------------------------------------------------------------------------


def esco_dir() -> Path:
    env = os.environ.get("BATTKG_ESCO_DIR")
    return Path(env) if env else REPO.parent / "shared" / "esco"


def read_zip_csv(zip_path: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(zip_path) as z, z.open(member) as f:
        return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")))


@lru_cache(maxsize=1)
def esco_data() -> dict[str, dict[str, str]]:
    classification = esco_dir() / "esco_v1.1.1_classification_en_csv.zip"
    if not classification.exists():
        pytest.skip(f"ESCO zips not found in {esco_dir()}")
    occupations = {
        r["conceptUri"]: r["iscoGroup"] for r in read_zip_csv(classification, "occupations_en.csv")
    }
    skills = {
        r["conceptUri"]: r["skillType"] for r in read_zip_csv(classification, "skills_en.csv")
    }
    isco = {r["conceptUri"]: r["code"] for r in read_zip_csv(classification, "ISCOGroups_en.csv")}
    return {"occupation": occupations, "skill": skills, "isco": isco}


def test_esco_iris_exist() -> None:
    esco = esco_data()
    g = union_graph()
    terms = {
        t
        for triple in g
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith("http://data.europa.eu/esco/")
    }
    missing = []
    for t in terms:
        kind = str(t).split("/")[4]
        if kind in esco and str(t) not in esco[kind]:
            missing.append(str(t))
    assert not missing, f"ESCO IRIs not in ESCO v1.1.1: {sorted(missing)}"


def test_roles_use_unit_groups_and_occupation_skills() -> None:
    esco = esco_data()
    g = union_graph()
    for role in instances(g, BKG.JobRole):
        group = g.value(role, BKG.iscoGroup)
        code = esco["isco"].get(str(group))
        assert code is not None and len(code) == 4, (role, group)
        for p in (SKOS.exactMatch, SKOS.closeMatch):
            for occ in g.objects(role, p):
                assert esco["occupation"][str(occ)] == code, (role, occ, code)
        for p in (BKG.essentialSkill, BKG.optionalSkill):
            for s in g.objects(role, p):
                assert str(s) in esco["skill"] or str(s).startswith(ID + "skill/"), (role, s)
    for skill in instances(g, BKG.Skill):
        for m in g.objects(skill, SKOS.broadMatch):
            assert str(m) in esco["skill"], (skill, m)


# ---------------------------------------------------------------------------
# Eligibility: every role is reachable from some entry profile
# ---------------------------------------------------------------------------


class Person:
    def __init__(self, quals: set, skills: set, experience: float) -> None:
        self.quals = set(quals)
        self.skills = set(skills)
        self.experience = experience


def truthy(g: rdflib.Graph, node: URIRef, prop: URIRef) -> bool:
    return any(isinstance(o, Literal) and o.toPython() is True for o in g.objects(node, prop))


def eqf_number(g: rdflib.Graph, level: URIRef) -> float:
    n = g.value(level, BKG.levelNumber)
    assert n is not None, f"{level} has no bkg:levelNumber"
    return float(n)


def highest_eqf(g: rdflib.Graph, quals: set) -> float:
    levels = [eqf_number(g, lv) for q in quals for lv in g.objects(q, BKG.eqfLevel)]
    return max(levels, default=0)


def requirement_met(g: rdflib.Graph, req: URIRef, person: Person) -> bool:
    """The fixed semantics of docs/data.md."""
    if not set(g.objects(req, BKG.requiresSkill)) <= person.skills:
        return False
    if truthy(g, req, BKG.openEntry):
        return True
    if set(g.objects(req, BKG.acceptsQualification)) & person.quals:
        return True
    if set(g.objects(req, BKG.acceptsSkill)) & person.skills:
        return True
    top = highest_eqf(g, person.quals)
    if any(top >= eqf_number(g, lv) for lv in g.objects(req, BKG.acceptsLevel)):
        return True
    if truthy(g, req, BKG.priorLearningAccepted):
        minimum = g.value(req, BKG.minimumExperienceYears)
        return person.experience >= (float(minimum) if minimum is not None else 0.0)
    return False


def certified(g: rdflib.Graph, quals: set) -> set:
    """Decision 0050: a holder of a qualification counts as having the skills it certifies."""
    return {s for q in quals for s in g.objects(q, BKG.certifiesSkill)}


def profile_person(g: rdflib.Graph, profile: URIRef) -> Person:
    exp = g.value(profile, BKG.experienceYears)
    quals = set(g.objects(profile, BKG.holdsQualification))
    return Person(
        quals,
        set(g.objects(profile, BKG.holdsSkill)) | certified(g, quals),
        float(exp) if exp is not None else 0.0,
    )


def complete_courses(g: rdflib.Graph, person: Person) -> set[URIRef]:
    """Fixed point: take every course whose requirement is met; gain its skills and award."""
    taken: set[URIRef] = set()
    courses = instances(g, BKG.Course)
    changed = True
    while changed:
        changed = False
        for course in courses - taken:
            req = g.value(course, BKG.entryRequirement)
            if req is not None and requirement_met(g, req, person):
                taken.add(course)
                awarded = set(g.objects(course, BKG.awardsQualification))
                person.quals |= awarded
                person.skills |= set(g.objects(course, BKG.teachesSkill)) | certified(g, awarded)
                changed = True
    return taken


def test_every_role_is_reachable_from_some_entry_profile() -> None:
    g = union_graph()
    profiles = instances(g, BKG.EntryProfile)
    assert profiles
    reachable: dict[URIRef, set[URIRef]] = {}
    for profile in profiles:
        person = profile_person(g, profile)
        complete_courses(g, person)
        for role in instances(g, BKG.JobRole):
            if requirement_met(g, g.value(role, BKG.entryRequirement), person):
                reachable.setdefault(role, set()).add(profile)
    unreachable = instances(g, BKG.JobRole) - set(reachable)
    assert not unreachable, f"roles no entry profile can reach: {sorted(map(str, unreachable))}"


def test_every_entry_profile_reaches_some_role() -> None:
    g = union_graph()
    for profile in instances(g, BKG.EntryProfile):
        person = profile_person(g, profile)
        complete_courses(g, person)
        roles = [
            r
            for r in instances(g, BKG.JobRole)
            if requirement_met(g, g.value(r, BKG.entryRequirement), person)
        ]
        assert roles, f"{profile} reaches no role"


@pytest.mark.parametrize(
    "profile, course",
    [
        ("compulsory-school-only", "vux-skelleftea-automationsoperator"),
        ("compulsory-school-only", "osao-prosessiteollisuuden-perustutkinto"),
        ("compulsory-school-only", "no-vgs-kjemiprosessfaget"),
        (
            "vocational-upper-secondary-technical",
            "yh-skelleftea-processtekniker-underhall-och-driftsakerhet",
        ),
        ("vocational-upper-secondary-technical", "batterifagskolen-fagskolen-viken"),
        ("experienced-process-industry-worker", "batterifagskolen-mo-i-rana"),
        ("engineering-bachelor", "uu-master-battery-technology-and-energy-storage"),
        (
            "recognised-foreign-engineering-degree",
            "ltu-drift-och-underhallsteknik-for-utrikes-fodda-ingenjorer",
        ),
        ("bachelor", "centria-akkualan-muuntokoulutus"),
    ],
)
def test_direct_routes(profile: str, course: str) -> None:
    g = union_graph()
    person = profile_person(g, iri("entry-profile", profile))
    req = g.value(iri("course", course), BKG.entryRequirement)
    assert req is not None
    assert requirement_met(g, req, person), f"{profile} should be eligible for {course}"


def test_compulsory_school_does_not_give_direct_entry_to_engineering() -> None:
    g = union_graph()
    person = profile_person(g, iri("entry-profile", "compulsory-school-only"))
    assert not requirement_met(
        g,
        g.value(
            iri("course", "uu-master-battery-technology-and-energy-storage"), BKG.entryRequirement
        ),
        person,
    )
    assert not requirement_met(
        g, g.value(iri("role", "cell-process-engineer"), BKG.entryRequirement), person
    )


def test_operator_route_via_open_adult_course() -> None:
    g = union_graph()
    person = profile_person(g, iri("entry-profile", "compulsory-school-only"))
    role_req = g.value(iri("role", "electrode-coating-operator"), BKG.entryRequirement)
    assert not requirement_met(g, role_req, person)
    course = iri("course", "vux-skelleftea-automationsoperator")
    person.skills |= set(g.objects(course, BKG.teachesSkill))
    assert requirement_met(g, role_req, person)


# ---------------------------------------------------------------------------
# Uncertainty marks
# ---------------------------------------------------------------------------

MUST_BE_UNCERTAIN = [
    # the Swedish levels the facts call inferred
    ("level", "seqf-2"),
    ("level", "seqf-4"),
    ("level", "seqf-7"),
    ("level", "seqf-8"),
    ("qualification", "se-grundskola-leaving-certificate"),
    ("qualification", "se-gymnasieexamen-vocational"),
    ("qualification", "se-gymnasieexamen-higher-education-preparatory"),
    ("qualification", "se-kandidatexamen"),
    ("qualification", "se-masterexamen"),
    ("qualification", "se-doktorsexamen"),
    ("qualification", "fi-prosessiteollisuuden-perustutkinto"),  # total size 180 osp [U]
    # courses: their per-fact marks are tested in tests/test_curated_courses.py
]


@pytest.mark.parametrize("kind, slug", MUST_BE_UNCERTAIN)
def test_uncertain_facts_are_marked(kind: str, slug: str) -> None:
    g = union_graph()
    node = iri(kind, slug)
    assert any(g.triples((node, None, None))), f"{kind}/{slug} is missing"
    marks = {ESTIMATED, UNKNOWN} | ({UNCERTAIN} if kind in LEGACY_MARK_KINDS else set())
    assert g.value(node, BKG.confidence) in marks, f"{kind}/{slug} must not be marked confirmed"
    notes = list(g.objects(node, SKOS.editorialNote))
    for fact in g.objects(node, BKG.factConfidence):
        if g.value(fact, BKG.confidence) != VOC["confidence-confirmed"]:
            notes += list(g.objects(fact, SKOS.note))
    assert any(n.language == "en" for n in notes), f"{kind}/{slug} needs a note"


def test_every_role_is_marked_as_synthesis() -> None:
    """Facts 1.3: the role set and the EQF levels are a synthesis [U], not ALBATTS job cards."""
    g = union_graph()
    for role in instances(g, BKG.JobRole):
        assert (role, BKG.confidence, ESTIMATED) in g, role
        note = " ".join(str(n) for n in g.objects(role, SKOS.editorialNote))
        assert "not an ALBATTS job card" in note, role


def test_every_course_with_estimates_says_so() -> None:
    g = union_graph()
    for course in instances(g, BKG.Course):
        conf = g.value(course, BKG.confidence)
        if conf in (UNCERTAIN, VOC["confidence-estimated"], VOC["confidence-unknown"]):
            assert any(g.objects(course, SKOS.editorialNote)), course


def test_partial_source_addresses_are_flagged() -> None:
    g = union_graph()
    for src in instances(g, DCTERMS.BibliographicResource):
        url = str(g.value(src, rdflib.URIRef("https://schema.org/url")))
        assert url.startswith("https://"), src
        assert "..." not in url and " " not in url, src
    partial = [
        s
        for s in instances(g, DCTERMS.BibliographicResource)
        if any("Partial address" in str(n) for n in g.objects(s, SKOS.editorialNote))
    ]
    assert partial, "the facts give several partial addresses; they must be flagged"


def test_every_source_is_cited() -> None:
    g = union_graph()
    sources = instances(g, DCTERMS.BibliographicResource)
    cited = set(g.objects(None, DCTERMS.source))
    assert not sources - cited, f"sources nobody cites: {sorted(map(str, sources - cited))}"


KINDS = {
    "stage",
    "role",
    "skill",
    "qualification",
    "level",
    "course",
    "provider",
    "entry-profile",
    "requirement",
    "region",
    "demand",
    "source",
    "employer",
    "site",
}


def test_iri_scheme() -> None:
    """id/<kind>/<slug>: lower-case ASCII slugs; regions use their NUTS or ISO code."""
    g = union_graph()
    slug_re = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
    region_re = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
    terms = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(ID)}
    for t in terms:
        kind, _, slug = str(t)[len(ID) :].partition("/")
        if kind == "vocab":
            continue
        assert kind in KINDS, t
        assert (region_re if kind == "region" else slug_re).match(slug), t


def test_blank_node_check_allows_fact_confidence_nodes_only() -> None:
    """Decision 0050: per-fact confidence nodes are blank nodes owned by their subject."""
    path = next(p for p in check_queries() if check_name(p) == "blank-node")
    g = rdflib.Graph()
    g.parse(
        data=PREFIXES
        + "course:c bkg:factConfidence [ bkg:aboutProperty bkg:durationWeeks ;"
        + " bkg:confidence voc:confidence-estimated ] .",
        format="turtle",
    )
    assert list(g.query(path.read_text(encoding="utf-8"))) == []
    g.parse(
        data=PREFIXES + "course:c bkg:entryRequirement [ a bkg:EntryRequirement ] .",
        format="turtle",
    )
    assert len(list(g.query(path.read_text(encoding="utf-8")))) == 1
