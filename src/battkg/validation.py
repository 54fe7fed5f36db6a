"""Validate partner files against shapes/ and the store, and explain every fault.

`validate_files(kg, files)` checks all files at once and returns a
`ValidationReport` (a result, never an exception, for bad data): every fault
names the file, the CSV row and column or the RDF line and property, the value,
the rule broken and how to fix it. References (provider, skill, qualification,
region...) resolve against the files themselves plus what the store holds;
only the types of the IRIs the files mention are read from the store.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from .build import parse_file
from .ingest import Fault, PartnerFile
from .kg import KnowledgeGraph
from .namespaces import BKG, OWL, PREFIXES, RDF, RDFS, SH, Iris
from .shacl import DataGraph, Result, ShapesGraph, Term, validate
from .validation_text import fault_text, report_text, shown

ESCO = "http://data.europa.eu/esco/"
ESCO_FORMS = {"skill": "http://data.europa.eu/esco/model#Skill",
              "occupation": "http://data.europa.eu/esco/model#Occupation",
              "isco": "http://www.w3.org/2004/02/skos/core#Concept"}  # fmt: skip
TYPE = ox.NamedNode(RDF + "type")
ENGINES = ("fast", "pyshacl")
T = TypeVar("T")


@dataclass
class FileSummary:
    name: str
    format: str
    sha256: str
    size: int
    triples: int
    readable: bool


@dataclass
class ValidationReport:
    files: list[FileSummary]
    faults: list[Fault]
    notices: list[str] = field(default_factory=list)
    things: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return self.readable and not any(f.severity == "violation" for f in self.faults)

    @property
    def readable(self) -> bool:
        return all(f.readable for f in self.files)

    @property
    def verdict(self) -> str:
        if self.conforms:
            return "conforms"
        return "does not conform" if self.readable else "cannot be read"

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "readable": self.readable,
            "faults": [f.to_dict() for f in self.faults],
            "fault_count": len(self.faults),
            "files": [vars(f) for f in self.files],
            "things": self.things,
            "notices": self.notices,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def to_text(self, limit: int | None = None) -> str:
        return report_text(self, limit)


_SHAPES: dict[tuple[Any, ...], ShapesGraph] = {}


def load_shapes(shapes_dir: Path, iris: Iris) -> ShapesGraph:
    """shapes/*.ttl, moved onto the configured base IRI; compiled again only when a file changes."""
    paths = sorted(shapes_dir.glob("*.ttl"))
    key = (iris.base, *((str(p), p.stat().st_mtime_ns) for p in paths))
    if key not in _SHAPES:
        graph = ox.NamedNode(iris.graph("shapes"))
        triples = [
            (q.subject, q.predicate, q.object) for p in paths for q in parse_file(p, graph, iris)
        ]
        _SHAPES.clear()
        _SHAPES[key] = ShapesGraph(triples)  # type: ignore[arg-type]
    return _SHAPES[key]


def _cached(kg: KnowledgeGraph, key: str, factory: Callable[[], T]) -> T:
    return kg.derived(key, factory) if kg.store.exists() else factory()


def _context_store(kg: KnowledgeGraph) -> tuple[ox.Store, list[str]]:
    """The store to resolve references against; without a built store, ontology/ and data/."""
    if kg.store.exists():
        return kg.reader(), []
    store = ox.Store()
    for folder, graph in (
        (kg.settings.ontology_dir, kg.iris.ontology_graph),
        (kg.settings.data_dir, kg.iris.data_graph),
    ):
        for path in sorted(folder.rglob("*.ttl")):
            store.extend(parse_file(path, ox.NamedNode(graph(path.stem)), kg.iris))
    return store, [
        f"no built store at {kg.settings.store}: references resolved against ontology/ and data/"
    ]


def _superclasses(store: ox.Store) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            direct[q.subject.value].add(q.object.value)
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


def _defined_terms(store: ox.Store, iris: Iris) -> set[str]:
    """The bkg: terms the ontology graphs define."""
    ontology = iris.ontology_graph("")
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(ontology)
    ]
    return {
        q.subject.value
        for g in graphs
        for q in store.quads_for_pattern(None, TYPE, None, g)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BKG)
    }


def validate_files(
    kg: KnowledgeGraph,
    files: list[PartnerFile],
    *,
    replacing: frozenset[str] = frozenset(),
    engine: str = "fast",
) -> ValidationReport:
    """Validate partner files together; `replacing` are graphs a load would replace (not duplicates)."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    faults = [f for pf in files for f in pf.faults]
    summaries = [
        FileSummary(f.name, f.format, f.sha256, f.size, len(f.quads), f.readable) for f in files
    ]
    readable = [f for f in files if f.readable]
    shapes = load_shapes(kg.settings.shapes_dir, kg.iris)
    store, notices = _context_store(kg)
    data = DataGraph((q.subject, q.predicate, q.object) for f in readable for q in f.quads)  # type: ignore[misc]
    seconds["index"] = time.perf_counter() - started

    t0 = time.perf_counter()
    home = _home_files(readable, faults)
    faults += _store_duplicates(kg, store, data, home, replacing)
    faults += _unknown_terms(kg, store, data, home)
    faults += _schema_axioms(readable)
    notices += _add_context(kg, store, data)
    seconds["context"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    focus = set(home)
    if engine == "pyshacl":
        from .validation_pyshacl import run_pyshacl  # slow import, rarely used

        results = run_pyshacl(data, kg.settings.shapes_dir, kg.iris, focus)
    elif engine == "fast":
        results = validate(data, shapes, focus)
    else:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    seconds["shacl"] = time.perf_counter() - t0
    faults += _explain(results, home, shapes, kg.iris, data)
    faults.sort(key=_order)
    seconds["total"] = time.perf_counter() - started
    things = sum(1 for node in home if data.types.get(node))
    return ValidationReport(summaries, faults, notices, things, seconds)


def _home_files(files: list[PartnerFile], faults: list[Fault]) -> dict[Term, PartnerFile]:
    """The file each subject is described in; a typed thing described in two files is a fault."""
    home: dict[Term, PartnerFile] = {}
    defined: dict[Term, PartnerFile] = {}
    for pf in files:
        typed = {q.subject for q in pf.quads if q.predicate == TYPE and _plain(q.subject)}
        for q in pf.quads:
            if _plain(q.subject):
                home.setdefault(q.subject, pf)  # type: ignore[arg-type]
        for subject in typed:
            first = defined.setdefault(subject, pf)  # type: ignore[arg-type]
            if first is not pf:
                faults.append(_duplicate(pf, subject, f"also defined in {first.name}", first.name))  # type: ignore[arg-type]
    return home


def _plain(term: object) -> bool:
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def _duplicate(pf: PartnerFile, subject: Term, where: str, other: str) -> Fault:
    return Fault(
        pf.locate(subject.value, None),
        f"the identifier {_short(subject.value)} is {where}",
        f"give it another id, or describe it in one place only ({other})",
        "unique identifiers",
        value=subject.value,
        focus=subject.value,
    )


def _store_duplicates(
    kg: KnowledgeGraph,
    store: ox.Store,
    data: DataGraph,
    home: dict[Term, PartnerFile],
    replacing: frozenset[str],
) -> list[Fault]:
    skip = {kg.iris.inferred_graph, kg.iris.datasets_inferred_graph, kg.iris.meta_graph, *replacing}
    faults = []
    for subject in data.types:
        for q in store.quads_for_pattern(subject, TYPE, None, None):  # type: ignore[arg-type]
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            if graph not in skip:
                faults.append(
                    _duplicate(
                        home[subject], subject, f"already used in battkg (graph {graph})", graph
                    )
                )
                break
    return faults


_SCHEMA_PREDICATES = {
    RDFS + name for name in ("subClassOf", "subPropertyOf", "domain", "range")
} | {
    OWL + name
    for name in (
        "inverseOf",
        "equivalentClass",
        "equivalentProperty",
        "sameAs",
        "propertyChainAxiom",
    )
}
_SCHEMA_TYPES = {
    OWL + name
    for name in (
        "Class",
        "ObjectProperty",
        "DatatypeProperty",
        "TransitiveProperty",
        "SymmetricProperty",
    )
}


def _schema_axioms(files: list[PartnerFile]) -> list[Fault]:
    """Partner files carry instance data: a schema axiom would change what everyone's data means."""
    faults = []
    for pf in files:
        for q in pf.quads:
            p, o = q.predicate.value, q.object
            if p in _SCHEMA_PREDICATES or (
                p == RDF + "type" and getattr(o, "value", None) in _SCHEMA_TYPES
            ):
                faults.append(
                    Fault(
                        pf.locate(getattr(q.subject, "value", str(q.subject)), p),
                        f"a schema axiom ({_short(p)} {_short(getattr(o, 'value', str(o)))}) in partner data",
                        "remove it: partner files describe courses, providers, roles and demand; "
                        "propose changes to the ontology to the battkg maintainers instead",
                        "instance data only",
                        value=getattr(o, "value", str(o)),
                        focus=getattr(q.subject, "value", str(q.subject)),
                        path=p,
                    )
                )
    return faults


def _unknown_terms(
    kg: KnowledgeGraph, store: ox.Store, data: DataGraph, home: dict[Term, PartnerFile]
) -> list[Fault]:
    known = _cached(kg, "validation:terms", lambda: _defined_terms(store, kg.iris))
    faults = []
    for subject, by_p in data.out.items():
        for term in [p for p in by_p if p.startswith(BKG)] + [
            t for t in data.types.get(subject, ()) if t.startswith(BKG)
        ]:
            if term not in known:
                faults.append(
                    Fault(
                        home[subject].locate(subject.value, term),
                        f"bkg:{term[len(BKG) :]} is not a term of the battkg ontology",
                        "correct the spelling (see ontology/battkg.ttl) or use another vocabulary's term",
                        "known ontology terms",
                        value=term,
                        focus=subject.value,
                        path=term,
                    )
                )
    return faults


def _add_context(kg: KnowledgeGraph, store: ox.Store, data: DataGraph) -> list[str]:
    """Give pyshacl/the engine the types, from the store, of every IRI the files refer to."""
    data.superclasses = _cached(kg, "validation:superclasses", lambda: _superclasses(store))
    has_esco = any(
        g.value == kg.iris.esco_graph for g in store.named_graphs() if isinstance(g, ox.NamedNode)
    )
    referenced = {o for by_p in data.out.values() for p, objs in by_p.items() if p != TYPE.value for o in objs
                  if isinstance(o, ox.NamedNode)}  # fmt: skip
    assumed = 0
    for iri in referenced:
        types = {
            q.object.value
            for q in store.quads_for_pattern(iri, TYPE, None, None)
            if isinstance(q.object, ox.NamedNode)
        }
        if not has_esco and iri.value.startswith(ESCO):
            form = ESCO_FORMS.get(iri.value[len(ESCO) :].split("/", 1)[0])
            if form:
                types.add(form)
                assumed += 1
        if types:
            data.context_types[iri] = types
    if assumed:
        return [
            "ESCO is not loaded in this store: ESCO skills, occupations and ISCO groups were checked by the form of their IRIs only"
        ]
    return []


def _explain(
    results: list[Result],
    home: dict[Term, PartnerFile],
    shapes: ShapesGraph,
    iris: Iris,
    data: DataGraph,
) -> list[Fault]:
    merged: dict[tuple[Any, ...], Fault] = {}
    for r in results:
        pf = home.get(r.focus)
        if pf is None or (r.path and r.path in pf.skipped_paths):
            continue
        shape = shapes.get(r.shape)
        location = pf.locate(r.focus.value, r.path)
        csv = pf.format.startswith("csv")
        message, fix = fault_text(r, shape, shapes, data, csv=csv, iris=iris)
        named = _short(r.shape.value) if isinstance(r.shape, ox.NamedNode) else "shape"
        rule = f"{named} {_rule(r)}"
        key = (location, r.path, r.value, r.focus)
        if key in merged:
            merged[key].rule += f"; {_rule(r)}"
            continue
        merged[key] = Fault(
            location,
            message,
            fix,
            rule,
            value=shown(r.value, csv, iris) if r.value is not None else None,
            focus=r.focus.value,
            path=r.path,
            severity=r.severity.lower(),
        )
    return list(merged.values())


def _rule(r: Result) -> str:
    if r.component in ("or", "and"):
        return f"sh:{r.component} ({len(r.param.split())} alternatives)"
    param = " ".join(_short(p) if p.startswith("http") else p for p in r.param.split())
    return f"sh:{r.component} {param}".rstrip()


def _order(f: Fault) -> tuple[Any, ...]:
    loc = f.location
    return (loc.file, loc.row or 0, loc.line or 0, loc.column or "", f.path or "")


def _short(iri: str) -> str:
    for prefix, ns in {**PREFIXES, "shape": "https://w3id.org/battkg/shapes/", "sh": SH}.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
