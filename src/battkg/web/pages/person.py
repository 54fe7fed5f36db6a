"""The person a counsellor describes, read from the page's URL (the URL holds the whole state).

Parameters are the pathway API's, with its names: role, entry, home (region), holds,
experience, language, situation, online and cross_border (0 or 1), offer_status and
audience (repeatable), k, rank, max_weeks, free_only. They go to the engine as the person
(home, situation, online, cross_border: the engine puts home-country routes first and marks
steps abroad), not as old place or mode filters.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from ...errors import NotFoundError
from ...kg import KnowledgeGraph
from ...pathways.engine import make_filters, model_of
from ...pathways.filters import Filters
from ...pathways.lookup import resolve
from ...pathways.model import RANKS
from ...pathways.person import AUDIENCES, SITUATIONS, STATUSES
from .directory import Directory, Labeller, local

TEACHING_LANGUAGES = ("sv", "fi", "nb", "en")
MAX_ITEMS = 30  # most repeated values one parameter may carry


@dataclass
class Person:
    role: str = ""
    entry: str = ""
    home: str = ""
    holds: list[str] = field(default_factory=list)
    experience: float | None = None
    languages: list[str] = field(default_factory=list)
    online: bool = True
    cross_border: bool = True
    situation: str = ""
    offer_status: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    k: int = 3
    rank: str = "duration"
    max_weeks: float | None = None
    free_only: bool = False
    problems: list[str] = field(default_factory=list)


def _number(text: str | None, low: float, high: float) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if low <= value <= high else None


def read_person(request: Request) -> Person:
    q = request.query_params
    p = Person(
        role=q.get("role", "").strip()[:200],
        entry=q.get("entry", "").strip()[:200],
        home=q.get("home", "").strip()[:200],
        holds=[h[:200] for h in q.getlist("holds") if h.strip()][:MAX_ITEMS],
        experience=_number(q.get("experience"), 0, 60),
        languages=[v for v in q.getlist("language") if v in TEACHING_LANGUAGES],
        online=q.get("online", "1") != "0",
        cross_border=q.get("cross_border", "1") != "0",
        situation=q.get("situation", "") if q.get("situation", "") in SITUATIONS else "",
        offer_status=[v for v in q.getlist("offer_status") if v in STATUSES][:MAX_ITEMS],
        audience=[v for v in q.getlist("audience") if v in AUDIENCES][:MAX_ITEMS],
        max_weeks=_number(q.get("max_weeks"), 1, 520),
        free_only=q.get("free_only", "") in ("1", "true", "on"),
    )
    k = _number(q.get("k"), 1, 10)
    p.k = int(k) if k else 3
    rank = q.get("rank", "duration")
    p.rank = rank if rank in RANKS else "duration"
    return p


def filters_for(kg: KnowledgeGraph, person: Person, directory: Directory) -> Filters:
    """The API's filters for a person (home, online and cross-border go to the engine as the
    person, see `engine_person`)."""
    return make_filters(
        kg,
        languages=person.languages,
        max_weeks=person.max_weeks,
        free_only=person.free_only,
        offer_status=person.offer_status,
        audience=person.audience,
        situation=person.situation or None,
    )


def engine_person(person: Person) -> dict[str, Any]:
    """The engine's parameters for the person (find_pathways and pathway_matrix)."""
    return {
        "home": person.home or None,
        "situation": person.situation or None,
        "online": person.online,
        "cross_border": person.cross_border,
    }


@dataclass
class Unknown:
    """A role, profile or region in the URL that the data does not have, with the closest."""

    kind: str
    value: str
    closest: list[tuple[str, str]]  # (id for the URL, label)


def check_person(
    kg: KnowledgeGraph, person: Person, directory: Directory, names: Labeller
) -> tuple[Person, list[Unknown]]:
    """The person with role, entry and home resolved to IRIs, and what could not be found."""
    model = model_of(kg)
    unknown: list[Unknown] = []
    for kind, attr in (("role", "role"), ("entry-profile", "entry")):
        value = getattr(person, attr)
        if not value:
            continue
        try:
            setattr(person, attr, resolve(model, kg.iris, kind, value, names.lang))
        except NotFoundError as exc:
            closest = (exc.details or {}).get("closest", [])
            unknown.append(
                Unknown(kind, value, [(local(c["id"]), names.plain(c["id"])) for c in closest])
            )
            setattr(person, attr, "")
    if person.home:
        found = find_region(directory, kg, person.home)
        if found is None:
            unknown.append(
                Unknown("region", person.home, closest_regions(directory, names, person.home))
            )
            person.home = ""
        else:
            person.home = found
    return person, unknown


def find_region(directory: Directory, kg: KnowledgeGraph, value: str) -> str | None:
    for candidate in (
        value,
        kg.iris.thing("region", value),
        kg.iris.thing("region", value.upper()),
    ):
        if candidate in directory.regions:
            return candidate
    return None


def closest_regions(directory: Directory, names: Labeller, value: str) -> list[tuple[str, str]]:
    scored = []
    folded = value.casefold()
    for region in directory.regions.values():
        texts = [region.code, *(t for _, t in names.model.labels.all_texts(region.iri))]
        best = max(difflib.SequenceMatcher(None, folded, t.casefold()).ratio() for t in texts)
        scored.append((-best, region.code, region.iri))
    return [(code, names.plain(iri)) for _, code, iri in sorted(scored)[:5]]
