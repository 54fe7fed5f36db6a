"""The ELM v3 export (issue 17): mapping, pruning, LOQ conformance under pyshacl, interfaces."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from battkg.cli import main
from battkg.elm import elm_export
from battkg.elm.dcat import dcat_description
from battkg.elm.serialize import write
from battkg.elm.shapes import SHAPE_FILES, loq_shapes, python_pattern
from battkg.errors import UsageError
from battkg.ingest import PartnerFile, read_partner_file
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT, Settings
from battkg.validation.files import validate_files
from battkg.validation.report import ValidationReport

from .conftest import SHARED

ELM_DIR = SHARED / "elm"
ELM = "http://data.europa.eu/snb/model/elm/"
ID = "https://w3id.org/battkg/id/"
RDF_TYPE = rdflib.RDF.type
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

FIXTURE = """
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix isced: <http://data.europa.eu/snb/isced-f/> .
@prefix region: <https://w3id.org/battkg/id/region/> .
@prefix p: <https://w3id.org/battkg/id/provider/> .
@prefix c: <https://w3id.org/battkg/id/course/> .
@prefix s: <https://w3id.org/battkg/id/skill/> .
@prefix r: <https://w3id.org/battkg/id/requirement/> .

p:school a bkg:Provider ; skos:prefLabel "Fixture School"@en , "Fixturskolan"@sv ;
    bkg:legalName "Fixturskolan AB"@sv ; bkg:postalAddress "Storgatan 1, 931 30 Skellefteå" ;
    bkg:locatedIn region:SE331 ; schema:url "https://school.example/"^^xsd:anyURI .
p:nameless a bkg:Provider ; skos:prefLabel "Nameless"@en ; bkg:locatedIn region:SE331 .

s:cell-stacking a bkg:Skill ; skos:prefLabel "cell stacking"@en , "cellstapling"@sv .
r:open a bkg:EntryRequirement ; bkg:openEntry true ; rdfs:comment "Open to anyone."@en .

c:complete a bkg:Course ; skos:prefLabel "Cell assembly"@en , "Cellmontering"@sv ;
    bkg:offerStatus voc:offer-running ; schema:url "https://school.example/cell"^^xsd:anyURI ;
    bkg:offeredBy p:school ; bkg:locatedIn region:SE331 ; bkg:municipality "Skellefteå" ;
    bkg:teachingLanguage "sv"^^xsd:language ; bkg:fieldOfStudy isced:0713 ;
    bkg:teachesSkill s:cell-stacking ; bkg:mode voc:mode-on-site ; bkg:durationWeeks 18.0 ;
    bkg:publiclyFunded true ; bkg:startDate "2027-01-18"^^xsd:date ; bkg:entryRequirement r:open ;
    bkg:factConfidence [ bkg:aboutProperty bkg:durationWeeks ; bkg:confidence voc:confidence-estimated ] .
c:fee-unknown a bkg:Course ; skos:prefLabel "Fee unknown"@en ;
    bkg:offerStatus voc:offer-planned ; schema:url "https://school.example/fee"^^xsd:anyURI ;
    bkg:offeredBy p:school ; bkg:locatedIn region:SE331 ; bkg:teachingLanguage "sv"^^xsd:language ;
    bkg:fieldOfStudy isced:0713 ; bkg:teachesSkill s:cell-stacking .
c:no-homepage a bkg:Course ; skos:prefLabel "No homepage"@en ; bkg:offerStatus voc:offer-running ;
    bkg:offeredBy p:school ; bkg:locatedIn region:SE331 ; bkg:teachingLanguage "sv"^^xsd:language ;
    bkg:fieldOfStudy isced:0713 ; bkg:teachesSkill s:cell-stacking .
c:nameless-provider a bkg:Course ; skos:prefLabel "Provider unnamed"@en ;
    bkg:offerStatus voc:offer-running ; schema:url "https://school.example/x"^^xsd:anyURI ;
    bkg:offeredBy p:nameless ; bkg:locatedIn region:SE331 ; bkg:teachingLanguage "sv"^^xsd:language ;
    bkg:fieldOfStudy isced:0713 ; bkg:teachesSkill s:cell-stacking .
c:ended a bkg:Course ; skos:prefLabel "Ended"@en ; bkg:offerStatus voc:offer-ended ;
    bkg:endedIn "2021"^^xsd:gYear .
"""

pytestmark = pytest.mark.skipif(
    not all((ELM_DIR / f).is_file() for f in SHAPE_FILES), reason="../shared/elm is not present"
)


def conforms(triples: list[ox.Triple]) -> tuple[bool, str]:
    graph = rdflib.Graph().parse(data=_ntriples(triples), format="nt")
    ok, _report, text = pyshacl.validate(graph, shacl_graph=loq_shapes(ELM_DIR), inference="none")
    return bool(ok), str(text)


def _ntriples(triples: list[ox.Triple]) -> str:
    out = io.BytesIO()
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)
    return out.getvalue().decode("utf-8")


@pytest.fixture(scope="module")
def fixture_kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The ontology, the regions and one small file of courses: complete and incomplete ones."""
    home = tmp_path_factory.mktemp("elm-home")
    for folder in ("ontology", "queries", "shapes"):
        (home / folder).symlink_to(PROJECT_ROOT / folder)
    (home / "data").mkdir()
    shutil.copy(PROJECT_ROOT / "data" / "regions.ttl", home / "data" / "regions.ttl")
    (home / "data" / "fixture.ttl").write_text(FIXTURE, encoding="utf-8")
    env = {"BATTKG_STORE": str(home / "store"), "BATTKG_ESCO_DIR": "", "BATTKG_HOME": str(home),
           "BATTKG_ELM_DIR": str(ELM_DIR)}  # fmt: skip
    kg = KnowledgeGraph(Settings.from_env(env))
    kg.build()
    return kg


def test_every_elm_term_battkg_uses_exists_in_the_official_ontology() -> None:
    official = {str(s) for s in rdflib.Graph().parse(ELM_DIR / "ELM.ttl").subjects()}
    used: set[str] = set()
    for path in [
        PROJECT_ROOT / "ontology" / "battkg.ttl",
        *(PROJECT_ROOT / "queries" / "elm").glob("*.rq"),
    ]:
        text = path.read_text(encoding="utf-8")
        used |= {ELM + local for local in re.findall(r"\belm:([A-Za-z][A-Za-z0-9]*)", text)}
    assert used, "the ontology and queries/elm/ use ELM terms"
    assert sorted(used - official) == []


def test_java_only_patterns_are_rewritten_and_keep_their_meaning() -> None:
    shapes = loq_shapes(ELM_DIR)
    patterns = [str(o) for o in shapes.objects(None, rdflib.SH.pattern)]
    assert not any(r"\p{" in p or "(?i)" in p for p in patterns)
    url = next(p for p in patterns if p.startswith("^(http|https)"))
    matcher = re.compile(url, re.IGNORECASE)
    assert matcher.match("HTTPS://example.org/a?b=1#c")
    assert not matcher.match("javascript:alert(1)")
    with pytest.raises(UsageError, match="cannot translate"):
        python_pattern(r"^[\p{Lu}]+$")


def test_complete_offers_are_exported_and_conform(fixture_kg: KnowledgeGraph) -> None:
    export = elm_export(fixture_kg)
    los = {
        t.subject.value
        for t in export.triples
        if t.object == ox.NamedNode(ELM + "LearningOpportunity")
    }
    assert los == {ID + "course/complete", ID + "course/fee-unknown"}
    ok, text = conforms(export.triples)
    assert ok, text


def test_what_is_left_out_says_why(fixture_kg: KnowledgeGraph) -> None:
    left = {e.item: e for e in elm_export(fixture_kg).left_out}
    assert "homepage" in " ".join(left[ID + "course/no-homepage"].missing)
    assert "legal name" in " ".join(left[ID + "provider/nameless"].missing)
    assert "provider/nameless" in " ".join(left[ID + "course/nameless-provider"].missing)
    assert ID + "course/ended" not in left, "ended offers are left out on purpose, not listed"
    assert ID + "course/complete" not in left


def test_unknown_is_never_a_number_and_estimates_are_named(fixture_kg: KnowledgeGraph) -> None:
    triples = elm_export(fixture_kg).triples
    by_subject: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(
            t.object.value
        )
    assert ELM + "priceDetail" not in by_subject[ID + "course/fee-unknown"]
    amount = by_subject[ID + "course/complete#price-amount"]
    assert [float(v) for v in amount["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"]] == [0.0]
    assert by_subject[ID + "course/complete"][ELM + "duration"] == ["P126D"]
    note = by_subject[ID + "course/complete#estimates"][ELM + "noteLiteral"][0]
    assert "duration in weeks" in note


def test_a_property_outside_the_profile_fails_conformance(fixture_kg: KnowledgeGraph) -> None:
    """The conformance check can fail: LOQ's shapes are closed."""
    triples = list(elm_export(fixture_kg).triples)
    course = ox.NamedNode(ID + "course/complete")
    triples.append(
        ox.Triple(
            course, ox.NamedNode("https://w3id.org/battkg/ontology#durationWeeks"), ox.Literal("18")
        )
    )
    ok, text = conforms(triples)
    assert not ok
    assert "ClosedConstraintComponent" in text


@pytest.mark.slow
def test_curated_export_with_esco_conforms_and_accounts_for_every_offer(
    full_kg: KnowledgeGraph,
) -> None:
    export = elm_export(full_kg)
    ok, text = conforms(export.triples)
    assert ok, text
    exported = {
        t.subject.value
        for t in export.triples
        if t.object == ox.NamedNode(ELM + "LearningOpportunity")
    }
    listed = {e.item for e in export.left_out}
    open_offers = {
        r["c"].value
        for r in full_kg.select(
            "SELECT ?c WHERE { ?c a bkg:Course . FILTER NOT EXISTS { ?c bkg:offerStatus ?s . "
            "FILTER(?s IN (<https://w3id.org/battkg/id/vocab/offer-ended>, "
            "<https://w3id.org/battkg/id/vocab/offer-status-unknown>)) } }"
        )
    }
    assert open_offers, "the curated data has running or planned offers"
    assert exported, "at least the curated offers with complete facts are exported"
    assert open_offers == exported | (open_offers & listed), "each offer is exported or listed"
    assert not exported & listed


def test_dcat_description_names_licence_frequency_and_what_is_left_out(
    fixture_kg: KnowledgeGraph,
) -> None:
    export = elm_export(fixture_kg)
    triples = dcat_description(export, root="https://battkg.example", version="v1", modified=None)
    graph = rdflib.Graph().parse(data=_ntriples(triples), format="nt")
    dataset = rdflib.URIRef("https://battkg.example/export/elm#dataset")
    assert (dataset, RDF_TYPE, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")) in graph
    assert (
        dataset,
        rdflib.DCTERMS.license,
        rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in graph
    assert graph.value(dataset, rdflib.DCTERMS.accrualPeriodicity) is not None
    notes = list(graph.objects(None, rdflib.URIRef("https://w3id.org/battkg/ontology#leftOutItem")))
    assert rdflib.URIRef(ID + "course/no-homepage") in notes


def test_formats_carry_the_same_graph(fixture_kg: KnowledgeGraph) -> None:
    triples = elm_export(fixture_kg).triples
    reference = rdflib.Graph().parse(data=_ntriples(triples), format="nt")
    for fmt, parser in (("turtle", "turtle"), ("rdfxml", "xml"), ("jsonld", "json-ld")):
        out = io.BytesIO()
        write(triples, out, fmt)
        parsed = rdflib.Graph().parse(data=out.getvalue().decode("utf-8"), format=parser)
        assert isomorphic(parsed, reference), fmt
    out = io.BytesIO()
    write(triples, out, "jsonld")
    document = json.loads(out.getvalue())
    assert document["@context"]["elm"] == ELM
    assert any("elm:LearningOpportunity" in node.get("@type", []) for node in document["@graph"])


def test_http_export_and_context(client: TestClient) -> None:
    response = client.get("/export/elm", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    rdflib.Graph().parse(data=response.text, format="turtle")
    assert (
        client.get("/export/elm?format=jsonld")
        .headers["content-type"]
        .startswith("application/ld+json")
    )
    assert client.get("/export/elm?format=rdfxml").status_code == 200
    assert client.get("/export/elm", headers={"Accept": "image/png"}).status_code == 406
    bad = client.get("/export/elm?format=pdf")
    assert bad.status_code == 422
    assert "turtle" in bad.json()["error"]["fix"]
    dcat = client.get("/export/elm/dcat?format=turtle")
    assert "dcat:Dataset" in dcat.text
    assert client.get("/context-elm.jsonld").json()["@context"]["elm"] == ELM


def test_cli_export_profile_elm(
    fixture_kg: KnowledgeGraph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "elm.ttl"
    store = str(fixture_kg.settings.store)
    argv = ["export", "--store", store, "--profile", "elm", "--format", "turtle", "-o", str(out)]
    code = main(argv)
    assert code == 0
    graph = rdflib.Graph().parse(out, format="turtle")
    assert (
        rdflib.URIRef(ID + "course/complete"),
        RDF_TYPE,
        rdflib.URIRef(ELM + "LearningOpportunity"),
    ) in graph
    assert "2 learning opportunities" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Round trip: an ELM file validated and read back as partner data
# ---------------------------------------------------------------------------

SUPPLEMENT = """
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix eqf: <http://data.europa.eu/snb/eqf/> .
@prefix c: <https://w3id.org/battkg/id/course/> .
@prefix p: <https://w3id.org/battkg/id/provider/> .
c:partner-complete bkg:creditSystem voc:credits-yh .
c:partner-fee bkg:creditSystem voc:credits-yh ; bkg:mode voc:mode-online ;
    bkg:factConfidence [ bkg:aboutProperty bkg:durationWeeks ; bkg:confidence voc:confidence-unknown ] ;
    bkg:entryRequirement <https://w3id.org/battkg/id/course/partner-complete#entry-requirement> .
<https://w3id.org/battkg/id/course/partner-complete#entry-requirement> bkg:acceptsLevel eqf:4 .
p:partner-school bkg:providerType voc:provider-type-komvux .
"""


def _partner_elm(kg: KnowledgeGraph, drop: str | None = None) -> str:
    """battkg's own export of the fixture, as a provider of new IRIs would publish it."""
    out = io.BytesIO()
    triples = [t for t in elm_export(kg).triples if t.predicate.value != drop]
    write(triples, out, "turtle")
    text = out.getvalue().decode("utf-8")
    for old, new in (("course/complete", "course/partner-complete"), ("course/fee-unknown", "course/partner-fee"),
                     ("provider/school", "provider/partner-school")):  # fmt: skip
        text = text.replace(f"/id/{old}", f"/id/{new}")
    return text


def _validate(
    kg: KnowledgeGraph, *files: tuple[str, str]
) -> tuple[list[PartnerFile], ValidationReport]:
    parts = [read_partner_file(text.encode("utf-8"), name, kg.iris) for name, text in files]
    return parts, validate_files(kg, parts)


def test_an_elm_file_reads_back_into_battkgs_model(fixture_kg: KnowledgeGraph) -> None:
    parts, report = _validate(
        fixture_kg, ("offer.ttl", _partner_elm(fixture_kg)), ("extra.ttl", SUPPLEMENT)
    )
    violations = [f for f in report.faults if f.severity == "violation"]
    assert violations == [], [f"{f.location} {f.message}" for f in violations]
    assert parts[0].format == "elm:turtle"
    graph = {(q.subject.value, q.predicate.value, q.object.value) for q in parts[0].quads}
    course = ID + "course/partner-complete"
    bkg = "https://w3id.org/battkg/ontology#"
    assert (course, RDF + "type", bkg + "Course") in graph
    assert (course, bkg + "offeredBy", ID + "provider/partner-school") in graph
    assert (course, bkg + "locatedIn", ID + "region/SE331") in graph
    assert (course, bkg + "fieldOfStudy", "http://data.europa.eu/snb/isced-f/0713") in graph
    assert (course, bkg + "teachesSkill", ID + "skill/cell-stacking") in graph
    assert (course, bkg + "durationWeeks", "18") in graph
    assert (course, bkg + "teachingLanguage", "sv") in graph
    assert not any(s.startswith("http://publications.europa.eu/") for s, _p, _o in graph), (
        "EU authority concepts stay references, never the partner's data"
    )


def test_an_elm_file_with_a_property_outside_the_profile_is_refused(
    fixture_kg: KnowledgeGraph,
) -> None:
    text = _partner_elm(fixture_kg).replace(
        "elm:LearningOpportunity ;",
        'elm:LearningOpportunity ;\n\t<https://example.org/rating> "5" ;',
        1,
    )
    parts, report = _validate(fixture_kg, ("offer.ttl", text))
    refused = [f for f in report.faults if f.rule == "elm-profile"]
    assert refused and "https://example.org/rating" in refused[0].message
    assert refused[0].location.line is not None
    assert parts[0].quads == []


def test_an_elm_file_that_breaks_loq_gets_located_faults(fixture_kg: KnowledgeGraph) -> None:
    text = _partner_elm(fixture_kg, drop=ELM + "defaultLanguage")
    _parts, report = _validate(fixture_kg, ("offer.ttl", text))
    loq = [f for f in report.faults if f.rule.startswith("loq:")]
    assert loq, "a learning opportunity without its default language breaks LOQ"
    assert any(f.path == ELM + "defaultLanguage" and f.location.line for f in loq)
