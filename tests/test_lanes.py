"""The lanes of web/offload.py: a bounded waiting room, then 503; slots never leak.

Run on a real event loop with real threads; the calls block on events the test sets.
"""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from battkg.web.offload import Lane, LaneBusyError, LaneSlots, LaneTimeoutError, in_lane

pytestmark = pytest.mark.timeout(60)


def _request(*lanes: Lane) -> Any:
    state = SimpleNamespace(lanes={lane.name: LaneSlots(lane) for lane in lanes})
    return SimpleNamespace(app=SimpleNamespace(state=state))


def _blocking(release: threading.Event, started: list[int], n: int) -> int:
    started.append(n)
    assert release.wait(30)
    return n


async def _until(condition: Any) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


def test_a_full_lane_lets_requests_wait_then_refuses_beyond_its_waiting_room() -> None:
    async def run() -> None:
        request = _request(Lane("named", threads=2, what="named queries", waiting=2))
        slots: LaneSlots = request.app.state.lanes["named"]
        release, started = threading.Event(), []
        calls = [
            asyncio.create_task(in_lane(request, "named", _blocking, release, started, n))
            for n in range(4)
        ]
        await _until(lambda: len(started) == 2 and slots.waiting == 2)
        with pytest.raises(LaneBusyError) as refused:  # 2 running, 2 waiting: the 5th is refused
            await in_lane(request, "named", _blocking, release, started, 4)
        assert "2 requests are waiting" in refused.value.message
        assert refused.value.details["retry_after_seconds"] == 5
        release.set()
        assert await asyncio.gather(*calls) == [0, 1, 2, 3]  # the waiting ones ran in turn
        await _until(lambda: slots.free == 2 and slots.waiting == 0)

    asyncio.run(run())


def test_a_lane_without_a_waiting_room_refuses_at_once() -> None:
    async def run() -> None:
        request = _request(Lane("gaps", threads=1, what="what-if gap analyses"))
        release, started = threading.Event(), []
        first = asyncio.create_task(in_lane(request, "gaps", _blocking, release, started, 0))
        await _until(lambda: started == [0])
        with pytest.raises(LaneBusyError, match="all 1 of its slots are taken"):
            await in_lane(request, "gaps", _blocking, release, started, 1)
        release.set()
        assert await first == 0

    asyncio.run(run())


def test_the_wait_counts_against_the_time_limit_and_gives_no_slot_away() -> None:
    async def run() -> None:
        request = _request(Lane("named", threads=1, what="named queries", waiting=4))
        slots: LaneSlots = request.app.state.lanes["named"]
        release, started = threading.Event(), []
        running = asyncio.create_task(
            in_lane(request, "named", _blocking, release, started, 0, timeout=0.5)
        )
        await _until(lambda: started == [0])
        with pytest.raises(LaneTimeoutError):  # waited 0.3 s for the one thread: abandoned
            await in_lane(request, "named", _blocking, release, started, 1, timeout=0.3)
        assert slots.waiting == 0 and started == [0]
        with pytest.raises(LaneTimeoutError):  # the running call passes its own limit
            await running
        assert slots.free == 0  # its thread has not ended: it keeps its slot
        release.set()
        await _until(lambda: slots.free == 1)
        assert await in_lane(request, "named", lambda: 7, timeout=1) == 7
        assert slots.free == 1  # a call its caller saw end is given back at once, on the loop

    asyncio.run(run())
