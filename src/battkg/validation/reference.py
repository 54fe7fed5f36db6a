"""The reference engine: the same validation run by pyshacl, to check the fast engine against.

Slow (docs/decisions/0020-validation-engine.md): for tests and for anyone who
wants pyshacl's verdict (`battkg validate --engine pyshacl`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF

from .._convert import from_rdflib, to_rdflib
from ..ingest.source import parse_file
from ..namespaces import SH, Iris
from .engine import DataGraph, Result, Term


def run_pyshacl(data: DataGraph, shapes_dir: Path, iris: Iris, focus: set[Term]) -> list[Result]:
    import pyshacl

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    graph = rdflib.Graph()
    for s, by_p in data.out.items():
        for p, objects in by_p.items():
            for o in objects:
                graph.add((to_rdflib(s), rdflib.URIRef(p), to_rdflib(o)))
    for node, types in data.context_types.items():
        for t in types:
            graph.add((to_rdflib(node), RDF.type, rdflib.URIRef(t)))
    for cls, supers in data.superclasses.items():
        for sup in supers:
            graph.add((rdflib.URIRef(cls), rdflib.RDFS.subClassOf, rdflib.URIRef(sup)))
    shapes = rdflib.Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        for q in parse_file(path, ox.NamedNode(iris.graph("shapes")), iris):
            shapes.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    # Not focus_nodes=: with it pyshacl 0.40 skips the results of nested sh:node and sh:or.
    # Context nodes (typed only) are validated too, and their results dropped below.
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes)
    sh = rdflib.Namespace(SH)
    results = []
    for r in report.subjects(RDF.type, sh.ValidationResult):
        component = str(report.value(r, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        path = report.value(r, sh.resultPath)
        value = report.value(r, sh.value)
        message = report.value(r, sh.resultMessage)
        focus_node = from_rdflib(report.value(r, sh.focusNode))
        if focus_node not in focus:
            continue
        results.append(
            Result(
                focus_node,
                str(path) if path is not None else None,
                from_rdflib(value) if value is not None else None,
                from_rdflib(report.value(r, sh.sourceShape)),
                component.removesuffix("ConstraintComponent").replace(
                    component[0], component[0].lower(), 1
                ),
                "",
                str(message) if message is not None else None,
                str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    return results
