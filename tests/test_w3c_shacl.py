"""The W3C SHACL Core tests (../shared/w3c/shacl-core) against battkg's own SHACL engine.

Every test whose shapes use only parameters the engine implements must give the
expected report: the same `conforms` and the same results, compared as
(focus node, result path, value, source shape, constraint component); blank
nodes compare as "a blank node", since the expected report may be in another
file than the shapes. Every other test must be refused when its shapes are
loaded. `python -m tests.test_w3c_shacl` prints the figures.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.errors import InputError
from battkg.namespaces import RDF, RDFS, SH
from battkg.settings import PROJECT_ROOT
from battkg.validation.data import superclass_closure
from battkg.validation.engine import SUPPORTED, DataGraph, ShapesGraph, Term, validate
from battkg.validation.paths import compile_path

SUITE = PROJECT_ROOT.parent / "shared" / "w3c" / "shacl-core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
#: Every parameter of SHACL Core (constraint components, targets, and their options).
CORE_PARAMETERS = {
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
    "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone",
    "node", "property", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint", "closed", "ignoredProperties", "hasValue", "in", "sparql",
    "targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf", "target", "deactivated",
    "severity", "message", "path",
}  # fmt: skip
#: The two kinds of path partner shapes may need: they must be among the supported tests.
MUST_PASS = {"path/path-sequence-001", "path/path-inverse-001"}

Key = tuple[str, str | None, str | None, str, str]


@dataclass
class Case:
    name: str
    file: Path
    data: list[tuple[Term, ox.NamedNode, Term]]
    shapes: list[tuple[Term, ox.NamedNode, Term]]
    conforms: bool
    expected: Counter[Key] = field(default_factory=Counter)

    @property
    def used(self) -> set[str]:
        """The SHACL Core parameters the shapes graph uses."""
        return {p.value[len(SH) :] for _, p, _ in self.shapes if p.value[len(SH) :] in CORE_PARAMETERS
                and p.value.startswith(SH)}  # fmt: skip

    @property
    def supported(self) -> bool:
        return self.used <= SUPPORTED


def _triples(path: Path) -> list[tuple[Term, ox.NamedNode, Term]]:
    quads = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    return [(q.subject, q.predicate, q.object) for q in quads]  # type: ignore[misc]


class Index:
    def __init__(self, triples: list[tuple[Term, ox.NamedNode, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = {}
        for s, p, o in triples:
            self.out.setdefault(s, {}).setdefault(p.value, []).append(o)

    def values(self, node: Term, pred: str) -> list[Term]:
        return self.out.get(node, {}).get(pred, [])

    def one(self, node: Term, pred: str) -> Term | None:
        found = self.values(node, pred)
        return found[0] if found else None

    def as_list(self, head: Term) -> list[Term]:
        items = []
        while head != ox.NamedNode(RDF + "nil"):
            items.append(self.values(head, RDF + "first")[0])
            head = self.values(head, RDF + "rest")[0]
        return items


def _shown(term: Term | None) -> str | None:
    if term is None:
        return None
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def _component(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")


def load_cases() -> list[Case]:
    cases: list[Case] = []
    todo = [SUITE / "manifest.ttl"]
    while todo:
        manifest = todo.pop(0)
        triples = _triples(manifest)
        index = Index(triples)
        for s, p, o in triples:
            if p.value == MF + "include":
                todo.append(Path(o.value.removeprefix("file://")))
            if p.value == RDF + "type" and o.value == SHT + "Validate":
                cases.append(_case(manifest, triples, index, s))
    return cases


def _case(
    file: Path, own: list[tuple[Term, ox.NamedNode, Term]], index: Index, entry: Term
) -> Case:
    action = index.one(entry, MF + "action")
    result = index.one(entry, MF + "result")
    assert action is not None and result is not None
    graphs = {}
    for role in ("dataGraph", "shapesGraph"):
        graph = index.one(action, SHT + role)
        assert graph is not None
        graph_file = Path(graph.value.removeprefix("file://"))
        graphs[role] = None if graph_file == file else _triples(graph_file)
    case = Case(
        f"{file.parent.name}/{entry.value.rsplit('/', 1)[-1]}",
        file,
        graphs["dataGraph"] or own,  # type: ignore[arg-type]
        graphs["shapesGraph"] or own,  # type: ignore[arg-type]
        getattr(index.one(result, SH + "conforms"), "value", "") == "true",
    )
    for r in index.values(result, SH + "result"):
        path = index.one(r, SH + "resultPath")
        text = compile_path(path, index.values, index.as_list, r).text if path else None
        shape, component = (
            index.one(r, SH + "sourceShape"),
            index.one(r, SH + "sourceConstraintComponent"),
        )
        assert shape is not None and component is not None
        key = (_shown(index.one(r, SH + "focusNode")) or "", text, _shown(index.one(r, SH + "value")),
               _shown(shape) or "", _component(component.value))  # fmt: skip
        case.expected[key] += 1
    return case


def _superclasses(triples: list[tuple[Term, ox.NamedNode, Term]]) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p.value == RDFS + "subClassOf":
            direct.setdefault(s.value, set()).add(o.value)
    return superclass_closure(direct)


def run(case: Case) -> tuple[bool, Counter[Key]]:
    """The engine's (conforms, results) for `case`."""
    shapes = ShapesGraph(case.shapes)
    data = DataGraph(case.data)
    data.superclasses = _superclasses(case.data)
    results = validate(data, shapes)
    got: Counter[Key] = Counter(
        (_shown(r.focus) or "", r.path, _shown(r.value), _shown(r.shape) or "",
         r.component[:1].upper() + r.component[1:])
        for r in results
    )  # fmt: skip
    conforms = not any(r.severity == "Violation" for r in results) and not results
    return conforms, got


CASES = load_cases() if SUITE.is_dir() else []


def outcomes() -> dict[str, tuple[str, str]]:
    """test name -> (passed | failed | refused | not refused, why)."""
    found = {}
    for case in CASES:
        try:
            conforms, got = run(case)
        except InputError as exc:
            found[case.name] = ("refused" if not case.supported else "failed", str(exc))
            continue
        if not case.supported:
            found[case.name] = ("not refused", f"uses {sorted(case.used - SUPPORTED)}")
        elif conforms == case.conforms and got == case.expected:
            found[case.name] = ("passed", "")
        else:
            missing, extra = case.expected - got, got - case.expected
            found[case.name] = (
                "failed",
                f"conforms {conforms}; missing {dict(missing)}; extra {dict(extra)}",
            )
    return found


pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason="no W3C SHACL tests in ../shared/w3c")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_shacl_core(case: Case) -> None:
    if not case.supported:
        with pytest.raises(InputError, match="does not implement"):
            ShapesGraph(case.shapes)
        return
    conforms, got = run(case)
    assert (conforms, got) == (case.conforms, case.expected), (
        f"missing {dict(case.expected - got)}; extra {dict(got - case.expected)}"
    )


def test_the_supported_tests_cover_sequence_and_inverse_paths() -> None:
    supported = {c.name for c in CASES if c.supported}
    assert supported >= MUST_PASS, MUST_PASS - supported
    assert len(supported) >= len(CASES) * 3 // 4, f"{len(supported)} of {len(CASES)} supported"


def test_a_component_the_engine_lacks_is_refused_when_the_shapes_load() -> None:
    shape, target = ox.NamedNode("http://example.org/S"), ox.NamedNode("http://example.org/x")
    triples = [
        (shape, ox.NamedNode(SH + "targetNode"), target),
        (shape, ox.NamedNode(SH + "sparql"), ox.BlankNode()),
    ]
    with pytest.raises(InputError, match="sh:sparql"):
        ShapesGraph(triples)


if __name__ == "__main__":
    results = outcomes()
    tally = Counter(status for status, _ in results.values())
    supported = sum(1 for c in CASES if c.supported)
    print(f"W3C SHACL Core: {len(CASES)} tests; {supported} use only supported parameters, "
          f"{tally['passed']} of them pass; {tally['refused']} of {len(CASES) - supported} others "
          "are refused at shape load")  # fmt: skip
    for name, (status, why) in sorted(results.items()):
        if status not in ("passed", "refused") or "-v" in sys.argv:
            print(f"  {status:12} {name} {why[:300]}")
