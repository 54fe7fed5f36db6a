"""References from partner datasets that no longer resolve (issue 14, item 9).

A new version of one dataset may drop a thing another dataset refers to (a
provider its courses name). Validation checks a dataset against the store, but
not the other datasets against the new version, so `battkg check` runs this
check too: every IRI a partner graph refers to under battkg's /id/ namespace
must still be described by an asserted triple somewhere. What the reasoner
inferred (a type from a property's range) does not count as a description.
"""

from __future__ import annotations

from typing import Any

from ..kg import KnowledgeGraph
from ..namespaces import BKG, RDF

NAME = "partner-dangling-reference"


def dangling_references(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Rows of focus (the missing IRI) and message (who refers to it, in which graph)."""
    iris = kg.iris
    skipped = ", ".join(
        f"<{g}>" for g in (iris.inferred_graph, iris.datasets_inferred_graph, iris.meta_graph)
    )
    query = f"""SELECT DISTINCT ?focus ?message WHERE {{
      GRAPH <{iris.meta_graph}> {{ ?g <{BKG}graphKind> "dataset" }}
      GRAPH ?g {{ ?s ?p ?focus }}
      FILTER(isIRI(?focus) && ?p != <{RDF}type> && STRSTARTS(STR(?focus), "{iris.id}"))
      FILTER NOT EXISTS {{ GRAPH ?d {{ ?focus ?anyP ?anyO }} FILTER(?d NOT IN ({skipped})) }}
      BIND(CONCAT("<", STR(?s), "> <", STR(?p), "> refers to it in the partner graph <", STR(?g),
                  ">, but no graph describes it any more") AS ?message)
    }} ORDER BY ?focus"""
    return kg.select(query)
