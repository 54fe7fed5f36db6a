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

An answer made of several (a matrix: one per preset; lateral moves: one per neighbouring
role) has one budget for all of them, twice the setting, as much as one answer with its
diagnosis (decision 0064), not one each: a matrix of 40 presets
with a country and a language filter took 24 s of CPU on 50,000 courses. `shared_budget`
caps everything inside it, diagnoses included, and `part_budget` gives each part the time
left but a floor for each part after it (a quarter of its even share), so that a hard part
can take most of the time and still cannot starve the ones after it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

#: the share of the budget the exact search may use before the greedy fallback takes over
EXACT_SHARE = 0.5
#: the share of its even part of a shared budget that each part is sure to get: a hard part
#: may take the rest (decision 0064)
PART_FLOOR = 0.25
#: the wall-clock ceiling, as a multiple of the CPU budget (the 2-core machine under the load
#: of five engineers ran pathway searches at 2-4x their CPU time)
WALL_FACTOR = 4.0


@dataclass(frozen=True)
class Deadline:
    exact: float  # thread_time() past which the exact search gives way to the greedy one
    hard: float  # thread_time() past which every search stops
    wall: float  # perf_counter() past which every search stops, whatever the CPU time


_current: ContextVar[Deadline | None] = ContextVar("pathway_deadline", default=None)
#: the cap of an answer made of several, which even a fresh budget stays within
_cap: ContextVar[Deadline | None] = ContextVar("pathway_cap", default=None)
#: the CPU seconds a shared budget keeps for each part still to come
_floor: ContextVar[float] = ContextVar("pathway_part_floor", default=0.0)


def _within(mine: Deadline, outer: Deadline | None) -> Deadline:
    if outer is None:
        return mine
    return Deadline(
        min(mine.exact, outer.exact), min(mine.hard, outer.hard), min(mine.wall, outer.wall)
    )


@contextmanager
def answer_budget(seconds: float, *, fresh: bool = False) -> Iterator[Deadline]:
    """Bound what runs inside to `seconds` of the thread's CPU time (and `WALL_FACTOR` times
    that of wall-clock time), never beyond an outer budget unless `fresh` (the diagnosis of
    an answer without a route has a budget of its own), and never beyond a shared cap."""
    cpu, now = time.thread_time(), time.perf_counter()
    mine = Deadline(cpu + seconds * EXACT_SHARE, cpu + seconds, now + seconds * WALL_FACTOR)
    if not fresh:
        mine = _within(mine, _current.get())
    mine = _within(mine, _cap.get())
    token = _current.set(mine)
    try:
        yield mine
    finally:
        _current.reset(token)


@contextmanager
def _capped(deadline: Deadline) -> Iterator[Deadline]:
    capped = _within(deadline, _cap.get())
    tokens = (_cap.set(capped), _current.set(_within(capped, _current.get())))
    try:
        yield capped
    finally:
        _current.reset(tokens[1])
        _cap.reset(tokens[0])


@contextmanager
def shared_budget(seconds: float, parts: int) -> Iterator[Deadline]:
    """One budget of `seconds` for an answer made of `parts` (a matrix, lateral moves):
    every answer inside, and every diagnosis, stays within it."""
    cpu, now = time.thread_time(), time.perf_counter()
    # no exact share of its own: each part's answer has one, and the parts after a long exact
    # search still search exactly within theirs
    deadline = Deadline(cpu + seconds, cpu + seconds, now + seconds * WALL_FACTOR)
    token = _floor.set(seconds * PART_FLOOR / max(1, parts))
    try:
        with _capped(deadline) as capped:
            yield capped
    finally:
        _floor.reset(token)


@contextmanager
def part_budget(parts_left: int) -> Iterator[Deadline | None]:
    """One part of a shared budget: the time left but a floor kept for each part after this
    one, so that a hard part may take most of the time and still cannot starve the others
    (each keeps `PART_FLOOR` of its even share); without a shared budget, nothing changes."""
    cap = _cap.get()
    if cap is None:
        yield None
        return
    cpu, now = time.thread_time(), time.perf_counter()
    left = max(0.0, cap.hard - cpu)
    reserve = min(left, _floor.get() * max(0, parts_left - 1))
    share = left - reserve
    wall = max(0.0, cap.wall - now) * (share / left if left else 0.0)
    with _capped(Deadline(cpu + share * EXACT_SHARE, cpu + share, now + wall)) as deadline:
        yield deadline


def past(exact: bool) -> bool:
    """The budget of the running answer is spent (for an exact search: its share of it)."""
    deadline = _current.get()
    if deadline is None:
        return False
    if time.thread_time() > (deadline.exact if exact else deadline.hard):
        return True
    return time.perf_counter() > deadline.wall
