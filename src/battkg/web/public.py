"""The service's public address, for the documents that name it (Service Description, VoID).

Never taken from the Host header, which any client sets: it is `BATTKG_PUBLIC_URL`
when configured, else the address the server listens on (the socket's, as the
ASGI server reports it).
"""

from __future__ import annotations

from fastapi import Request


def public_root(request: Request) -> str:
    """`https://host[:port][/prefix]` without a trailing slash."""
    configured: str | None = request.app.state.kg.settings.public_url
    if configured:
        return configured
    scheme = request.scope.get("scheme", "http")
    root_path = request.scope.get("root_path", "").rstrip("/")
    server = request.scope.get("server")
    if not server:
        return f"{scheme}://localhost{root_path}"
    host, port = server[0], server[1]
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    address = host if port in (None, default) else f"{host}:{port}"
    return f"{scheme}://{address}{root_path}"
