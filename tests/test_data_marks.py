"""Decision 0050 on the curated qualifications, roles, role requirements and entry profiles.

Per-fact confidence, certified competences and fields, the ESCO alignment notes, the country
presets and the personas, and the sources they rest on. Reads data/*.ttl with rdflib.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

REPO = Path(__file__).resolve().parents[1]
BKG = rdflib.Namespace("https://w3id.org/battkg/ontology#")
ID = "https://w3id.org/battkg/id/"
VOC = rdflib.Namespace(ID + "vocab/")
SCHEMA_URL = URIRef("https://schema.org/url")
CONFIRMED, ESTIMATED, UNKNOWN = (
    VOC[f"confidence-{m}"] for m in ("confirmed", "estimated", "unknown")
)
DEPRECATED = {VOC["confidence-partial"], VOC["confidence-uncertain"]}
RANK = {UNKNOWN: 0, ESTIMATED: 1, CONFIRMED: 2}
LANGS = {"en", "sv", "fi", "nb"}
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
ISCED_F = re.compile(r"^http://data\.europa\.eu/snb/isced-f/\d{4}$")
# The files whose things this test owns; courses, providers, regions and demand migrate on their own.
OWNED_FILES = ("frameworks.ttl", "roles.ttl", "entry-profiles.ttl", "skills.ttl", "value-chain.ttl")


@lru_cache(maxsize=1)
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((REPO / "ontology").glob("*.ttl")) + sorted((REPO / "data").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def things(cls: URIRef) -> list[URIRef]:
    g = graph()
    return sorted(
        s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef) and str(s).startswith(ID)
    )


def role_requirements() -> list[URIRef]:
    g = graph()
    return sorted(
        {r for role in things(BKG.JobRole) for r in g.objects(role, BKG.entryRequirement)}
    )


def marks(node: URIRef) -> dict[URIRef, rdflib.term.Node]:
    """The per-fact marks of a node, by the property they are about (one mark per property)."""
    g = graph()
    found: dict[URIRef, rdflib.term.Node] = {}
    for fact in g.objects(node, BKG.factConfidence):
        prop = g.value(fact, BKG.aboutProperty)
        assert isinstance(prop, URIRef), f"{node}: a fact mark names no property"
        assert prop not in found, f"{node}: two marks about {prop}"
        found[prop] = fact
    return found


def english_note(fact: rdflib.term.Node) -> str:
    return " ".join(str(n) for n in graph().objects(fact, SKOS.note) if n.language == "en")


def check_marks(node: URIRef, required: tuple[URIRef, ...] = ()) -> None:
    g = graph()
    found = marks(node)
    assert found, f"{node} has no bkg:factConfidence marks (decision 0050)"
    for prop in required:
        assert prop in found, f"{node} has no mark about {prop}"
    levels = []
    for prop, fact in found.items():
        conf = g.value(fact, BKG.confidence)
        assert conf in RANK, (
            f"{node}: the mark about {prop} is {conf}, not confirmed/estimated/unknown"
        )
        levels.append(RANK[conf])
        if conf == CONFIRMED:
            assert any(g.objects(fact, DCTERMS.source)), (
                f"{node}: confirmed {prop} needs the source that states it"
            )
        else:
            assert english_note(fact), (
                f"{node}: {prop} is {conf} and needs an English note saying why"
            )
        if conf == UNKNOWN:
            assert not list(g.objects(node, prop)), (
                f"{node}: {prop} is marked unknown but has a value"
            )
        elif prop != SKOS.prefLabel:
            assert list(g.objects(node, prop)), f"{node}: {prop} is marked {conf} but has no value"
    weakest = min(levels)
    summary = g.value(node, BKG.confidence)
    assert summary is not None and RANK.get(summary) == weakest, (
        f"{node}: bkg:confidence must be the weakest of its facts' marks"
    )


def test_every_qualification_states_certified_skills_and_field_or_why_not() -> None:
    g = graph()
    quals = things(BKG.Qualification)
    assert len(quals) >= 40
    with_skills = 0
    for q in quals:
        check_marks(q, (BKG.eqfLevel, BKG.certifiesSkill, BKG.fieldOfStudy))
        skills = set(g.objects(q, BKG.certifiesSkill))
        with_skills += bool(skills)
        for s in skills:
            assert str(s).startswith(("http://data.europa.eu/esco/skill/", ID + "skill/")), (q, s)
        for field in g.objects(q, BKG.fieldOfStudy):
            assert ISCED_F.match(str(field)), (q, field)
            labels = {lab.language for lab in g.objects(field, rdflib.RDFS.label)}
            assert labels >= LANGS, f"ISCED-F field {field} needs labels in {LANGS}"
        assert {lab.language for lab in g.objects(q, SKOS.prefLabel)} >= LANGS, q
    assert with_skills >= 20


def test_holders_of_the_trade_qualifications_count_as_having_their_core_skills() -> None:
    """Issue 11: a Finnish process-industry qualification or a Norwegian fagbrev carries its skills."""
    g = graph()
    monitor_process = URIRef(
        "http://data.europa.eu/esco/skill/f83e61e0-cb73-4a6a-b266-c4be03fb30eb"
    )
    electricity = URIRef("http://data.europa.eu/esco/skill/c8ac1986-38fa-43b2-89dc-50a4beeb420e")
    expected = {
        "fi-prosessiteollisuuden-perustutkinto": monitor_process,
        "no-fagbrev-kjemiprosessfaget": monitor_process,
        "no-fagbrev-elektrikerfaget": electricity,
        "se-yrkesexamen-el-och-energiprogrammet": electricity,
        "fi-sahko-ja-automaatioalan-perustutkinto": electricity,
    }
    for slug, skill in expected.items():
        assert (URIRef(ID + "qualification/" + slug), BKG.certifiesSkill, skill) in g, slug
    for slug in ("automatiseringsfaget", "industrimekanikerfaget"):
        assert any(
            g.objects(URIRef(ID + "qualification/no-fagbrev-" + slug), BKG.certifiesSkill)
        ), slug


def test_roles_requirements_and_profiles_carry_per_fact_marks() -> None:
    for role in things(BKG.JobRole):
        check_marks(role, (BKG.typicalEqfLevel, BKG.essentialSkill, BKG.entryRequirement))
    for req in role_requirements():
        check_marks(req)
    for profile in things(BKG.EntryProfile):
        check_marks(profile, (BKG.holdsQualification, BKG.experienceYears))


def test_no_deprecated_marks_in_the_files_migrated_here() -> None:
    for name in OWNED_FILES:
        g = rdflib.Graph().parse(REPO / "data" / name, format="turtle")
        old = [(s, o) for s, o in g.subject_objects(BKG.confidence) if o in DEPRECATED]
        assert not old, f"{name} still uses partial/uncertain marks: {old[:3]}"


def test_every_alignment_says_why_it_is_exact_close_or_broad() -> None:
    g = graph()
    word = {SKOS.exactMatch: "Exact", SKOS.closeMatch: "Close", SKOS.broadMatch: "Broad"}
    for role in things(BKG.JobRole):
        found = marks(role)
        aligned = [(p, o) for p in MATCHES for o in g.objects(role, p)]
        assert len(aligned) == 1, f"{role}: one ESCO alignment expected, found {aligned}"
        prop, _ = aligned[0]
        assert prop in found, f"{role}: no note on its {prop}"
        note = english_note(found[prop])
        assert note.startswith(word[prop]) and len(note) > 60, (
            f"{role}: the note must say why ({note!r})"
        )
        assert URIRef(ID + "source/esco-v1-1-1") in set(g.objects(found[prop], DCTERMS.source)), (
            role
        )


def test_alignments_the_issue_names_follow_escos_definitions() -> None:
    g = graph()
    occupation = "http://data.europa.eu/esco/occupation/"
    coating = URIRef(ID + "role/electrode-coating-operator")
    coating_machine_operator = URIRef(occupation + "02b5b7b0-b856-4ac7-924c-8c35c7880b2a")
    assert (coating, SKOS.broadMatch, coating_machine_operator) in g
    assert not any(g.objects(coating, SKOS.closeMatch)) and not any(
        g.objects(coating, SKOS.exactMatch)
    )
    black_mass = URIRef(ID + "role/black-mass-process-operator")
    hazardous_waste_technician = URIRef(occupation + "c95121e9-e9f7-40a9-adcb-6fda1e82bbd2")
    assert not any(
        o == hazardous_waste_technician for _, _, o in g.triples((black_mass, None, None))
    )
    assert (
        black_mass,
        SKOS.broadMatch,
        URIRef(occupation + "a241eff8-309b-43ae-8890-ac4cfbd3067c"),
    ) in g


def test_advertised_cell_plant_titles_exist_with_employer_evidence() -> None:
    g = graph()
    for slug in (
        "battery-production-operator",
        "battery-production-technician",
        "cell-process-engineer",
        "cell-plant-equipment-technician",
    ):
        role = URIRef(ID + "role/" + slug)
        assert {lab.language for lab in g.objects(role, SKOS.prefLabel)} >= LANGS, slug
        employers = [s for s in g.objects(role, DCTERMS.source) if "esco" not in str(s)]
        assert employers, f"{slug} needs employer evidence besides ESCO"


def test_country_presets_hold_their_own_systems_qualifications() -> None:
    g = graph()
    presets: dict[str, list[URIRef]] = {}
    for profile in things(BKG.EntryProfile):
        country = g.value(profile, BKG.profileCountry)
        if country is None:
            continue
        code = str(country).rsplit("/", 1)[1]
        presets.setdefault(code, []).append(profile)
        for q in g.objects(profile, BKG.holdsQualification):
            assert g.value(q, BKG.qualificationCountry) == country, (profile, q)
    assert set(presets) == {"SE", "FI", "NO"}
    for code, profiles in presets.items():
        slugs = {str(p).rsplit("/", 1)[1] for p in profiles}
        stem = code.lower()
        assert {
            f"{stem}-compulsory-school-only",
            f"{stem}-vocational-upper-secondary-technical",
        } <= slugs, code
    neutral = [p for p in things(BKG.EntryProfile) if g.value(p, BKG.profileCountry) is None]
    assert URIRef(ID + "entry-profile/general-upper-secondary") in neutral


def test_the_people_counsellors_see_now_are_there() -> None:
    g = graph()
    operator = URIRef(ID + "entry-profile/laid-off-cell-plant-operator")
    assert URIRef(ID + "skill/battery-cell-production-processes") in set(
        g.objects(operator, BKG.holdsSkill)
    )
    mill = URIRef(ID + "entry-profile/paper-or-steel-mill-process-worker")
    assert float(g.value(mill, BKG.experienceYears)) >= 5
    engineer = URIRef(ID + "entry-profile/newly-arrived-engineer-degree-not-recognised")
    degree = URIRef(ID + "qualification/foreign-engineering-degree-not-recognised")
    assert (engineer, BKG.holdsQualification, degree) in g
    assert g.value(degree, BKG.eqfLevel) is None and g.value(engineer, BKG.eqfLevel) is None
    assert g.value(marks(degree)[BKG.eqfLevel], BKG.confidence) == UNKNOWN
    pupil = URIRef(ID + "entry-profile/upper-secondary-student-choosing-programme")
    assert "youth" in " ".join(str(n) for n in g.objects(pupil, SKOS.scopeNote))
    scheme = URIRef(ID + "entry-profile/scheme")
    for profile in things(BKG.EntryProfile):
        assert (scheme, SKOS.hasTopConcept, profile) in g, profile


def is_home_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def test_what_quals_roles_and_profiles_rest_on_is_never_only_a_home_page() -> None:
    g = graph()
    owned = things(BKG.Qualification) + things(BKG.EntryProfile) + things(BKG.QualificationLevel)
    cited: set[rdflib.term.Node] = set()
    for node in owned:
        cited |= set(g.objects(node, DCTERMS.source))
        for fact in g.objects(node, BKG.factConfidence):
            cited |= set(g.objects(fact, DCTERMS.source))
    for source in sorted(cited):
        url = g.value(source, SCHEMA_URL)
        assert url is not None and not is_home_page(str(url)), (
            f"{source} is only a home page: {url}"
        )


def test_no_source_is_only_a_home_page() -> None:
    """Every source is the page that states its facts (issue 11): a site's front page
    states nothing, so a fact whose only known address is one is left out (docs/data.md)."""
    g = graph()
    home = sorted(
        f"{source} -> {url}"
        for source in g.subjects(RDF.type, DCTERMS.BibliographicResource)
        for url in g.objects(source, SCHEMA_URL)
        if is_home_page(str(url))
    )
    assert not home, f"sources that are only a home page: {home[:5]}"
