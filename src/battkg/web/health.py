"""GET /health: is the store readable, which build is served, how big is each graph."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import __version__
from ..errors import QueryTimeout, StoreError
from .deps import KGDep

router = APIRouter(tags=["service"])


class HealthPublic(BaseModel):
    status: str
    version: str
    build: str | None = None
    generation: str | None = None
    graphs: dict[str, int] = {}
    triples: int = 0
    store: str
    process: int = Field(
        0, description="the id of the serving process that answered (`battkg serve --workers N`)"
    )
    warmed: bool | None = Field(
        None,
        description="whether the answering process has computed the served generation's caches "
        "(pathway model, guide directory, gap analysis: `battkg serve` does so in the "
        "background); null where the process does no warm-up",
    )


@router.get("/health", response_model=HealthPublic, summary="Service and store health")
def health(kg: KGDep, request: Request) -> HealthPublic:
    try:
        sizes = kg.graph_sizes()
        warm = getattr(request.app.state, "warm_up", None)
        return HealthPublic(
            status="ok",
            version=__version__,
            build=kg.version(),
            generation=kg.store.generation,
            graphs=sizes,
            triples=sum(sizes.values()),
            store="up",
            process=os.getpid(),
            warmed=None if warm is None else warm.has_warmed(kg.store.generation or "-"),
        )
    except (StoreError, QueryTimeout) as exc:
        # the error envelope (503 store_error or query_timeout, naming the store and the
        # fault), with what a health check looks for added to the fault's details (which
        # are kept: the server, the URL, its HTTP status or the time limit)
        exc.details = {**exc.details, "store": "down", "version": __version__}
        raise
