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

A lane has a bounded waiting room: when its threads are all taken, up to `waiting`
requests wait for one (on the event loop, holding no thread, within the call's time
limit); when the waiting room is full too, the request gets 503 with Retry-After at
once (`LaneBusyError`), so that waiting requests cannot pile up. Only the `named` lane
waits: a normal load of 64 connections on a named query is served, not refused
(issue 16), while the other lanes answer 503 as soon as their threads are taken. A lane
may also give a time limit: the caller gets 503 when it passes, and the thread's result
is dropped (a thread cannot be stopped, which is why the heavy work that needs a hard
stop runs in killable processes). An abandoned thread keeps its slot until it really
ends, so that clients retrying a slow call cannot pile up threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request

from battkg.errors import BattkgError

T = TypeVar("T")
#: the longest wait for a thread of a call without a time limit of its own
MAX_WAIT_S = 10.0


class LaneBusyError(BattkgError):
    """Every thread of a lane is taken and its waiting room is full: try again shortly."""

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
    #: requests that may wait (without a thread) for one of the lane's threads
    waiting: int = 0


def lanes_for(workers: int) -> tuple[Lane, ...]:
    """The lanes of a service whose SPARQL pool has `workers` processes."""
    return (
        Lane("sparql", 4 * workers, "ad-hoc SPARQL queries"),
        Lane("named", 4 * workers, "named queries", waiting=32 * workers),
        Lane("ingest", max(2, workers), "partner file validation and loading"),
        Lane("gaps", max(2, workers), "what-if gap analyses"),
    )


class LaneSlots:
    """The threads of one lane and the requests waiting for one, counted on the event loop.

    A slot is taken on the event loop (`take`) and given back when its thread really
    ends: by the caller on the loop (`give_back`), or by a thread its caller abandoned
    (`give_back_from_thread`); a freed slot goes to the longest-waiting request first."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self.free = lane.threads
        self.limiter = anyio.CapacityLimiter(lane.threads)
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)  # a turn given, or given up, leaves the room

    async def take(self, busy: LaneBusyError) -> None:
        """A slot now, or after a wait in the waiting room; `busy` when that is full too."""
        if self.free > 0:
            self.free -= 1
            return
        if self.waiting >= self.lane.waiting:
            raise busy
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():  # given a slot as the wait was cancelled
                self.give_back()
            elif turn in self._waiters:
                self._waiters.remove(turn)
            raise

    def give_back(self) -> None:
        """Free a slot (on the event loop): to the first request still waiting, if any."""
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():  # not cancelled meanwhile
                turn.set_result(None)
                return
        self.free += 1

    def give_back_from_thread(self, loop: asyncio.AbstractEventLoop) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the service is stopping
            loop.call_soon_threadsafe(self.give_back)


def install(app: FastAPI, workers: int) -> None:
    """Give `app` its lanes (the slots of each)."""
    app.state.lanes = {lane.name: LaneSlots(lane) for lane in lanes_for(workers)}


class _Ticket:
    """Who gives the slot back: the caller, on the event loop, when it is still there once the
    thread has ended or when the thread never started; the thread, when the caller abandoned
    it while it ran (so the slot stays taken until the thread really ends). One wake-up of the
    event loop per call instead of two: a slot given back from a thread costs a write to the
    loop's self-pipe and a GIL hand-over, about a quarter of a small named query's thread time
    (py-spy, issue 16)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = self.withdrawn = self.ended = self.abandoned = False


async def in_lane(
    request: Request,
    lane: str,
    func: Callable[..., T],
    *args: Any,
    timeout: float | None = None,
    retry_after: int = 5,
) -> T:
    """`func(*args)` in a thread of `lane`, after a wait in its waiting room if need be; 503
    when the lane and its waiting room are full, or when `timeout` passes (the wait counts)."""
    slots: LaneSlots = request.app.state.lanes[lane]
    info = slots.lane
    busy = LaneBusyError(
        f"the service is busy with {info.what}: all {info.threads} of its slots are taken"
        + (f" and {info.waiting} requests are waiting for one" if info.waiting else ""),
        fix=f"try again in {retry_after} s",
        details={"lane": lane, "retry_after_seconds": retry_after},
    )
    call = functools.partial(func, *args)
    loop = asyncio.get_running_loop()
    ticket = _Ticket()

    def held() -> T:
        with ticket.lock:
            if ticket.withdrawn:  # the caller gave up before this thread started
                raise asyncio.CancelledError
            ticket.started = True
        try:
            return call()
        finally:
            with ticket.lock:
                ticket.ended = True
                abandoned = ticket.abandoned
            if abandoned:  # the caller has gone: it left the slot to this thread
                slots.give_back_from_thread(loop)

    limit = timeout if timeout is not None else MAX_WAIT_S
    with anyio.move_on_after(limit) as scope:
        await slots.take(busy)
        if timeout is None:
            scope.deadline = float("inf")  # the wait is over; the call itself has no limit
        try:
            return await anyio.to_thread.run_sync(
                held, abandon_on_cancel=timeout is not None, limiter=slots.limiter
            )
        finally:
            with ticket.lock:
                if not ticket.started:  # cancelled before the thread ran
                    ticket.withdrawn = True
                    mine = True
                else:  # the thread ended (answered or raised), or it runs on, abandoned
                    mine = ticket.ended
                    ticket.abandoned = not mine
            if mine:
                slots.give_back()
    assert scope.cancelled_caught
    if timeout is None:
        raise busy
    raise LaneTimeoutError(
        f"the request took longer than {timeout:g} s and was abandoned",
        fix="send less at once, or try again later",
        details={"lane": lane, "timeout_seconds": timeout, "retry_after_seconds": retry_after},
    )
