"""What the store tells a validation: the types of referenced IRIs, terms, and identifiers in use.

References (provider, skill, qualification, region...) resolve against the
files themselves plus what the store holds; only the types of the IRIs the
files mention are read from the store. Without a built store, ontology/ and
data/ are read instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox

from ..backend import ReadableStore
from ..ingest import Fault, PartnerFile
from ..ingest.source import parse_file
from ..ingest.statements import value_list
from ..kg import KnowledgeGraph
from ..namespaces import BKG, RDF, RDFS, Iris
from .data import superclass_closure
from .engine import DataGraph, Term

TYPE = ox.NamedNode(RDF + "type")
T = TypeVar("T")
ESCO = "http://data.europa.eu/esco/"


ESCO_FORMS = {"skill": "http://data.europa.eu/esco/model#Skill",
              "occupation": "http://data.europa.eu/esco/model#Occupation",
              "isco": "http://www.w3.org/2004/02/skos/core#Concept"}  # fmt: skip


def _cached(kg: KnowledgeGraph, key: str, factory: Callable[[], T]) -> T:
    return kg.derived(key, factory) if kg.store.exists() else factory()


def context_store(kg: KnowledgeGraph) -> tuple[ReadableStore, list[str]]:
    """The store to resolve references against; without a built store, ontology/ and data/."""
    if kg.store.exists():
        return kg.reader(), []
    store = ox.Store()
    for folder, graph in (
        (kg.settings.ontology_dir, kg.iris.ontology_graph),
        (kg.settings.data_dir, kg.iris.data_graph),
    ):
        for path in sorted(folder.rglob("*.ttl")):
            store.extend(parse_file(path, ox.NamedNode(graph(path.stem)), kg.iris))
    return store, [
        f"no built store at {kg.settings.store}: references resolved against ontology/ and data/"
    ]


def _superclasses(store: ReadableStore) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            direct[q.subject.value].add(q.object.value)
    return superclass_closure(direct)


def _defined_terms(store: ReadableStore, iris: Iris) -> set[str]:
    """The bkg: terms the ontology graphs define."""
    ontology = iris.ontology_graph("")
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(ontology)
    ]
    return {
        q.subject.value
        for g in graphs
        for q in store.quads_for_pattern(None, TYPE, None, g)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BKG)
    }


def unknown_terms(
    kg: KnowledgeGraph, store: ReadableStore, data: DataGraph, home: dict[Term, PartnerFile]
) -> list[Fault]:
    known = _cached(kg, "validation:terms", lambda: _defined_terms(store, kg.iris))
    faults = []
    unknown = {p for p in data.index if p.startswith(BKG) and p not in known}
    for subject in data.out:
        by_p = data.out.get(subject) if unknown else {}
        for term in [p for p in by_p if p in unknown] + [
            t for t in data.types.get(subject, ()) if t.startswith(BKG)
        ]:
            if term not in known:
                faults.append(
                    Fault(
                        home[subject].locate(subject.value, term),
                        f"bkg:{term[len(BKG) :]} is not a term of the battkg ontology",
                        "correct the spelling (see ontology/battkg.ttl) or use another vocabulary's term",
                        "known ontology terms",
                        value=term,
                        focus=subject.value,
                        path=term,
                    )
                )
    return faults


def _types(store: ReadableStore, iri: ox.NamedNode, skip: set[str], inferred: str) -> set[str]:
    """The types of `iri` in the store, leaving out the graphs in `skip`.

    Types the reasoner inferred for partner data count only while the thing is
    still described outside `skip`: a replaced version's provider is gone with it.
    """
    types: set[str] = set()
    described = False
    for q in store.quads_for_pattern(iri, TYPE, None, None):
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if graph in skip or not isinstance(q.object, ox.NamedNode):
            continue
        types.add(q.object.value)
        described = described or graph != inferred
    if skip and types and not described:
        described = any(
            not isinstance(q.graph_name, ox.NamedNode)
            or q.graph_name.value not in skip | {inferred}
            for q in store.quads_for_pattern(iri, None, None, None)
        )
        if not described:
            return set()
    return types


def add_context(
    kg: KnowledgeGraph,
    store: ReadableStore,
    data: DataGraph,
    replacing: frozenset[str] = frozenset(),
) -> list[str]:
    """Give pyshacl/the engine the types, from the store, of every IRI the files refer to.

    The graphs in `replacing` (the dataset version a load would replace) are left out.
    """
    data.superclasses = _cached(kg, "validation:superclasses", lambda: _superclasses(store))
    has_esco = any(
        g.value == kg.iris.esco_graph for g in store.named_graphs() if isinstance(g, ox.NamedNode)
    )
    referenced = {o for p, by_subject in data.index.items() if p != TYPE.value
                  for values in by_subject.values() for o in value_list(values)
                  if isinstance(o, ox.NamedNode)}  # fmt: skip
    assumed = 0
    skip = set(replacing)
    inferred = kg.iris.datasets_inferred_graph
    for iri in referenced:
        types = _types(store, iri, skip, inferred)
        if not has_esco and iri.value.startswith(ESCO):
            form = ESCO_FORMS.get(iri.value[len(ESCO) :].split("/", 1)[0])
            if form:
                types.add(form)
                assumed += 1
        if types:
            data.context_types[iri] = types
    if assumed:
        return [
            "ESCO is not loaded in this store: ESCO skills, occupations and ISCO groups were checked by the form of their IRIs only"
        ]
    return []
