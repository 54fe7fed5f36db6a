"""battkg's alignment to ESCO: as SKOS mapping triples and as an SSSOM mapping set (TSV + YAML).

The alignment is what the curated data states: job roles matched to ESCO
occupations (skos:exactMatch, closeMatch, broadMatch) and battkg skills that are
narrower cases of ESCO skills (skos:broadMatch). SSSOM: https://w3id.org/sssom/.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, SKOS, shorten

ESCO_DATA = "http://data.europa.eu/esco/"
MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
SEMAPV = "https://w3id.org/semapv/vocab/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
)

_QUERY = f"""
PREFIX skos: <{SKOS}>
PREFIX bkg: <{BKG}>
SELECT ?s ?p ?o ?kind ?sl ?ol ?confidence WHERE {{
  VALUES ?p {{ {" ".join(f"skos:{m}" for m in MATCHES)} }}
  VALUES (?type ?kind) {{ (bkg:JobRole "job role") (bkg:Skill "skill") }}
  ?s ?p ?o ; a ?type .
  FILTER(STRSTARTS(STR(?o), "{ESCO_DATA}occupation/") || STRSTARTS(STR(?o), "{ESCO_DATA}skill/"))
  FILTER(STRSTARTS(STR(?s), ?base))
  OPTIONAL {{ ?s skos:prefLabel ?sl FILTER(LANG(?sl) = "en") }}
  OPTIONAL {{ ?o skos:prefLabel ?ol FILTER(LANG(?ol) = "en") }}
  OPTIONAL {{ ?s bkg:confidence/skos:prefLabel ?confidence FILTER(LANG(?confidence) = "en") }}
}}
ORDER BY ?kind ?s ?p ?o
"""


@dataclass(frozen=True)
class Mapping:
    subject: str
    predicate: str
    object: str
    kind: str
    subject_label: str = ""
    object_label: str = ""
    confidence: str = ""


def mappings(kg: KnowledgeGraph) -> list[Mapping]:
    """Every battkg role or skill mapped to an ESCO occupation or skill, in a stable order."""

    def load() -> list[Mapping]:
        base = ox.Literal(kg.iris.id)
        rows = kg.query(_QUERY.replace("?base", str(base)))
        out: list[Mapping] = []
        seen: set[tuple[str, str, str]] = set()
        for r in rows:  # type: ignore[union-attr]
            key = (r["s"].value, r["p"].value, r["o"].value)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Mapping(
                    *key,
                    kind=r["kind"].value,
                    subject_label=r["sl"].value if r["sl"] else "",
                    object_label=r["ol"].value if r["ol"] else "",
                    confidence=r["confidence"].value if r["confidence"] else "",
                )
            )
        return out

    return kg.derived("alignment.mappings", load)


def skos_triples(kg: KnowledgeGraph) -> list[ox.Triple]:
    """The alignment as SKOS mapping triples."""
    return [
        ox.Triple(ox.NamedNode(m.subject), ox.NamedNode(m.predicate), ox.NamedNode(m.object))
        for m in mappings(kg)
    ]


def curie_map(kg: KnowledgeGraph) -> dict[str, str]:
    return {
        "battkg.role": kg.iris.id + "role/",
        "battkg.skill": kg.iris.id + "skill/",
        "esco.occupation": ESCO_DATA + "occupation/",
        "esco.skill": ESCO_DATA + "skill/",
        "skos": SKOS,
        "semapv": SEMAPV,
        "schema": "https://schema.org/",
    }


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    return shorten(iri, prefixes)


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def sssom_tsv(kg: KnowledgeGraph, mapping_set_id: str) -> str:
    """The SSSOM mapping set: a `#`-prefixed YAML metadata block, then one TSV row per mapping."""
    prefixes = curie_map(kg)
    head = [
        f"mapping_set_id: {mapping_set_id}",
        f"mapping_set_version: {kg.version()}",
        "mapping_set_title: battkg job roles and skills aligned to ESCO",
        "mapping_set_description: Battery-industry job roles mapped to ESCO occupations and "
        "battery-specific skills mapped to the broader ESCO skills, as curated in battkg.",
        f"license: {CC_BY}",
        "creator_label:",
        "  - battkg developers",
        "subject_source: https://w3id.org/battkg",
        "object_source: http://data.europa.eu/esco/model",
        "object_source_version: ESCO v1.1.1",
        "curie_map:",
        *(f"  {p}: {ns}" for p, ns in prefixes.items()),
    ]
    lines = [f"# {h}" for h in head]
    lines.append("\t".join(COLUMNS))
    category = {"job role": "schema:Occupation", "skill": "skos:Concept"}
    for m in mappings(kg):
        comment = f"confidence: {m.confidence}" if m.confidence else ""
        row = (
            _curie(m.subject, prefixes),
            _cell(m.subject_label),
            category.get(m.kind, ""),
            _curie(m.predicate, prefixes),
            _curie(m.object, prefixes),
            _cell(m.object_label),
            "semapv:ManualMappingCuration",
            comment,
        )
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"
