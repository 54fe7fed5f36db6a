"""Partner uploads parsed, validated and loaded in a child process with a memory cap and a time limit.

A hostile file may need far more memory or time than its size suggests, so the
service never parses one itself: each upload is handed to a fresh child
process (forked from a forkserver that has battkg imported, so it starts in
milliseconds) whose data segment is capped with RLIMIT_DATA and which is killed
at the time limit. The service's event loop and memory stay untouched, /health
answers throughout, and all the memory one validation needed goes back to the
system when its child exits. At most `workers` children run at once; a request
that waits longer than the time limit for a turn gets 503.

The jobs themselves are plain functions of picklable arguments (settings and
the upload's bytes), so the CLI and tests can call them in-process too.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from .errors import BattkgError
from .ingest import InputTooLargeError, PartnerFile, read_partner_file, size_text
from .limits import UploadLimits

T = TypeVar("T")
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["battkg.isolation", "battkg.datasets", "battkg.validation"])
_TURNS: dict[int, threading.BoundedSemaphore] = {}
#: what a load may use beyond BATTKG_UPLOAD_MEMORY: the store writer's buffers (about 200 MB)
LOAD_HEADROOM = 1024 * 1024 * 1024
_TURNS_LOCK = threading.Lock()


class UploadBusyError(BattkgError):
    code = "busy"
    status = 503


class UploadTimeoutError(BattkgError):
    code = "upload_timeout"
    status = 503


@dataclass(frozen=True)
class Upload:
    """One file of a request: its name, media type and bytes."""

    name: str
    media_type: str | None
    data: bytes


def read_uploads(
    uploads: list[Upload], kg: Any, kind: str | None, max_bytes: int
) -> list[PartnerFile]:
    return [
        read_partner_file(
            u.data, u.name, kg.iris, media_type=u.media_type, kind=kind, max_bytes=max_bytes
        )
        for u in uploads
    ]


def _turn(workers: int) -> threading.BoundedSemaphore:
    with _TURNS_LOCK:
        return _TURNS.setdefault(workers, threading.BoundedSemaphore(workers))


def _child(conn: Connection, memory: int, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        result: tuple[str, Any] = ("ok", job(*args))
    except MemoryError:
        result = ("memory", None)
    except BattkgError as exc:
        result = ("error", exc)
    except Exception:
        result = ("crash", traceback.format_exc(limit=20))
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    conn.close()


def run_isolated(
    job: Callable[..., T], args: tuple[Any, ...], limits: UploadLimits, *, load: bool = False
) -> T:
    """`job(*args)` in a child process under `limits`; its BattkgError is raised here.

    A load (`load=True`) also writes a store generation, whose writer buffers need
    `LOAD_HEADROOM` more than the validation (loads need the write token).
    """
    turn = _turn(limits.workers)
    if not turn.acquire(timeout=limits.seconds):
        raise UploadBusyError(
            f"{limits.workers} upload(s) are being validated; none finished within {limits.seconds:g} s",
            fix="send the file again in a few minutes",
            details={"retry_after_seconds": 60},
        )
    try:
        memory = limits.memory_bytes + (LOAD_HEADROOM if load else 0)
        return _run(job, args, limits, memory)
    finally:
        turn.release()


def _run(job: Callable[..., T], args: tuple[Any, ...], limits: UploadLimits, memory: int) -> T:
    receive, send = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child, args=(send, memory, job, args))
    process.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise UploadTimeoutError(
                f"validating the upload took longer than the limit of {limits.seconds:g} s",
                fix="split the data into smaller files or datasets and send them one at a time",
                details={"limit_seconds": limits.seconds, "retry_after_seconds": 60},
            )
        try:
            status, value = receive.recv()
        except EOFError:  # the child died: killed by the kernel or aborted by an allocator
            status, value = "memory", None
    finally:
        if process.is_alive():
            process.kill()
        process.join(10)
        receive.close()
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "memory":
        raise InputTooLargeError(
            f"validating the upload needed more memory than the limit of {size_text(memory)}",
            fix="split the data into smaller files or datasets and send them one at a time",
            details={"limit_bytes": memory},
        )
    if status == "error":
        raise value
    raise RuntimeError(f"the validation process failed:\n{value}")
