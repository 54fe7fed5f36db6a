"""Named queries dispatched without FastAPI's router: the hot read path, as a pure ASGI layer.

`GET /queries/{name}` is the request a researcher's notebook or a dashboard repeats; its
answer is a few rows, so what it cost beyond the query was mostly the framework: matching
the path against every route, solving its dependencies, and the exception middleware
around them (issue 16: about 0.7 ms of CPU per request of the 2 ms it cost beyond the
query in process, measured with bench/serve_bench.py's layers). This layer, the innermost
of battkg's middleware (so the request id, the security headers and the URL and body
bounds still apply), answers it by calling the route's own function, `queries.run_query`,
and turns a domain error into the error envelope as the app's handler does. Everything
else, `HEAD` and any other path, goes on to FastAPI, which still documents the route
(api/openapi.json is unchanged); an unexpected error goes up to the app's 500 handler.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import BattkgError
from . import queries
from .errors import error_response

PREFIX = "/queries/"


class NamedQueryRoute:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        name = path[len(PREFIX) :]
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(PREFIX)
            or not name
            or "/" in name
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await queries.run_query(name, request, request.app.state.kg)
        except BattkgError as exc:
            response = error_response(
                request, exc.status, exc.code, exc.message, exc.fix, exc.details
            )
        await response(scope, receive, send)
