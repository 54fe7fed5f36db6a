"""The course-role link rule (gaps/useful.py) on a hand-made graph built into a real store: a
course nobody can enter, a course that only feeds a course abroad, and a cycle of skill
requirements (docs/decisions/0052-gap-analysis.md)."""

from __future__ import annotations

import pytest

from battkg.gaps.links import ensure_links, stored_pairs
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT, Settings

ID = "https://w3id.org/battkg/id/"

GRAPH = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix eqf: <http://data.europa.eu/snb/eqf/> .
@prefix region: <https://w3id.org/battkg/id/region/> .
@prefix role: <https://w3id.org/battkg/id/role/> .
@prefix course: <https://w3id.org/battkg/id/course/> .
@prefix qual: <https://w3id.org/battkg/id/qualification/> .
@prefix req: <https://w3id.org/battkg/id/requirement/> .
@prefix skill: <https://w3id.org/battkg/id/skill/> .
@prefix src: <https://w3id.org/battkg/id/source/> .

region:SE a bkg:Region ; skos:prefLabel "Sweden"@en ; bkg:countryCode "SE" .
region:SE331 a bkg:Region ; skos:prefLabel "Västerbotten"@en ; bkg:withinRegion region:SE .
region:NO a bkg:Region ; skos:prefLabel "Norway"@en ; bkg:countryCode "NO" .
region:NO071 a bkg:Region ; skos:prefLabel "Nordland"@en ; bkg:withinRegion region:NO .
src:page a dcterms:BibliographicResource ; rdfs:label "a page" .
skill:s1 a bkg:Skill ; skos:prefLabel "first"@en .
skill:s2 a bkg:Skill ; skos:prefLabel "second"@en .
skill:s3 a bkg:Skill ; skos:prefLabel "third"@en .
qual:school a bkg:Qualification ; skos:prefLabel "school certificate"@en ; bkg:eqfLevel eqf:4 .
qual:foreign a bkg:Qualification ; skos:prefLabel "a certificate nobody awards"@en ; bkg:eqfLevel eqf:4 .

role:second a bkg:JobRole ; skos:prefLabel "needs the second skill"@en ;
    bkg:entryRequirement req:role-second .
req:role-second a bkg:EntryRequirement ; bkg:openEntry true ; bkg:requiresSkill skill:s2 .
role:third a bkg:JobRole ; skos:prefLabel "needs the third skill"@en ;
    bkg:entryRequirement req:role-third .
req:role-third a bkg:EntryRequirement ; bkg:openEntry true ; bkg:requiresSkill skill:s3 .

req:open a bkg:EntryRequirement ; bkg:openEntry true .
<https://w3id.org/battkg/id/entry-profile/school-leaver> a bkg:EntryProfile ;
    skos:prefLabel "school leaver"@en ; bkg:experienceYears 0.0 ; bkg:holdsQualification qual:school .
req:needs-s1 a bkg:EntryRequirement ; bkg:openEntry true ; bkg:requiresSkill skill:s1 .
req:needs-s2 a bkg:EntryRequirement ; bkg:openEntry true ; bkg:requiresSkill skill:s2 .
req:foreign a bkg:EntryRequirement ; bkg:acceptsQualification qual:foreign .
req:school a bkg:EntryRequirement ; bkg:acceptsQualification qual:school .

course:first a bkg:Course ; skos:prefLabel "teaches the first skill"@en ; bkg:locatedIn region:SE331 ;
    bkg:entryRequirement req:open ; bkg:teachesSkill skill:s1 ; bkg:durationWeeks 4.0 ;
    bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ; dcterms:source src:page .
course:second a bkg:Course ; skos:prefLabel "the second, after the first"@en ;
    bkg:locatedIn region:SE331 ; bkg:entryRequirement req:needs-s1 ; bkg:teachesSkill skill:s2 ;
    bkg:durationWeeks 4.0 ; bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ;
    dcterms:source src:page .
course:first-again a bkg:Course ; skos:prefLabel "the first, after the second"@en ;
    bkg:locatedIn region:SE331 ; bkg:entryRequirement req:needs-s2 ; bkg:teachesSkill skill:s1 ;
    bkg:durationWeeks 4.0 ; bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ;
    dcterms:source src:page .
course:never a bkg:Course ; skos:prefLabel "entered with a certificate nobody awards"@en ;
    bkg:locatedIn region:SE331 ; bkg:entryRequirement req:foreign ; bkg:teachesSkill skill:s2 ;
    bkg:durationWeeks 4.0 ; bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ;
    dcterms:source src:page .
course:school a bkg:Course ; skos:prefLabel "school in Sweden"@en ; bkg:locatedIn region:SE331 ;
    bkg:entryRequirement req:open ; bkg:awardsQualification qual:school ; bkg:durationWeeks 40.0 ;
    bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ; dcterms:source src:page .
course:abroad a bkg:Course ; skos:prefLabel "the third, in Norway, after school"@en ;
    bkg:locatedIn region:NO071 ; bkg:entryRequirement req:school ; bkg:teachesSkill skill:s3 ;
    bkg:durationWeeks 4.0 ; bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ;
    dcterms:source src:page .
"""


@pytest.fixture(scope="module")
def links(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    home = tmp_path_factory.mktemp("gap-useful-home")
    for folder in ("ontology", "queries"):
        (home / folder).symlink_to(PROJECT_ROOT / folder)
    (home / "data").mkdir()
    (home / "data" / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    env = {"BATTKG_HOME": str(home), "BATTKG_STORE": str(home / "store"), "BATTKG_ESCO_DIR": ""}
    kg = KnowledgeGraph(Settings.from_env(env))
    kg.build()
    found = ensure_links(kg)
    assert found.stored  # read from what the build wrote
    pairs = stored_pairs(kg)  # through the requirement atoms
    return {(c.removeprefix(ID + "course/"), r.removeprefix(ID + "role/")) for c, r in pairs}


def test_a_course_nobody_can_enter_leads_nowhere(links: set[tuple[str, str]]) -> None:
    assert ("second", "second") in links  # the one who teaches the skill and can be entered
    assert not any(c == "never" for c, _ in links)


def test_a_course_that_only_feeds_a_course_abroad_is_not_linked(
    links: set[tuple[str, str]],
) -> None:
    assert ("abroad", "third") in links  # a school leaver enters it in Norway
    assert ("school", "third") not in links  # the Swedish school feeds only a Norwegian course


def test_a_cycle_of_requirements_ends_and_keeps_the_route_into_it(
    links: set[tuple[str, str]],
) -> None:
    # the second skill needs the first; the first is taught openly, or again after the second
    assert {("first", "second"), ("second", "second")} <= links
    # the rule's known over-approximation (decision 0052): the course entered with the second
    # skill is counted for it, as it meets the first skill that the second course needs
    assert ("first-again", "second") in links
    assert not any(r == "third" and c != "abroad" for c, r in links)
