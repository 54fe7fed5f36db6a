"""Unknown IRIs in a named query's parameters: a 404 with the closest matches, never an empty 200.

An IRI parameter must name something the store holds (a subject or an object of some
triple); otherwise the answer would be an empty result that looks like "nothing found".
The closest matches come from the pathway engine's search over labels in four languages,
on the IRI's last segment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import NotFoundError

if TYPE_CHECKING:
    from .kg import KnowledgeGraph
    from .queries import NamedQuery

_KNOWN = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"


def check_known(
    kg: KnowledgeGraph, named: NamedQuery, bound: dict[ox.Variable, ox.NamedNode | ox.Literal]
) -> None:
    for param in named.params:
        term = bound.get(ox.Variable(param.name))
        if not isinstance(term, ox.NamedNode) or not param.kind.startswith("iri"):
            continue
        if bool(kg.query(_KNOWN, substitutions={ox.Variable("iri"): term})):
            continue
        from .pathways.engine import model_of
        from .pathways.lookup import search

        slug = term.value.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")
        closest = search(model_of(kg), slug, limit=5)
        raise NotFoundError(
            f"{param.name}={term.value!r}: nothing in the graph has this IRI",
            fix=f"give the IRI (or short id) of something the graph holds: {param.description}",
            details={
                "parameter": param.name,
                "closest": [{"id": m.id, "label": m.label} for m in closest],
            },
        )
