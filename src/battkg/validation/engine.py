"""A fast SHACL Core engine: the shapes of shapes/ over plain Python indexes of pyoxigraph terms.

pyshacl is the reference, but on 10,000 partner courses (250,000 triples) it
needs about 90 s plus 10 s to copy the triples into rdflib (bench/, and
docs/decisions/0020-validation-engine.md); this engine needs about a second.
It implements the targets (class, implicit class, subjects of, objects of,
node), every SHACL path (paths.py), and the components in `SUPPORTED`:
class, datatype, nodeKind, in, hasValue, pattern (with flags), min/max
inclusive/exclusive, min/max length, min/max count, uniqueLang, languageIn,
equals, disjoint, lessThan, lessThanOrEquals, closed, node, not, and, or, xone,
qualified value shapes. A shape using anything else (SPARQL constraints) is
refused when the shapes are loaded, so a constraint is never silently ignored.
tests/test_w3c_shacl.py runs the W3C SHACL Core tests against it;
tests/test_validation_engine.py compares it with pyshacl on battkg's shapes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import RDF, RDFS, SH
from .data import DataGraph, Term
from .paths import Path, Predicate, compile_path
from .values import (
    compare,
    in_range,
    lang_matches,
    length_ok,
    matches_pattern,
    node_kind_ok,
    well_typed,
)

TYPE = RDF + "type"
__all__ = ["SUPPORTED", "DataGraph", "Result", "Shape", "ShapesGraph", "Term", "validate"]
#: Constraint parameters checked on each value node, one parameter at a time.
VALUE_KEYS = {
    "class", "datatype", "nodeKind", "pattern", "minInclusive", "minExclusive", "maxInclusive",
    "maxExclusive", "minLength", "maxLength", "node", "not", "hasValue",
}  # fmt: skip
#: ... checked on each value node against the whole list.
LIST_KEYS = {"in", "or", "and", "xone", "languageIn"}
#: ... checked on the focus node and all its values together.
FOCUS_KEYS = {
    "minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals", "equals", "disjoint",
    "closed", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
}  # fmt: skip
#: Not constraints, or parameters read with another one (flags with pattern...).
IGNORED = {
    "name", "description", "message", "severity", "property", "path", "targetClass",
    "targetSubjectsOf", "targetObjectsOf", "targetNode", "order", "group", "deactivated", "flags",
    "ignoredProperties", "defaultValue",
}  # fmt: skip
#: Every SHACL Core parameter the engine implements (a shape using another one is refused).
SUPPORTED = VALUE_KEYS | LIST_KEYS | FOCUS_KEYS | IGNORED
TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")  # fmt: skip


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
    path_expr: Path | None = None
    params: dict[str, list[Term]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None
    severity: str = "Violation"
    name: str | None = None
    description: str | None = None
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    target_objects_of: list[str] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    deactivated: bool = False
    flags: str = ""
    ignored: set[str] = field(default_factory=set)
    #: the qualified value shapes of this property shape's siblings (qualifiedValueShapesDisjoint)
    siblings: list[Term] = field(default_factory=list)


class ShapesGraph:
    """Shapes compiled from SHACL triples; refuses constraints the engine does not implement."""

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> None:
        self._out: dict[Term, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self._out[s][p.value].append(o)
        self._compiled: dict[Term, Shape] = {}
        self.shapes = [
            self.shape(node)
            for node, props in list(self._out.items())
            if any(SH + k in props for k in TARGETS) or self._implicit_class(props)
        ]

    @staticmethod
    def _implicit_class(props: dict[str, list[Term]]) -> bool:
        types = {t.value for t in props.get(TYPE, ())}
        return bool(types & {SH + "NodeShape", SH + "PropertyShape"}) and bool(
            types & {RDFS + "Class", "http://www.w3.org/2002/07/owl#Class"}
        )

    def _values(self, node: Term, pred: str) -> list[Term]:
        by_p = self._out.get(node)
        return by_p.get(pred, []) if by_p else []

    def _list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        seen: set[Term] = set()
        while head != ox.NamedNode(RDF + "nil"):
            firsts, rests = self._values(head, RDF + "first"), self._values(head, RDF + "rest")
            if not firsts or not rests or head in seen:
                raise InputError(f"the SHACL list at {head} is not a well-formed RDF list")
            seen.add(head)
            items.append(firsts[0])
            head = rests[0]
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
            if key not in SUPPORTED:
                raise InputError(
                    f"shape {node} uses sh:{key}, which battkg's SHACL engine does not implement",
                    fix="use the SHACL Core components listed in src/battkg/validation/engine.py, "
                    "or validate with engine='pyshacl'",
                )
            if key in LIST_KEYS:
                shape.params[key] = self._list(objects[0])
            elif key in VALUE_KEYS | FOCUS_KEYS:
                shape.params[key] = objects
        values = self._out.get(node, {})
        if SH + "path" in values:
            shape.path_expr = compile_path(values[SH + "path"][0], self._values, self._list, node)
            shape.path = shape.path_expr.text
        shape.properties = [self.shape(p) for p in values.get(SH + "property", [])]
        for prop in shape.properties:
            prop.siblings += [
                q
                for other in shape.properties
                if other is not prop
                for q in other.params.get("qualifiedValueShape", [])
            ]
        shape.message = _text(values.get(SH + "message"))
        shape.name = _text(values.get(SH + "name"))
        shape.description = _text(values.get(SH + "description"))
        severity = values.get(SH + "severity")
        shape.severity = severity[0].value.rsplit("#", 1)[-1] if severity else "Violation"
        shape.deactivated = _text(values.get(SH + "deactivated")) == "true"
        shape.flags = _text(values.get(SH + "flags")) or ""
        for head in values.get(SH + "ignoredProperties", []):
            shape.ignored |= {t.value for t in self._list(head)}
        shape.target_classes = [o.value for o in values.get(SH + "targetClass", [])]
        if self._implicit_class(values) and isinstance(node, ox.NamedNode):
            shape.target_classes.append(node.value)
        shape.target_subjects_of = [o.value for o in values.get(SH + "targetSubjectsOf", [])]
        shape.target_objects_of = [o.value for o in values.get(SH + "targetObjectsOf", [])]
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
        for pred in shape.target_objects_of:
            targets.update(data.objects(pred))
        if focus is not None:
            targets &= focus
        for node in targets:
            results.extend(_check(shape, node, data, shapes))
    return results


def _check(shape: Shape, focus: Term, data: DataGraph, shapes: ShapesGraph) -> Iterator[Result]:
    if shape.deactivated:
        return
    if shape.path_expr is None:
        values: list[Term] = [focus]
    else:
        values = shape.path_expr.values(data, focus)
    yield from _focus_checks(shape, focus, values, data)
    yield from _qualified(shape, focus, values, data, shapes)
    for key, params in shape.params.items():
        if key in FOCUS_KEYS:
            continue
        if key == "hasValue":  # a value that must be there: a result names no value
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
                if not _value_ok(key, param, value, shape, data, shapes):
                    yield _result(shape, focus, value, key, param)
    for prop in shape.properties:
        for value in values:
            yield from _check(prop, value, data, shapes)


def _focus_checks(
    shape: Shape, focus: Term, values: list[Term], data: DataGraph
) -> Iterator[Result]:
    """The constraints on all values of a focus node together (counts, comparisons, closed)."""
    yield from _counts(shape, focus, values)
    yield from _comparisons(shape, focus, values, data)
    if any(v.value == "true" for v in shape.params.get("closed", [])):
        yield from _closed(shape, values, data)


def _counts(shape: Shape, focus: Term, values: list[Term]) -> Iterator[Result]:
    """sh:minCount, sh:maxCount and sh:uniqueLang."""
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


def _comparisons(
    shape: Shape, focus: Term, values: list[Term], data: DataGraph
) -> Iterator[Result]:
    """The property pair constraints: sh:lessThan(OrEquals), sh:equals and sh:disjoint."""
    p = shape.params
    for key, allowed in (("lessThan", (-1,)), ("lessThanOrEquals", (-1, 0))):
        for other in p.get(key, []):
            for value in values:
                for bound in data.values(focus, other.value):
                    if compare(value, bound) not in allowed:
                        yield _result(shape, focus, value, key, other)
    for other in p.get("equals", []):
        theirs = data.values(focus, other.value)
        for value in [v for v in values if v not in theirs] + [
            v for v in theirs if v not in values
        ]:
            yield _result(shape, focus, value, "equals", other)
    for other in p.get("disjoint", []):
        theirs = data.values(focus, other.value)
        for value in values:
            if value in theirs:
                yield _result(shape, focus, value, "disjoint", other)


def _closed(shape: Shape, values: list[Term], data: DataGraph) -> Iterator[Result]:
    """sh:closed: every predicate of a value is one of the shape's properties or ignored."""
    allowed_predicates = shape.ignored | {
        prop.path_expr.iri for prop in shape.properties if isinstance(prop.path_expr, Predicate)
    }
    for value in values:
        for pred, objects in data.out.get(value, {}).items():
            if pred not in allowed_predicates:
                for o in objects:
                    result = _result(shape, value, o, "closed", ox.Literal("true"))
                    result.path = pred
                    yield result


def _qualified(
    shape: Shape, focus: Term, values: list[Term], data: DataGraph, shapes: ShapesGraph
) -> Iterator[Result]:
    """sh:qualifiedValueShape: how many values conform to it (and to no sibling's, if disjoint)."""
    p = shape.params
    disjoint = any(v.value == "true" for v in p.get("qualifiedValueShapesDisjoint", []))
    others = [shapes.shape(s) for s in shape.siblings] if disjoint else []
    for q in p.get("qualifiedValueShape", []):
        qualified = shapes.shape(q)
        count = sum(
            1
            for v in values
            if _conforms(qualified, v, data, shapes)
            and not any(_conforms(o, v, data, shapes) for o in others)
        )
        for n in p.get("qualifiedMinCount", []):
            if count < int(n.value):
                yield _result(shape, focus, None, "qualifiedMinCount", n)
        for n in p.get("qualifiedMaxCount", []):
            if count > int(n.value):
                yield _result(shape, focus, None, "qualifiedMaxCount", n)


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
        return any(lang_matches(lang, p.value) for p in params)
    conforming = [_conforms(shapes.shape(s), value, data, shapes) for s in params]
    if key == "or":
        return any(conforming)
    if key == "xone":
        return conforming.count(True) == 1
    return all(conforming)  # and


def _value_ok(
    key: str, param: Term, value: Term, shape: Shape, data: DataGraph, shapes: ShapesGraph
) -> bool:
    if key == "class":
        return data.is_instance(value, param.value)
    if key == "datatype":
        return isinstance(value, ox.Literal) and well_typed(value, param.value)
    if key == "nodeKind":
        return node_kind_ok(value, param.value)
    if key == "pattern":
        return matches_pattern(value, param.value, shape.flags)
    if key in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
        return in_range(key, value, param)
    if key in ("minLength", "maxLength"):
        return length_ok(key, value, int(param.value))
    if key == "node":
        return _conforms(shapes.shape(param), value, data, shapes)
    if key == "not":
        return not _conforms(shapes.shape(param), value, data, shapes)
    raise AssertionError(key)
