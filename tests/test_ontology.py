"""The ontology: every term labelled in four languages and defined, header complete, alignments present."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from battkg.settings import PROJECT_ROOT

BKG = rdflib.Namespace("https://w3id.org/battkg/ontology#")
LANGS = {"en", "sv", "fi", "nb"}
CORE = ["ValueChainStage", "JobRole", "Skill", "Qualification", "Course", "Provider",
        "EntryProfile", "EntryRequirement", "DemandEstimate", "Region"]  # fmt: skip


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((PROJECT_ROOT / "ontology").rglob("*.ttl")):
        graph.parse(path)
    return graph


def _terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in graph.subjects(RDF.type, k) if str(s).startswith(str(BKG))}


def test_core_classes_exist(ontology: rdflib.Graph) -> None:
    for name in CORE:
        assert (BKG[name], RDF.type, OWL.Class) in ontology, name


def test_every_term_has_four_labels_and_an_english_definition(ontology: rdflib.Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 60
    for term in terms:
        langs = {label.language for label in ontology.objects(term, RDFS.label)}
        assert langs >= LANGS, f"{term} lacks labels in {LANGS - langs}"
        definitions = {d.language for d in ontology.objects(term, SKOS.definition)}
        assert "en" in definitions, f"{term} has no English definition"


def test_header_has_version_licence_and_dates(ontology: rdflib.Graph) -> None:
    header = rdflib.URIRef("https://w3id.org/battkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, DCTERMS.license, DCTERMS.created, DCTERMS.modified):
        assert ontology.value(header, prop) is not None, prop


@pytest.mark.parametrize(
    ("term", "aligned"),
    [
        ("JobRole", "https://schema.org/Occupation"),
        ("ValueChainStage", str(SKOS.Concept)),
        ("Skill", "http://data.europa.eu/esco/model#Skill"),
        ("Qualification", "http://data.europa.eu/snb/model/elm/Qualification"),
        ("Course", "http://data.europa.eu/snb/model/elm/LearningOpportunity"),
        ("Course", "https://schema.org/Course"),
        ("Provider", "https://schema.org/EducationalOrganization"),
    ],
)
def test_alignment_axioms(ontology: rdflib.Graph, term: str, aligned: str) -> None:
    assert (BKG[term], RDFS.subClassOf, rdflib.URIRef(aligned)) in ontology


def test_properties_used_in_data_are_declared(ontology: rdflib.Graph) -> None:
    data = rdflib.Graph()
    for path in sorted((PROJECT_ROOT / "data").glob("*.ttl")):
        data.parse(path)
    used = {p for p in data.predicates() if str(p).startswith(str(BKG))}
    used |= {o for o in data.objects(None, RDF.type) if str(o).startswith(str(BKG))}
    assert used - _terms(ontology) == set()
