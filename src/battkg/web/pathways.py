"""The pathway API for guidance counsellors, and the pickers that feed it.

GET /pathways                  the k best routes from an entry profile to a role
GET /pathways/matrix           the best route from every entry profile to a role
GET /pathways/roles            roles, entry profiles and courses for pickers
GET /pathways/entry-profiles
GET /pathways/courses
GET /pathways/search           multilingual search over roles, entry profiles, courses,
                               qualifications and skills
GET /pathways/moves            lateral moves from a job the person holds or held
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
from ..pathways.lookup import KINDS, Match, search, things
from ..pathways.moves import MovesAnswer, lateral_moves
from .deps import KGDep
from .errors import responses

router = APIRouter(prefix="/pathways", tags=["pathways"])

Rank = Literal["duration", "steps", "cost", "confidence"]
Lang = Literal["en", "sv", "fi", "nb"]
Mode = Literal["on-site", "online", "blended"]
Kind = Literal["role", "entry-profile", "course", "qualification", "skill"]
Situation = Literal["employed", "unemployed", "in-school"]
Status = Literal["running", "planned", "ended", "unknown"]
Audience = Literal["anyone", "adults", "youth", "unemployed", "employees", "vocational-teachers"]

RoleParam = Annotated[
    str,
    Query(min_length=1, description="The role: IRI, short id (cell-assembly-operator) or label."),
]
EntryParam = Annotated[
    str | None,
    Query(
        min_length=1,
        description="A preset (entry profile): IRI, short id (compulsory-school-only) or label; "
        "optional when `holds` or `job` say what the person has.",
    ),
]
RankParam = Annotated[
    Rank,
    Query(
        description="Order routes by total weeks, number of steps, fees (EUR), or confidence "
        "(fewest estimated or unknown facts, then weeks)."
    ),
]
HomeParam = Annotated[
    str | None,
    Query(
        description="Where the person lives: a NUTS code (SE331) or region IRI; implies the "
        "home country, whose routes come first and whose qualifications a preset holds."
    ),
]
SituationParam = Annotated[
    Situation | None,
    Query(
        description="employed, unemployed (registered with the employment service: its "
        "labour-market training is open) or in-school (youth programmes are open). Default: the "
        "preset's own situation if it has one (the pupil preset is in school), else none."
    ),
]
OnlineParam = Annotated[bool, Query(description="Whether online study is acceptable.")]
CrossBorderParam = Annotated[
    bool, Query(description="Whether moving across a border for a step is acceptable.")
]
JobParam = Annotated[
    str | None,
    Query(
        description="A job the person holds or held: a battkg role or an ESCO occupation IRI; "
        "its essential skills count as held."
    ),
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
FreeOnly = Annotated[
    bool, Query(description="Only steps known to be free (publicly funded or a stated fee of 0).")
]
Statuses = Annotated[
    list[Status] | None,
    Query(description="Offer statuses to use (repeatable; default running and planned)."),
]
Audiences = Annotated[
    list[Audience] | None,
    Query(
        description="Audiences to use besides anyone and the person's situation (repeatable), "
        "e.g. employees or vocational-teachers."
    ),
]


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
    offer_status: Statuses = None,
    audience: Audiences = None,
    situation: SituationParam = None,
) -> Filters:
    return make_filters(
        kg,
        countries=country or (),
        regions=region or (),
        languages=language or (),
        modes=mode or (),
        max_weeks=max_weeks,
        free_only=free_only,
        offer_status=offer_status or (),
        audience=audience or (),
        situation=situation,
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get("", response_model=PathwayAnswer, summary="The k best routes for a person to a role")
def pathways(
    kg: KGDep,
    role: RoleParam,
    filters: FiltersDep,
    entry: EntryParam = None,
    k: Annotated[int, Query(ge=1, le=10, description="How many distinct routes.")] = 3,
    rank: RankParam = "duration",
    lang: LangParam = "en",
    holds: Annotated[
        list[str] | None, Query(description="Further qualifications or skills held (IRI or id).")
    ] = None,
    experience: Annotated[
        float | None, Query(ge=0, description="Years of experience (default: the profile's).")
    ] = None,
    home: HomeParam = None,
    situation: SituationParam = None,
    online: OnlineParam = True,
    cross_border: CrossBorderParam = True,
    job: JobParam = None,
) -> PathwayAnswer:
    """Routes are ranked by `rank`, distinct as sets of steps, and minimal (no step can be
    left out, and none awards what the person already holds). With `home`, routes that stay
    in the home country come first. Every route has an explanation in `lang`. When there is
    no route, `found` is false, `reasons` says which requirement cannot be met and which
    filter or offer rule removed the last option, and `nearest` is the best route without it."""
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
        home=home,
        situation=situation,
        online=online,
        cross_border=cross_border,
        job=job,
    )


@router.get(
    "/matrix",
    response_model=MatrixAnswer,
    summary="The best route to a role from every preset (of the home country, or per country)",
    responses=responses(404),
)
def matrix(
    kg: KGDep,
    role: RoleParam,
    filters: FiltersDep,
    rank: RankParam = "duration",
    lang: LangParam = "en",
    home: HomeParam = None,
    situation: SituationParam = None,
    online: OnlineParam = True,
    cross_border: CrossBorderParam = True,
) -> MatrixAnswer:
    """With `home`: one row per preset of the home country. Without: one table per country
    (and one of country-neutral presets), each preset searched from its own country."""
    return pathway_matrix(
        kg,
        role,
        rank=rank,
        filters=filters,
        lang=lang,
        home=home,
        situation=situation,
        online=online,
        cross_border=cross_border,
    )


@router.get(
    "/moves",
    response_model=MovesAnswer,
    summary="Lateral moves: neighbouring roles of a job, with the shortest bridging routes",
    responses=responses(404),
)
def moves(
    kg: KGDep,
    job: Annotated[
        str,
        Query(
            description="The job the person holds or held: a battkg role (IRI, short id or "
            "label) or an ESCO occupation IRI."
        ),
    ],
    filters: FiltersDep,
    lang: LangParam = "en",
    home: HomeParam = None,
    situation: SituationParam = None,
    limit: Annotated[int, Query(ge=1, le=20, description="How many neighbouring roles.")] = 5,
) -> MovesAnswer:
    """Roles sharing essential skills with the job, ranked by the share of their essential
    skills the job already covers, then the skills shared, then closeness of entry level;
    each with the shortest route for a person holding the job's skills."""
    return lateral_moves(
        kg, job, lang=lang, limit=limit, filters=filters, home=home, situation=situation
    )


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
    summary="Search roles, entry profiles, courses, qualifications and skills by label",
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
    return search(model_of(kg), q, lang, kinds=kind or KINDS, limit=limit)
