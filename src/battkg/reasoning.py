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
   property, read from the store and applied to a fixed point (rules.py;
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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF

from ._convert import graph_to_quads, to_rdflib
from .backend import ReadableStore, WritableStore
from .rules import (
    Fact,
    Schema,
    Term,
    compile_schema,
    load_facts,
    new_triples,
    saturate,
    wanted,
)

ENGINES = ("reasonable", "owlrl")
Triple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]


@dataclass
class ReasoningReport:
    engine: str
    local_triples: int
    inferred_triples: int
    rounds: int
    seconds: dict[str, float] = field(default_factory=dict)


def full_closure(triples: Iterable[Triple], engine: str = "reasonable") -> set[Triple]:
    """Base triples plus everything the OWL RL reasoner `engine` infers from them (rdflib terms)."""
    if engine == "reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(list(triples))
        return set(reasoner.reason())
    if engine == "owlrl":
        import owlrl

        graph = rdflib.Graph()
        for triple in triples:
            graph.add(triple)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        return set(graph)
    raise ValueError(f"unknown reasoner {engine!r}; choose one of {', '.join(ENGINES)}")


def infer(
    store: WritableStore,
    local_graphs: Iterable[ox.NamedNode],
    bulk_graphs: Iterable[ox.NamedNode],
    target: ox.NamedNode,
    engine: str = "reasonable",
    schema_graphs: Iterable[ox.NamedNode] = (),
    known_graphs: Iterable[ox.NamedNode] = (),
    written: Mapping[str, Sequence[ox.Quad]] | None = None,
    settle: Callable[[], None] = lambda: None,
) -> ReasoningReport:
    """Replace `target` with what the local and bulk graphs entail and no graph asserts.

    `schema_graphs` (a subset of the local graphs: the ontology) are also closed with
    owlrl alone, for the schema entailments a fast engine may skip. Triples of
    `known_graphs` (another inferred graph) are not repeated in `target`. `written` holds
    the quads just written to some graphs, read from there instead of from the store; they
    may still be loading (build.py): the store is read only for other graphs, and written
    after `settle()`, which waits for that load.
    """
    local_graphs, bulk_graphs = list(local_graphs), list(bulk_graphs)
    seconds: dict[str, float] = {}
    clock = _Clock(seconds)
    # `target` is read by nothing below; it is updated by difference at the end, because
    # Store.remove_graph is about 10x slower than removing quad by quad (datasets/load.py).
    base = _rdflib_triples(q for g in local_graphs for q in _quads(store, g, written))
    clock("local: read")
    closed = full_closure(base, engine)
    clock("local: " + engine)
    schema_graphs = list(schema_graphs)
    if schema_graphs and engine != "owlrl":
        closed |= _schema_closure(store, schema_graphs, base, written)
        clock("local: schema closure")
    graphs = [*local_graphs, *bulk_graphs]
    candidates = [(q.subject, q.predicate, q.object) for q in graph_to_quads(closed - base, target)]
    asserted = _asserted_triples(store, candidates, graphs, written)
    first = [t for t in candidates if t not in asserted]
    clock("local: asserted")

    schema = compile_schema(closed)
    second, rounds = apply_rules(store, graphs, schema, first, written, clock)
    derived = [ox.Quad(s, p, o, target) for s, p, o in [*first, *second]]
    clock("bulk: quads")
    settle()
    clock("bulk: waited for the load")
    known_graphs = list(known_graphs)
    if known_graphs:
        derived = [q for q in derived if not _asserted(store, q, known_graphs)]
    _replace_graph(store, target, derived)
    clock("bulk: write")
    return ReasoningReport(engine, len(base), len(first) + len(second), rounds, seconds)


class _Clock:
    """Seconds since the previous call, added to `seconds` under each call's name."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now


def _quads(
    store: ReadableStore, graph: ox.NamedNode, written: Mapping[str, Sequence[ox.Quad]] | None
) -> Iterable[ox.Quad]:
    quads = (written or {}).get(graph.value)
    return quads if quads is not None else store.quads_for_pattern(None, None, None, graph)


def _rdflib_triples(quads: Iterable[ox.Quad]) -> set[Triple]:
    """The triples of `quads` in rdflib terms, each distinct term converted once (the same
    classes, properties and IRIs recur in most quads: about half the time of converting all)."""
    converted: dict[Term, rdflib.term.Node] = {}

    def convert(term: Term) -> rdflib.term.Node:
        node = converted.get(term)
        if node is None:
            node = converted[term] = to_rdflib(term)
        return node

    return {(convert(q.subject), convert(q.predicate), convert(q.object)) for q in quads}


_PROBE = rdflib.URIRef("urn:battkg:reasoning:datatype-probe")
#: owlrl's closure of a schema, by the schema's content: the same ontology gives the same
#: closure, so a process that builds and loads many times runs owlrl once per ontology
_SCHEMA_CLOSURES: dict[str, frozenset[Triple]] = {}
_SCHEMA_CLOSURES_KEPT = 4


def _schema_closure(
    store: ReadableStore,
    schema_graphs: list[ox.NamedNode],
    base: set[Triple],
    written: Mapping[str, Sequence[ox.Quad]] | None = None,
) -> set[Triple]:
    """owlrl over the schema, plus one real literal of each datatype the data uses.

    The probe literals let owlrl add its datatype axioms (typing, disjointness) for
    exactly the datatypes in use; triples about the probe itself are dropped.
    """
    tbox = _rdflib_triples(q for g in schema_graphs for q in _quads(store, g, written))
    seen: set[rdflib.URIRef] = set()
    for _, _, o in base:
        if isinstance(o, rdflib.Literal) and o.datatype is not None and o.datatype not in seen:
            seen.add(o.datatype)
            tbox.add((_PROBE, _PROBE, o))
    key = _content_key(tbox)
    kept = _SCHEMA_CLOSURES.get(key)
    if kept is None:
        closed = full_closure(tbox, "owlrl")
        kept = frozenset(
            t for t in closed if _PROBE not in t and not isinstance(t[0], rdflib.Literal)
        )
        if len(_SCHEMA_CLOSURES) >= _SCHEMA_CLOSURES_KEPT:
            _SCHEMA_CLOSURES.clear()
        _SCHEMA_CLOSURES[key] = kept
    return set(kept)


def _content_key(triples: Iterable[Triple]) -> str:
    """A hash of a set of triples; blank nodes by label, as the store gives them."""
    lines = sorted(" ".join(t.n3() for t in triple) for triple in triples)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _asserted(store: ReadableStore, quad: ox.Quad, graphs: list[ox.NamedNode]) -> bool:
    """Whether one of `graphs` holds the triple of `quad` (one look-up in all graphs)."""
    if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
        return False  # RDF-star: no rule infers one, and no store backend is asked for one
    names = set(graphs)
    return any(
        q.graph_name in names
        for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
    )


def _asserted_triples(
    store: ReadableStore,
    triples: Iterable[tuple[Term, Term, Term]],
    graphs: list[ox.NamedNode],
    written: Mapping[str, Sequence[ox.Quad]] | None,
) -> set[tuple[Term, Term, Term]]:
    """Which of `triples` one of `graphs` holds: a graph in `written` by its quads (so a graph
    still loading is never read), the others by one look-up per triple in the store."""
    wanted = {t for t in triples if not isinstance(t[0], ox.Triple | ox.Literal)}
    wanted = {t for t in wanted if not isinstance(t[2], ox.Triple)}  # RDF-star: never asserted
    found: set[tuple[Term, Term, Term]] = set()
    predicates = {p for _, p, _ in wanted}
    stored = []
    for g in graphs:
        quads = (written or {}).get(g.value)
        if quads is None:
            stored.append(g)
            continue
        for quad in quads:
            if quad.predicate in predicates:
                triple = (quad.subject, quad.predicate, quad.object)
                if triple in wanted:
                    found.add(triple)
    if stored:
        found.update(t for t in wanted - found if _asserted(store, ox.Quad(*t), stored))
    return found


def apply_rules(
    store: ReadableStore,
    graphs: list[ox.NamedNode],
    schema: Schema,
    extra: list[tuple[Term, Term, Term]],
    written: Mapping[str, Sequence[ox.Quad]] | None = None,
    clock: Callable[[str], None] = lambda _name: None,
) -> tuple[list[tuple[Term, Term, Term]], int]:
    """Apply the compiled rules to every triple of `graphs` (plus `extra`) until nothing new appears.

    Returns the derived triples that are neither in the graphs nor in `extra`.
    """
    facts = load_facts(store, graphs, wanted(schema), written)
    for s_, p_, o_ in extra:
        facts[p_].add((s_, o_))
    known = {p: set(pairs) for p, pairs in facts.items()}
    clock("bulk: facts")
    rounds = saturate(facts, schema)
    clock("bulk: rules")
    derived = new_triples(facts, known)
    clock("bulk: new triples")
    return derived, rounds


def infer_increment(
    store: WritableStore,
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
    facts = load_facts(store, partner_graphs, wanted(schema))
    partner_known = {p: set(pairs) for p, pairs in facts.items()}
    reachable = {p.value for p, pairs in facts.items() if pairs}
    todo = list(reachable)
    while todo:
        for q, _ in schema.implied.get(todo.pop(), ()):
            if q not in reachable:
                reachable.add(q)
                todo.append(q)
    chained = [ox.NamedNode(p) for p in sorted(reachable & schema.transitive)]
    base_facts = load_facts(store, base_graphs, chained)
    for p, pairs in base_facts.items():
        facts[p] |= pairs
    rounds = saturate(facts, schema)
    derived = new_triples(facts, _merge(partner_known, base_facts))
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


def incremental_blockers(store: ReadableStore, schema_graphs: Iterable[ox.NamedNode]) -> list[str]:
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

    def schema_of(self, store: ReadableStore, schema_graphs: list[ox.NamedNode]) -> Schema:
        quads = [q for g in schema_graphs for q in store.quads_for_pattern(None, None, None, g)]
        key = hashlib.sha256(
            "\n".join(sorted(f"{q.subject} {q.predicate} {q.object}" for q in quads)).encode()
        ).hexdigest()
        with self._lock:
            if self._kept is None or self._kept[0] != key:
                triples = [
                    (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                    for q in quads
                ]
                self._kept = (key, compile_schema(full_closure(triples, "owlrl")))
            return self._kept[1]


def _merge(*parts: dict[Term, set[Fact]]) -> dict[Term, set[Fact]]:
    merged: dict[Term, set[Fact]] = defaultdict(set)
    for part in parts:
        for p, pairs in part.items():
            merged[p] |= pairs
    return merged


def _replace_graph(store: WritableStore, target: ox.NamedNode, quads: Collection[ox.Quad]) -> None:
    """Make `target` hold exactly `quads`: straight into a graph the store does not have (a new
    generation, store.py), else by difference (Store.remove_graph is slow on big graphs)."""
    store.add_graph(target)
    if not (old := set(store.quads_for_pattern(None, None, None, target))):
        store.bulk_extend(quads)
        return
    new = set(quads)
    for quad in old - new:
        store.remove(quad)
    store.bulk_extend(new - old)
