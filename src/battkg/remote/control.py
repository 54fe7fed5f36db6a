"""The control graph: what a remote store publishes, and who may write it.

battkg keeps its bookkeeping on the server in one named graph, `<base>/graph/store`:

    <ctl> st:generation "gen-000007" ;      # the data version replicas follow
          st:graph <g1>, <g2>, ... ;        # the graphs queries see
          st:pending <tmp1>, ... ;          # graphs a write is filling: hidden from queries
          st:lease "token" ; st:leaseUntil 1767225600.0 .   # the writer's lease

Every replica reads it at most once a second; a write changes it in the same SPARQL
Update that publishes the new graphs (docs/decisions/0041-remote-publication.md).
"""

from __future__ import annotations

import time
import uuid

import pyoxigraph as ox

from ..errors import StoreError
from .client import SparqlClient
from .reader import EMPTY_GRAPH, Snapshot

ST = "https://w3id.org/battkg/store#"
LEASE_SECONDS = 600.0
LEASE_WAIT = 900.0


def read(client: SparqlClient, control: str) -> Snapshot:
    result = _select(
        client, control, f"SELECT ?p ?o WHERE {{ GRAPH <{control}> {{ <{control}> ?p ?o }} }}"
    )
    generation: str | None = None
    graphs: list[str] = []
    pending: list[str] = []
    for p, o in result:
        if p == ST + "generation":
            generation = o
        elif p == ST + "graph":
            graphs.append(o)
        elif p == ST + "pending":
            pending.append(o)
    return Snapshot(generation, tuple(sorted(graphs)), tuple(sorted(pending)), time.monotonic())


def _select(client: SparqlClient, control: str, query: str) -> list[tuple[str, str]]:
    response = client.query(query, default_graphs=[EMPTY_GRAPH], named_graphs=[control])
    rows = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    assert isinstance(rows, ox.QuerySolutions)
    return [(row["p"].value, row["o"].value) for row in rows]


def next_generation(previous: str | None) -> str:
    number = int(previous[4:]) if previous and previous[4:].isdigit() else 0
    return f"gen-{number + 1:06d}"


def publish_text(control: str, generation: str, graphs: list[str]) -> str:
    """The update that makes `generation` with `graphs` the published state (pending kept)."""
    listed = ", ".join(f"<{g}>" for g in graphs)
    inserts = f"<{control}> <{ST}generation> {ox.Literal(generation)} ."
    if listed:
        inserts += f" <{control}> <{ST}graph> {listed} ."
    return (
        f"DELETE {{ GRAPH <{control}> {{ <{control}> ?p ?o }} }} WHERE {{ GRAPH <{control}> "
        f"{{ <{control}> ?p ?o FILTER(?p IN (<{ST}generation>, <{ST}graph>)) }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{control}> {{ {inserts} }} }}"
    )


def set_pending(client: SparqlClient, control: str, graphs: list[str]) -> None:
    listed = ", ".join(f"<{g}>" for g in graphs)
    insert = (
        f" ;\nINSERT DATA {{ GRAPH <{control}> {{ <{control}> <{ST}pending> {listed} }} }}"
        if graphs
        else ""
    )
    client.update(
        f"DELETE WHERE {{ GRAPH <{control}> {{ <{control}> <{ST}pending> ?g }} }}{insert}",
        "record the graphs a write is staging",
    )


class Lease:
    """One writer at a time across every replica: a lease in the control graph.

    Taken with a conditional SPARQL Update (the server runs one update at a time),
    renewed while the write runs, released at the end; a crashed writer's lease
    expires after LEASE_SECONDS.
    """

    def __init__(self, client: SparqlClient, control: str) -> None:
        self.client = client
        self.control = control
        self.token = uuid.uuid4().hex

    def acquire(self, wait: float = LEASE_WAIT) -> None:
        deadline = time.monotonic() + wait
        while True:
            self._take()
            holder = dict(_select(self.client, self.control, self._lease_query()))
            if holder.get(ST + "lease") == self.token:
                return
            if time.monotonic() > deadline:
                raise StoreError(
                    f"another battkg process holds the write lease on the SPARQL server "
                    f"{self.client.config.server}",
                    fix="wait for its build or load to finish (a crashed writer's lease expires "
                    f"after {LEASE_SECONDS:g} s), then try again",
                )
            time.sleep(0.5)

    def renew(self) -> None:
        self._take()

    def _lease_query(self) -> str:
        return (
            f"SELECT ?p ?o WHERE {{ GRAPH <{self.control}> {{ <{self.control}> ?p ?o "
            f"FILTER(?p = <{ST}lease>) }} }}"
        )

    def _take(self) -> None:
        """Take (or extend) the lease if it is free, expired or ours."""
        now = time.time()
        until = ox.Literal(f"{now + LEASE_SECONDS:.3f}", datatype=ox.NamedNode(XSD_DECIMAL))
        c = f"<{self.control}>"
        mine = ox.Literal(self.token)
        self.client.update(
            f"DELETE {{ GRAPH {c} {{ {c} <{ST}lease> ?l . {c} <{ST}leaseUntil> ?u }} }}\n"
            f"INSERT {{ GRAPH {c} {{ {c} <{ST}lease> {mine} . {c} <{ST}leaseUntil> {until} }} }}\n"
            f"WHERE {{ OPTIONAL {{ GRAPH {c} {{ {c} <{ST}lease> ?l . {c} <{ST}leaseUntil> ?u }} }}\n"
            f"  FILTER(!BOUND(?u) || ?u < {now:.3f} || ?l = {mine}) }}",
            "take the write lease",
        )

    def release(self) -> None:
        c = f"<{self.control}>"
        self.client.update(
            f"DELETE {{ GRAPH {c} {{ {c} <{ST}lease> ?l . {c} <{ST}leaseUntil> ?u }} }}\n"
            f"WHERE {{ GRAPH {c} {{ {c} <{ST}lease> ?l . {c} <{ST}leaseUntil> ?u }} "
            f"FILTER(?l = {ox.Literal(self.token)}) }}",
            "release the write lease",
        )


XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
