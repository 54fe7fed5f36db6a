"""The one middleware for what every response needs on the open internet.

- **Headers** on every response: a Content-Security-Policy that allows scripts,
  styles, images and fetches from this service only and no inline scripts
  (`CSP`), `X-Content-Type-Options: nosniff`, `frame-ancestors 'none'` (and
  `X-Frame-Options: DENY` for old browsers), `Referrer-Policy: same-origin`.
  Pages keep their scripts in files under /static (/docs too: pages/home.py
  serves Swagger UI from its own copy); inline `<style>` stays allowed.
- **CORS**: any origin may read (GET, HEAD, POST of queries and validations),
  without credentials. Cross-origin writes (PUT, PATCH, DELETE, POST under
  /datasets/) are refused, in the preflight and in the request itself, unless
  the origin is listed in `BATTKG_CORS_WRITE_ORIGINS`.
- **Long URLs**: a request target longer than `MAX_URL_BYTES` gets 414 with the
  fix (POST the query). uvicorn must accept such a request line to answer it:
  `battkg serve` reads request heads up to `H11_MAX_EVENT_BYTES` (protocol.py).
- **Bodies**: a request body the framework parses itself (JSON of POST
  /gaps/what-if, the forms of /guide) is refused with 413 past `MAX_BODY_BYTES`,
  before it is parsed; the routes under `SELF_BOUNDED` read theirs with their own
  limits (uploads, SPARQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: the longest request target (path and query string) answered; longer ones get 414
MAX_URL_BYTES = 64 * 1024
#: what `battkg serve` lets uvicorn's HTTP parser buffer, so that it can answer 414 up to this
H11_MAX_EVENT_BYTES = 4 * 1024 * 1024
#: the largest body of a route that does not bound its own (what-if JSON, page forms)
MAX_BODY_BYTES = 256 * 1024
#: the routes that read their bodies with limits of their own (web/body.py)
SELF_BOUNDED = ("/validate", "/datasets/", "/sparql")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


READ_METHODS = ("GET", "HEAD", "POST")
READ_HEADERS = "Accept, Accept-Language, Content-Type, Content-Language"
EXPOSED = (
    "Content-Type, Content-Length, Content-Disposition, X-Result-Size, Retry-After, X-Request-ID"
)


def is_write(method: str, path: str) -> bool:
    """Does this call change stored data (and need the write token)?"""
    method = method.upper()
    return method in ("PUT", "PATCH", "DELETE") or (
        method == "POST" and path.startswith("/datasets/")
    )


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, write_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.write_origins = frozenset(o.rstrip("/") for o in write_origins if o)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > MAX_URL_BYTES:
            await _error(scope, send, 414, "uri_too_long", _too_long(target), _LONG_FIX)
            return
        origin = headers.get("origin")
        method, path = scope["method"], scope["path"]
        if origin and not self._same_origin(origin, scope, headers):
            wanted = headers.get("access-control-request-method")
            if method == "OPTIONS" and wanted:
                await self._preflight(scope, send, origin, wanted, path)
                return
            if is_write(method, path) and origin.rstrip("/") not in self.write_origins:
                await _error(scope, send, 403, "cross_origin_write", _refused(origin), _WRITE_FIX)
                return
        if method in ("POST", "PUT", "PATCH") and not path.startswith(SELF_BOUNDED):
            body = await _capped_body(receive, headers.get("content-length", ""))
            if body is None:
                await _error(scope, send, 413, "too_large", _BODY_TOO_LARGE, _BODY_FIX)
                return
            receive = _replay(body, receive)
        cors = self._cors_headers(origin) if origin else []
        policy = [(b"content-security-policy", CSP.encode()), *SECURITY_HEADERS]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *policy, *cors]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _same_origin(self, origin: str, scope: Scope, headers: dict[str, str]) -> bool:
        host = headers.get("host", "")
        return bool(host) and origin.rstrip("/") == f"{scope.get('scheme', 'http')}://{host}"

    def _writer(self, origin: str) -> bool:
        return origin.rstrip("/") in self.write_origins

    def _cors_headers(self, origin: str) -> list[tuple[bytes, bytes]]:
        allowed = origin if self._writer(origin) else "*"
        return [
            (b"access-control-allow-origin", allowed.encode("latin-1")),
            (b"access-control-expose-headers", EXPOSED.encode()),
            (b"vary", b"Origin"),
        ]

    async def _preflight(
        self, scope: Scope, send: Send, origin: str, wanted: str, path: str
    ) -> None:
        writer = self._writer(origin)
        if is_write(wanted, path) and not writer:
            await _error(scope, send, 403, "cross_origin_write", _refused(origin), _WRITE_FIX)
            return
        methods = [*READ_METHODS, "PUT"] if writer else list(READ_METHODS)
        allow_headers = READ_HEADERS + (", Authorization" if writer else "")
        headers = [
            (b"access-control-allow-origin", (origin if writer else "*").encode("latin-1")),
            (b"access-control-allow-methods", ", ".join(methods).encode()),
            (b"access-control-allow-headers", allow_headers.encode()),
            (b"access-control-max-age", b"600"),
            (b"vary", b"Origin"),
            (b"content-length", b"0"),
            (b"content-security-policy", CSP.encode()),
            *SECURITY_HEADERS,
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


_LONG_FIX = (
    "send long queries with POST: Content-Type application/sparql-query with the query as "
    "the body, or application/x-www-form-urlencoded with query=..."
)
_WRITE_FIX = (
    "make writes from the service's own origin or a server; the operator may allow an "
    "origin with BATTKG_CORS_WRITE_ORIGINS"
)


_BODY_TOO_LARGE = f"the request body is larger than the limit of {MAX_BODY_BYTES // 1024} KiB"
_BODY_FIX = (
    "send less: this call takes a small JSON document or form (partner files go to "
    "POST /validate or PUT /datasets/{name})"
)


async def _capped_body(receive: Receive, declared: str) -> bytes | None:
    """The whole body, or None as soon as it (or its declared length) passes MAX_BODY_BYTES."""
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body read already, then the client's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _too_long(size: int) -> str:
    return f"the request URL is {size:,} bytes; this service takes at most {MAX_URL_BYTES:,}"


def _refused(origin: str) -> str:
    return f"cross-origin writes from {origin} are not allowed"


async def _error(scope: Scope, send: Send, status: int, code: str, message: str, fix: str) -> None:
    """The error envelope (web/errors.py), for what is refused before the app runs."""
    rid = scope.get("state", {}).get("request_id", "")
    error = {"code": code, "message": message, "fix": fix, "request_id": rid}
    body: dict[str, Any] = {"error": error}
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                (b"content-security-policy", CSP.encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
