"""Work off the event loop, in lanes: no request does CPU work where /health has to answer.

Every route that parses, converts, validates or serialises calls `in_lane(request,
lane, func, *args)`: `func` runs in a worker thread of that lane. Each lane has
its own capacity, so one kind of request cannot take the threads another needs:

- `sparql`: ad-hoc SPARQL (/sparql). Its threads wait on the query worker
  processes (sparql/executor.py), which hold the time limit and are killed when
  a query runs past it.
- `named`: the named queries (/queries/{name}). They run in the lane's thread on
  the service's own read-only store (battkg's query text, bounded by the data:
  no process hop), so runaway ad-hoc queries leave them available.
- `ingest`: parsing and validating partner files (/validate, PUT /datasets).
- `gaps`: the what-if gap analysis (POST /gaps/what-if), with the query time limit.

Sync routes that do none of this (the pathway API, /health) stay on Starlette's
own thread pool, which no lane uses.

When a lane is full, the request is not queued: it gets 503 with Retry-After at
once (`LaneBusyError`), so that waiting requests cannot pile up. A lane may also
give a time limit: the caller gets 503 when it passes, and the thread's result is
dropped (a thread cannot be stopped, which is why the heavy work that needs a
hard stop runs in killable processes). An abandoned thread keeps its slot until
it really ends, so that clients retrying a slow call cannot pile up threads.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request

from battkg.errors import BattkgError

T = TypeVar("T")


class LaneBusyError(BattkgError):
    """Every thread of a lane is taken: try again shortly."""

    code = "busy"
    status = 503


class LaneTimeoutError(BattkgError):
    code = "timeout"
    status = 503


@dataclass(frozen=True)
class Lane:
    name: str
    threads: int
    what: str


def lanes_for(workers: int) -> tuple[Lane, ...]:
    """The lanes of a service whose SPARQL pool has `workers` processes."""
    return (
        Lane("sparql", 4 * workers, "ad-hoc SPARQL queries"),
        Lane("named", 4 * workers, "named queries"),
        Lane("ingest", max(2, workers), "partner file validation and loading"),
        Lane("gaps", max(2, workers), "what-if gap analyses"),
    )


def install(app: FastAPI, workers: int) -> None:
    """Give `app` its lanes (one capacity limiter each)."""
    lanes = lanes_for(workers)
    app.state.lanes = {lane.name: (lane, anyio.CapacityLimiter(lane.threads)) for lane in lanes}
    # the slots of calls with a time limit, held by the thread itself (abandoned ones too)
    app.state.lane_slots = {lane.name: threading.BoundedSemaphore(lane.threads) for lane in lanes}


async def in_lane(
    request: Request,
    lane: str,
    func: Callable[..., T],
    *args: Any,
    timeout: float | None = None,
    retry_after: int = 5,
) -> T:
    """`func(*args)` in a thread of `lane`; 503 when the lane is full or `timeout` passes."""
    info, limiter = request.app.state.lanes[lane]
    busy = LaneBusyError(
        f"the service is busy with {info.what}: all {info.threads} of its slots are taken",
        fix=f"try again in {retry_after} s",
        details={"lane": lane, "retry_after_seconds": retry_after},
    )
    call = functools.partial(func, *args)
    if timeout is None:
        if limiter.available_tokens < 1:
            raise busy
        return await anyio.to_thread.run_sync(call, limiter=limiter)
    slots: threading.BoundedSemaphore = request.app.state.lane_slots[lane]
    if not slots.acquire(blocking=False):
        raise busy

    def held() -> T:
        try:
            return call()
        finally:
            slots.release()

    with anyio.move_on_after(timeout) as scope:
        return await anyio.to_thread.run_sync(held, abandon_on_cancel=True)
    assert scope.cancelled_caught
    raise LaneTimeoutError(
        f"the request took longer than {timeout:g} s and was abandoned",
        fix="send less at once, or try again later",
        details={"lane": lane, "timeout_seconds": timeout, "retry_after_seconds": retry_after},
    )
