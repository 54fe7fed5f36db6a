"""The person a counsellor describes, read from the page's URL (the URL holds the whole state).

Parameters are the pathway API's (role, entry, holds, experience, k, rank, language,
max_weeks, free_only) plus the person's `home` region, whether they can study `online`
and whether they would study `abroad` (in another country than home).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from fastapi import Request

from ...errors import NotFoundError
from ...kg import KnowledgeGraph
from ...pathways.engine import make_filters, model_of
from ...pathways.filters import Filters
from ...pathways.lookup import resolve
from ...pathways.model import RANKS
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
    abroad: bool = False
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
        abroad=q.get("abroad", "0") == "1",
        max_weeks=_number(q.get("max_weeks"), 1, 520),
        free_only=q.get("free_only", "") in ("1", "true", "on"),
    )
    k = _number(q.get("k"), 1, 10)
    p.k = int(k) if k else 3
    rank = q.get("rank", "duration")
    p.rank = rank if rank in RANKS else "duration"
    return p


def filters_for(kg: KnowledgeGraph, person: Person, directory: Directory) -> Filters:
    """The API's filters for a person: home country unless abroad, no online unless online."""
    countries: list[str] = []
    if person.home and not person.abroad:
        country = directory.country_of(person.home)
        if country is not None:
            countries = [country.iri]
    modes = [] if person.online else ["on-site", "blended"]
    return make_filters(
        kg,
        countries=countries,
        languages=person.languages,
        modes=modes,
        max_weeks=person.max_weeks,
        free_only=person.free_only,
    )


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
