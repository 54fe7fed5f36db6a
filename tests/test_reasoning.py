"""Reasoning: the inferred graph holds what owlrl (the reference) infers, and stays apart."""

from __future__ import annotations

from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from battkg._convert import to_rdflib
from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, ESCO
from battkg.settings import PROJECT_ROOT

from .conftest import make_settings


def _graph(kg: KnowledgeGraph, graph: str | None = None) -> set[tuple[rdflib.term.Node, ...]]:
    node = ox.NamedNode(graph) if graph else None
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in kg.reader().quads_for_pattern(None, None, None, node)
    }


@pytest.mark.slow
def test_inferred_graph_contains_what_owlrl_infers(curated_kg: KnowledgeGraph) -> None:
    reference = rdflib.Graph()
    for path in [
        *sorted((PROJECT_ROOT / "ontology").rglob("*.ttl")),
        *sorted((PROJECT_ROOT / "data").glob("*.ttl")),
    ]:
        reference.parse(path)
    asserted = set(reference)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference)
    expected = {
        t
        for t in set(reference) - asserted
        # owlrl's reflexive owl:sameAs for every resource and literal carries no information.
        if not (t[1] == OWL.sameAs and t[0] == t[2]) and not isinstance(t[0], rdflib.Literal)
    }
    everything = _graph(curated_kg)
    missing = sorted(expected - everything)
    assert len(expected) > 1000
    assert missing == []


def test_alignment_types_inverses_and_transitivity(curated_kg: KnowledgeGraph) -> None:
    inferred = _graph(curated_kg, curated_kg.iris.inferred_graph)
    role = rdflib.URIRef(curated_kg.iris.thing("role", "electrode-coating-operator"))
    # subclass alignment: JobRole ⊑ schema:Occupation, skos:Concept
    assert (role, RDF.type, rdflib.URIRef("https://schema.org/Occupation")) in inferred
    assert (role, RDF.type, SKOS.Concept) in inferred
    # sub-property: essentialSkill ⊑ esco:relatedEssentialSkill, and its ESCO inverse
    skills = {
        o
        for s, p, o in _graph(curated_kg)
        if s == role and p == rdflib.URIRef(BKG + "essentialSkill")
    }
    assert skills
    for skill in skills:
        assert (role, rdflib.URIRef(ESCO + "relatedEssentialSkill"), skill) in inferred
        assert (skill, rdflib.URIRef(ESCO + "isEssentialSkillFor"), role) in inferred
    # transitive: a course located in a municipality region lies within its country
    within = rdflib.URIRef(BKG + "withinRegion")
    countries = {
        o
        for s, p, o in inferred
        if p == within and str(o).endswith(("/region/SE", "/region/FI", "/region/NO"))
    }
    assert countries


def test_asserted_and_inferred_stay_apart(curated_kg: KnowledgeGraph) -> None:
    inferred = _graph(curated_kg, curated_kg.iris.inferred_graph)
    for graph in curated_kg.graph_sizes():
        if graph != curated_kg.iris.inferred_graph:
            assert not (inferred & _graph(curated_kg, graph)), graph


def test_owlrl_engine_gives_the_same_useful_triples(
    tmp_path: Path, curated_kg: KnowledgeGraph
) -> None:
    kg = KnowledgeGraph(make_settings(tmp_path / "store"))
    kg.build(reasoner="owlrl")
    fast = _graph(curated_kg, curated_kg.iris.inferred_graph)
    reference = _graph(kg, kg.iris.inferred_graph)
    useful = {
        t
        for t in reference
        if t[1] in (RDF.type, RDFS.subClassOf) or str(t[1]).startswith((BKG, ESCO))
    }
    useful = {t for t in useful if not isinstance(t[0], rdflib.BNode)}
    assert useful - fast == set()
