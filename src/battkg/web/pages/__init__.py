"""The web pages: the start page, the counsellor guide, profiles, the partners' upload form and
the offline API docs. Server-rendered in sv, fi, nb and en; scripts only enhance."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from ..errors import set_error_page
from . import gaps, guide, home, profiles
from .errorpages import error_page
from .home import DOCS_ASSETS

STATIC = Path(__file__).parent.parent / "static"


def routers() -> tuple[APIRouter, ...]:
    return (home.router, guide.router, gaps.router, profiles.router)


def install(app: FastAPI) -> None:
    """The pages' static files (styles, scripts, Swagger UI and ReDoc) and the error pages
    browsers get; the routers are included by the app factory (`routers()`)."""
    app.mount("/static/docs", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    set_error_page(app, error_page)
