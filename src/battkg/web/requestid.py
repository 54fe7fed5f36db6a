"""The request id: taken from a well-formed `X-Request-ID`, or made; in every log line and error.

A pure ASGI middleware, so it neither buffers streamed answers nor changes how
errors propagate: it puts the id in the request's state and in
`battkg.logs.REQUEST_ID` and adds the `X-Request-ID` header to the response.
"""

from __future__ import annotations

import re
import uuid

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..logs import REQUEST_ID

HEADER = b"x-request-id"
#: A client's id is kept only when it is short and plain, so it cannot forge log lines.
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(request: Request) -> str:
    """The id of `request` (one is made if the middleware did not run, as in a unit test)."""
    state = request.scope.setdefault("state", {})
    if "request_id" not in state:
        state["request_id"] = uuid.uuid4().hex[:16]
    rid: str = state["request_id"]
    return rid


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(HEADER, b"").decode("latin-1")
        rid = given if WELL_FORMED.match(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        REQUEST_ID.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message["headers"] = [*headers, (HEADER, rid.encode("ascii"))]
            await send(message)

        await self.app(scope, receive, send_with_id)
