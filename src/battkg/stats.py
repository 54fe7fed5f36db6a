"""Counts that say what the graph holds: triples per graph, instances per class, ESCO coverage."""

from __future__ import annotations

from typing import Any

from .kg import KnowledgeGraph
from .namespaces import BKG, ESCO, SKOS

CLASSES = (
    "ValueChainStage", "JobRole", "Skill", "Qualification", "QualificationLevel", "Course",
    "Provider", "EntryProfile", "EntryRequirement", "Region", "DemandEstimate",
)  # fmt: skip

_ALIGNED = f"""
SELECT (COUNT(DISTINCT ?role) AS ?roles) (COUNT(DISTINCT ?aligned) AS ?withEsco) WHERE {{
  ?role a <{BKG}JobRole> .
  OPTIONAL {{
    ?role <{SKOS}exactMatch>|<{SKOS}closeMatch>|<{SKOS}broadMatch> ?occ .
    FILTER(STRSTARTS(STR(?occ), "http://data.europa.eu/esco/occupation/"))
    BIND(?role AS ?aligned)
  }}
}}"""

_SKILLS = f"""
SELECT (COUNT(DISTINCT ?skill) AS ?skills) (COUNT(DISTINCT ?esco) AS ?escoSkills) WHERE {{
  ?x <{BKG}essentialSkill>|<{BKG}optionalSkill>|<{BKG}teachesSkill>|<{BKG}requiresSkill>|<{BKG}holdsSkill> ?skill .
  BIND(IF(STRSTARTS(STR(?skill), "http://data.europa.eu/esco/skill/"), ?skill, ?none) AS ?esco)
}}"""


def stats(kg: KnowledgeGraph) -> dict[str, Any]:
    sizes = kg.graph_sizes()
    instances: dict[str, int] = {}
    for name in CLASSES:
        rows = kg.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{BKG}{name}> }}")
        instances[f"bkg:{name}"] = int(rows[0]["n"].value)
    for name in ("Occupation", "Skill"):
        rows = kg.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{ESCO}{name}> }}")
        instances[f"esco:{name}"] = int(rows[0]["n"].value)
    aligned = kg.select(_ALIGNED)[0]
    skills = kg.select(_SKILLS)[0]
    roles, with_esco = int(aligned["roles"].value), int(aligned["withEsco"].value)
    used, esco_used = int(skills["skills"].value), int(skills["escoSkills"].value)
    return {
        "build": kg.version(),
        "generation": kg.store.generation,
        "triples": sum(sizes.values()),
        "graphs": dict(sorted(sizes.items())),
        "instances": instances,
        "roles_aligned_to_esco": {
            "aligned": with_esco,
            "roles": roles,
            "share": _share(with_esco, roles),
        },
        "skills_from_esco": {"esco": esco_used, "skills": used, "share": _share(esco_used, used)},
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0
