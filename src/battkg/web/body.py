"""The one reader of request bodies: streamed, refused as soon as it passes its limit."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request


async def read_body(request: Request, limit: int, refuse: Callable[[int], Exception]) -> bytes:
    """The body of `request`; `refuse(size)` is raised once the body (or its declared length)
    is over `limit` bytes, before more is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise refuse(int(declared))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise refuse(size)
        chunks.append(chunk)
    return b"".join(chunks)
