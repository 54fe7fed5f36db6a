"""Does the client want a page? The one `wants_html` of the web layer (negotiation with q-values)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

from ..sparql.negotiation import prefers_html

JSON = "application/json"


def wants_html(request: Request, offers: Sequence[str] = (JSON,)) -> bool:
    """Does the Accept header prefer text/html to every one of `offers`? (A missing header: no.)"""
    return prefers_html(request.headers.get("accept"), offers)
