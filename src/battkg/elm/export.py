"""Run the ELM mapping (queries/elm/*.rq) over the store and prune what LOQ would refuse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..backend import is_triples
from ..errors import StoreError
from ..kg import KnowledgeGraph
from ..namespaces import DEFAULT_BASE
from ..queries import query_file

#: The CONSTRUCT files of the mapping, in queries/elm/.
ELM_QUERIES = (
    "organisations",
    "learning-opportunities",
    "achievements",
    "qualifications",
    "concepts",
)
ELM = "http://data.europa.eu/snb/model/elm/"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PROVIDED_BY = ox.NamedNode(ELM + "providedBy")
_LO = ox.NamedNode(ELM + "LearningOpportunity")


@dataclass(frozen=True)
class LeftOut:
    """An item the export leaves out, with every LOQ requirement it does not meet."""

    item: str
    kind: str
    missing: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"item": self.item, "kind": self.kind, "missing": list(self.missing)}


@dataclass
class ElmExport:
    triples: list[ox.Triple]
    left_out: list[LeftOut] = field(default_factory=list)

    def count(self, cls: str) -> int:
        node = ox.NamedNode(ELM + cls)
        return sum(1 for t in self.triples if t.predicate == _RDF_TYPE and t.object == node)


def query_text(kg: KnowledgeGraph, name: str) -> str:
    """A mapping file's text, with battkg's instance IRIs moved onto the configured base."""
    text = query_file(kg.settings.queries_dir, "elm", name, "the ELM mapping")
    if kg.iris.base != DEFAULT_BASE:
        text = text.replace(DEFAULT_BASE + "/id/", kg.iris.base + "/id/")
    return text


def left_out(kg: KnowledgeGraph) -> list[LeftOut]:
    """What the export leaves out (queries/elm/incomplete.rq), one entry per item."""
    result = kg.query(query_text(kg, "incomplete"))
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError("queries/elm/incomplete.rq must be a SELECT query")
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in result:
        item, kind, missing = row["item"], row["kind"], row["missing"]
        if item is None or kind is None or missing is None:
            continue
        grouped.setdefault((item.value, kind.value), []).append(missing.value)
    return [LeftOut(i, k, tuple(sorted(set(m)))) for (i, k), m in sorted(grouped.items())]


def elm_export(kg: KnowledgeGraph) -> ElmExport:
    """The ELM view of the store: every complete item, and the list of those left out."""
    triples: set[ox.Triple] = set()
    for name in ELM_QUERIES:
        result = kg.query(query_text(kg, name))
        if not is_triples(result):
            raise StoreError(f"queries/elm/{name}.rq must be a CONSTRUCT query")
        triples.update(result)
    missing = left_out(kg)
    dropped = {entry.item for entry in missing}
    # A learning opportunity whose provider is left out cannot be exported either (LOQ needs
    # an exported elm:Organisation behind elm:providedBy); incomplete.rq already names it.
    dropped |= {
        t.subject.value
        for t in triples
        if t.predicate == _PROVIDED_BY
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
        and t.object.value in dropped
    }
    kept = [t for t in triples if not _owned_by(t.subject, dropped)]
    kept = _without_dangling(kept, kg.iris.base)
    kept = _referenced_concepts_only(kept)
    kept.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return ElmExport(kept, missing)


def _owned_by(subject: object, dropped: set[str]) -> bool:
    """A node is dropped with its item: the item's IRI itself or one of its #fragments."""
    if not isinstance(subject, ox.NamedNode):
        return False
    iri = subject.value
    return iri in dropped or iri.split("#", 1)[0] in dropped


def _without_dangling(triples: Iterable[ox.Triple], base: str) -> list[ox.Triple]:
    """Drop links to nodes the mapping mints (`<item>#achievement`, ...) that were dropped."""
    kept = list(triples)
    described = {t.subject.value for t in kept if isinstance(t.subject, ox.NamedNode)}
    minted = base + "/id/"

    def dangling(term: object) -> bool:
        return (
            isinstance(term, ox.NamedNode)
            and term.value.startswith(minted)
            and "#" in term.value
            and term.value not in described
        )

    return [t for t in kept if not dangling(t.object)]


_CONCEPT = ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept")
_SCHEME = ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme")


def _referenced_concepts_only(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Keep the concepts (and schemes) that an exported node points at, and no others."""
    typed = {
        t.subject for t in triples if t.predicate == _RDF_TYPE and t.object in (_CONCEPT, _SCHEME)
    }
    referenced = {t.object for t in triples if t.predicate != _RDF_TYPE and t.subject not in typed}
    concepts = typed & referenced
    schemes = {t.object for t in triples if t.subject in concepts and t.object in typed}
    keep = concepts | schemes
    return [t for t in triples if t.subject not in typed or t.subject in keep]
