"""The pathway API for guidance counsellors, and the pickers that feed it.

GET /pathways                  the k best routes from an entry profile to a role
GET /pathways/matrix           the best route from every entry profile to a role
GET /pathways/roles            roles, entry profiles and courses for pickers
GET /pathways/entry-profiles
GET /pathways/courses
GET /pathways/search           multilingual search over roles, entry profiles and courses
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from ..pathways.engine import (
    MatrixAnswer,
    PathwayAnswer,
    find_pathways,
    make_filters,
    model_of,
    pathway_matrix,
)
from ..pathways.filters import Filters
from ..pathways.lookup import Match, search, things
from .deps import KGDep

router = APIRouter(prefix="/pathways", tags=["pathways"])

Rank = Literal["duration", "steps", "cost"]
Lang = Literal["en", "sv", "fi", "nb"]
Mode = Literal["on-site", "online", "blended"]
Kind = Literal["role", "entry-profile", "course"]

RoleParam = Annotated[
    str,
    Query(min_length=1, description="The role: IRI, short id (cell-assembly-operator) or label."),
]
EntryParam = Annotated[
    str,
    Query(
        min_length=1,
        description="The entry profile: IRI, short id (compulsory-school-only) or label.",
    ),
]
RankParam = Annotated[
    Rank, Query(description="Order routes by total weeks, number of courses, or fees (EUR).")
]
LangParam = Annotated[
    Lang, Query(description="Language of the labels (falls back to en, sv, fi, nb).")
]
Countries = Annotated[
    list[str] | None, Query(description="Country codes or region IRIs (repeatable).")
]
Regions = Annotated[
    list[str] | None,
    Query(description="NUTS codes or region IRIs (repeatable); online courses pass."),
]
Languages = Annotated[
    list[str] | None, Query(description="Teaching languages such as sv, fi, nb, en (repeatable).")
]
Modes = Annotated[list[Mode] | None, Query(description="Study modes (repeatable).")]
MaxWeeks = Annotated[float | None, Query(gt=0, description="Longest total duration in weeks.")]
FreeOnly = Annotated[bool, Query(description="Only courses that are free or publicly funded.")]


@dataclass
class ThingPublic:
    id: str
    label: str


def _filters(
    kg: KGDep,
    country: Countries = None,
    region: Regions = None,
    language: Languages = None,
    mode: Modes = None,
    max_weeks: MaxWeeks = None,
    free_only: FreeOnly = False,
) -> Filters:
    return make_filters(
        kg,
        countries=country or (),
        regions=region or (),
        languages=language or (),
        modes=mode or (),
        max_weeks=max_weeks,
        free_only=free_only,
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get(
    "", response_model=PathwayAnswer, summary="The k best routes from an entry profile to a role"
)
def pathways(
    kg: KGDep,
    role: RoleParam,
    entry: EntryParam,
    filters: FiltersDep,
    k: Annotated[int, Query(ge=1, le=10, description="How many distinct routes.")] = 3,
    rank: RankParam = "duration",
    lang: LangParam = "en",
    holds: Annotated[
        list[str] | None, Query(description="Further qualifications or skills held (IRI or id).")
    ] = None,
    experience: Annotated[
        float | None, Query(ge=0, description="Years of experience (default: the profile's).")
    ] = None,
) -> PathwayAnswer:
    """Routes are ranked by `rank`, distinct as sets of courses, and minimal (no course can be
    left out). When there is no route, `found` is false and `reasons` says which requirement
    cannot be met and which filter removed the last option."""
    return find_pathways(
        kg,
        role,
        entry,
        k=k,
        rank=rank,
        filters=filters,
        lang=lang,
        holds=holds or (),
        experience=experience,
    )


@router.get(
    "/matrix",
    response_model=MatrixAnswer,
    summary="The best route to a role from every entry profile",
)
def matrix(
    kg: KGDep,
    role: RoleParam,
    filters: FiltersDep,
    rank: RankParam = "duration",
    lang: LangParam = "en",
) -> MatrixAnswer:
    return pathway_matrix(kg, role, rank=rank, filters=filters, lang=lang)


def _listing(kg: KGDep, kind: Kind, q: str | None, lang: str, limit: int) -> list[ThingPublic]:
    model = model_of(kg)
    if q:
        return [
            ThingPublic(m.id, m.label) for m in search(model, q, lang, kinds=(kind,), limit=limit)
        ]
    listed = [ThingPublic(iri, model.labels.get(iri, lang)) for iri in things(model, kind)]
    return sorted(listed, key=lambda t: t.label.lower())[:limit]


Q = Annotated[str | None, Query(description="Text to look for in labels (any language).")]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/roles", response_model=list[ThingPublic], summary="Job roles, for a picker")
def roles(kg: KGDep, q: Q = None, lang: LangParam = "en", limit: Limit = 200) -> list[ThingPublic]:
    return _listing(kg, "role", q, lang, limit)


@router.get(
    "/entry-profiles", response_model=list[ThingPublic], summary="Entry profiles, for a picker"
)
def entry_profiles(
    kg: KGDep, q: Q = None, lang: LangParam = "en", limit: Limit = 200
) -> list[ThingPublic]:
    return _listing(kg, "entry-profile", q, lang, limit)


@router.get("/courses", response_model=list[ThingPublic], summary="Courses, for a picker")
def courses(kg: KGDep, q: Q = None, lang: LangParam = "en", limit: Limit = 50) -> list[ThingPublic]:
    return _listing(kg, "course", q, lang, limit)


@router.get(
    "/search",
    response_model=list[Match],
    summary="Search roles, entry profiles and courses by label",
)
def search_things(
    kg: KGDep,
    q: Annotated[str, Query(min_length=1, description="Text in any of en, sv, fi, nb.")],
    lang: LangParam = "en",
    kind: Annotated[
        list[Kind] | None, Query(description="Limit to these kinds (repeatable).")
    ] = None,
    limit: Limit = 20,
) -> list[Match]:
    return search(
        model_of(kg), q, lang, kinds=kind or ("role", "entry-profile", "course"), limit=limit
    )
