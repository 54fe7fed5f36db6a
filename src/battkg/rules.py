"""The closed schema compiled into rules, applied in memory to every graph, ESCO included.

OWL RL's cax-sco, prp-spo1, prp-inv1/2, prp-symp, prp-trp, prp-dom and prp-rng over
Python sets of (subject, object) pairs per property, to a fixed point (see reasoning.py
and docs/decisions/0003-reasoning.md). The rules only add pairs of terms already present,
so the loop ends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .backend import ReadableStore

Term = Any  # pyoxigraph terms: NamedNode, BlankNode or Literal (hashable)
Fact = tuple[Term, Term]
_RDF_TYPE = ox.NamedNode(str(RDF.type))


@dataclass
class Schema:
    """The closed schema that the rules are compiled from."""

    superclasses: dict[str, set[str]]
    implied: dict[str, set[tuple[str, bool]]]  # property -> (property, inverted)
    transitive: set[str]
    domains: dict[str, set[str]]
    ranges: dict[str, set[str]]


def compile_schema(closed: Iterable[tuple[Any, Any, Any]]) -> Schema:
    """The rules of a closed schema (rdflib triples: a Graph or a set of them)."""
    by_predicate: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for s, p, o in closed:
        by_predicate[p].append((s, o))
    superclasses: dict[str, set[str]] = defaultdict(set)
    for c, d in by_predicate[RDFS.subClassOf]:
        if isinstance(c, URIRef) and isinstance(d, URIRef) and c != d and d != OWL.Thing:
            superclasses[str(c)].add(str(d))
    sub_props: dict[str, set[str]] = defaultdict(set)
    for p, q in by_predicate[RDFS.subPropertyOf]:
        if p != q and isinstance(q, URIRef):
            sub_props[str(p)].add(str(q))
    inverses: dict[str, set[str]] = defaultdict(set)
    for p, q in by_predicate[OWL.inverseOf]:
        inverses[str(p)].add(str(q))
        inverses[str(q)].add(str(p))
    typed = by_predicate[RDF.type]
    symmetric = {str(p) for p, c in typed if c == OWL.SymmetricProperty}
    transitive = {str(p) for p, c in typed if c == OWL.TransitiveProperty}

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

    def classes(pred: URIRef) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for p, c in by_predicate[pred]:
            if isinstance(c, URIRef) and c != OWL.Thing:
                out[str(p)].add(str(c))
                out[str(p)] |= superclasses.get(str(c), set())
        return out

    return Schema(
        dict(superclasses), implied, transitive, classes(RDFS.domain), classes(RDFS.range)
    )


def wanted(schema: Schema) -> set[Term]:
    """The predicates the compiled rules read (rdf:type included)."""
    names = {*schema.implied, *schema.transitive, *schema.domains, *schema.ranges}
    names |= {q for imp in schema.implied.values() for q, _ in imp}
    return {ox.NamedNode(p) for p in names} | {_RDF_TYPE}


def load_facts(
    store: ReadableStore,
    graphs: Iterable[ox.NamedNode],
    predicates: Iterable[Term],
    written: Mapping[str, Sequence[ox.Quad]] | None = None,
) -> dict[Term, set[Fact]]:
    """The (subject, object) pairs of `predicates` in `graphs`. A graph in `written` (the
    quads just written to it) is read from that list: 3-4x faster than out of the store."""
    facts: dict[Term, set[Fact]] = defaultdict(set)
    predicates = list(predicates)
    for g in graphs:
        quads = (written or {}).get(g.value)
        if quads is not None:
            chosen = {p: facts[p] for p in predicates}
            for s, p, o, _ in quads:
                pairs = chosen.get(p)
                if pairs is not None:
                    pairs.add((s, o))
            continue
        for pred in predicates:
            pairs = facts[pred]
            for quad in store.quads_for_pattern(None, pred, None, g):
                pairs.add((quad.subject, quad.object))
    return facts


def saturate(facts: dict[Term, set[Fact]], schema: Schema) -> int:
    """Apply the compiled rules to `facts` in place until nothing new appears; returns rounds."""
    implied = {
        ox.NamedNode(p): [(ox.NamedNode(q), inv) for q, inv in imp]
        for p, imp in schema.implied.items()
    }
    transitive = [ox.NamedNode(p) for p in schema.transitive]
    #: the size of each property's pairs when its rule last ran: sets only grow, so a rule
    #: whose input has the same size as then would add nothing new
    ran: dict[tuple[str, Term], int] = {}
    rounds = 0
    changed = True
    while changed:
        rounds += 1
        before = sum(len(v) for v in facts.values())
        for prop, targets in implied.items():
            pairs = facts.get(prop)
            if not pairs or ran.get(("implied", prop)) == len(pairs):
                continue
            ran[("implied", prop)] = len(pairs)
            listed = list(pairs)
            for implied_prop, inverted in targets:
                if inverted:
                    facts[implied_prop].update(
                        (o, s) for s, o in listed if not isinstance(o, ox.Literal)
                    )
                else:
                    facts[implied_prop].update(listed)
        for tprop in transitive:
            pairs = facts.get(tprop)
            if not pairs or ran.get(("transitive", tprop)) == len(pairs):
                continue
            pairs |= transitive_closure(pairs)
            ran[("transitive", tprop)] = len(pairs)
        changed = sum(len(v) for v in facts.values()) != before

    types = facts[_RDF_TYPE]
    for p, classes in schema.domains.items():
        domain_pairs = facts.get(ox.NamedNode(p), set())
        subjects = {s for s, _ in domain_pairs}
        for c in classes:
            cls = ox.NamedNode(c)
            types.update((s, cls) for s in subjects)
    for p, classes in schema.ranges.items():
        if p == str(RDF.type):
            continue
        range_pairs = facts.get(ox.NamedNode(p), set())
        objects = {o for _, o in range_pairs if not isinstance(o, ox.Literal)}
        for c in classes:
            cls = ox.NamedNode(c)
            types.update((o, cls) for o in objects)
    supers = {
        ox.NamedNode(c): [ox.NamedNode(d) for d in ds] for c, ds in schema.superclasses.items()
    }
    types.update((x, d) for x, c in list(types) if c in supers for d in supers[c])
    return rounds


def new_triples(
    facts: dict[Term, set[Fact]], known: dict[Term, set[Fact]]
) -> list[tuple[Term, Term, Term]]:
    return [
        (s, p, o)
        for p, pairs in facts.items()
        for s, o in pairs - known.get(p, set())
        if not isinstance(s, ox.Literal)
    ]


def transitive_closure(pairs: set[Fact]) -> set[Fact]:
    """Every (x, z) with a path of one or more steps from x to z.

    Strongly connected components (Tarjan, iterative) in the order that puts a component
    after every component it reaches, so each node's reach is built once from its
    successors' reach instead of by a walk from every node.
    """
    successors: dict[Term, list[Term]] = defaultdict(list)
    for s, o in pairs:
        successors[s].append(o)
    reach: dict[Term, frozenset[Term]] = {}
    index: dict[Term, int] = {}
    low: dict[Term, int] = {}
    stack: list[Term] = []
    on_stack: set[Term] = set()
    for root in list(successors):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            nexts = successors.get(node, ())
            if i < len(nexts):
                work.append((node, i + 1))
                child = nexts[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:  # `node` roots a component: pop it, its reach is known
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                members = set(component)
                found: set[Term] = set()
                cyclic = len(component) > 1
                for member in component:
                    for child in successors.get(member, ()):
                        if child in members:
                            cyclic = True
                        else:
                            found.add(child)
                            found |= reach[child]
                if cyclic:
                    found |= members
                frozen = frozenset(found)
                for member in component:
                    reach[member] = frozen
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return {(start, end) for start in successors for end in reach[start]}
