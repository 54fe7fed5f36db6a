"""An /id/ page for people: the statements about a thing grouped by meaning (labels,
requirements, skills, alignments, sources), inferred statements folded away, and the raw
statements one click away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...i18n import N_
from ...linked import Description
from ...namespaces import BKG, DCTERMS, OWL, RDF, RDFS, SKOS

GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    (
        "labels",
        N_("Names and descriptions"),
        frozenset(
            {
                SKOS + "prefLabel",
                SKOS + "altLabel",
                SKOS + "hiddenLabel",
                RDFS + "label",
                SKOS + "definition",
                RDFS + "comment",
                DCTERMS + "title",
                DCTERMS + "description",
                SKOS + "notation",
                SKOS + "scopeNote",
            }
        ),
    ),
    (
        "kind",
        N_("What it is"),
        frozenset(
            {
                RDF + "type",
                BKG + "inStage",
                SKOS + "inScheme",
                SKOS + "topConceptOf",
                SKOS + "broader",
                SKOS + "narrower",
                BKG + "typicalEqfLevel",
                BKG + "eqfLevel",
            }
        ),
    ),
    (
        "requirements",
        N_("Entry requirements"),
        frozenset(
            {
                BKG + "entryRequirement",
                BKG + "acceptsQualification",
                BKG + "acceptsLevel",
                BKG + "acceptsSkill",
                BKG + "requiresSkill",
                BKG + "openEntry",
                BKG + "priorLearningAccepted",
                BKG + "minimumExperienceYears",
                BKG + "needsEmployer",
            }
        ),
    ),
    (
        "skills",
        N_("Skills"),
        frozenset(
            {
                BKG + "essentialSkill",
                BKG + "optionalSkill",
                BKG + "teachesSkill",
                BKG + "certifiesSkill",
                BKG + "holdsSkill",
            }
        ),
    ),
    (
        "alignments",
        N_("Alignments to ESCO and other systems"),
        frozenset(
            {
                SKOS + "exactMatch",
                SKOS + "closeMatch",
                SKOS + "broadMatch",
                SKOS + "narrowMatch",
                SKOS + "relatedMatch",
                OWL + "sameAs",
                BKG + "iscoGroup",
            }
        ),
    ),
    (
        "sources",
        N_("Sources and confidence"),
        frozenset(
            {
                DCTERMS + "source",
                BKG + "confidence",
                SKOS + "editorialNote",
                BKG + "factConfidence",
                BKG + "statusCheckedOn",
            }
        ),
    ),
)
OTHER = N_("Other facts")


def grouped(d: Description, inferred_graph: str) -> dict[str, Any]:
    """Asserted statements by group (in GROUPS order, then the rest), and the inferred ones."""
    by_group: dict[str, list[tuple[Any, Any]]] = {key: [] for key, _, _ in GROUPS}
    by_group["other"] = []
    inferred: list[tuple[Any, Any]] = []
    asserted: set[tuple[str, str]] = set()
    for p, o, g in d.outgoing:
        if g != inferred_graph:
            asserted.add((p.value, str(getattr(o, "value", o))))
    for p, o, g in d.outgoing:
        if g == inferred_graph:
            if (p.value, str(getattr(o, "value", o))) not in asserted:
                inferred.append((p, o))
            continue
        key = next((k for k, _, preds in GROUPS if p.value in preds), "other")
        by_group[key].append((p, o))
    titles = [(k, t) for k, t, _ in GROUPS] + [("other", OTHER)]
    return {
        "groups": [(key, title, by_group[key]) for key, title in titles if by_group[key]],
        "inferred_only": inferred,
    }


def sort_key(show: Callable[[Any], str]) -> Callable[[tuple[Any, Any]], str]:
    return lambda po: str(show(po[0]))
