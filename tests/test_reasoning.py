"""Reasoning: the inferred graph holds what owlrl (the reference) infers, and stays apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from battkg._convert import to_rdflib
from battkg.inference import reason_datasets
from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, ESCO, Iris
from battkg.reasoning import incremental_blockers
from battkg.settings import PROJECT_ROOT

from .conftest import make_settings


def _graph(kg: KnowledgeGraph, graph: str | None = None) -> set[tuple[rdflib.term.Node, ...]]:
    node = ox.NamedNode(graph) if graph else None
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in kg.reader().quads_for_pattern(None, None, None, node)
    }


def _informative(triples: set[tuple[rdflib.term.Node, ...]]) -> set[tuple[rdflib.term.Node, ...]]:
    """Without reflexive owl:sameAs (every resource is itself) and `x a owl:Thing`, which
    reasonable states of every resource and owlrl does not; neither says anything."""
    return {
        t
        for t in triples
        if not (t[1] == OWL.sameAs and t[0] == t[2])
        and not (t[1] == RDF.type and t[2] == OWL.Thing)
        and not isinstance(t[0], rdflib.Literal)
    }


def _shape(triple: tuple[rdflib.term.Node, ...]) -> tuple[object, ...]:
    """A triple with its blank nodes as "_" (two parsers label them differently)."""
    return tuple("_" if isinstance(x, rdflib.BNode) else x for x in triple)


@pytest.mark.slow
def test_inferred_graph_equals_what_owlrl_infers(curated_kg: KnowledgeGraph) -> None:
    """Equality, not inclusion: the store infers all that owlrl infers, and nothing more."""
    reference = rdflib.Graph()
    for path in [
        *sorted((PROJECT_ROOT / "ontology").rglob("*.ttl")),
        *sorted((PROJECT_ROOT / "data").glob("*.ttl")),
    ]:
        reference.parse(path)
    asserted = set(reference)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(reference)
    expected = _informative(set(reference) - asserted)
    inferred = _informative(_graph(curated_kg, curated_kg.iris.inferred_graph))
    assert len(expected) > 1000
    plain = {t for t in expected if not any(isinstance(x, rdflib.BNode) for x in t)}
    got = {t for t in inferred if not any(isinstance(x, rdflib.BNode) for x in t)}
    assert sorted(plain - got) == [], "owlrl infers these and the store does not"
    assert sorted(got - plain) == [], "the store infers these and owlrl does not"
    blank = Counter(_shape(t) for t in expected if t not in plain)
    assert Counter(_shape(t) for t in inferred if t not in got) == blank


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


def test_incremental_reasoning_falls_back_to_a_full_run_for_property_chains() -> None:
    """A property chain in the ontology: the compiled rules would miss x :p z; a full run finds it."""
    iris = Iris()
    ex = "http://example.org/"
    store = ox.Store()
    ontology, partner = (
        ox.NamedNode(iris.ontology_graph("chain")),
        ox.NamedNode(iris.dataset_graph("x")),
    )
    chain = ox.BlankNode()
    rest = ox.BlankNode()
    first, rdf_rest = ox.NamedNode(str(RDF.first)), ox.NamedNode(str(RDF.rest))
    store.extend([
        ox.Quad(ox.NamedNode(ex + "p"), ox.NamedNode(str(OWL.propertyChainAxiom)), chain, ontology),
        ox.Quad(chain, first, ox.NamedNode(ex + "a"), ontology),
        ox.Quad(chain, rdf_rest, rest, ontology),
        ox.Quad(rest, first, ox.NamedNode(ex + "b"), ontology),
        ox.Quad(rest, rdf_rest, ox.NamedNode(str(RDF.nil)), ontology),
        ox.Quad(ox.NamedNode(ex + "x"), ox.NamedNode(ex + "a"), ox.NamedNode(ex + "y"), partner),
        ox.Quad(ox.NamedNode(ex + "y"), ox.NamedNode(ex + "b"), ox.NamedNode(ex + "z"), partner),
    ])  # fmt: skip
    assert incremental_blockers(store, [ontology]) == ["propertyChainAxiom"]
    reason_datasets(store, iris, [partner])
    wanted = ox.Quad(ox.NamedNode(ex + "x"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "z"),
                     ox.NamedNode(iris.datasets_inferred_graph))  # fmt: skip
    assert wanted in set(store.quads_for_pattern(None, None, None, wanted.graph_name))


def test_the_curated_ontology_keeps_incremental_reasoning_exact(curated_kg: KnowledgeGraph) -> None:
    schema = [ox.NamedNode(g) for g in curated_kg.graph_sizes() if "/graph/ontology/" in g]
    assert schema and incremental_blockers(curated_kg.reader(), schema) == []
