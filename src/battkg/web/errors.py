"""One error envelope for every error that leaves the service.

{"error": {"code": "...", "message": "...", "fix": "...", "details": {...}}}
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AuthError, BattkgError


class ErrorBody(BaseModel):
    code: str
    message: str
    fix: str | None = None
    details: dict[str, Any] | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


def envelope(
    status: int, code: str, message: str, fix: str | None = None, details: Any = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fix:
        body["fix"] = fix
    if details:
        body["details"] = details
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(BattkgError)
    async def _domain(_request: Request, exc: BattkgError) -> JSONResponse:
        status = exc.status
        if isinstance(exc, AuthError) and "disabled" in exc.message:
            status = 403
        return envelope(status, exc.code, exc.message, exc.fix, exc.details or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg", "")}
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"where": "request", "problem": "invalid"}
        return envelope(
            422,
            "invalid_parameter",
            f"{first['where']}: {first['problem']}",
            "correct the parameters; see /docs for what each call takes",
            {"problems": problems},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {
            404: "not_found",
            405: "method_not_allowed",
            406: "not_acceptable",
            413: "too_large",
            415: "unsupported_media_type",
        }
        if exc.status_code == 404 and exc.detail == "Not Found":
            return envelope(
                404,
                "not_found",
                f"nothing is served at {request.url.path}",
                "check the path (names may not contain slashes or dots); /docs lists every endpoint",
            )
        if exc.status_code == 405:
            return envelope(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.url.path}",
                "/docs lists the methods each endpoint takes",
            )
        return envelope(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return envelope(
            500,
            "internal_error",
            f"unexpected error: {type(exc).__name__}: {exc}",
            "report this with the request that caused it",
        )
