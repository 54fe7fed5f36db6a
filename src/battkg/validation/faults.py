"""Faults found in the files themselves, and engine results explained as faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ..ingest import Fault, PartnerFile
from ..ingest.statements import value_list
from ..namespaces import OWL, PREFIXES, RDF, RDFS, SH, Iris, shorten
from .engine import DataGraph, Result, ShapesGraph, Term
from .text import fault_text, shown

TYPE = ox.NamedNode(RDF + "type")


def home_files(files: list[PartnerFile], faults: list[Fault]) -> dict[Term, PartnerFile]:
    """The file each subject is described in; a typed thing described in two files is a fault."""
    home: dict[Term, PartnerFile] = {}
    defined: dict[Term, PartnerFile] = {}
    for pf in files:
        typed = {
            s for index in pf.quads.graphs.values() for s in index.get(TYPE.value, {}) if _plain(s)
        }
        for subject in pf.quads.subjects():
            if _plain(subject):
                home.setdefault(subject, pf)
        for subject in typed:
            first = defined.setdefault(subject, pf)
            if first is not pf:
                faults.append(duplicate(pf, subject, f"also defined in {first.name}", first.name))
    return home


def _plain(term: object) -> bool:
    return isinstance(term, ox.NamedNode | ox.BlankNode)


def duplicate(pf: PartnerFile, subject: Term, where: str, other: str) -> Fault:
    return Fault(
        pf.locate(subject.value, None),
        f"the identifier {short_iri(subject.value)} is {where}",
        f"give it another id, or describe it in one place only ({other})",
        "unique identifiers",
        value=subject.value,
        focus=subject.value,
    )


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


def schema_axioms(files: list[PartnerFile]) -> list[Fault]:
    """Partner files carry instance data: a schema axiom would change what everyone's data means."""
    faults = []
    for pf in files:
        for q in _axiom_candidates(pf):
            p, o = q.predicate.value, q.object
            if p in _SCHEMA_PREDICATES or (
                p == RDF + "type" and getattr(o, "value", None) in _SCHEMA_TYPES
            ):
                faults.append(
                    Fault(
                        pf.locate(getattr(q.subject, "value", str(q.subject)), p),
                        f"a schema axiom ({short_iri(p)} {short_iri(getattr(o, 'value', str(o)))}) in partner data",
                        "remove it: partner files describe courses, providers, roles and demand; "
                        "propose changes to the ontology to the battkg maintainers instead",
                        "instance data only",
                        value=getattr(o, "value", str(o)),
                        focus=getattr(q.subject, "value", str(q.subject)),
                        path=p,
                    )
                )
    return faults


def _axiom_candidates(pf: PartnerFile) -> Iterator[ox.Quad]:
    """The file's statements whose predicate may make them a schema axiom (rdf:type included)."""
    for g, index in pf.quads.graphs.items():
        for name, by_subject in index.items():
            if name in _SCHEMA_PREDICATES or name == TYPE.value:
                p = pf.quads.predicates[name]
                for s, values in by_subject.items():
                    for o in value_list(values):
                        yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]


def explain(
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
        named = short_iri(r.shape.value) if isinstance(r.shape, ox.NamedNode) else "shape"
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
    param = " ".join(short_iri(p) if p.startswith("http") else p for p in r.param.split())
    return f"sh:{r.component} {param}".rstrip()


def fault_order(f: Fault) -> tuple[Any, ...]:
    loc = f.location
    return (loc.file, loc.row or 0, loc.line or 0, loc.column or "", f.path or "")


_WORDING_PREFIXES = {**PREFIXES, "shape": "https://w3id.org/battkg/shapes/", "sh": SH}


def short_iri(iri: str) -> str:
    return shorten(iri, _WORDING_PREFIXES)
