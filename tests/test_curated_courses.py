"""The curated courses, programmes and recognition procedures follow decision 0050.

Offer status, audience and a confirmed / estimated / unknown mark with its source on every
key fact (docs/decisions/0050-confidence-offers-demand.md). Uses the same union graph of
ontology/ and data/ as tests/test_curated_data.py.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from battkg.pathways.model import KEY_FACTS
from tests.test_curated_data import BKG, ID, VOC, country_of, instances, iri, union_graph

SCHEMA_URL = URIRef("https://schema.org/url")
#: Facts that need a value whenever they are confirmed or estimated.
VALUED = {"durationWeeks", "placesPerYear", "startDate", "teachingLanguage", "offerStatus"}
CONFIRMED = VOC["confidence-confirmed"]
ESTIMATED = VOC["confidence-estimated"]
UNKNOWN = VOC["confidence-unknown"]
MARKS = {CONFIRMED, ESTIMATED, UNKNOWN}
STATUSES = {VOC[f"offer-{s}"] for s in ("running", "planned", "ended", "status-unknown")}
AUDIENCES = {
    VOC[f"audience-{a}"]
    for a in ("anyone", "adults", "youth", "unemployed", "employees", "vocational-teachers")
}


def steps(g: rdflib.Graph) -> set[URIRef]:
    return instances(g, BKG.Course) | instances(g, BKG.RecognitionProcedure)


def marks_of(g: rdflib.Graph, step: URIRef) -> dict[str, list[rdflib.term.Node]]:
    found: dict[str, list[rdflib.term.Node]] = {}
    for mark in g.objects(step, BKG.factConfidence):
        prop = g.value(mark, BKG.aboutProperty)
        assert prop is not None, f"{step}: a bkg:factConfidence node has no bkg:aboutProperty"
        found.setdefault(re.split(r"[#/]", str(prop))[-1], []).append(mark)
    return found


def home_page(url: str) -> bool:
    return urlparse(url).path in ("", "/")


@pytest.fixture(scope="module")
def g() -> rdflib.Graph:
    return union_graph()


def test_there_are_steps_of_both_kinds(g: rdflib.Graph) -> None:
    assert len(instances(g, BKG.Course)) >= 39


def test_every_step_has_offer_status_audience_and_check_date(g: rdflib.Graph) -> None:
    faults = []
    for step in steps(g):
        status = set(g.objects(step, BKG.offerStatus))
        if len(status) != 1 or not status <= STATUSES:
            faults.append(f"{step}: needs exactly one bkg:offerStatus, has {status}")
            continue
        audience = set(g.objects(step, BKG.audience))
        if not audience or not audience <= AUDIENCES:
            faults.append(f"{step}: needs a bkg:audience from voc:audience, has {audience}")
        checked = g.value(step, BKG.statusCheckedOn)
        if not (isinstance(checked, Literal) and checked.datatype == XSD.date):
            faults.append(f"{step}: needs bkg:statusCheckedOn as an xsd:date")
        (value,) = status
        if value in (VOC["offer-running"], VOC["offer-planned"]) and not (
            any(g.objects(step, BKG.startDate)) or any(g.objects(step, BKG.academicYear))
        ):
            faults.append(f"{step}: a running or planned offer needs a start date or academic year")
        if value == VOC["offer-ended"] and g.value(step, BKG.endedIn) is None:
            faults.append(f"{step}: an ended offer needs bkg:endedIn")
        if VOC["audience-employees"] in audience and g.value(step, BKG.audienceEmployer) is None:
            faults.append(f"{step}: internal training needs bkg:audienceEmployer")
    assert not faults, "\n".join(faults)


def test_every_key_fact_has_one_consistent_mark(g: rdflib.Graph) -> None:
    faults = []
    for step in steps(g):
        marks = marks_of(g, step)
        for fact in KEY_FACTS:
            nodes = marks.get(fact, [])
            if len(nodes) != 1:
                faults.append(f"{step}: needs exactly one mark about bkg:{fact}, has {len(nodes)}")
                continue
            (mark,) = nodes
            conf = g.value(mark, BKG.confidence)
            has_value = any(g.objects(step, BKG[fact]))
            notes = [n for n in g.objects(mark, SKOS.note) if n.language == "en"]
            sources = set(g.objects(mark, DCTERMS.source))
            if conf not in MARKS:
                faults.append(f"{step}: bkg:{fact} has the mark {conf}")
            elif conf == UNKNOWN and fact != "offerStatus" and has_value:
                faults.append(f"{step}: bkg:{fact} is unknown but has a value")
            elif conf == UNKNOWN and fact == "offerStatus":
                if g.value(step, BKG.offerStatus) != VOC["offer-status-unknown"]:
                    faults.append(f"{step}: an unknown offer status must be offer-status-unknown")
            elif conf in (CONFIRMED, ESTIMATED) and fact in VALUED and not has_value:
                faults.append(f"{step}: bkg:{fact} is {conf} but has no value")
            if conf == CONFIRMED and not sources:
                faults.append(f"{step}: confirmed bkg:{fact} cites no source")
            if conf in (ESTIMATED, UNKNOWN) and not notes:
                faults.append(f"{step}: {conf} bkg:{fact} has no note saying why")
            if fact == "tuitionFee" and conf != UNKNOWN and not has_value:
                funded = any(o.toPython() is True for o in g.objects(step, BKG.publiclyFunded))
                if not funded:
                    faults.append(f"{step}: a known fee needs bkg:tuitionFee or publiclyFunded")
    assert not faults, "\n".join(faults[:40])


def test_no_placeholder_numbers(g: rdflib.Graph) -> None:
    """Unknown is never a number: no zero fee without public funding, no zero length."""
    for step in steps(g):
        for fee in g.objects(step, BKG.tuitionFee):
            if float(fee) == 0:
                assert (step, BKG.publiclyFunded, Literal(True)) in g, step
        for weeks in g.objects(step, BKG.durationWeeks):
            assert float(weeks) > 0, step


def test_summary_mark_is_the_weakest_fact_mark(g: rdflib.Graph) -> None:
    order = [UNKNOWN, ESTIMATED, CONFIRMED]
    for step in steps(g):
        marks = [g.value(m, BKG.confidence) for m in g.objects(step, BKG.factConfidence)]
        weakest = min(marks, key=order.index)
        assert g.value(step, BKG.confidence) == weakest, step


def test_curated_steps_use_no_deprecated_marks(g: rdflib.Graph) -> None:
    deprecated = {VOC["confidence-uncertain"], VOC["confidence-partial"]}
    for step in steps(g):
        assert g.value(step, BKG.confidence) not in deprecated, step
        req = g.value(step, BKG.entryRequirement)
        if req is not None:
            assert g.value(req, BKG.confidence) not in deprecated, req


def test_every_step_has_a_source_and_confirmed_facts_cite_real_pages(g: rdflib.Graph) -> None:
    faults = []
    for step in steps(g):
        if not any(g.objects(step, DCTERMS.source)):
            faults.append(f"{step}: no dcterms:source")
        for mark in g.objects(step, BKG.factConfidence):
            if g.value(mark, BKG.confidence) != CONFIRMED:
                continue
            for src in g.objects(mark, DCTERMS.source):
                url = g.value(src, SCHEMA_URL)
                if url is None:
                    faults.append(f"{step}: source {src} is not described")
                    continue
                partial = any(
                    "Partial address" in str(n) for n in g.objects(src, SKOS.editorialNote)
                )
                if home_page(str(url)) or partial:
                    faults.append(f"{step}: a confirmed fact cites {url}, which is not the page")
    assert not faults, "\n".join(faults)


def test_sources_of_the_course_file_are_pages_not_home_pages() -> None:
    g = rdflib.Graph()
    g.parse(iri_file("sources-courses-2026.ttl"), format="turtle")
    for src in g.subjects(RDF.type, DCTERMS.BibliographicResource):
        url = str(g.value(src, SCHEMA_URL))
        assert url.startswith("https://") and not home_page(url), (src, url)


def iri_file(name: str) -> str:
    from tests.test_curated_data import DATA

    return str(DATA / name)


def test_courses_reach_roles_only_through_awards_and_skills(g: rdflib.Graph) -> None:
    roles = instances(g, BKG.JobRole)
    for step in steps(g):
        linked = {o for _, o in g.predicate_objects(step)} & roles
        assert not linked, f"{step} links a role directly: {linked}"


# Placeholders of the old data, removed in the migration: the length is now unknown.
PLACEHOLDER_LENGTHS = [
    "skelleftea-quality-technician",
    "gtc-online-battery-course",
    "vamk-battery-technology-study-module",
    "ekami-prosessiteollisuuden-ammattitutkinto",
    "novia-battery-course-bk2303-3004",
    "rana-engineering-studies-battery-industry",
]


@pytest.mark.parametrize("slug", PLACEHOLDER_LENGTHS)
def test_placeholder_lengths_are_gone_and_marked_unknown(g: rdflib.Graph, slug: str) -> None:
    course = iri("course", slug)
    assert (course, RDF.type, BKG.Course) in g
    assert g.value(course, BKG.durationWeeks) is None
    (mark,) = marks_of(g, course)["durationWeeks"]
    assert g.value(mark, BKG.confidence) == UNKNOWN


@pytest.mark.parametrize(
    "slug, ended, audience",
    [
        ("cabatt-skelleftea-battery-production-for-vet-teachers", "2024", "vocational-teachers"),
        ("fagskulen-vestland-cabatt-maritime-battery-course", "2023", "vocational-teachers"),
        ("vamk-akkupaketti", "2023", "vocational-teachers"),
        ("ltu-drift-och-underhallsteknik-for-utrikes-fodda-ingenjorer", "2021", "unemployed"),
    ],
)
def test_one_off_courses_are_history(g: rdflib.Graph, slug: str, ended: str, audience: str) -> None:
    course = iri("course", slug)
    assert g.value(course, BKG.offerStatus) == VOC["offer-ended"]
    assert str(g.value(course, BKG.endedIn)) == ended
    assert (course, BKG.audience, VOC[f"audience-{audience}"]) in g


def test_every_step_is_in_one_country(g: rdflib.Graph) -> None:
    for step in steps(g):
        assert len(country_of(g, step)) == 1, step
    assert all(str(s).startswith(ID) for s in steps(g))


# Every rule of the three decision-0050 checks finds its fault (one broken example per rule).
M = "bkg:factConfidence [ bkg:aboutProperty bkg:{p} ; bkg:confidence voc:confidence-{c} {x}] ."
RULES = [
    ("step-without-offer-status", "course:b a bkg:Course .", "No bkg:offerStatus"),
    ("step-without-offer-status", "course:b a bkg:Course .", "No bkg:audience"),
    ("step-without-offer-status", "course:b a bkg:Course .", "No bkg:statusCheckedOn"),
    (
        "step-without-offer-status",
        "course:b a bkg:Course ; bkg:offerStatus voc:offer-running .",
        "running or planned",
    ),
    (
        "step-without-offer-status",
        "course:b a bkg:Course ; bkg:offerStatus voc:offer-ended .",
        "ended",
    ),
    (
        "step-without-offer-status",
        "course:b a bkg:Course ; bkg:audience voc:audience-employees .",
        "audienceEmployer",
    ),
    ("step-without-fact-mark", "course:b a bkg:RecognitionProcedure .", "bkg:tuitionFee"),
    (
        "fact-mark-inconsistent",
        "course:b bkg:placesPerYear 3 ; "
        + M.format(p="placesPerYear", c="unknown", x='; skos:note "n"@en '),
        "unknown but has a value",
    ),
    (
        "fact-mark-inconsistent",
        "course:b bkg:offerStatus voc:offer-running ; "
        + M.format(p="offerStatus", c="unknown", x='; skos:note "n"@en '),
        "offer-status-unknown",
    ),
    (
        "fact-mark-inconsistent",
        "course:b " + M.format(p="startDate", c="confirmed", x=""),
        "cites no",
    ),
    (
        "fact-mark-inconsistent",
        "course:b " + M.format(p="startDate", c="estimated", x=""),
        "without an English",
    ),
    (
        "fact-mark-inconsistent",
        "course:b " + M.format(p="startDate", c="estimated", x=""),
        "has no value",
    ),
    (
        "fact-mark-inconsistent",
        "course:b " + M.format(p="tuitionFee", c="estimated", x='; skos:note "n"@en '),
        "no bkg:publiclyFunded",
    ),
]


@pytest.mark.parametrize("check, turtle, message", RULES)
def test_each_rule_of_the_new_checks_finds_its_fault(check: str, turtle: str, message: str) -> None:
    from tests.test_curated_data import CHECKS, PREFIXES, ontology_graph

    graph = rdflib.Graph()
    for triple in ontology_graph():
        graph.add(triple)
    graph.parse(data=PREFIXES + turtle, format="turtle")
    rows = list(graph.query((CHECKS / f"{check}-violation.rq").read_text(encoding="utf-8")))
    assert any(r[0] == URIRef(ID + "course/b") and message in str(r[1]) for r in rows), (
        f"{check} did not report {message!r}: {[str(r[1]) for r in rows]}"
    )


# ---------------------------------------------------------------------------
# Coverage of the 2026 map (issue 11)
# ---------------------------------------------------------------------------

#: The regions that must each have a running or planned offer leading to a battery role.
BATTERY_REGIONS = [
    "SE331", "SE332", "SE232", "SE121", "SE125",
    "FI195", "FI1D5", "FI1D9", "FI1C4", "FI1B1",
    "NO071", "NO092", "NO060", "NO0A1", "NO082",
]  # fmt: skip


def leads_to_a_battery_role(g: rdflib.Graph, course: URIRef) -> bool:
    """Through its skills (a skill some role needs) or its award (a role accepts it)."""
    role_skills = set(g.objects(None, BKG.essentialSkill)) | set(g.objects(None, BKG.optionalSkill))
    if set(g.objects(course, BKG.teachesSkill)) & role_skills:
        return True
    awards = set(g.objects(course, BKG.awardsQualification))
    levels = [
        float(g.value(lv, BKG.levelNumber)) for q in awards for lv in g.objects(q, BKG.eqfLevel)
    ]
    for role in instances(g, BKG.JobRole):
        req = g.value(role, BKG.entryRequirement)
        if awards & set(g.objects(req, BKG.acceptsQualification)):
            return True
        accepted = [float(g.value(lv, BKG.levelNumber)) for lv in g.objects(req, BKG.acceptsLevel)]
        if levels and accepted and max(levels) >= min(accepted):
            return True
    return False


def test_at_least_80_courses_and_20_per_country(g: rdflib.Graph) -> None:
    courses = instances(g, BKG.Course)
    per_country: dict[str, int] = {}
    for course in courses:
        for cc in country_of(g, course):
            per_country[cc] = per_country.get(cc, 0) + 1
    assert len(courses) >= 80, len(courses)
    for cc in ("SE", "FI", "NO"):
        assert per_country.get(cc, 0) >= 20, per_country


def test_each_country_has_recognition_validation_and_trade_test_steps(g: rdflib.Graph) -> None:
    kinds: dict[str, set[str]] = {}
    for step in instances(g, BKG.RecognitionProcedure):
        (cc,) = country_of(g, step)
        kinds.setdefault(cc, set()).add(str(g.value(step, BKG.procedureKind)).rsplit("-", 1)[1])
        assert not any(g.objects(step, BKG.teachesSkill)), f"{step} is not a course"
    assert {"recognition", "validation"} <= kinds.get("SE", set())
    assert {"recognition", "validation"} <= kinds.get("FI", set())
    assert {"recognition", "test"} <= kinds.get("NO", set())


@pytest.mark.parametrize("code", BATTERY_REGIONS)
def test_region_has_a_running_or_planned_battery_offer(g: rdflib.Graph, code: str) -> None:
    region = iri("region", code)
    assert (region, RDF.type, BKG.Region) in g, f"region {code} is missing from regions.ttl"
    q = """PREFIX bkg: <https://w3id.org/battkg/ontology#>
           SELECT ?c WHERE { ?c a bkg:Course ; bkg:locatedIn/bkg:withinRegion* ?r }"""
    offers = [
        c
        for (c,) in g.query(q, initBindings={"r": region})
        if g.value(c, BKG.offerStatus) in (VOC["offer-running"], VOC["offer-planned"])
        and leads_to_a_battery_role(g, c)
    ]
    assert offers, f"no running or planned offer leading to a battery role in {code}"


def test_every_provider_has_a_homepage_or_says_why_not(g: rdflib.Graph) -> None:
    for step in steps(g):
        for provider in g.objects(step, BKG.offeredBy):
            url = g.value(provider, SCHEMA_URL)
            notes = " ".join(str(n) for n in g.objects(provider, SKOS.editorialNote))
            assert url is not None or "No homepage" in notes, provider
