"""Partner isolation: a partner dataset describes only what it owns (issue 14, item 8).

A subject belongs to the dataset that describes it, and a partner file may
describe only subjects no other graph describes: curated data, the ontology,
ESCO and other partners' datasets are theirs. Statements about anything
another graph describes are faults naming the statement, unless the operator
granted the dataset that right (`BATTKG_FOREIGN_SUBJECTS`, `--allow-foreign-subjects`).

Statements about ESCO skills and occupations and EU authority concepts are
*reference descriptions* (an ELM export carries their labels): they are read
as references, never stored or validated as the partner's data
(docs/decisions/0060-partner-subjects.md).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..backend import ReadableStore
from ..ingest import Fault, PartnerFile
from ..kg import KnowledgeGraph
from ..namespaces import BKG, DCTERMS, Iris
from .engine import DataGraph, Term
from .faults import short_iri

#: Namespaces of the authorities battkg refers to: ESCO, the EU's authority tables, ELM vocabularies.
AUTHORITIES = (
    "http://data.europa.eu/esco/",
    "http://publications.europa.eu/resource/authority/",
    "http://data.europa.eu/snb/",
)
#: Faults listed per foreign subject before one line says how many more there are.
PER_SUBJECT = 20


def is_authority(term: object) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(AUTHORITIES)


def reference_descriptions(files: Iterable[PartnerFile]) -> tuple[list[ox.Quad], list[str]]:
    """Set the statements about authority concepts aside; returns them and a notice."""
    references: list[ox.Quad] = []
    for pf in files:
        references += pf.quads.remove_subjects(s for s in pf.quads.subjects() if is_authority(s))
    if not references:
        return [], []
    subjects = {q.subject.value for q in references}  # type: ignore[union-attr]
    example = min(subjects)
    return references, [
        f"{len(references):,} statement(s) about {len(subjects):,} ESCO or EU authority "
        f"concept(s) (e.g. <{example}>) were read as references, not as data: they are not "
        "stored, and battkg keeps the authority's own description"
    ]


def _skipped(iris: Iris, replacing: frozenset[str]) -> set[str]:
    # derived graphs describe every course (the gap analysis's links): they own nothing
    links = iris.graph("derived", "course-role-links")
    return {iris.inferred_graph, iris.datasets_inferred_graph, iris.meta_graph, links, *replacing}


def describing_graph(store: ReadableStore, subject: ox.NamedNode, skip: set[str]) -> str | None:
    """The first graph other than `skip` in which `subject` is a subject, if any."""
    for q in store.quads_for_pattern(subject, None, None, None):
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if graph not in skip:
            return graph
    return None


def graph_owner(kg: KnowledgeGraph, store: ReadableStore, graph: str) -> str:
    """Who a graph belongs to, for people: "dataset NAME", "battkg's curated data", ..."""
    meta = ox.NamedNode(kg.iris.meta_graph)
    g = ox.NamedNode(graph)
    for q in store.quads_for_pattern(g, ox.NamedNode(BKG + "graphKind"), None, meta):
        kind = _text(q.object)
        if kind == "dataset":
            names = store.quads_for_pattern(g, ox.NamedNode(DCTERMS + "identifier"), None, meta)
            return next((f"dataset {_text(n.object)}" for n in names), "a partner dataset")
        return f"battkg's {kind} graph"
    if graph == kg.iris.esco_graph:
        return "ESCO"
    return "another graph"


def foreign_subjects(
    kg: KnowledgeGraph,
    store: ReadableStore,
    data: DataGraph,
    home: dict[Term, PartnerFile],
    replacing: frozenset[str],
    *,
    allowed: bool = False,
) -> list[Fault]:
    """Faults for every statement about a subject another graph already describes."""
    if allowed:
        return []
    skip = _skipped(kg.iris, replacing)
    faults: list[Fault] = []
    for subject in data.out:
        if not isinstance(subject, ox.NamedNode):
            continue
        graph = describing_graph(store, subject, skip)
        if graph is None:
            continue
        by_p = data.out.get(subject)
        owner = graph_owner(kg, store, graph)
        pf = home[subject]
        statements = [(p, o) for p, objs in by_p.items() for o in objs]
        for p, o in statements[:PER_SUBJECT]:
            faults.append(
                Fault(
                    pf.locate(subject.value, p),
                    f"the statement {short_iri(subject.value)} {short_iri(p)} {_shown(o)} is "
                    f"about a thing already used in battkg by {owner} (graph {graph}): "
                    "a partner dataset may describe only its own things",
                    "give your thing an id of its own, or remove the statement; if the file is a "
                    "new version of that dataset, validate it as one (?dataset=NAME or "
                    "--dataset NAME); only an operator can grant a dataset the right to describe "
                    "others' things (BATTKG_FOREIGN_SUBJECTS, --allow-foreign-subjects)",
                    "partner isolation",
                    value=_shown(o),
                    focus=subject.value,
                    path=p,
                )
            )
        if len(statements) > PER_SUBJECT:
            faults.append(
                Fault(
                    pf.locate(subject.value, None),
                    f"and {len(statements) - PER_SUBJECT:,} more statement(s) about "
                    f"{short_iri(subject.value)}, which {owner} describes",
                    "remove the statements about things that are not yours",
                    "partner isolation",
                    focus=subject.value,
                )
            )
    return faults


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def _shown(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    if isinstance(term, ox.Literal):
        text = term.value if len(term.value) <= 80 else term.value[:77] + "..."
        return f'"{text}"' + (f"@{term.language}" if term.language else "")
    return str(term)
