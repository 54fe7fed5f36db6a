"""One error contract for every error that leaves the service (docs/architecture.md, "Errors").

JSON clients get the envelope

    {"error": {"code": "...", "message": "...", "fix": "...", "request_id": "...", "details": {...}}}

with `details` only when there is something more to say. Browsers (an Accept
header preferring text/html) get a page with the same code, message, fix and
request id, drawn by the app's error page (`set_error_page`). Every response
carries the request id in `X-Request-ID`; `document` writes the envelope into
the OpenAPI document for every status each route can return.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ..errors import BattkgError
from ..logs import event, logger
from .accept import wants_html
from .requestid import request_id

log = logger(__name__)


class ErrorBody(BaseModel):
    code: str = Field(description="what kind of error, stable for programs (e.g. not_found)")
    message: str = Field(description="what is wrong, for people")
    fix: str = Field(description="what to do about it")
    request_id: str = Field(description="the id of the request, as in X-Request-ID and the log")
    details: dict[str, Any] | None = Field(
        default=None, description="more about the error, by kind (for example the faults found)"
    )


class ErrorEnvelope(BaseModel):
    error: ErrorBody


#: Draws the page a browser gets for an error: (request, HTTP status, the error) -> response.
ErrorPage = Callable[[Request, int, ErrorBody], Response]

#: What each status means, as the OpenAPI document says it.
STATUSES: dict[int, str] = {
    400: "the request cannot be used (bad syntax, unreadable input)",
    401: "a valid bearer token is required (code unauthorized)",
    403: "never allowed on this service, whatever the credentials (e.g. writes_disabled, read_only)",
    404: "nothing by that name (code not_found)",
    406: "nothing the Accept header allows can be given (code not_acceptable)",
    413: "the request or a file in it is over the size limit (code too_large)",
    414: "the URL is over 64 KiB; send long queries with POST (code uri_too_long)",
    415: "the body's media type cannot be read (code unsupported_media_type)",
    422: "a parameter or the data is wrong (codes invalid_parameter, validation_failed)",
    500: "an unexpected error in battkg (code internal_error); report it with the request id",
    503: "the store or a query is unavailable right now (codes store_error, query_timeout)",
}
GENERIC_FIX = "see /docs for what this call takes"
_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


def default_page(request: Request, status: int, error: ErrorBody) -> Response:
    """A plain page: the message, the fix, the code and the request id."""
    e = html.escape
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>battkg: {e(error.message)}</title></head>
<body><h1>{status}: {e(error.message)}</h1><p>{e(error.fix)}</p>
<p><small>error <code>{e(error.code)}</code>, request <code>{e(error.request_id)}</code></small></p>
</body></html>""",
        status_code=status,
    )


def set_error_page(app: FastAPI, page: ErrorPage) -> None:
    """Draw browsers' error pages with `page` (the response's status and headers are then set here)."""
    app.state.error_page = page


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    fix: str | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    """The error as the envelope, or as the app's error page for a browser."""
    body = ErrorBody(
        code=code,
        message=message,
        fix=fix or GENERIC_FIX,
        request_id=request_id(request),
        details=details or None,
    )
    if status >= 500:
        event(log, "error_response", logging.ERROR, status=status, code=code, message=message,
              method=request.method, path=request.url.path)  # fmt: skip
    headers = {"X-Request-ID": body.request_id}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 503:  # say when to come back (the error's details may know better)
        retry = (details or {}).get("retry_after_seconds")
        headers["Retry-After"] = str(retry or 5)
    if wants_html(request):
        page: ErrorPage = getattr(request.app.state, "error_page", default_page)
        response = page(request, status, body)
        response.status_code = status
    else:
        response = JSONResponse({"error": body.model_dump(exclude_none=True)}, status_code=status)
    response.headers.update(headers)
    return response


def allowed_methods(request: Request) -> str:
    """The methods of every route on the request's path (a path may have one route per method)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    """Turn every error into the contract: domain errors, bad parameters, HTTP errors, crashes."""

    @app.exception_handler(BattkgError)
    async def _domain(request: Request, exc: BattkgError) -> Response:
        return error_response(request, exc.status, exc.code, exc.message, exc.fix, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"where": "request", "problem": "invalid"}
        return error_response(
            request,
            422,
            "invalid_parameter",
            f"{first['where']}: {first['problem']}",
            "correct the parameters; see /docs for what each call takes",
            {"problems": problems},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and exc.detail == "Not Found":
            return error_response(
                request,
                404,
                "not_found",
                f"nothing is served at {request.url.path}",
                "check the path (names may not contain slashes or dots); /docs lists every endpoint",
            )
        if exc.status_code == 405:
            response = error_response(
                request,
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.url.path}",
                "/docs lists the methods each endpoint takes",
            )
            response.headers["Allow"] = allowed_methods(request)
            return response
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(
            request,
            500,
            "internal_error",
            "an unexpected error happened in battkg; it is logged with this request's id",
            "report this with the request id",
        )


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route's error statuses, each documented as the envelope."""
    return {status: error_doc(status) for status in statuses}


def error_doc(status: int) -> dict[str, Any]:
    """The OpenAPI response for an error status: the envelope, or a page for browsers."""
    return {
        "description": STATUSES.get(status, "an error"),
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }


def schemas() -> dict[str, Any]:
    """The envelope's OpenAPI component schemas (ErrorEnvelope, ErrorBody)."""
    schema = ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    return {**defs, "ErrorEnvelope": schema}
