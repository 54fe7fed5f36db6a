"""The query worker: a child process that opens a store generation read-only and answers jobs.

Started by executor.QueryExecutor, which calls `main()` with the two pipes' descriptors;
it reads pickled `Job`s from one pipe and writes `Answer`s (or errors) to the other.
It materialises at most `limit` rows or triples and writes the response body in
the negotiated format, so the service only copies bytes.
"""

from __future__ import annotations

import resource
import sys
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from battkg.backend import ReadableStore
from battkg.errors import BattkgError, QueryError, StoreError, from_query_failure
from battkg.sparql import results
from battkg.sparql.negotiation import NotAcceptableError


class ResultTooLargeError(QueryError):
    code = "result_too_large"


class QueryTooLargeError(QueryError):
    """A query needed more memory than one query worker may use (BATTKG_QUERY_MEMORY)."""

    code = "query_too_large"


@dataclass(frozen=True)
class Job:
    """One query to run: where, on which dataset, and how its answer is to be written."""

    store_path: str
    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    substitutions: dict[str, Any] | None = None
    result_format: str | None = "json"
    graph_format: str | None = "turtle"
    limit: int = 100_000
    base_iri: str | None = None
    #: the query names its dataset (FROM / FROM NAMED): no union default graph then
    query_dataset: bool = False


@dataclass(frozen=True)
class Answer:
    """A query's answer, already written: `kind` is solutions, boolean or graph."""

    kind: str
    fmt: str
    body: bytes
    size: int = 0
    variables: tuple[str, ...] = field(default_factory=tuple)


# -- in the worker process -----------------------------------------------------


def run_job(job: Job, stores: dict[str, ReadableStore]) -> Answer:
    """Evaluate `job` (in a worker, or in-process for tests); raises BattkgError for bad queries."""
    store = stores.get(job.store_path)
    if store is None:
        stores.clear()
        try:
            store = stores[job.store_path] = ox.Store.read_only(job.store_path)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {job.store_path}: {exc}") from exc
    subs = {ox.Variable(k): v for k, v in (job.substitutions or {}).items()} or None
    try:
        result = store.query(
            job.query,
            use_default_graph_as_union=job.default_graphs is None and not job.query_dataset,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs]
            if job.default_graphs is not None
            else None,
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs]
            if job.named_graphs is not None
            else None,
            substitutions=subs,
            base_iri=job.base_iri,
        )
        return _write(result, job)
    except (SyntaxError, RuntimeError, ValueError, OSError) as exc:
        raise from_query_failure(exc) from None


def _write(result: Any, job: Job) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        fmt = _need(job.result_format, "an ASK result")
        return Answer("boolean", fmt, results.write_boolean(fmt, bool(result)), 1)
    if isinstance(result, ox.QuerySolutions):
        fmt = _need(job.result_format, "SELECT results")
        names = tuple(v.value for v in result.variables)
        rows = [tuple(s) for s in islice(result, job.limit + 1)]
        _check_size(len(rows), job.limit, "rows")
        return Answer("solutions", fmt, results.write_solutions(fmt, names, rows), len(rows), names)
    fmt = _need(job.graph_format, "a graph (CONSTRUCT or DESCRIBE)")
    triples = list(islice(result, job.limit + 1))
    _check_size(len(triples), job.limit, "triples")
    return Answer("graph", fmt, results.write_graph(triples, fmt), len(triples))


def _need(fmt: str | None, what: str) -> str:
    if fmt is None:
        raise NotAcceptableError(
            f"the query gives {what}, which the Accept header does not allow",
            fix="accept a results type (SPARQL JSON, XML, CSV, TSV) for SELECT and ASK, "
            "an RDF type (Turtle, N-Triples, RDF/XML, JSON-LD) for CONSTRUCT and DESCRIBE",
        )
    return fmt


def _check_size(n: int, limit: int, unit: str) -> None:
    if n > limit:
        raise ResultTooLargeError(
            f"the query gives more than {limit:,} {unit}, the most this endpoint returns at once",
            fix="add LIMIT and OFFSET to page through the results, or narrow the query",
            details={"limit": limit},
        )


def serve(inbox: Connection, outbox: Connection) -> None:  # pragma: no cover - child process
    """The worker loop: answer jobs until the service closes the pipe or sends None."""
    stores: dict[str, ReadableStore] = {}
    outbox.send("ready")
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outbox.send(("ok", run_job(job, stores)))
        except MemoryError:  # Python's own allocations hit the cap; the store's abort the process
            outbox.send(("error", "QueryTooLargeError", "", None, {}))
        except BattkgError as exc:
            outbox.send(("error", type(exc).__name__, exc.message, exc.fix, exc.details))
        except Exception as exc:
            outbox.send(("error", "BattkgError", f"{type(exc).__name__}: {exc}", None, {}))


def main() -> None:  # pragma: no cover - the child process's entry point
    inbox, outbox, memory = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    # the cap on the data segment (heap and private mappings): a query whose joins need more
    # fails here, in a process that is replaced, instead of taking the machine's memory
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    serve(Connection(inbox, writable=False), Connection(outbox, readable=False))
