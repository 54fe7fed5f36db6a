"""Dependencies shared by the routers: the KnowledgeGraph and the write token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from ..errors import AuthError, WritesDisabledError
from ..kg import KnowledgeGraph


async def get_kg(request: Request) -> KnowledgeGraph:
    """Async, so FastAPI calls it on the event loop: a sync dependency costs a hop to a thread."""
    kg: KnowledgeGraph = request.app.state.kg
    return kg


KGDep = Annotated[KnowledgeGraph, Depends(get_kg)]


async def require_token(kg: KGDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Write calls need `Authorization: Bearer <BATTKG_TOKEN>`; with no token configured, writes are refused."""
    expected = kg.settings.token
    if not expected:
        raise WritesDisabledError(
            "writes are disabled on this service: no BATTKG_TOKEN is configured",
            fix="start the service with BATTKG_TOKEN set, and send it as `Authorization: Bearer <token>`",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        raise AuthError(
            "a valid bearer token is required for this call",
            fix="send `Authorization: Bearer <BATTKG_TOKEN>`",
        )


WriteAuth = Depends(require_token)
