"""/queries: the named queries (queries/*.rq), listed and run with bound parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from battkg.errors import UsageError
from battkg.kg import KnowledgeGraph
from battkg.sparql.answer import answer
from battkg.sparql.executor import IN_PROCESS
from battkg.sparql.negotiation import CONTENT_TYPES, RESULT_TYPES, prefers_html
from battkg.sparql.protocol import SparqlRequest
from battkg.web.deps import KGDep
from battkg.web.errors import responses
from battkg.web.media import RESULTS, ok
from battkg.web.offload import in_lane
from battkg.web.sparql import render_page

router = APIRouter(tags=["queries"])


class ParamPublic(BaseModel):
    name: str
    kind: str
    required: bool
    default: str | None = None
    description: str = ""


class NamedQueryPublic(BaseModel):
    name: str
    title: str
    description: str
    parameters: list[ParamPublic]
    url: str


@router.get("/queries", response_model=list[NamedQueryPublic], summary="The named queries")
def list_queries(kg: KGDep) -> list[NamedQueryPublic]:
    return [
        NamedQueryPublic.model_validate({**q.describe(), "url": f"/queries/{q.name}"})
        for q in kg.queries.all()
    ]


@router.get(
    "/queries/{name}",
    summary="Run a named query; parameters in the query string, results by content negotiation",
    response_class=Response,
    responses={**ok(*RESULTS, "html"), **responses(400, 404, 406)},
)
async def run_query(name: str, request: Request, kg: KGDep) -> Response:
    timeout = kg.settings.query_timeout  # the thread cannot be stopped; the caller is answered
    return await in_lane(request, "named", _run, name, request, kg, timeout=timeout)


def _run(name: str, request: Request, kg: KnowledgeGraph) -> Response:
    named = kg.queries.get(name)
    params = _single_values(request.query_params.multi_items())
    accept = request.headers.get("accept")
    if prefers_html(accept, list(RESULT_TYPES)):
        return render_page(
            "sparql.html",
            title=named.title,
            lead=named.description,
            action=request.url.path,
            query=named.text,
            examples=[],
            named=named.describe(),
            params=params,
            base=kg.iris.base,
        )
    bound = named.bind(params, kg.iris)
    result = answer(kg, SparqlRequest(named.text), accept, bound, pool=IN_PROCESS, trusted=True)
    return Response(
        result.body,
        media_type=CONTENT_TYPES[result.fmt],
        headers={"Vary": "Accept", "X-Result-Size": str(result.size)},
    )


def _single_values(items: list[tuple[str, str]]) -> dict[str, Any]:
    params: dict[str, str] = {}
    for key, value in items:
        if key in params:
            raise UsageError(
                f"parameter {key} is given more than once",
                fix=f"give {key} once",
                details={"parameter": key},
            )
        params[key] = value
    return params
