"""The error statuses of every route, written into its OpenAPI responses as the error envelope.

What can be inferred from a route is: every route may fail unexpectedly (500);
a route with parameters or a body answers 422 for bad ones (and 400 for a body
that cannot be parsed); a route with a
path parameter answers 404 for an unknown name; a route on the store answers
503 when the store is unavailable; a write route answers 401 and 403. What a
route adds (400, 406, 413, 415...) it declares with `responses=errors.responses(...)`.
tests/test_error_contract.py checks real answers against what is written here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from .deps import get_kg, require_token
from .errors import error_doc, schemas


def _calls(dependant: Dependant) -> set[object]:
    found: set[object] = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def _has_parameters(dependant: Dependant) -> bool:
    if dependant.query_params or dependant.path_params or dependant.body_params:
        return True
    return any(_has_parameters(sub) for sub in dependant.dependencies)


def _has_body(dependant: Dependant) -> bool:
    return bool(dependant.body_params) or any(_has_body(sub) for sub in dependant.dependencies)


def error_statuses(route: APIRoute) -> set[int]:
    calls = _calls(route.dependant)
    statuses = {500}
    if _has_parameters(route.dependant):
        statuses.add(422)
    if route.dependant.path_params:
        statuses.add(404)
    if _has_body(route.dependant):  # a body that cannot be parsed (FastAPI's own 400)
        statuses.add(400)
    if get_kg in calls:
        statuses.add(503)
    if require_token in calls:
        statuses |= {401, 403}
    return statuses


def document_routes(router: APIRouter, *extra: int) -> APIRouter:
    """Give each route of `router` the envelope for each status it can return (before it is
    included); `extra` are statuses every route of the router may return besides."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            for status in sorted(error_statuses(route) | set(extra)):
                route.responses.setdefault(status, error_doc(status))
            for key, doc in route.responses.items():
                if str(key).startswith(("4", "5")):
                    route.responses[key] = {**error_doc(int(key)), **doc}
    return router


def document(app: FastAPI) -> None:
    """Add the envelope's schemas to the app's OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            spec.setdefault("components", {}).setdefault("schemas", {}).update(schemas())
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
