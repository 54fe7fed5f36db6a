"""A fast SHACL Core engine for the constraint components battkg's shapes use.

pyshacl is the reference, but on 10,000 partner courses (250,000 triples) it
needs about 90 s plus 10 s to copy the triples into rdflib (bench/, and
docs/decisions/0020-validation-engine.md). This engine evaluates the same
shapes over plain Python indexes of pyoxigraph terms in about a second. It
supports targetClass, targetSubjectsOf, targetNode, predicate paths, and the
components class, datatype, nodeKind, in, hasValue, pattern, min/max
inclusive/exclusive, min/max length, minCount, maxCount, uniqueLang,
languageIn, lessThanOrEquals, node, or, not, and; shapes using anything else
are refused when loaded, so a shape can never be silently ignored.
tests/test_validation_engine.py checks its results against pyshacl's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import RDF, RDFS, SH, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal
TYPE = RDF + "type"
NUMERIC = {
    XSD + t
    for t in (
        "decimal",
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "double",
        "float",
        "int",
        "long",
    )
}
LEXICAL = {
    XSD + "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "nonNegativeInteger": re.compile(r"^(\+?\d+|-0+)$"),
    XSD + "boolean": re.compile(r"^(true|false|1|0)$"),
    XSD + "gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d\d:\d\d)?$"),
    XSD + "language": re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$"),
    XSD + "date": re.compile(r"^(\d{4})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?$"),
}
VALUE_KEYS = {"class", "datatype", "nodeKind", "in", "pattern", "minInclusive", "minExclusive",
              "maxInclusive", "maxExclusive", "minLength", "maxLength", "languageIn", "node", "or",
              "not", "and", "hasValue"}  # fmt: skip
LIST_KEYS = {"in", "or", "and", "languageIn"}
COUNT_KEYS = {"minCount", "maxCount", "uniqueLang", "lessThanOrEquals"}
IGNORED = {"name", "description", "message", "severity", "property", "path", "targetClass",
           "targetSubjectsOf", "targetNode", "order", "group", "deactivated", "flags"}  # fmt: skip


@dataclass
class Result:
    """One validation result, as in a SHACL report."""

    focus: Term
    path: str | None
    value: Term | None
    shape: Term
    component: str  # local name, e.g. "minCount"
    param: str  # the constraint's parameter, as text
    message: str | None
    severity: str = "Violation"


@dataclass
class Shape:
    node: Term
    path: str | None = None
    params: dict[str, list[Term]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None
    severity: str = "Violation"
    name: str | None = None
    description: str | None = None
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    deactivated: bool = False


class DataGraph:
    """The data to validate: an index of subject -> predicate -> objects, plus types."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[Term, set[str]] = defaultdict(set)
        self.subjects_of: dict[str, set[Term]] = defaultdict(set)
        for s, p, o in triples:
            values = self.out[s][p.value]
            if o not in values:
                values.append(o)
            self.subjects_of[p.value].add(s)
            if p.value == TYPE and isinstance(o, ox.NamedNode):
                self.types[s].add(o.value)
        self.context_types: dict[Term, set[str]] = {}
        self.superclasses: dict[str, set[str]] = {}

    def values(self, node: Term, path: str) -> list[Term]:
        by_p = self.out.get(node)
        return by_p.get(path, []) if by_p else []

    def is_instance(self, node: Term, cls: str) -> bool:
        for t in self.types.get(node, set()) | self.context_types.get(node, set()):
            if t == cls or cls in self.superclasses.get(t, ()):
                return True
        return False

    def instances(self, cls: str) -> Iterator[Term]:
        for node, types in self.types.items():
            if any(t == cls or cls in self.superclasses.get(t, ()) for t in types):
                yield node


class ShapesGraph:
    """Shapes compiled from SHACL triples; refuses constraints the engine does not implement."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> None:
        self._out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self._out[s][p.value].append(o)
        self._compiled: dict[Term, Shape] = {}
        self.shapes = [
            self.shape(node)
            for node, props in self._out.items()
            if any(
                k in props for k in (SH + "targetClass", SH + "targetSubjectsOf", SH + "targetNode")
            )
        ]

    def _list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        while head != ox.NamedNode(RDF + "nil"):
            firsts = self._out.get(head, {}).get(RDF + "first")
            if not firsts:
                raise InputError(f"the SHACL list at {head} is not a well-formed RDF list")
            items.append(firsts[0])
            head = self._out[head][RDF + "rest"][0]
        return items

    def shape(self, node: Term) -> Shape:
        if node in self._compiled:
            return self._compiled[node]
        shape = Shape(node)
        self._compiled[node] = shape
        for pred, objects in self._out.get(node, {}).items():
            if not pred.startswith(SH):
                continue
            key = pred[len(SH) :]
            if key not in VALUE_KEYS | COUNT_KEYS | IGNORED:
                raise InputError(
                    f"shape {node} uses sh:{key}, which battkg's SHACL engine does not implement",
                    fix="use the SHACL Core components listed in src/battkg/validation/engine.py, "
                    "or validate with engine='pyshacl'",
                )
            if key in LIST_KEYS:
                shape.params[key] = self._list(objects[0])
            elif key in VALUE_KEYS | COUNT_KEYS:
                shape.params[key] = objects
        values = self._out.get(node, {})
        if SH + "path" in values:
            path = values[SH + "path"][0]
            if not isinstance(path, ox.NamedNode):
                raise InputError(
                    f"shape {node} has a complex sh:path; only predicate paths are supported"
                )
            shape.path = path.value
        shape.properties = [self.shape(p) for p in values.get(SH + "property", [])]
        shape.message = _text(values.get(SH + "message"))
        shape.name = _text(values.get(SH + "name"))
        shape.description = _text(values.get(SH + "description"))
        severity = values.get(SH + "severity")
        shape.severity = severity[0].value.rsplit("#", 1)[-1] if severity else "Violation"
        shape.deactivated = _text(values.get(SH + "deactivated")) == "true"
        shape.target_classes = [o.value for o in values.get(SH + "targetClass", [])]
        shape.target_subjects_of = [o.value for o in values.get(SH + "targetSubjectsOf", [])]
        shape.target_nodes = list(values.get(SH + "targetNode", []))
        return shape

    def get(self, node: Term) -> Shape | None:
        """The compiled shape `node`, if it is one."""
        return self._compiled.get(node)

    def label(self, node: Term) -> str | None:
        return _text(self._out.get(node, {}).get(RDFS + "label"))


def _text(objects: list[Term] | None) -> str | None:
    return objects[0].value if objects else None


def validate(data: DataGraph, shapes: ShapesGraph, focus: set[Term] | None = None) -> list[Result]:
    """Every result of every targeted shape (only nodes in `focus` when given)."""
    results: list[Result] = []
    for shape in shapes.shapes:
        if shape.deactivated:
            continue
        targets: set[Term] = set(shape.target_nodes)
        for cls in shape.target_classes:
            targets.update(data.instances(cls))
        for pred in shape.target_subjects_of:
            targets.update(data.subjects_of.get(pred, ()))
        if focus is not None:
            targets &= focus
        for node in targets:
            results.extend(_check(shape, node, data, shapes))
    return results


def _check(shape: Shape, focus: Term, data: DataGraph, shapes: ShapesGraph) -> Iterator[Result]:
    if shape.deactivated:
        return
    if shape.path is None:
        values: list[Term] = [focus]
    else:
        values = data.values(focus, shape.path)
        yield from _counts(shape, focus, values, data)
    for key, params in shape.params.items():
        if key in COUNT_KEYS:
            continue
        if key == "hasValue" and shape.path is not None:
            for param in params:
                if param not in values:
                    yield _result(shape, focus, None, key, param)
            continue
        for value in values:
            if key in LIST_KEYS:
                if not _list_ok(key, params, value, data, shapes):
                    yield _result(shape, focus, value, key, params)
                continue
            for param in params:
                if not _value_ok(key, param, value, data, shapes):
                    yield _result(shape, focus, value, key, param)
    for prop in shape.properties:
        for value in values:
            yield from _check(prop, value, data, shapes)


def _counts(shape: Shape, focus: Term, values: list[Term], data: DataGraph) -> Iterator[Result]:
    p = shape.params
    for n in p.get("minCount", []):
        if len(values) < int(n.value):
            yield _result(shape, focus, None, "minCount", n)
    for n in p.get("maxCount", []):
        if len(values) > int(n.value):
            yield _result(shape, focus, None, "maxCount", n)
    if any(v.value == "true" for v in p.get("uniqueLang", [])):
        langs = [v.language for v in values if isinstance(v, ox.Literal) and v.language]
        for lang in sorted({x for x in langs if langs.count(x) > 1}):
            yield _result(shape, focus, None, "uniqueLang", ox.Literal(lang))
    for other in p.get("lessThanOrEquals", []):
        for value in values:
            for bound in data.values(focus, other.value):
                if not _compare(value, bound, lambda a, b: a <= b):
                    yield _result(shape, focus, value, "lessThanOrEquals", other)


def _result(
    shape: Shape, focus: Term, value: Term | None, key: str, param: Term | list[Term]
) -> Result:
    text = " ".join(_show(t) for t in param) if isinstance(param, list) else _show(param)
    return Result(focus, shape.path, value, shape.node, key, text, shape.message, shape.severity)


def _show(term: Term) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def _conforms(shape: Shape, node: Term, data: DataGraph, shapes: ShapesGraph) -> bool:
    return next(_check(shape, node, data, shapes), None) is None


def _list_ok(
    key: str, params: list[Term], value: Term, data: DataGraph, shapes: ShapesGraph
) -> bool:
    if key == "in":
        return value in params
    if key == "languageIn":
        lang = (value.language or "") if isinstance(value, ox.Literal) else ""
        return any(lang.lower().split("-")[0] == p.value.lower() for p in params)
    members = [shapes.shape(s) for s in params]
    if key == "or":
        return any(_conforms(s, value, data, shapes) for s in members)
    return all(_conforms(s, value, data, shapes) for s in members)  # and


def _value_ok(key: str, param: Term, value: Term, data: DataGraph, shapes: ShapesGraph) -> bool:
    if key == "class":
        return data.is_instance(value, param.value)
    if key == "datatype":
        return isinstance(value, ox.Literal) and _well_typed(value, param.value)
    if key == "nodeKind":
        kind = param.value.rsplit("#", 1)[-1]
        kinds = {ox.NamedNode: "IRI", ox.BlankNode: "BlankNode", ox.Literal: "Literal"}
        return kinds[type(value)] in kind
    if key == "pattern":
        return (
            not isinstance(value, ox.BlankNode) and re.search(param.value, value.value) is not None
        )
    if key in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
        ops = {
            "minInclusive": lambda a, b: a >= b,
            "minExclusive": lambda a, b: a > b,
            "maxInclusive": lambda a, b: a <= b,
            "maxExclusive": lambda a, b: a < b,
        }
        return _compare(value, param, ops[key])
    if key in ("minLength", "maxLength"):
        if isinstance(value, ox.BlankNode):
            return False
        size = len(value.value)
        return size >= int(param.value) if key == "minLength" else size <= int(param.value)
    if key == "node":
        return _conforms(shapes.shape(param), value, data, shapes)
    if key == "not":
        return not _conforms(shapes.shape(param), value, data, shapes)
    if key == "hasValue":
        return value == param
    raise AssertionError(key)


def _well_typed(literal: ox.Literal, datatype: str) -> bool:
    if datatype == RDF + "langString":
        return bool(literal.language)
    if literal.datatype.value != datatype:
        return False
    pattern = LEXICAL.get(datatype)
    if pattern is None:
        return True
    match = pattern.match(literal.value)
    if match is None:
        return False
    if datatype == XSD + "date":
        try:
            date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return False
    return True


def _number(term: Term) -> Decimal | None:
    if not isinstance(term, ox.Literal) or term.datatype.value not in NUMERIC:
        return None
    if not _well_typed(term, term.datatype.value):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _compare(value: Term, bound: Term, op: object) -> bool:
    a, b = _number(value), _number(bound)
    if a is None or b is None:
        return False
    return bool(op(a, b))  # type: ignore[operator]
