"""Answer one SPARQL request: negotiate the response format, then run it in the worker pool.

Used by /sparql and by /queries/{name}; the web layer only turns the `Answer`
into a response.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from battkg.kg import KnowledgeGraph
from battkg.sparql import executor
from battkg.sparql.negotiation import (
    GRAPH_TYPES,
    RESULT_TYPES,
    NotAcceptableError,
    choose,
    prefers_html,
)
from battkg.sparql.protocol import SparqlRequest, query_form
from battkg.sparql.worker import Answer, Job


def wants_html(accept: str | None, query: str) -> bool:
    """Does the client (a browser) prefer an HTML page to any results format?"""
    offers = GRAPH_TYPES if query_form(query) in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    return prefers_html(accept, list(offers))


def answer(
    kg: KnowledgeGraph,
    request: SparqlRequest,
    accept: str | None,
    substitutions: dict[ox.Variable, Any] | None = None,
    base_iri: str | None = None,
    pool: str = executor.SPARQL_POOL,
    *,
    trusted: bool = False,
) -> Answer:
    """Run the request's query on the served generation, in the format the client prefers.

    Relative IRIs in the query resolve against `base_iri` (the endpoint's URL). `pool`
    says where it runs: ad-hoc queries in the worker processes (killed at the time limit),
    named queries `executor.IN_PROCESS`, in the calling thread, so that runaway ad-hoc
    queries cannot take the named queries down with them (decision 0043). `trusted`: the
    query is battkg's own text (a named query), so a remote store may answer it over its
    union default graph; a client's query always gets the exact dataset.
    """
    result_type = choose(accept, list(RESULT_TYPES))
    graph_type = choose(accept, list(GRAPH_TYPES))
    form = query_form(request.query)
    tabular = form in ("SELECT", "ASK")
    if (tabular and result_type is None) or (form is not None and not tabular and not graph_type):
        what = "SPARQL results" if tabular else "RDF"
        offers = list(RESULT_TYPES if tabular else GRAPH_TYPES)
        raise NotAcceptableError(
            f"a {form} query gives {what}; Accept: {accept} allows none of them",
            fix=f"accept one of {', '.join(offers)}",
            details={"accept": accept, "available": offers},
        )
    store_path, reader = executor.served(kg)
    job = Job(
        store_path=store_path,
        query=request.query,
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        substitutions={v.value: t for v, t in (substitutions or {}).items()} or None,
        result_format=RESULT_TYPES[result_type] if result_type else None,
        graph_format=GRAPH_TYPES[graph_type] if graph_type else None,
        limit=kg.settings.result_limit,
        base_iri=base_iri,
        query_dataset=request.query_dataset,
    )
    return executor.run(kg, job, pool, trusted=trusted, reader=reader)
