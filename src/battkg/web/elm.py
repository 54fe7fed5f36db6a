"""The ELM v3 view of the training offer: /export/elm, its DCAT description and its context."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, TypeVar

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response

from battkg.elm.dcat import dcat_description
from battkg.elm.export import ElmExport, elm_export
from battkg.elm.serialize import FORMATS, elm_context, elm_format, write
from battkg.kg import KnowledgeGraph
from battkg.sparql.negotiation import require
from battkg.web.deps import KGDep
from battkg.web.errors import responses
from battkg.web.public import public_root

router = APIRouter(tags=["linked data"])
_OFFERS = {media: name for name, (media, _rdf) in FORMATS.items()}
FormatParam = Annotated[str | None, Query(description="turtle, jsonld, rdfxml or ntriples")]
Route = TypeVar("Route", bound=Callable[..., Response])


def cached_export(kg: KnowledgeGraph) -> ElmExport:
    """The ELM export, computed once per data version (the mapping runs in about a second)."""
    return kg.derived("elm-export", lambda: elm_export(kg))


def _format(request: Request, fmt: str | None) -> str:
    if fmt:
        return elm_format(fmt)
    return _OFFERS[require(request.headers.get("accept"), list(_OFFERS), "the ELM export")]


def _response(triples: list[ox.Triple], fmt: str, name: str) -> Response:
    out = io.BytesIO()
    write(triples, out, fmt)
    media = FORMATS[fmt][0]
    extension = {"turtle": "ttl", "rdfxml": "rdf", "jsonld": "jsonld", "ntriples": "nt"}[fmt]
    return Response(
        out.getvalue(),
        media_type=media,
        headers={"Content-Disposition": f'inline; filename="{name}.{extension}"', "Vary": "Accept"},
    )


def _export_route(path: str, summary: str) -> Callable[[Route], Route]:
    """An ELM export route: RDF in the format asked for (406 for one it cannot give)."""
    return router.get(path, summary=summary, response_class=Response, responses=responses(406))


@_export_route(
    "/export/elm", "The training offer as a European Learning Model v3 dataset (LOQ profile)"
)
def export_elm(request: Request, kg: KGDep, format: FormatParam = None) -> Response:
    return _response(cached_export(kg).triples, _format(request, format), "battkg-elm")


@_export_route(
    "/export/elm/dcat", "The DCAT description of the ELM dataset, with every item left out and why"
)
def export_elm_dcat(request: Request, kg: KGDep, format: FormatParam = None) -> Response:
    triples = dcat_description(
        cached_export(kg), root=public_root(request), version=kg.version(), modified=None
    )
    return _response(triples, _format(request, format), "battkg-elm-dcat")


@router.get("/context-elm.jsonld", summary="The JSON-LD context of the ELM export")
def context_elm() -> dict[str, object]:
    return elm_context()
