"""Per-client limits on ad-hoc SPARQL: one client cannot hold every query worker.

A client (the address uvicorn sees; run it with --proxy-headers behind a proxy)
may have at most `BATTKG_SPARQL_PER_CLIENT` ad-hoc queries running at once
(default: half the query workers, at least one); its further queries wait for
one of its own slots (at most the query time limit, at most 8 of them), then get
503 with Retry-After. Named queries and the pathway API have pools of their own
and are not counted here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

from fastapi import Request

from battkg.errors import BattkgError


class TooManyQueriesError(BattkgError):
    code = "too_many_queries"
    status = 503


class ClientSlots:
    """The queries each client has running, and those it has waiting for a slot.

    Used from the event loop only. A client's next query waits (without a thread)
    until one of its own slots frees, at most `wait` seconds; more than `queue`
    waiting queries of one client are refused at once.
    """

    def __init__(self, limit: int, wait: float = 10.0, queue: int = 8) -> None:
        self.limit, self.wait, self.queue = limit, wait, queue
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: Counter[str] = Counter()

    def _busy(self, client: str, why: str) -> TooManyQueriesError:
        return TooManyQueriesError(
            f"this client {why}; each client may run {self.limit} SPARQL "
            f"quer{'y' if self.limit == 1 else 'ies'} at once",
            fix="wait for your running queries to finish, then send the next one",
            details={"limit": self.limit, "retry_after_seconds": 2},
        )

    @contextlib.asynccontextmanager
    async def hold(self, client: str) -> AsyncIterator[None]:
        if self._users[client] >= self.limit + self.queue:
            raise self._busy(client, f"already has {self._users[client]} queries sent")
        slot = self._slots.setdefault(client, asyncio.Semaphore(self.limit))
        self._users[client] += 1
        try:
            try:
                await asyncio.wait_for(slot.acquire(), self.wait)
            except TimeoutError:
                raise self._busy(
                    client, f"waited {self.wait:g} s for its running queries"
                ) from None
            try:
                yield
            finally:
                slot.release()
        finally:
            self._users[client] -= 1
            if self._users[client] <= 0:
                del self._users[client]
                self._slots.pop(client, None)


@contextlib.asynccontextmanager
async def per_client(request: Request) -> AsyncIterator[None]:
    """Hold one of the client's query slots while the body runs."""
    slots: ClientSlots | None = getattr(request.app.state, "client_slots", None)
    if slots is None:
        wait = request.app.state.kg.settings.query_timeout
        slots = request.app.state.client_slots = ClientSlots(
            request.app.state.kg.settings.per_client, wait
        )
    client = request.client.host if request.client else "unknown"
    async with slots.hold(client):
        yield
