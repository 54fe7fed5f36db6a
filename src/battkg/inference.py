"""Which graphs are reasoned how, for the build and for dataset loads.

- `<base>/graph/inferred`: what the ontology, the curated data and ESCO entail (the full
  OWL RL reasoner on the local graphs, compiled rules over ESCO; see reasoning.py).
- `<base>/graph/inferred/datasets`: what partner datasets add to that, by compiled rules
  over the partner graphs only. A dataset load re-runs only this part; when the ontology
  has axioms those rules do not cover (reasoning.INCREMENTAL_BLOCKERS), in full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from .backend import ReadableStore, WritableStore
from .logs import event, logger
from .namespaces import BKG, Iris
from .reasoning import (
    ReasoningReport,
    SchemaCache,
    incremental_blockers,
    infer,
    infer_increment,
)

log = logger(__name__)


def dataset_graphs(store: ReadableStore, iris: Iris) -> list[ox.NamedNode]:
    query = f'SELECT DISTINCT ?g WHERE {{ GRAPH <{iris.meta_graph}> {{ ?g <{BKG}graphKind> "dataset" }} }}'
    recorded = {row["g"].value for row in store.query(query)}  # type: ignore[union-attr]
    present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    return [ox.NamedNode(g) for g in sorted(recorded & present)]


def _layout(
    store: ReadableStore, iris: Iris, partner: list[ox.NamedNode]
) -> tuple[list[ox.NamedNode], list[ox.NamedNode], list[ox.NamedNode]]:
    """(schema, local, bulk) graphs of the base: ontology, ontology+data, ESCO."""
    derived = {iris.inferred_graph, iris.datasets_inferred_graph, iris.meta_graph, iris.esco_graph}
    skip = derived | {g.value for g in partner}
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    local = [ox.NamedNode(g) for g in graphs if g not in skip]
    schema = [g for g in local if g.value.startswith(iris.graph("ontology") + "/")]
    bulk = [ox.NamedNode(iris.esco_graph)] if iris.esco_graph in graphs else []
    return schema, local, bulk


def reason_base(
    store: WritableStore,
    iris: Iris,
    engine: str = "reasonable",
    written: Mapping[str, Sequence[ox.Quad]] | None = None,
    settle: Callable[[], None] = lambda: None,
) -> ReasoningReport:
    """Rewrite the base inferred graph; `written` holds the quads a build just wrote (or is
    still loading: `settle` waits for that load, reasoning.infer)."""
    schema, local, bulk = _layout(store, iris, dataset_graphs(store, iris))
    target = ox.NamedNode(iris.inferred_graph)
    return infer(store, local, bulk, target, engine=engine, schema_graphs=schema,
                 written=written, settle=settle)  # fmt: skip


def reason_datasets(
    store: WritableStore,
    iris: Iris,
    partner: list[ox.NamedNode] | None = None,
    schemas: SchemaCache | None = None,
) -> ReasoningReport:
    partner = dataset_graphs(store, iris) if partner is None else partner
    schema, local, bulk = _layout(store, iris, partner)
    base = [*local, *bulk, ox.NamedNode(iris.inferred_graph)]
    target = ox.NamedNode(iris.datasets_inferred_graph)
    blockers = incremental_blockers(store, schema)
    if blockers:  # the compiled rules would miss entailments: the reference reasoner, in full
        event(log, "reasoning_in_full", axioms=",".join(blockers), partner_graphs=len(partner))
        inferred = ox.NamedNode(iris.inferred_graph)
        return infer(store, [*local, *partner], bulk, target, engine="owlrl",
                     schema_graphs=schema, known_graphs=[inferred])  # fmt: skip
    return infer_increment(store, schema, base, partner, target, schemas)
