"""A partner file's statements, held compactly: by graph, predicate and subject, each term once.

A list of `ox.Quad` costs about 450 bytes a statement (each quad holds its own
copy of every IRI and literal), which made one validation need 57x its CSV's
size in memory (bench/validation_memory.py). `Statements` keeps one Python
object per distinct term and indexes statements as graph -> predicate ->
subject -> object(s): a predicate's subjects share one dict, a single value is
stored as itself, several as a tuple (or, past `SMALL`, an insertion-ordered
dict, so that adding stays linear for a subject with very many values). The
validation's `DataGraph` reads these indexes directly instead of copying them.

It behaves as the collection of quads it holds (iteration gives `ox.Quad`s,
`len`, `in`, comparison with a list), so code that reads files' quads keeps
working; duplicate statements are held once, as in any RDF graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
Values = Term | tuple[Term, ...] | dict[Term, None]
#: an index: predicate IRI -> subject -> its object, or objects
Index = dict[str, dict[Term, Values]]
DEFAULT = ox.DefaultGraph()
#: values of one subject and predicate kept as a tuple; more go into a dict
SMALL = 8


def value_list(values: Values | None) -> list[Term]:
    """The objects stored for one subject and predicate, as a list."""
    if values is None:
        return []
    if isinstance(values, tuple | dict):
        return list(values)
    return [values]


def add_value(by_subject: dict[Term, Values], s: Term, o: Term) -> bool:
    """Add `o` to the objects of `s`; False if it was there already."""
    old = by_subject.get(s)
    if old is None:
        by_subject[s] = o
    elif isinstance(old, dict):
        if o in old:
            return False
        old[o] = None
    elif isinstance(old, tuple):
        if o in old:
            return False
        by_subject[s] = (*old, o) if len(old) < SMALL else dict.fromkeys((*old, o))
    else:
        if old == o:
            return False
        by_subject[s] = (old, o)
    return True


class Statements:
    """The statements of a file (see the module's docstring)."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple] = ()) -> None:
        self.graphs: dict[Graph, Index] = {}
        self.predicates: dict[str, ox.NamedNode] = {}
        self._names: dict[ox.NamedNode, str] = {}
        self._terms: dict[Term, Term] | None = {}
        self._size = 0
        for q in quads:
            self.add(q.subject, q.predicate, q.object, getattr(q, "graph_name", DEFAULT))  # type: ignore[arg-type]

    def add(self, s: Term, p: ox.NamedNode, o: Term, g: Graph = DEFAULT) -> None:
        terms = self._terms
        if terms is not None:
            s = terms.setdefault(s, s)
            o = terms.setdefault(o, o)
        name = self._names.get(p)
        if name is None:
            name = self._names[p] = p.value
            self.predicates[name] = p
        index = self.graphs.get(g)
        if index is None:
            index = self.graphs[g] = {}
        by_subject = index.get(name)
        if by_subject is None:
            by_subject = index[name] = {}
        if add_value(by_subject, s, o):
            self._size += 1

    def done(self) -> Statements:
        """Reading is over: drop the table that makes terms unique (later terms are kept as they come)."""
        self._terms = None
        return self

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[ox.Quad]:
        for g, index in self.graphs.items():
            for name, by_subject in index.items():
                p = self.predicates[name]
                for s, values in by_subject.items():
                    for o in value_list(values):
                        yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]

    def __contains__(self, quad: object) -> bool:
        if not isinstance(quad, ox.Quad):
            return False
        index = self.graphs.get(quad.graph_name)
        values = index.get(quad.predicate.value, {}).get(quad.subject) if index else None  # type: ignore[arg-type]
        return quad.object in value_list(values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Statements | list):
            return len(other) == len(self) and all(q in self for q in other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def remove_subjects(self, drop: Iterable[Term]) -> list[ox.Quad]:
        """Take out every statement about the subjects in `drop`; returns them."""
        gone = set(drop)
        removed: list[ox.Quad] = []
        for g, index in self.graphs.items():
            for name, by_subject in index.items():
                for s in [s for s in by_subject if s in gone]:
                    for o in value_list(by_subject.pop(s)):
                        removed.append(ox.Quad(s, self.predicates[name], o, g))  # type: ignore[arg-type]
        self._size -= len(removed)
        return removed

    def subjects(self) -> dict[Term, None]:
        """Every subject, in the order first seen (per predicate)."""
        found: dict[Term, None] = {}
        for index in self.graphs.values():
            for by_subject in index.values():
                found.update(dict.fromkeys(by_subject))
        return found


def as_statements(quads: Iterable[ox.Quad] | Statements) -> Statements:
    return quads if isinstance(quads, Statements) else Statements(quads).done()
