"""The app factory: `create_app(settings, kg=None)`. Nothing heavy happens at import or here."""

from __future__ import annotations

from fastapi import FastAPI

from .. import __version__
from ..kg import KnowledgeGraph
from ..settings import Settings
from . import contract, elm, errors, health, linked, offload, pages, queries, sparql, warmup
from . import datasets as datasets_api
from . import gaps as gaps_api
from . import pathways as pathways_api
from . import validate as validate_api
from .direct import NamedQueryRoute
from .requestid import RequestIdMiddleware
from .security import SecurityMiddleware

DESCRIPTION = (
    "battkg: the Nordic battery industry's job roles, skills, qualifications, courses and "
    "training pathways as a knowledge graph. SPARQL 1.1 endpoint, named queries, pathway "
    "search for guidance counsellors, RDF export aligned to ESCO, partner data validation. "
    "This service uses the ESCO classification of the European Commission."
)


def create_app(
    settings: Settings | None = None, kg: KnowledgeGraph | None = None, *, warm_up: bool = False
) -> FastAPI:
    """The service's app. `warm_up`: compute each generation's caches in the background
    (warmup.py; `battkg serve` does), so that no request pays for them."""
    if kg is None:
        kg = KnowledgeGraph(settings or Settings.from_env())
    app = FastAPI(
        title="battkg",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=warmup.lifespan(kg) if warm_up else None,
    )
    app.state.kg = kg
    offload.install(app, kg.settings.query_workers)
    # GET /queries/{name} without FastAPI's router (direct.py), inside the bounds and headers
    app.add_middleware(NamedQueryRoute)
    # headers, CORS and long URLs (security.py), inside the request id so its errors carry one
    app.add_middleware(SecurityMiddleware, write_origins=kg.settings.cors_write_origins)
    app.add_middleware(RequestIdMiddleware)
    errors.install(app)
    # Each router with the error statuses its routes return beyond what contract infers.
    for router, extra in (
        (health.router, ()),
        (pathways_api.router, (404,)),
        (validate_api.router, ()),
        (datasets_api.router, ()),
        (gaps_api.router, ()),
        (sparql.router, ()),
        (queries.router, ()),
        (linked.router, ()),
        (elm.router, ()),
        *((router, (404,)) for router in pages.routers()),  # pages name things that may not exist
    ):
        app.include_router(contract.document_routes(router, *extra))
    pages.install(app)
    contract.document(app)
    return app
