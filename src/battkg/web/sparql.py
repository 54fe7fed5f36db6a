"""/sparql: the SPARQL 1.1 Protocol endpoint, its service description, a query page for browsers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from battkg.kg import KnowledgeGraph
from battkg.sparql.answer import answer, wants_html
from battkg.sparql.negotiation import CONTENT_TYPES, GRAPH_TYPES, HTML, require
from battkg.sparql.protocol import MAX_QUERY_BYTES, SparqlRequest, parse_request, too_large
from battkg.sparql.results import write_graph
from battkg.sparql.servicedesc import service_description
from battkg.sparql.void import dataset_iri
from battkg.web.body import read_body
from battkg.web.deps import KGDep
from battkg.web.errors import responses
from battkg.web.fairness import per_client
from battkg.web.media import RDF, RESULTS, ok
from battkg.web.offload import in_lane
from battkg.web.public import public_root

router = APIRouter(tags=["sparql"])
#: the body of POST /sparql, as the SPARQL 1.1 Protocol has it
QUERY_BODY = {
    "required": True,
    "content": {
        "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1},
                    "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                    "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["query"],
            }
        },
    },
}
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
RDF_OFFERS = list(GRAPH_TYPES)
DEFAULT_QUERY = """PREFIX bkg: <https://w3id.org/battkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?label WHERE {
  ?role a bkg:JobRole ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?label
LIMIT 20
"""


def render_page(template: str, **context: Any) -> HTMLResponse:
    """A server-rendered page from web/templates/ (autoescaped)."""
    html = _TEMPLATES.get_template(template).render(**context)
    return HTMLResponse(html, headers={"Vary": "Accept"})


def rdf_response(triples: list[Any], accept: str | None, what: str) -> Response:
    """An RDF document in the format the client prefers (Turtle for */*), or 406."""
    media = require(accept, RDF_OFFERS, what)
    fmt = GRAPH_TYPES[media]
    return Response(
        write_graph(triples, fmt), media_type=CONTENT_TYPES[fmt], headers={"Vary": "Accept"}
    )


def _endpoint(request: Request) -> str:
    """The endpoint's public URL (public.py: from a setting, never from the Host header)."""
    return public_root(request) + request.url.path


def _page(request: Request, kg: KnowledgeGraph, query: str) -> HTMLResponse:
    """The query page, with `query` in its form; it runs only when the user clicks Run."""
    examples = [{"name": q.name, "title": q.title, "text": q.text} for q in kg.queries.all()]
    return render_page(
        "sparql.html",
        title="SPARQL query",
        lead="Query the battkg knowledge graph (SPARQL 1.1). The default graph is the union "
        "of all named graphs. Read-only; SERVICE is refused.",
        action=request.url.path,
        query=query,
        examples=examples,
        named=None,
        params={},
        base=kg.iris.base,
    )


def _respond(request: Request, kg: KnowledgeGraph, sparql: SparqlRequest | None) -> Response:
    accept = request.headers.get("accept")
    if sparql is None:
        chosen = require(accept, [*RDF_OFFERS, HTML], "the service description")
        if chosen == HTML:
            return _page(request, kg, DEFAULT_QUERY)
        triples = service_description(_endpoint(request), dataset_iri(kg), kg.graph_sizes())
        return rdf_response(triples, accept, "the service description")
    if request.method == "GET" and wants_html(accept, sparql.query):
        return _page(request, kg, sparql.query)
    result = answer(kg, sparql, accept, base_iri=_endpoint(request))
    return Response(
        result.body,
        media_type=CONTENT_TYPES[result.fmt],
        headers={"Vary": "Accept", "X-Result-Size": str(result.size)},
    )


def _get(request: Request, kg: KnowledgeGraph) -> Response:
    return _respond(request, kg, parse_request("GET", None, request.query_params.multi_items()))


def _post(request: Request, kg: KnowledgeGraph, body: bytes) -> Response:
    content_type = request.headers.get("content-type")
    sparql = parse_request("POST", content_type, request.query_params.multi_items(), body)
    return _respond(request, kg, sparql)


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET), or the service description / query page without a query",
    response_class=Response,
    responses={**ok(*RESULTS, *RDF, "html"), **responses(400, 403, 406, 413, 414, 422)},
)
async def sparql_get(request: Request, kg: KGDep) -> Response:
    async with per_client(request):
        return await in_lane(request, "sparql", _get, request, kg)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    response_class=Response,
    responses={**ok(*RESULTS, *RDF, "html"), **responses(400, 403, 406, 413, 415, 422)},
    openapi_extra={"requestBody": QUERY_BODY},
)
async def sparql_post(request: Request, kg: KGDep) -> Response:
    body = await read_body(request, 3 * MAX_QUERY_BYTES, too_large)
    async with per_client(request):
        return await in_lane(request, "sparql", _post, request, kg, body)
