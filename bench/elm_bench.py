"""ELM export benchmark: time of the export and of its pyshacl validation against LOQ.

Measures the curated graph (the store given, normally built with ESCO) and synthetic graphs of
complete courses at the sizes given, each built into a temporary store with the real ontology,
queries and regions. Prints medians of wall time and of the process's CPU time (which a shared,
loaded machine disturbs far less), and the growth exponent of each between the sizes (1.0 is
linear).

    .venv/bin/python bench/elm_bench.py --store var/store --sizes 1000 10000 --runs 3
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
import pyshacl
import rdflib

from battkg.elm import elm_export
from battkg.elm.shapes import loq_shapes
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT, Settings

ELM_DIR = PROJECT_ROOT.parent / "shared" / "elm"
HEAD = """@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix isced: <http://data.europa.eu/snb/isced-f/> .
@prefix region: <https://w3id.org/battkg/id/region/> .
@prefix p: <https://w3id.org/battkg/id/provider/> .
@prefix c: <https://w3id.org/battkg/id/course/> .
@prefix s: <https://w3id.org/battkg/id/skill/> .
"""
REGIONS = ["SE331", "SE332", "FI1D5", "FI195", "NO071", "NO092"]
LANGS = {"SE": "sv", "FI": "fi", "NO": "nb"}


def synthetic(courses: int) -> str:
    """`courses` complete, running courses from one provider per 50, teaching 3 of 200 skills."""
    lines = [HEAD]
    for i in range(200):
        lines.append(f's:skill-{i} a bkg:Skill ; skos:prefLabel "skill {i}"@en .\n')
    for i in range(courses // 50 + 1):
        region = REGIONS[i % len(REGIONS)]
        lines.append(
            f'p:p{i} a bkg:Provider ; skos:prefLabel "Provider {i}"@en ; bkg:legalName "Provider {i} AB"@en ;'
            f' bkg:postalAddress "Street {i}, Town" ; bkg:locatedIn region:{region} ;'
            f' schema:url "https://p{i}.example/"^^xsd:anyURI .\n'
        )
    for i in range(courses):
        provider = i // 50
        region = REGIONS[provider % len(REGIONS)]
        lang = LANGS[region[:2]]
        skills = ", ".join(f"s:skill-{(i * 7 + k) % 200}" for k in range(3))
        lines.append(
            f'c:c{i} a bkg:Course ; skos:prefLabel "Course {i}"@en ; bkg:offerStatus voc:offer-running ;'
            f' schema:url "https://p{provider}.example/c{i}"^^xsd:anyURI ; bkg:offeredBy p:p{provider} ;'
            f' bkg:locatedIn region:{region} ; bkg:teachingLanguage "{lang}"^^xsd:language ;'
            f" bkg:fieldOfStudy isced:0713 ; bkg:teachesSkill {skills} ; bkg:mode voc:mode-on-site ;"
            f" bkg:durationWeeks {10 + i % 70}.0 ; bkg:publiclyFunded true .\n"
        )
    return "".join(lines)


class Timing(NamedTuple):
    export_wall: float
    export_cpu: float
    shacl_wall: float
    shacl_cpu: float
    learning_opportunities: int
    violations: int


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (CPU of the whole process, every thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(kg: KnowledgeGraph, runs: int, shapes: rdflib.Graph) -> Timing:
    export = [timed(lambda: elm_export(kg)) for _ in range(runs)]
    triples = elm_export(kg).triples
    out = io.BytesIO()
    ox.serialize(triples, out, ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph().parse(data=out.getvalue().decode("utf-8"), format="nt")
    results: list[tuple[bool, rdflib.Graph, str]] = []

    def validate() -> None:
        results.append(pyshacl.validate(graph, shacl_graph=shapes, inference="none"))

    shacl = [timed(validate) for _ in range(max(1, runs // 2))]
    ok, report, _text = results[-1]
    violations = (
        0 if ok else len(list(report.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)))
    )
    los = sum(
        1
        for t in triples
        if t.object == ox.NamedNode("http://data.europa.eu/snb/model/elm/LearningOpportunity")
    )
    return Timing(
        statistics.median(w for w, _ in export),
        statistics.median(c for _, c in export),
        statistics.median(w for w, _ in shacl),
        statistics.median(c for _, c in shacl),
        los,
        violations,
    )


def row(name: str, t: Timing) -> str:
    return (
        f"{name:<28} {t.learning_opportunities:>7} {t.export_wall:>9.2f} {t.export_cpu:>9.2f}"
        f" {t.shacl_wall:>10.2f} {t.shacl_cpu:>10.2f} {t.violations:>11}"
    )


def exponent(n0: int, n1: int, t0: float, t1: float) -> float:
    return math.log(t1 / t0) / math.log(n1 / n0)


def synthetic_kg(courses: int, folder: Path) -> KnowledgeGraph:
    for name in ("ontology", "queries", "shapes"):
        (folder / name).symlink_to(PROJECT_ROOT / name)
    (folder / "data").mkdir()
    shutil.copy(PROJECT_ROOT / "data" / "regions.ttl", folder / "data" / "regions.ttl")
    (folder / "data" / "courses.ttl").write_text(synthetic(courses), encoding="utf-8")
    env = {"BATTKG_STORE": str(folder / "store"), "BATTKG_ESCO_DIR": "", "BATTKG_HOME": str(folder)}
    kg = KnowledgeGraph(Settings.from_env(env))
    kg.build()
    return kg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a built store (the curated graph, with ESCO)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    shapes = loq_shapes(ELM_DIR)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(
        f"{'graph':<28} {'LOs':>7} {'export s':>9} {'cpu s':>9} {'pyshacl s':>10} {'cpu s':>10}"
        f" {'violations':>11}"
    )
    if args.store:
        env = {"BATTKG_STORE": args.store}
        print(
            row(
                f"curated ({args.store})",
                measure(KnowledgeGraph(Settings.from_env(env)), args.runs, shapes),
            )
        )
    points = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            timing = measure(synthetic_kg(size, Path(tmp)), args.runs, shapes)
        points.append((size, timing))
        print(row(f"synthetic {size:,} courses", timing), flush=True)
    for (n0, a), (n1, b) in itertools.pairwise(points):
        print(
            f"growth {n0:,} -> {n1:,}: export exponent {exponent(n0, n1, a.export_wall, b.export_wall):.2f}"
            f" (cpu {exponent(n0, n1, a.export_cpu, b.export_cpu):.2f}),"
            f" pyshacl exponent {exponent(n0, n1, a.shacl_wall, b.shacl_wall):.2f}"
            f" (cpu {exponent(n0, n1, a.shacl_cpu, b.shacl_cpu):.2f})"
        )


if __name__ == "__main__":
    main()
