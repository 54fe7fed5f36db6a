"""The app factory: `create_app(settings, kg=None)`. Nothing heavy happens at import or here."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..kg import KnowledgeGraph
from ..settings import Settings
from . import datasets as datasets_api
from . import errors, health, linked, queries, sparql
from . import pathways as pathways_api
from . import validate as validate_api

DESCRIPTION = (
    "battkg: the Nordic battery industry's job roles, skills, qualifications, courses and "
    "training pathways as a knowledge graph. SPARQL 1.1 endpoint, named queries, pathway "
    "search for guidance counsellors, RDF export aligned to ESCO, partner data validation. "
    "This service uses the ESCO classification of the European Commission."
)


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> FastAPI:
    if kg is None:
        kg = KnowledgeGraph(settings or Settings.from_env())
    app = FastAPI(
        title="battkg",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.kg = kg
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Content-Type", "Content-Length"],
    )
    errors.install(app)
    app.include_router(health.router)
    app.include_router(pathways_api.router)
    app.include_router(validate_api.router)
    app.include_router(datasets_api.router)
    for router in (sparql.router, queries.router, linked.router):
        app.include_router(router)
    return app
