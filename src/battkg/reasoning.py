"""OWL RL reasoning, once per build, into a named graph of its own.

Two steps (docs/decisions/0003-reasoning.md):

1. A full OWL 2 RL reasoner runs over the *local* graphs: the ontology with its
   pinned imports, the curated data and the partner datasets (tens of thousands
   of triples). `reasonable` (Rust) is used; `owlrl` (pure Python, the
   reference) can be chosen and gives the same useful triples, 25-45x slower.
   `reasonable` leaves out some schema-level entailments and OWL RL's axiomatic
   triples, so owlrl also runs over the ontology graphs alone (a thousand
   triples, well under a second) and both results are kept.
2. The large graphs (ESCO: about half a million triples) are not given to a
   reasoner. Instead the schema closed in step 1 (sub-classes, sub-properties,
   inverses, symmetric and transitive properties, domains and ranges) is
   compiled into rules over Python sets of (subject, object) pairs per
   property, read from the store and applied to a fixed point (`_saturate`;
   the rules only add pairs of terms already present, so the loop ends). For
   those rule families this is exactly OWL RL's cax-sco, prp-spo1, prp-inv1/2,
   prp-symp, prp-trp, prp-dom and prp-rng, applied to all the data; what it
   leaves out are rules that need other axioms, none of which the ontology
   states about ESCO's terms.

After a dataset load only what the partner graphs add is derived, by the same
compiled rules (`infer_increment`). That equals a full run only while the
ontology has none of the axioms listed in `INCREMENTAL_BLOCKERS` (property
chains, restrictions, keys, functional properties...): `incremental_blockers`
finds them, and inference.reason_datasets then reasons in full instead.

Only triples asserted in no other graph are kept in the inferred graph.
tests/test_reasoning.py checks that the inferred graph equals owlrl's closure.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from ._convert import graph_to_quads, triples_to_graph

ENGINES = ("reasonable", "owlrl")


@dataclass
class ReasoningReport:
    engine: str
    local_triples: int
    inferred_triples: int
    rounds: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Schema:
    """The closed schema that step 2 compiles into rules."""

    superclasses: dict[str, set[str]]
    implied: dict[str, set[tuple[str, bool]]]  # property -> (property, inverted)
    transitive: set[str]
    domains: dict[str, set[str]]
    ranges: dict[str, set[str]]


def full_closure(graph: rdflib.Graph, engine: str = "reasonable") -> rdflib.Graph:
    """Base triples plus everything the OWL RL reasoner `engine` infers from them."""
    if engine == "reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(graph)
        closed = rdflib.Graph()
        for triple in reasoner.reason():
            closed.add(triple)
        return closed
    if engine == "owlrl":
        import owlrl

        closed = rdflib.Graph()
        for triple in graph:
            closed.add(triple)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
        return closed
    raise ValueError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")


def infer(
    store: ox.Store,
    local_graphs: Iterable[ox.NamedNode],
    bulk_graphs: Iterable[ox.NamedNode],
    target: ox.NamedNode,
    engine: str = "reasonable",
    schema_graphs: Iterable[ox.NamedNode] = (),
    known_graphs: Iterable[ox.NamedNode] = (),
) -> ReasoningReport:
    """Replace `target` with what the local and bulk graphs entail and no graph asserts.

    `schema_graphs` (a subset of the local graphs: the ontology) are also closed with
    owlrl alone, for the schema entailments a fast engine may skip. Triples of
    `known_graphs` (another inferred graph) are not repeated in `target`.
    """
    local_graphs, bulk_graphs = list(local_graphs), list(bulk_graphs)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    # `target` is read by nothing below; it is updated by difference at the end, because
    # Store.remove_graph is about 10x slower than removing quad by quad (datasets/load.py).
    base = triples_to_graph(
        q for g in local_graphs for q in store.quads_for_pattern(None, None, None, g)
    )
    closed = full_closure(base, engine)
    schema_graphs = list(schema_graphs)
    if schema_graphs and engine != "owlrl":
        closed += _schema_closure(store, schema_graphs, base)
    graphs = [*local_graphs, *bulk_graphs]
    known_graphs = list(known_graphs)
    first = [
        (q.subject, q.predicate, q.object)
        for q in graph_to_quads(closed - base, target)
        if not _asserted(store, q, graphs)
    ]
    seconds["local"] = time.perf_counter() - started

    started = time.perf_counter()
    schema = compile_schema(closed)
    second, rounds = apply_rules(store, graphs, schema, first)
    derived = {ox.Quad(s, p, o, target) for s, p, o in [*first, *second]}
    if known_graphs:
        derived = {q for q in derived if not _asserted(store, q, known_graphs)}
    _replace_graph(store, target, derived)
    seconds["bulk"] = time.perf_counter() - started
    return ReasoningReport(engine, len(base), len(first) + len(second), rounds, seconds)


_PROBE = rdflib.URIRef("urn:battkg:reasoning:datatype-probe")


def _schema_closure(
    store: ox.Store, schema_graphs: list[ox.NamedNode], base: rdflib.Graph
) -> rdflib.Graph:
    """owlrl over the schema, plus one real literal of each datatype the data uses.

    The probe literals let owlrl add its datatype axioms (typing, disjointness) for
    exactly the datatypes in use; triples about the probe itself are dropped.
    """
    tbox = triples_to_graph(
        q for g in schema_graphs for q in store.quads_for_pattern(None, None, None, g)
    )
    seen: set[rdflib.URIRef] = set()
    for o in base.objects():
        if isinstance(o, rdflib.Literal) and o.datatype is not None and o.datatype not in seen:
            seen.add(o.datatype)
            tbox.add((_PROBE, _PROBE, o))
    closed = full_closure(tbox, "owlrl")
    for triple in [t for t in closed if _PROBE in t or isinstance(t[0], rdflib.Literal)]:
        closed.remove(triple)
    return closed


def _asserted(store: ox.Store, quad: ox.Quad, graphs: list[ox.NamedNode]) -> bool:
    return any(
        True
        for g in graphs
        for _ in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, g)
    )


def compile_schema(closed: rdflib.Graph) -> Schema:
    superclasses: dict[str, set[str]] = defaultdict(set)
    for c, d in closed.subject_objects(RDFS.subClassOf):
        if (
            isinstance(c, rdflib.URIRef)
            and isinstance(d, rdflib.URIRef)
            and c != d
            and d != OWL.Thing
        ):
            superclasses[str(c)].add(str(d))
    sub_props: dict[str, set[str]] = defaultdict(set)
    for p, q in closed.subject_objects(RDFS.subPropertyOf):
        if p != q and isinstance(q, rdflib.URIRef):
            sub_props[str(p)].add(str(q))
    inverses: dict[str, set[str]] = defaultdict(set)
    for p, q in closed.subject_objects(OWL.inverseOf):
        inverses[str(p)].add(str(q))
        inverses[str(q)].add(str(p))
    symmetric = {str(p) for p in closed.subjects(RDF.type, OWL.SymmetricProperty)}
    transitive = {str(p) for p in closed.subjects(RDF.type, OWL.TransitiveProperty)}

    implied: dict[str, set[tuple[str, bool]]] = {}
    for prop in set(sub_props) | set(inverses) | symmetric:
        seen: set[tuple[str, bool]] = set()
        todo = [(prop, False)]
        while todo:
            p, inverted = todo.pop()
            steps = [(q, inverted) for q in sub_props.get(p, ())]
            steps += [(q, not inverted) for q in inverses.get(p, ())]
            if p in symmetric:
                steps.append((p, not inverted))
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        seen.discard((prop, False))
        if seen:
            implied[prop] = seen

    def classes(pred: rdflib.URIRef) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for p, c in closed.subject_objects(pred):
            if isinstance(c, rdflib.URIRef) and c != OWL.Thing:
                out[str(p)].add(str(c))
                out[str(p)] |= superclasses.get(str(c), set())
        return out

    return Schema(
        dict(superclasses), implied, transitive, classes(RDFS.domain), classes(RDFS.range)
    )


_RDF_TYPE = ox.NamedNode(str(RDF.type))
Term = Any  # pyoxigraph terms: NamedNode, BlankNode or Literal (hashable)
Fact = tuple[Term, Term]


def _wanted(schema: Schema) -> set[Term]:
    """The predicates the compiled rules read (rdf:type included)."""
    names = {*schema.implied, *schema.transitive, *schema.domains, *schema.ranges}
    names |= {q for imp in schema.implied.values() for q, _ in imp}
    return {ox.NamedNode(p) for p in names} | {_RDF_TYPE}


def _load_facts(
    store: ox.Store, graphs: Iterable[ox.NamedNode], predicates: Iterable[Term]
) -> dict[Term, set[Fact]]:
    facts: dict[Term, set[Fact]] = defaultdict(set)
    predicates = list(predicates)
    for g in graphs:
        for pred in predicates:
            for quad in store.quads_for_pattern(None, pred, None, g):
                facts[pred].add((quad.subject, quad.object))
    return facts


def _saturate(facts: dict[Term, set[Fact]], schema: Schema) -> int:
    """Apply the compiled rules to `facts` in place until nothing new appears; returns rounds."""
    implied = {
        ox.NamedNode(p): [(ox.NamedNode(q), inv) for q, inv in imp]
        for p, imp in schema.implied.items()
    }
    transitive = [ox.NamedNode(p) for p in schema.transitive]
    rounds = 0
    changed = True
    while changed:  # every rule adds pairs of terms already present: a fixed point is reached
        rounds += 1
        before = sum(len(v) for v in facts.values())
        for prop, targets in implied.items():
            pairs = list(facts.get(prop, ()))
            for implied_prop, inverted in targets:
                if inverted:
                    facts[implied_prop].update(
                        (o, s) for s, o in pairs if not isinstance(o, ox.Literal)
                    )
                else:
                    facts[implied_prop].update(pairs)
        for tprop in transitive:
            if facts.get(tprop):
                facts[tprop] |= _transitive_closure(facts[tprop])
        changed = sum(len(v) for v in facts.values()) != before

    types = facts[_RDF_TYPE]
    for p, classes in schema.domains.items():
        domain_pairs = facts.get(ox.NamedNode(p), set())
        for c in classes:
            cls = ox.NamedNode(c)
            types.update((s, cls) for s, _ in domain_pairs)
    for p, classes in schema.ranges.items():
        if p == str(RDF.type):
            continue
        range_pairs = facts.get(ox.NamedNode(p), set())
        for c in classes:
            cls = ox.NamedNode(c)
            types.update((o, cls) for _, o in range_pairs if not isinstance(o, ox.Literal))
    supers = {
        ox.NamedNode(c): [ox.NamedNode(d) for d in ds] for c, ds in schema.superclasses.items()
    }
    types.update((x, d) for x, c in list(types) if c in supers for d in supers[c])
    return rounds


def _new_triples(
    facts: dict[Term, set[Fact]], known: dict[Term, set[Fact]]
) -> list[tuple[Term, Term, Term]]:
    return [
        (s, p, o)
        for p, pairs in facts.items()
        for s, o in pairs - known.get(p, set())
        if not isinstance(s, ox.Literal)
    ]


def apply_rules(
    store: ox.Store,
    graphs: list[ox.NamedNode],
    schema: Schema,
    extra: list[tuple[Term, Term, Term]],
) -> tuple[list[tuple[Term, Term, Term]], int]:
    """Apply the compiled rules to every triple of `graphs` (plus `extra`) until nothing new appears.

    Returns the derived triples that are neither in the graphs nor in `extra`.
    """
    facts = _load_facts(store, graphs, _wanted(schema))
    for s_, p_, o_ in extra:
        facts[p_].add((s_, o_))
    known = {p: set(pairs) for p, pairs in facts.items()}
    rounds = _saturate(facts, schema)
    return _new_triples(facts, known), rounds


def infer_increment(
    store: ox.Store,
    schema_graphs: Iterable[ox.NamedNode],
    base_graphs: Iterable[ox.NamedNode],
    partner_graphs: Iterable[ox.NamedNode],
    target: ox.NamedNode,
    schemas: SchemaCache | None = None,
) -> ReasoningReport:
    """Replace `target` with what partner graphs add to the entailments of the base graphs.

    The base graphs (ontology, curated data, ESCO and their inferred graph) are closed
    already; partner graphs hold instance data only, so each of their triples is given the
    compiled rules, and base facts are read only for the transitive properties a partner
    triple can extend. Much faster than re-reasoning everything on every load; the result
    equals the full closure (tests/test_reasoning.py).
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    schema_graphs, base_graphs = list(schema_graphs), list(base_graphs)
    partner_graphs = list(partner_graphs)
    schema = (schemas or SchemaCache()).schema_of(store, schema_graphs)
    seconds["schema"] = time.perf_counter() - started

    started = time.perf_counter()
    facts = _load_facts(store, partner_graphs, _wanted(schema))
    partner_known = {p: set(pairs) for p, pairs in facts.items()}
    reachable = {p.value for p, pairs in facts.items() if pairs}
    todo = list(reachable)
    while todo:
        for q, _ in schema.implied.get(todo.pop(), ()):
            if q not in reachable:
                reachable.add(q)
                todo.append(q)
    chained = [ox.NamedNode(p) for p in sorted(reachable & schema.transitive)]
    base_facts = _load_facts(store, base_graphs, chained)
    for p, pairs in base_facts.items():
        facts[p] |= pairs
    rounds = _saturate(facts, schema)
    derived = _new_triples(facts, _merge(partner_known, base_facts))
    others = {*base_graphs, *partner_graphs}
    new = {
        ox.Quad(s, p, o, target)
        for s, p, o in derived
        if not any(q.graph_name in others for q in store.quads_for_pattern(s, p, o, None))
    }
    _replace_graph(store, target, new)
    seconds["partner"] = time.perf_counter() - started
    count = sum(len(v) for v in partner_known.values())
    return ReasoningReport("compiled rules", count, len(new), rounds, seconds)


#: Axioms under which the compiled rules are not OWL RL's whole closure of partner data.
INCREMENTAL_BLOCKERS = {
    str(OWL.propertyChainAxiom), str(OWL.onProperty), str(OWL.hasKey), str(OWL.intersectionOf),
    str(OWL.unionOf), str(OWL.complementOf), str(OWL.oneOf), str(OWL.sameAs),
    str(OWL.differentFrom), str(OWL.disjointWith), str(OWL.propertyDisjointWith),
    str(OWL.FunctionalProperty), str(OWL.InverseFunctionalProperty), str(OWL.Restriction),
    str(OWL.AllDifferent), str(OWL.AllDisjointClasses), str(OWL.IrreflexiveProperty),
    str(OWL.AsymmetricProperty),
}  # fmt: skip


def incremental_blockers(store: ox.Store, schema_graphs: Iterable[ox.NamedNode]) -> list[str]:
    """The axioms of the ontology graphs that the incremental rules do not cover (local names)."""
    found = set()
    for g in schema_graphs:
        for q in store.quads_for_pattern(None, None, None, g):
            if q.predicate.value in INCREMENTAL_BLOCKERS:
                found.add(q.predicate.value)
            elif (
                q.predicate.value == str(RDF.type)
                and isinstance(q.object, ox.NamedNode)
                and q.object.value in INCREMENTAL_BLOCKERS
            ):
                found.add(q.object.value)
    return sorted(iri.rsplit("#", 1)[-1] for iri in found)


class SchemaCache:
    """The compiled schema of the ontology graphs, kept for the last ontology content seen.

    Every load needs it and the ontology rarely changes; owlrl takes a second or two. A
    KnowledgeGraph owns one (kg.schemas); two loads at once compile it once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[str, Schema] | None = None

    def schema_of(self, store: ox.Store, schema_graphs: list[ox.NamedNode]) -> Schema:
        quads = [q for g in schema_graphs for q in store.quads_for_pattern(None, None, None, g)]
        key = hashlib.sha256(
            "\n".join(sorted(f"{q.subject} {q.predicate} {q.object}" for q in quads)).encode()
        ).hexdigest()
        with self._lock:
            if self._kept is None or self._kept[0] != key:
                self._kept = (key, compile_schema(full_closure(triples_to_graph(quads), "owlrl")))
            return self._kept[1]


def _merge(*parts: dict[Term, set[Fact]]) -> dict[Term, set[Fact]]:
    merged: dict[Term, set[Fact]] = defaultdict(set)
    for part in parts:
        for p, pairs in part.items():
            merged[p] |= pairs
    return merged


def _replace_graph(store: ox.Store, target: ox.NamedNode, new: set[ox.Quad]) -> None:
    """Make `target` hold exactly `new`, by difference (Store.remove_graph is slow on big graphs)."""
    old = set(store.quads_for_pattern(None, None, None, target))
    for quad in old - new:
        store.remove(quad)
    store.add_graph(target)
    store.bulk_extend(new - old)


def _transitive_closure(pairs: set[Fact]) -> set[Fact]:
    successors: dict[Term, set[Term]] = defaultdict(set)
    for s, o in pairs:
        successors[s].add(o)
    closure: set[Fact] = set()
    for start in list(successors):
        seen: set[Term] = set()
        todo = list(successors[start])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(successors.get(node, ()))
        closure.update((start, node) for node in seen)
    return closure
