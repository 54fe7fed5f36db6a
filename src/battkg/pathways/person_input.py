"""A Person from user input: every IRI, code and label checked, with the parameter named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import NotFoundError, UsageError
from ..namespaces import ESCO
from .lookup import resolve, resolve_item, resolve_region, search
from .model import PathwayModel
from .person import Person

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

_OCCUPATION_SKILLS = f"""
SELECT ?skill WHERE {{
  ?occupation a <{ESCO}Occupation> ; <{ESCO}relatedEssentialSkill> ?skill .
}}"""


def job_skills(
    kg: KnowledgeGraph, model: PathwayModel, job: str, lang: str
) -> tuple[str, list[int]]:
    """A job the person holds or held (a battkg role, or an ESCO occupation by IRI) and the
    essential skills it gives them (those the pathway model knows)."""
    text = job.strip()
    if text in model.roles or not text.startswith("http://data.europa.eu/esco/"):
        try:
            iri = resolve(model, kg.iris, "role", text, lang, parameter="job")
        except NotFoundError as exc:
            exc.fix = "give a battkg role (IRI, short id or label) or an ESCO occupation IRI"
            raise
        return iri, list(model.roles[iri].essential)
    rows = kg.select(_OCCUPATION_SKILLS, occupation=ox.NamedNode(text))
    if not rows:
        closest = search(model, text.rsplit("/", 1)[-1], lang, kinds=("role",), limit=5)
        raise NotFoundError(
            f"job={text!r} is neither a battkg role nor an ESCO occupation with essential skills",
            fix="give a battkg role (GET /pathways/roles) or an ESCO occupation IRI",
            details={
                "parameter": "job",
                "closest": [{"id": m.id, "label": m.label} for m in closest],
            },
        )
    found = [model.item(str(r["skill"].value)) for r in rows]
    return text, [i for i in found if i is not None]


def make_person(
    kg: KnowledgeGraph,
    model: PathwayModel,
    *,
    entry: str | None = None,
    holds: Sequence[str] = (),
    experience: float | None = None,
    home: str | None = None,
    situation: str | None = None,
    online: bool = True,
    cross_border: bool = True,
    job: str | None = None,
    lang: str = "en",
) -> Person:
    if experience is not None and experience < 0:
        raise UsageError(
            f"experience={experience:g} is negative",
            fix="give years of experience as 0 or more",
            details={"parameter": "experience"},
        )
    profile = (
        resolve(model, kg.iris, "entry-profile", entry, lang, parameter="entry") if entry else None
    )
    items = [resolve_item(model, kg.iris, h, lang) for h in holds]
    job_iri = None
    if job:
        job_iri, skills = job_skills(kg, model, job, lang)
        items += skills
    home_iri = resolve_region(model, kg.iris, home, "home") if home else None
    country = (model.region_country.get(home_iri) or None) if home_iri else None
    if home_iri is not None and country is None:
        raise UsageError(
            f"home={home!r} lies in no country the data knows",
            fix="give a NUTS code of Sweden, Finland or Norway (e.g. SE331, FI1D5, NO071)",
            details={"parameter": "home"},
        )
    return Person(
        profile=profile,
        holds=tuple(items),
        experience=experience,
        home=home_iri,
        home_country=country,
        situation=situation,
        online=online,
        cross_border=cross_border,
        job=job_iri,
    )
