"""GET /health: is the store readable, which build is served, how big is each graph."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from .. import __version__
from ..errors import StoreError
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
    message: str | None = None


@router.get("/health", response_model=HealthPublic, summary="Service and store health")
def health(kg: KGDep) -> JSONResponse | HealthPublic:
    try:
        sizes = kg.graph_sizes()
        return HealthPublic(
            status="ok",
            version=__version__,
            build=kg.version(),
            generation=kg.store.generation,
            graphs=sizes,
            triples=sum(sizes.values()),
            store="up",
        )
    except StoreError as exc:
        body = HealthPublic(
            status="unavailable", version=__version__, store="down", message=str(exc)
        )
        return JSONResponse(body.model_dump(), status_code=503)
