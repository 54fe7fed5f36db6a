"""The data a validation runs over: the files' statements indexed by predicate and subject.

The index is the files' own (ingest/statements.py): with one file of one graph
the validation reads it as it is, with several they are merged into one index
of the same terms. `out` and `types` are views over it, computed per node, so
that a validation holds no second copy of the data (issue 14: its memory stays
within a small multiple of the input).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pyoxigraph as ox

from ..ingest.statements import Index, Statements, Term, add_value, value_list
from ..namespaces import RDF

__all__ = ["DataGraph", "Term"]
TYPE = RDF + "type"


class _Out:
    """subject -> predicate -> objects, as a read-only mapping computed from the index."""

    def __init__(self, index: Index, subjects: dict[Term, None]) -> None:
        self._index = index
        self._subjects = subjects

    def get(self, node: Term, default: object = None) -> dict[str, list[Term]]:
        found = {p: value_list(by_s[node]) for p, by_s in self._index.items() if node in by_s}
        return found if found or default is None else default  # type: ignore[return-value]

    def __contains__(self, node: object) -> bool:
        return node in self._subjects

    def __len__(self) -> int:
        return len(self._subjects)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._subjects)

    def items(self) -> Iterator[tuple[Term, dict[str, list[Term]]]]:
        for s in self._subjects:
            yield s, self.get(s)

    def values(self) -> Iterator[dict[str, list[Term]]]:
        for s in self._subjects:
            yield self.get(s)


class _Types:
    """subject -> the IRIs of its rdf:type classes, computed from the index."""

    def __init__(self, by_subject: dict[Term, object]) -> None:
        self._by_subject = by_subject
        self._names: dict[Term, str] = {}

    def get(self, node: Term, default: object = None) -> set[str]:
        values = self._by_subject.get(node)
        if values is None:
            return default  # type: ignore[return-value]
        found = set()
        for o in value_list(values):  # type: ignore[arg-type]
            if isinstance(o, ox.NamedNode):
                name = self._names.get(o)
                if name is None:
                    name = self._names[o] = o.value
                found.add(name)
        return found

    def __contains__(self, node: object) -> bool:
        return bool(self.get(node))  # type: ignore[arg-type]

    def items(self) -> Iterator[tuple[Term, set[str]]]:
        for node in self._by_subject:
            types = self.get(node)
            if types:
                yield node, types


class _SubjectsOf:
    def __init__(self, index: Index) -> None:
        self._index = index

    def get(self, path: str, default: Iterable[Term] = ()) -> Iterable[Term]:
        by_subject = self._index.get(path)
        return by_subject.keys() if by_subject is not None else default


class DataGraph:
    """The data to validate: an index of predicate -> subject -> objects, with views by subject."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]] = ()) -> None:
        own = Statements()
        for s, p, o in triples:
            own.add(s, p, o)
        self._setup(_merged([own.done()]))

    @classmethod
    def of(cls, files: Iterable[Statements]) -> DataGraph:
        """The data of several files' statements (all their graphs together)."""
        graph = cls.__new__(cls)
        graph._setup(_merged(list(files)))
        return graph

    def _setup(self, index: Index) -> None:
        self.index = index
        subjects: dict[Term, None] = {}
        for by_subject in index.values():
            subjects.update(dict.fromkeys(by_subject))
        self.out = _Out(index, subjects)
        self.types = _Types(index.get(TYPE, {}))  # type: ignore[arg-type]
        self.subjects_of = _SubjectsOf(index)
        self.context_types: dict[Term, set[str]] = {}
        self.superclasses: dict[str, set[str]] = {}
        self._into: dict[Term, dict[str, list[Term]]] | None = None

    def values(self, node: Term, path: str) -> list[Term]:
        by_subject = self.index.get(path)
        return value_list(by_subject.get(node)) if by_subject else []

    def subjects(self, node: Term, path: str) -> list[Term]:
        """The subjects of `path` triples whose object is `node` (an inverse path's values)."""
        if self._into is None:
            into: dict[Term, dict[str, list[Term]]] = {}
            for p, by_subject in self.index.items():
                for s, values in by_subject.items():
                    for o in value_list(values):
                        into.setdefault(o, {}).setdefault(p, []).append(s)
            self._into = into
        found = self._into.get(node)
        return found.get(path, []) if found else []

    def objects(self, path: str) -> set[Term]:
        by_subject = self.index.get(path, {})
        return {o for values in by_subject.values() for o in value_list(values)}

    def nodes(self) -> list[Term]:
        """Every subject and object of the data."""
        found = dict.fromkeys(self.out)
        for by_subject in self.index.values():
            for values in by_subject.values():
                found.update(dict.fromkeys(value_list(values)))
        return list(found)

    def is_instance(self, node: Term, cls: str) -> bool:
        for t in (self.types.get(node) or set()) | self.context_types.get(node, set()):
            if t == cls or cls in self.superclasses.get(t, ()):
                return True
        return False

    def instances(self, cls: str) -> Iterator[Term]:
        for node, types in self.types.items():
            if any(t == cls or cls in self.superclasses.get(t, ()) for t in types):
                yield node


def _merged(files: list[Statements]) -> Index:
    """One index of every graph of `files`: the file's own when there is only one."""
    indexes = [index for st in files for index in st.graphs.values()]
    if len(indexes) == 1:
        return indexes[0]
    merged: Index = {}
    for index in indexes:
        for p, by_subject in index.items():
            target = merged.setdefault(p, {})
            for s, values in by_subject.items():
                for o in value_list(values):
                    add_value(target, s, o)
    return merged


def superclass_closure(direct: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """class -> every class above it, from class -> its direct superclasses."""
    closed: dict[str, set[str]] = {}
    for cls in direct:
        seen: set[str] = set()
        todo = list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        closed[cls] = seen
    return closed
