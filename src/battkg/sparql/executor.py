"""Run SPARQL queries in worker processes that can be killed: a time limit that stops the work.

pyoxigraph has no query timeout, and one `next()` on a big ORDER BY or GROUP BY
blocks until the whole evaluation is done, so a thread cannot be stopped. Each
worker (worker.py) opens the served store generation read-only and runs one query
at a time. When a query passes its time limit, its worker is killed (SIGKILL) and
a fresh one takes its place; the service keeps serving.

See docs/decisions/0031-query-worker-processes.md.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from battkg.backend import ReadableStore
from battkg.errors import BattkgError, QueryError, QueryTimeout, StoreError
from battkg.kg import KnowledgeGraph
from battkg.limits import DEFAULT_QUERY_MEMORY
from battkg.logs import event, logger
from battkg.remote import is_remote, reader_for
from battkg.sparql.negotiation import NotAcceptableError
from battkg.sparql.worker import Answer, Job, QueryTooLargeError, ResultTooLargeError, run_job

__all__ = [
    "IN_PROCESS",
    "NAMED_POOL",
    "SPARQL_POOL",
    "Answer",
    "Job",
    "QueryExecutor",
    "executor_for",
    "run",
    "served",
]

log = logger(__name__)

_ERRORS: dict[str, type[BattkgError]] = {
    c.__name__: c
    for c in (QueryError, NotAcceptableError, ResultTooLargeError, StoreError, BattkgError)
}


# -- in the service process ---------------------------------------------------

_CHILD = "from battkg.sparql.worker import main; main()"


class _Worker:
    """One child process and its two pipes (jobs in, answers out)."""

    def __init__(self, memory: int) -> None:
        job_r, job_w = os.pipe()
        ans_r, ans_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(job_r), str(ans_w), str(memory)],
            pass_fds=(job_r, ans_w),
            stdin=subprocess.DEVNULL,
        )
        os.close(job_r)
        os.close(ans_w)
        self.jobs = Connection(job_w, readable=False)
        self.answers = Connection(ans_r, writable=False)

    def wait_ready(self, timeout: float) -> bool:
        try:
            return bool(self.answers.poll(timeout)) and self.answers.recv() == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait(5)
        for conn in (self.jobs, self.answers):
            with contextlib.suppress(Exception):
                conn.close()


def _aborted(worker: _Worker) -> bool:
    """Whether the worker ended by SIGABRT: the store's allocations abort the process when
    they pass the memory cap (Python's own raise MemoryError, answered as a reply)."""
    with contextlib.suppress(Exception):
        return worker.process.wait(2) == -signal.SIGABRT
    return False


class QueryExecutor:
    """A fixed-size pool of query worker processes; `run(job, timeout)` answers or raises."""

    def __init__(self, workers: int = 2, memory: int = DEFAULT_QUERY_MEMORY) -> None:
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self.memory = memory
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.size = max(1, workers)
        self.killed = 0
        started = [self._start() for _ in range(self.size)]
        for worker in started:
            self._ready(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self.memory)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> None:
        if worker.wait_ready(60):
            self._idle.put(worker)
        else:
            self._discard(worker)
            raise StoreError("a query worker process could not start", fix="check the service log")

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker, why: str) -> None:
        """Kill `worker` and start a fresh one in the background."""
        event(log, "query_worker_killed", logging.WARNING, pid=worker.process.pid, reason=why)
        self._discard(worker)
        if self._closed:
            return

        def start() -> None:
            try:
                fresh = self._start()
                self._ready(fresh)
                event(log, "query_worker_restarted", pid=fresh.process.pid)
            except StoreError as exc:
                event(log, "query_worker_restart_failed", logging.ERROR, error=exc.message)

        threading.Thread(target=start, name="battkg-query-respawn", daemon=True).start()

    def run(self, job: Job, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"every query worker stayed busy for {timeout:g} s",
                fix=f"try again in {math.ceil(timeout)} s; long queries slow everyone down",
                details={"retry_after_seconds": math.ceil(timeout)},
            ) from None
        try:
            worker.jobs.send(job)
            if not worker.answers.poll(max(0.0, deadline - time.monotonic())):
                self.killed += 1
                self._replace(worker, f"timeout {timeout:g} s")
                raise QueryTimeout(
                    f"the query ran longer than the {timeout:g} s limit and was stopped",
                    fix="narrow the query (selective patterns first, LIMIT), or ask the "
                    "operator to raise BATTKG_QUERY_TIMEOUT",
                    details={"timeout_seconds": timeout, "retry_after_seconds": 5},
                )
            reply = worker.answers.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            aborted = _aborted(worker)
            self._replace(
                worker, "over its memory cap" if aborted else f"died: {exc or 'no reply'}"
            )
            if aborted:
                raise self._too_large() from None
            raise StoreError(
                f"the query worker died while answering ({exc or 'no reply'})"
            ) from None
        self._idle.put(worker)
        if reply[0] == "ok":
            answer: Answer = reply[1]
            return answer
        _, name, message, fix, details = reply
        if name == QueryTooLargeError.__name__:
            raise self._too_large()
        raise _ERRORS.get(name, BattkgError)(message, fix, details or {})

    def _too_large(self) -> QueryTooLargeError:
        mib = self.memory // (1024 * 1024)
        return QueryTooLargeError(
            f"the query needed more than {mib:,} MiB of memory, the most one query may use, "
            "and was stopped",
            fix="narrow the query: join on shared variables instead of unconnected patterns, "
            "selective patterns first, LIMIT; or ask the operator to raise BATTKG_QUERY_MEMORY",
            details={"memory_mib": mib},
        )

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.jobs.send(None)
            worker.kill()


#: ad-hoc queries (/sparql) run in the worker pool; IN_PROCESS: in the calling thread, for
#: battkg's own named queries (/queries), whose text is known and whose cost the data bounds;
#: NAMED_POOL: the worker pool of the named queries found slow in process (started when one is)
SPARQL_POOL, IN_PROCESS, NAMED_POOL = "sparql", "in-process", "named"
#: a named query that took longer than this share of the time limit in process runs in the
#: named worker pool from then on, where the limit stops it
SLOW_SHARE = 0.25


def executor_for(kg: KnowledgeGraph, pool: str = SPARQL_POOL) -> QueryExecutor:
    """The worker pool `pool` of `kg`, started on first use and stopped when the process exits."""

    def start() -> QueryExecutor:
        workers = kg.settings.query_workers
        size = max(1, workers // 2) if pool == NAMED_POOL else workers
        executor = QueryExecutor(size, kg.settings.query_memory)
        atexit.register(executor.close)
        return executor

    return kg.memo(f"sparql:executor:{pool}", None, start)  # kept by kg, started once


def generation_path(kg: KnowledgeGraph) -> str:
    """The directory of the store generation being served (the store is opened to find it)."""
    return served(kg)[0]


def served(kg: KnowledgeGraph) -> tuple[str, ReadableStore]:
    """The generation being served: its directory and the service's reader of it, from one
    look at `CURRENT` (a request that asked twice paid two `stat`s and could, across a
    publish, pair one generation's directory with the other's reader)."""
    reader = kg.reader()
    generation = kg.store.generation
    if generation is None:
        raise StoreError(
            f"there is no built store at {kg.settings.store}", fix="run `battkg build` first"
        )
    return kg.store.generation_address(generation), reader


def run(
    kg: KnowledgeGraph,
    job: Job,
    pool: str = SPARQL_POOL,
    *,
    trusted: bool = False,
    reader: ReadableStore | None = None,
) -> Answer:
    """Run `job` on the generation `kg` serves, in `pool`, within kg.settings.query_timeout.

    `trusted`: the query text is battkg's own (a named query), not a client's. `reader`:
    the service's reader of `job.store_path` (from `served`), used in process."""
    if is_remote(kg.store):  # the SPARQL server runs it; the HTTP client enforces the limit
        return run_job(job, {job.store_path: reader_for(kg, trusted=trusted)})
    if pool == IN_PROCESS:
        if not trusted:
            raise ValueError("only battkg's own queries run in process")
        return _in_process(kg, job, reader)
    return executor_for(kg, pool).run(job, kg.settings.query_timeout)


def _in_process(kg: KnowledgeGraph, job: Job, reader: ReadableStore | None) -> Answer:
    """A named query in the calling thread on the service's own read-only store: no pickling,
    no pipe, no process hop (pyoxigraph releases the GIL while it evaluates).

    A thread cannot be stopped, so a query text that once ran past SLOW_SHARE of the time
    limit runs in the named worker pool from then on (decision 0043)."""
    slow: set[str] = kg.memo("sparql:slow-named-queries", None, set)
    limit = kg.settings.query_timeout
    if job.query in slow:
        return executor_for(kg, NAMED_POOL).run(job, limit)
    started = time.monotonic()
    try:
        return run_job(job, {job.store_path: reader or kg.reader()})
    finally:
        took = time.monotonic() - started
        if took > SLOW_SHARE * limit:
            slow.add(job.query)
            name = next((q.name for q in kg.queries.all() if q.text == job.query), "?")
            event(log, "named_query_slow", logging.WARNING, query=name, seconds=round(took, 2))
