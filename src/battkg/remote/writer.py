"""Writing a remote store: a local mirror to change, then the changes published as one update.

The writer is a real in-memory pyoxigraph Store holding every published graph, so
build, load and reasoning run on it exactly as on the embedded store. When the block
ends, each graph's content is compared with what was downloaded (a count and an
order-free hash), and only changed graphs go back:

- small changes travel inside the publishing update (DELETE DATA / INSERT DATA);
- big ones are uploaded first, in batches of BATTKG_SPARQL_BATCH triples, with the
  Graph Store Protocol into staging graphs (or straight into a graph not yet
  published), then applied by the publishing update (DELETE ... WHERE, ADD);
- the same update moves the control graph to the next generation.

Until that update, queries see only the published graphs; if anything fails the
staging graphs are dropped and the server keeps its previous state
(docs/decisions/0041-remote-publication.md).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .client import SparqlClient
from .control import publish_text, set_pending
from .reader import Snapshot

MASK = (1 << 64) - 1
#: most triples written inside the publishing update itself (Virtuoso's SPARQL compiler runs
#: out of memory on an update of about 12k triples); bigger changes are staged by GSP
INLINE_TRIPLES = 5_000
Fingerprints = dict[str, tuple[int, int]]


def mirror(client: SparqlClient, snapshot: Snapshot) -> ox.Store:
    """An in-memory store holding every published graph."""
    store = ox.Store()
    for graph in snapshot.graphs:
        data = client.get_graph(graph)
        if data:
            store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def fingerprints(store: ox.Store) -> Fingerprints:
    """graph IRI -> (triples, order-free hash of its quads); named graphs only."""
    out: Fingerprints = {
        g.value: (0, 0) for g in store.named_graphs() if isinstance(g, ox.NamedNode)
    }
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode):
            n, h = out.get(graph.value, (0, 0))
            out[graph.value] = (n + 1, (h + hash(quad)) & MASK)
    return out


@dataclass
class Change:
    """How one graph changes: a delta (removed/added) or a full replacement."""

    graph: str
    published: bool
    added: list[ox.Triple] = field(default_factory=list)
    removed: list[ox.Triple] = field(default_factory=list)
    full: bool = False

    @property
    def size(self) -> int:
        return len(self.added) + len(self.removed)


def _triples(quads: Iterable[ox.Quad]) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in quads}


def _has_blank(triples: Iterable[ox.Triple]) -> bool:
    return any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    )


def changes(
    client: SparqlClient, store: ox.Store, snapshot: Snapshot, before: Fingerprints
) -> tuple[list[Change], list[str], list[str]]:
    """The changed graphs, the graphs to drop, and the graphs to publish."""
    after = fingerprints(store)
    out: list[Change] = []
    for graph, print_ in sorted(after.items()):
        if before.get(graph) == print_:
            continue
        new = _triples(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        if graph not in snapshot.graphs:
            out.append(Change(graph, False, added=list(new), full=True))
            continue
        old = _triples(ox.parse(client.get_graph(graph), ox.RdfFormat.N_TRIPLES))
        added, removed = list(new - old), list(old - new)
        if _has_blank(added) or _has_blank(removed):
            out.append(Change(graph, True, added=list(new), full=True))
        else:
            out.append(Change(graph, True, added=added, removed=removed))
    dropped = sorted(set(snapshot.graphs) - set(after))
    return out, dropped, sorted(after)


def _nt(triples: Iterable[ox.Triple]) -> str:
    return (ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES) or b"").decode()


class Publication:
    """One write's publication: stage what is big, then one update publishes everything."""

    def __init__(
        self,
        client: SparqlClient,
        control: str,
        *,
        hide: Callable[[], None],
        renew: Callable[[], None],
    ) -> None:
        self.client = client
        self.control = control
        self.batch = client.config.batch
        self.session = uuid.uuid4().hex[:12]
        self.staged: list[str] = []
        self._hide = hide
        self._renew = renew

    def staging_graph(self, graph: str, role: str) -> str:
        return f"{self.control}/staging/{self.session}/{role}/{uuid.uuid5(uuid.NAMESPACE_URL, graph).hex}"

    def run(
        self, changes: list[Change], dropped: list[str], graphs: list[str], generation: str
    ) -> None:
        ops: list[str] = [f"DROP SILENT GRAPH <{g}>" for g in dropped]
        budget = min(self.batch, INLINE_TRIPLES)
        big: list[Change] = []
        for change in sorted(changes, key=lambda c: c.size):
            # blank nodes go by GSP: Virtuoso refuses them in INSERT DATA
            if change.size <= budget and not _has_blank(change.added):
                budget -= change.size
                ops += self._inline(change)
            else:
                big.append(change)
        if big:
            ops += self._stage(big)
        ops.append(publish_text(self.control, generation, graphs))
        self.client.update(" ;\n".join(ops), f"publish {generation}")

    def _inline(self, change: Change) -> list[str]:
        g = f"<{change.graph}>"
        ops = [f"DROP SILENT GRAPH {g}"] if change.full else []
        if change.removed:
            ops.append(f"DELETE DATA {{ GRAPH {g} {{ {_nt(change.removed)} }} }}")
        if change.added:
            ops.append(f"INSERT DATA {{ GRAPH {g} {{ {_nt(change.added)} }} }}")
        return ops

    def _stage(self, big: list[Change]) -> list[str]:
        """Upload the big changes (hidden from queries meanwhile); the ops that apply them."""
        plan: list[tuple[Change, str, str | None]] = []
        for change in big:
            if change.full and not change.published:
                plan.append((change, change.graph, None))  # not visible until published
            else:
                adds = self.staging_graph(change.graph, "add")
                dels = self.staging_graph(change.graph, "del") if change.removed else None
                plan.append((change, adds, dels))
        self.staged = [g for _, a, d in plan for g in (a, d) if g]
        set_pending(self.client, self.control, self.staged)
        self._hide()
        ops: list[str] = []
        for change, adds, dels in plan:
            uploads: list[tuple[str | None, list[ox.Triple]]] = [
                (adds, change.added),
                (dels, change.removed),
            ]
            for target, triples in uploads:
                if target is None:
                    continue
                self.client.update(f"DROP SILENT GRAPH <{target}>", "clear a staging graph")
                self._upload(target, triples, change.graph)
            g = f"<{change.graph}>"
            if adds == change.graph:
                continue
            if change.full:
                ops.append(f"DROP SILENT GRAPH {g}")
            elif dels:
                ops.append(
                    f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{dels}> {{ ?s ?p ?o }} }}"
                )
            ops.append(f"ADD SILENT <{adds}> TO {g}")
        return ops

    def _upload(self, target: str, triples: list[ox.Triple], graph: str) -> None:
        for start in range(0, len(triples), self.batch):
            chunk = triples[start : start + self.batch]
            self._renew()
            self.client.post_graph(
                target,
                _nt(chunk).encode(),
                f"store triples {start + 1:,}-{start + len(chunk):,} of {len(triples):,} "
                f"for <{graph}>",
            )

    def clean_up(self, *, published: bool) -> None:
        """Drop the staging graphs (after publishing, or after a failure); forget them."""
        temporaries = [
            g for g in self.staged if g.startswith(f"{self.control}/staging/") or not published
        ]
        if temporaries:
            self.client.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in temporaries),
                "drop the staging graphs",
            )
        if self.staged:
            set_pending(self.client, self.control, [])
        self.staged = []


def wait(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)
