"""ELM partner files: checked against the LOQ profile, then read into battkg's model.

A provider that already publishes its offer in ELM v3 (for Europass) uploads that file as it is.
`convert_elm_files` finds such files among a validation's partner files and, for each one:

1. refuses every property outside the LOQ profile, naming the property and where it is;
2. validates the file with pyshacl against the official LOQ shapes (BATTKG_ELM_DIR) and turns
   each result into a located fault, as a CSV's faults are;
3. replaces the file's quads with battkg's model through queries/elm/from-elm.rq, so the usual
   shapes, ownership and reference rules then apply to what would be stored. The EU authority
   concepts and ESCO skills the file describes stay references: only their IRIs are kept.

What ELM cannot say (which qualifications a course accepts, its teaching mode when the provider
gives none) then shows up as battkg's own faults, with the fix: add those facts in a battkg
Turtle or CSV file in the same upload.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from .._convert import triples_to_graph
from ..ingest import Fault, Location, PartnerFile, Statements
from ..ingest.statements import value_list
from ..kg import KnowledgeGraph
from ..namespaces import RDF
from .export import ELM, query_text
from .shapes import SHAPE_FILES, loq_shapes

RDF_TYPE = ox.NamedNode(RDF + "type")


def is_elm(part: PartnerFile) -> bool:
    """A file is ELM when it types anything with an ELM class."""
    return any(
        isinstance(o, ox.NamedNode) and o.value.startswith(ELM)
        for index in part.quads.graphs.values()
        for values in index.get(RDF_TYPE.value, {}).values()
        for o in value_list(values)
    )


@lru_cache(maxsize=2)
def profile_properties(folder: Path) -> frozenset[str]:
    """Every property the LOQ shapes name (they are closed: nothing else is allowed)."""
    shapes = loq_shapes(folder)
    paths = {str(p) for p in shapes.objects(None, SH.path) if isinstance(p, rdflib.URIRef)}
    return frozenset(paths | {RDF + "type"})


def convert_elm_files(kg: KnowledgeGraph, files: list[PartnerFile]) -> list[Fault]:
    """Check and convert the ELM files among `files` in place; the faults found."""
    faults: list[Fault] = []
    for part in files:
        if part.readable and is_elm(part):
            faults += _convert(kg, part)
    return faults


def _convert(kg: KnowledgeGraph, part: PartnerFile) -> list[Fault]:
    folder = kg.settings.elm_dir
    if folder is None or not all((folder / name).is_file() for name in SHAPE_FILES):
        part.readable = False
        part.quads = Statements()
        return [
            Fault(
                Location(part.name),
                "this is an ELM file, and the official LOQ shapes it must be checked against are "
                "not configured on this server",
                "the operator sets BATTKG_ELM_DIR to the folder holding "
                + " and ".join(SHAPE_FILES)
                + "; or upload the data as battkg CSV or Turtle",
                "elm-profile",
            )
        ]
    outside = _outside_profile(part, profile_properties(folder))
    if outside:
        part.readable = False
        part.quads = Statements()
        return outside
    faults = _loq_faults(part, folder)
    part.quads = Statements(_to_battkg(kg, part)).done()
    part.format = f"elm:{part.format}"
    return faults


def _outside_profile(part: PartnerFile, allowed: frozenset[str]) -> list[Fault]:
    faults: list[Fault] = []
    seen: set[str] = set()
    for q in part.quads:
        predicate = q.predicate.value
        if predicate in allowed or predicate in seen:
            continue
        seen.add(predicate)
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
        faults.append(
            Fault(
                part.locate(subject, predicate) if subject else Location(part.name),
                f"the property <{predicate}> is outside the ELM LOQ profile, whose shapes allow only ELM's own properties",
                "remove it from the ELM file; battkg facts that ELM cannot express go in a battkg Turtle or CSV file in the same upload",
                "elm-profile",
                value=predicate,
                focus=subject,
                path=predicate,
            )
        )
    return faults


def _loq_faults(part: PartnerFile, folder: Path) -> list[Fault]:
    import pyshacl  # slow import: only for ELM files

    graph = triples_to_graph(part.quads)
    conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=loq_shapes(folder), inference="none"
    )
    if conforms:
        return []
    faults = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        component = report.value(result, SH.sourceConstraintComponent)
        rule = str(component).rsplit("#", 1)[-1] if component is not None else "loq"
        where = part.locate(str(focus), str(path) if isinstance(path, rdflib.URIRef) else None)
        faults.append(
            Fault(
                where,
                f"LOQ profile: {message or rule}",
                "correct the ELM file so that it conforms to the LOQ application profile "
                "(the shapes Europass's Qualification Dataset Register uses)",
                f"loq:{rule}",
                value=str(value) if value is not None else None,
                focus=str(focus) if focus is not None else None,
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
            )
        )
    return faults


def _to_battkg(kg: KnowledgeGraph, part: PartnerFile) -> list[ox.Triple]:
    text = query_text(kg, "from-elm")
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in part.quads)
    result = store.query(text)
    if not isinstance(result, ox.QueryTriples):
        raise TypeError("queries/elm/from-elm.rq must be a CONSTRUCT query")
    return list(result)
