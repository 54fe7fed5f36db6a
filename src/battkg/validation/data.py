"""The data a validation runs over: indexes of pyoxigraph terms by subject, predicate and type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from ..namespaces import RDF

Term = ox.NamedNode | ox.BlankNode | ox.Literal
TYPE = RDF + "type"


class DataGraph:
    """The data to validate: an index of subject -> predicate -> objects, plus types."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[Term, set[str]] = defaultdict(set)
        self.subjects_of: dict[str, set[Term]] = defaultdict(set)
        # one object per distinct term and predicate: a file repeats its IRIs on every row,
        # and each access to a pyoxigraph quad's term makes a new Python object
        terms: dict[Term, Term] = {}
        names: dict[ox.NamedNode, str] = {}
        for s_, p, o_ in triples:
            s = terms.setdefault(s_, s_)
            o = terms.setdefault(o_, o_)
            path = names.get(p)
            if path is None:
                path = names[p] = p.value
            values = self.out[s][path]
            if o not in values:
                values.append(o)
            self.subjects_of[path].add(s)
            if path == TYPE and isinstance(o, ox.NamedNode):
                self.types[s].add(o.value)
        self.context_types: dict[Term, set[str]] = {}
        self.superclasses: dict[str, set[str]] = {}
        self._into: dict[Term, dict[str, list[Term]]] | None = None

    def values(self, node: Term, path: str) -> list[Term]:
        by_p = self.out.get(node)
        return by_p.get(path, []) if by_p else []

    def subjects(self, node: Term, path: str) -> list[Term]:
        """The subjects of `path` triples whose object is `node` (an inverse path's values)."""
        if self._into is None:
            into: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
            for s, by_p in self.out.items():
                for p, objects in by_p.items():
                    for o in objects:
                        into[o][p].append(s)
            self._into = into
        found = self._into.get(node)
        return found.get(path, []) if found else []

    def objects(self, path: str) -> set[Term]:
        return {o for s in self.subjects_of.get(path, ()) for o in self.out[s][path]}

    def nodes(self) -> list[Term]:
        """Every subject and object of the data."""
        found = dict.fromkeys(self.out)
        for by_p in self.out.values():
            for objects in by_p.values():
                found.update(dict.fromkeys(objects))
        return list(found)

    def is_instance(self, node: Term, cls: str) -> bool:
        for t in self.types.get(node, set()) | self.context_types.get(node, set()):
            if t == cls or cls in self.superclasses.get(t, ()):
                return True
        return False

    def instances(self, cls: str) -> Iterator[Term]:
        for node, types in self.types.items():
            if any(t == cls or cls in self.superclasses.get(t, ()) for t in types):
                yield node
