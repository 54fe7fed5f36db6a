"""The start page for every audience, the partners' upload form with its templates, and the
API documentation served offline (Swagger UI and ReDoc from the fastapi-offline package)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ...errors import NotFoundError
from ...ingest import TEMPLATES
from ...pathways.engine import model_of
from ..deps import KGDep
from .context import gettext, render

router = APIRouter(tags=["pages"])
#: Swagger UI's and ReDoc's files, shipped inside the fastapi-offline package
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"


@router.get(
    "/", response_class=HTMLResponse, summary="What battkg is, and the way in for each audience"
)
def home(request: Request, kg: KGDep) -> HTMLResponse:
    _ = gettext(request)
    counts = {"roles": 0, "courses": 0, "profiles": 0}
    if kg.ready():
        model = model_of(kg)
        counts = {
            "roles": len(model.roles),
            "courses": len(model.courses),
            "profiles": len(model.profiles),
        }
    return render(
        request,
        "home.html",
        title=_("Welcome"),
        counts=counts,
        build=kg.version() if kg.ready() else "",
    )


@router.get("/validate", response_class=HTMLResponse, summary="The upload form for partner files")
def validate_form(request: Request) -> HTMLResponse:
    """POST /validate answers the form with the HTML report (the browser sends Accept: text/html)."""
    _ = gettext(request)
    return render(
        request,
        "validate-form.html",
        title=_("Validate partner data"),
        templates=[f"{kind}.csv" for kind in TEMPLATES],
        columns={f"{k}.csv": t.columns for k, t in TEMPLATES.items()},
    )


@router.get("/validate/templates/{name}", summary="An empty CSV template for partner data")
def template_file(name: str) -> Response:
    kind = name.removesuffix(".csv")
    template = TEMPLATES.get(kind)
    if template is None or not name.endswith(".csv"):
        raise NotFoundError(
            f"there is no template {name}",
            fix=f"use one of {', '.join(f'{k}.csv' for k in TEMPLATES)}",
        )
    header = ";".join(c.name for c in template.columns)
    return Response(
        "\ufeff" + header + "\r\n",
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>battkg API</title>
<link rel="stylesheet" href="/static/docs/swagger-ui.css"><link rel="icon" href="/static/favicon.svg">
</head><body><main id="swagger-ui"><h1>battkg API</h1><p>Loading the documentation of
<a href="/openapi.json">/openapi.json</a>…</p></main>
<script src="/static/docs/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body></html>"""

REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>battkg API (ReDoc)</title><link rel="icon" href="/static/favicon.svg">
</head><body><main><redoc spec-url="/openapi.json"></redoc></main>
<script src="/static/docs/redoc.standalone.js"></script>
</body></html>"""


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


@router.get("/redoc", response_class=HTMLResponse, include_in_schema=False)
def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC_PAGE)
