"""The time one pathway answer may take (decisions 0055 and 0056).

A node limit alone did not bound a request: with one real course more (UiS ENE210) a single
answer ran 64-87 s, because every part of the k-best partition that the exact search could
not finish got a greedy search of its own with a fresh node limit, at about 1 ms a node,
and an answer runs several searches (home country first, then abroad, the diagnosis). So
every answer also has a time budget (`BATTKG_PATHWAY_TIMEOUT`, seconds): the exact
searches stop at half of it and fall back to the greedy search, and every search stops at
the whole of it; an answer without a route gets the same time again for its diagnosis (what
blocks, the nearest route without a filter), so one answer takes at most twice the budget.

The budget is CPU time of the thread that searches (`time.thread_time`), not wall-clock
time (decision 0056): on the shared machine a wall-clock budget stopped the same search at
another node under load, so the same request gave another answer (the remote comparison
tests had to turn it off). A wall-clock ceiling of `WALL_FACTOR` times the budget stays as
the last guard for a thread starved of CPU. What was stopped answers as the node limit does
(`complete: false`, or the `search-limit` reason naming what to do); the tables made once
per data version are built between the checks, never left half-built.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

#: the share of the budget the exact search may use before the greedy fallback takes over
EXACT_SHARE = 0.5
#: the wall-clock ceiling, as a multiple of the CPU budget (the 2-core machine under the load
#: of five engineers ran pathway searches at 2-4x their CPU time)
WALL_FACTOR = 4.0


@dataclass(frozen=True)
class Deadline:
    exact: float  # thread_time() past which the exact search gives way to the greedy one
    hard: float  # thread_time() past which every search stops
    wall: float  # perf_counter() past which every search stops, whatever the CPU time


_current: ContextVar[Deadline | None] = ContextVar("pathway_deadline", default=None)


@contextmanager
def answer_budget(seconds: float, *, fresh: bool = False) -> Iterator[Deadline]:
    """Bound what runs inside to `seconds` of the thread's CPU time (and `WALL_FACTOR` times
    that of wall-clock time), never beyond an outer budget unless `fresh` (the diagnosis of
    an answer without a route has a budget of its own)."""
    cpu, now = time.thread_time(), time.perf_counter()
    mine = Deadline(cpu + seconds * EXACT_SHARE, cpu + seconds, now + seconds * WALL_FACTOR)
    outer = _current.get()
    if outer is not None and not fresh:
        mine = Deadline(
            min(mine.exact, outer.exact), min(mine.hard, outer.hard), min(mine.wall, outer.wall)
        )
    token = _current.set(mine)
    try:
        yield mine
    finally:
        _current.reset(token)


def past(exact: bool) -> bool:
    """The budget of the running answer is spent (for an exact search: its share of it)."""
    deadline = _current.get()
    if deadline is None:
        return False
    if time.thread_time() > (deadline.exact if exact else deadline.hard):
        return True
    return time.perf_counter() > deadline.wall
