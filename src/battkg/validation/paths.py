"""SHACL property paths: predicate, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one.

`compile_path` turns the RDF form of a path (SHACL 2.3.1) into a `Path`;
`Path.values(data, node)` follows it from a focus node; `Path.text` is how a
result names it: the predicate's IRI for a predicate path (what the fault
wording and the CSV column mapping expect), SPARQL property-path syntax for
the others (`^<p>`, `<a>/<b>`, `<a>|<b>`, `<p>*`...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import SH

if TYPE_CHECKING:
    from .engine import DataGraph, Term


class Path(Protocol):
    @property
    def text(self) -> str: ...

    def values(self, data: DataGraph, node: Term) -> list[Term]: ...


def _unique(items: Iterable[Term]) -> list[Term]:
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class Predicate:
    iri: str

    @property
    def text(self) -> str:
        return self.iri

    def values(self, data: DataGraph, node: Term) -> list[Term]:
        return data.values(node, self.iri)


@dataclass(frozen=True)
class Inverse:
    path: Path

    @property
    def text(self) -> str:
        return f"^{_wrapped(self.path)}"

    def values(self, data: DataGraph, node: Term) -> list[Term]:
        if isinstance(self.path, Predicate):
            return data.subjects(node, self.path.iri)
        # ^(complex): every node from which the inner path reaches `node`
        return [n for n in data.nodes() if node in self.path.values(data, n)]


@dataclass(frozen=True)
class Sequence:
    steps: tuple[Path, ...]

    @property
    def text(self) -> str:
        return "(" + "/".join(_wrapped(s) for s in self.steps) + ")"

    def values(self, data: DataGraph, node: Term) -> list[Term]:
        current = [node]
        for step in self.steps:
            current = _unique(v for n in current for v in step.values(data, n))
        return current


@dataclass(frozen=True)
class Alternative:
    options: tuple[Path, ...]

    @property
    def text(self) -> str:
        return "(" + "|".join(_wrapped(s) for s in self.options) + ")"

    def values(self, data: DataGraph, node: Term) -> list[Term]:
        return _unique(v for option in self.options for v in option.values(data, node))


@dataclass(frozen=True)
class Repeat:
    path: Path
    least: int  # 0 or 1
    most_one: bool  # zero-or-one: at most one step

    @property
    def text(self) -> str:
        mark = "?" if self.most_one else ("*" if self.least == 0 else "+")
        return f"{_wrapped(self.path)}{mark}"

    def values(self, data: DataGraph, node: Term) -> list[Term]:
        found: list[Term] = [node] if self.least == 0 else []
        seen = set(found)
        frontier = [node]
        while frontier:
            step = _unique(v for n in frontier for v in self.path.values(data, n))
            frontier = [v for v in step if v not in seen]
            seen.update(frontier)
            found.extend(frontier)
            if self.most_one:
                break
        return found


def _wrapped(path: Path) -> str:
    return f"<{path.text}>" if isinstance(path, Predicate) else path.text


def compile_path(
    node: Term,
    values: Callable[[Term, str], list[Term]],
    as_list: Callable[[Term], list[Term]],
    shape: Term,
) -> Path:
    """The path whose RDF form starts at `node` (values(n, p) reads the shapes graph)."""
    if isinstance(node, ox.NamedNode):
        return Predicate(node.value)
    if isinstance(node, ox.Literal):
        raise InputError(f"shape {shape} has a literal as sh:path", fix="give an IRI or a path")
    if values(node, "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"):
        steps = tuple(compile_path(n, values, as_list, shape) for n in as_list(node))
        if len(steps) < 2:
            raise InputError(f"shape {shape} has a sequence path of fewer than two steps")
        return Sequence(steps)
    for key, make in (
        ("inversePath", lambda p: Inverse(p)),
        ("zeroOrMorePath", lambda p: Repeat(p, 0, False)),
        ("oneOrMorePath", lambda p: Repeat(p, 1, False)),
        ("zeroOrOnePath", lambda p: Repeat(p, 0, True)),
    ):
        inner = values(node, SH + key)
        if inner:
            return make(compile_path(inner[0], values, as_list, shape))
    options = values(node, SH + "alternativePath")
    if options:
        choices = tuple(compile_path(n, values, as_list, shape) for n in as_list(options[0]))
        if len(choices) < 2:
            raise InputError(f"shape {shape} has an alternative path of fewer than two options")
        return Alternative(choices)
    raise InputError(
        f"shape {shape} has a sh:path that is not a SHACL path",
        fix="use an IRI, a list (sequence), sh:inversePath, sh:alternativePath, "
        "sh:zeroOrMorePath, sh:oneOrMorePath or sh:zeroOrOnePath",
    )
