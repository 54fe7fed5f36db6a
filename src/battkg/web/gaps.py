"""/gaps: demand against the capacity of running offers (JSON or CSV), and /gaps/what-if."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from ..errors import UsageError
from ..gaps.csvout import rows_csv
from ..gaps.service import gap_body
from ..gaps.whatif import MAX_ITEMS, Hypothetical, what_if
from ..sparql.negotiation import choose
from .deps import KGDep
from .errors import responses
from .offload import in_lane

router = APIRouter(tags=["gaps"])
CSV = "text/csv"


@router.get(
    "/gaps",
    summary="The gap per region x stage (x education level): demand of one kind against places of running offers",
    description=(
        "One row per current demand estimate (with its measure, status, confidence and sources) "
        "against the places per year of the running offers of its region that lead to its roles "
        "through the pathway engine's routes, and a capacity-only row where a region has no "
        "demand data. Only demand per year (with its stated method) is set against places; "
        "figures of different kinds are never added or compared. Per region: roles with no "
        "running course, skills no running course teaches, overlaps. JSON, or CSV with "
        "`format=csv` or `Accept: text/csv`. The data behind it: the named queries gap-demand, "
        "gap-capacity and gap-skills."
    ),
    response_class=Response,
    responses={200: {"content": {"application/json": {}, CSV: {}}}},
)
def get_gaps(
    request: Request,
    kg: KGDep,
    country: Annotated[str | None, Query(description="a country code: SE, FI, NO")] = None,
    region: Annotated[str | None, Query(description="a NUTS 2021 region or country code")] = None,
    stage: Annotated[str | None, Query(description="a value-chain stage id")] = None,
    level: Annotated[
        str | None,
        Query(
            description="upper-secondary, post-secondary-vocational, bachelor, master, doctorate"
        ),
    ] = None,
    year: Annotated[int | None, Query(description="a year the estimates are for")] = None,
    kind: Annotated[str | None, Query(description="a demand measure, e.g. planned-hires")] = None,
    turnover: Annotated[
        float | None,
        Query(description="a yearly turnover rate that turns headcounts into demand per year"),
    ] = None,
    lang: Annotated[str, Query(description="label language: en, sv, fi, nb")] = "en",
    format: Annotated[str | None, Query(description="json or csv")] = None,
) -> Response:
    if format not in (None, "json", "csv"):
        raise UsageError(
            f"format={format!r} is not json or csv",
            fix="give format=json or format=csv",
            details={"field": "format", "value": format},
        )
    wants_csv = format == "csv" or (
        format is None and choose(request.headers.get("accept"), ["application/json", CSV]) == CSV
    )
    # serialised once per data version and filters (megabytes at 50,000 courses)
    body = gap_body(
        kg, "csv" if wants_csv else "json", _csv if wants_csv else _json, lang=lang,
        country=country, region=region, stage=stage, level=level, year=year, kind=kind,
        turnover=turnover,
    )  # fmt: skip
    if wants_csv:
        return Response(body, media_type=CSV + "; charset=utf-8", headers={"Vary": "Accept"})
    return Response(body, media_type="application/json", headers={"Vary": "Accept"})


def _json(report: dict[str, object]) -> bytes:
    return bytes(JSONResponse(report).body)


def _csv(report: dict[str, object]) -> bytes:
    return rows_csv(report).encode("utf-8")


#: the longest id or IRI of a role or skill, region or level a what-if course may name
MAX_NAME = 300
Name = Annotated[str, StringConstraints(max_length=MAX_NAME)]


class WhatIf(BaseModel):
    """A course that does not exist yet; it is added to this request only, never stored.

    Bounded (issue 14): at most `MAX_ITEMS` roles and skills, names of at most
    `MAX_NAME` characters, a body of at most security.MAX_JSON_BYTES, and the
    answer within the query time limit (BATTKG_QUERY_TIMEOUT), else 503.
    """

    region: Name = Field(description="NUTS 2021 region or country code where it is given")
    level: Name = Field(description="education level of the course")
    places: int = Field(description="places per year")
    roles: list[Name] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description=f"roles it leads to (ids or IRIs), at most {MAX_ITEMS}",
    )
    skills: list[Name] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description=f"skills it teaches (ids or IRIs), at most {MAX_ITEMS}",
    )
    online: bool = False
    year: int | None = None
    turnover: float | None = None
    lang: Annotated[str, StringConstraints(max_length=10)] = "en"


@router.post(
    "/gaps/what-if",
    summary="The gap with a course that does not exist yet (nothing is stored)",
    responses=responses(413, 503),
)
async def post_what_if(body: WhatIf, request: Request, kg: KGDep) -> dict[str, Any]:
    hypothetical = Hypothetical(
        region=body.region, level=body.level, places=body.places, roles=tuple(body.roles),
        skills=tuple(body.skills), online=body.online, year=body.year,
        turnover=body.turnover, lang=body.lang,
    )  # fmt: skip
    # off the event loop, in a lane of its own, and answered 503 past the query time limit
    return await in_lane(
        request, "gaps", what_if, kg, hypothetical, timeout=kg.settings.query_timeout
    )
