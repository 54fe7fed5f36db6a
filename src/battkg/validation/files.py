"""Validate partner files against shapes/ and the store, and explain every fault.

`validate_files(kg, files)` checks all files at once and returns a
`ValidationReport` (a result, never an exception, for bad data): every fault
names the file, the CSV row and column or the RDF line and property, the value,
the rule broken and how to fix it.
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from ..elm.ingest import convert_elm_files
from ..ingest import PartnerFile
from ..kg import KnowledgeGraph
from ..namespaces import RDF
from .context import add_context, context_store, unknown_terms
from .engine import DataGraph, validate
from .faults import explain, fault_order, home_files, schema_axioms
from .ownership import foreign_subjects, reference_descriptions
from .report import FileSummary, ValidationReport
from .shapes import load_shapes

TYPE = ox.NamedNode(RDF + "type")


ENGINES = ("fast", "pyshacl")


def validate_files(
    kg: KnowledgeGraph,
    files: list[PartnerFile],
    *,
    replacing: frozenset[str] = frozenset(),
    engine: str = "fast",
    allow_foreign: bool = False,
) -> ValidationReport:
    """Validate partner files together.

    `replacing` are the graphs of the dataset version the files would replace: the
    files are checked against the store without them. Statements about things
    another graph describes are faults unless `allow_foreign` (an operator's grant).
    Statements about ESCO and EU authority concepts are set aside as references
    (removed from the files' quads).
    """
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    # ELM files: checked against LOQ, then read into battkg's model in place (battkg.elm.ingest).
    elm_faults = convert_elm_files(kg, files)
    faults = [f for pf in files for f in pf.faults] + elm_faults
    summaries = [
        FileSummary(f.name, f.format, f.sha256, f.size, len(f.quads), f.readable) for f in files
    ]
    readable = [f for f in files if f.readable]
    _references, notices = reference_descriptions(readable)
    shapes = load_shapes(kg)
    store, store_notices = context_store(kg)
    notices += store_notices
    data = DataGraph.of(f.quads for f in readable)
    seconds["index"] = time.perf_counter() - started

    t0 = time.perf_counter()
    home = home_files(readable, faults)
    faults += foreign_subjects(kg, store, data, home, replacing, allowed=allow_foreign)
    faults += unknown_terms(kg, store, data, home)
    faults += schema_axioms(readable)
    notices += add_context(kg, store, data, replacing)
    seconds["context"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    focus = set(home)
    if engine == "pyshacl":
        from .reference import run_pyshacl  # slow import, rarely used

        results = run_pyshacl(data, kg.settings.shapes_dir, kg.iris, focus)
    elif engine == "fast":
        results = validate(data, shapes, focus)
    else:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    seconds["shacl"] = time.perf_counter() - t0
    faults += explain(results, home, shapes, kg.iris, data)
    faults.sort(key=fault_order)
    seconds["total"] = time.perf_counter() - started
    things = sum(1 for node in home if data.types.get(node))
    return ValidationReport(summaries, faults, notices, things, seconds)
