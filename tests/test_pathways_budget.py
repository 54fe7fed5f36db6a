"""One pathway answer is bounded in work and in time (docs/decisions/0055): on the curated
graph, battery cell engineer from compulsory school without a home is a search that hits the
node limit (it ran 20 s an answer, 64-87 s with UiS ENE210 in the data)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from battkg.kg import KnowledgeGraph
from battkg.pathways import bestfirst
from battkg.pathways.engine import find_pathways, model_of
from battkg.pathways.filters import Filters
from battkg.pathways.person import offer_filters
from battkg.pathways.search import DEFAULT_MAX_NODES, find_routes

ID = "https://w3id.org/battkg/id/"
HEAVY = ("battery-cell-engineer", "compulsory-school-only")


def test_the_greedy_fallback_shares_one_node_budget_across_the_parts(
    curated_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part of the k-best partition the exact search could not finish got a greedy search
    with a fresh node limit of its own (here, k = 5: 18 searches, 23,960 nodes; with UiS ENE210 in
    the data, k = 3: 11 searches, 24,748 nodes
    for one search); now all parts share one."""
    model = model_of(curated_kg)
    expanded: list[int] = []
    run = bestfirst.BestFirst.run

    def counted(self: bestfirst.BestFirst) -> object:
        result = run(self)
        expanded.append(result.expanded)
        return result

    monkeypatch.setattr(bestfirst.BestFirst, "run", counted)
    statuses, audiences = offer_filters((), (), None)
    start = model.start(model.profiles[ID + "entry-profile/" + HEAVY[1]])
    goal = model.roles[ID + "role/" + HEAVY[0]].requirement
    assert goal is not None
    limit = DEFAULT_MAX_NODES
    found = find_routes(
        model, start, goal, Filters(statuses=statuses, audiences=audiences), k=5, max_nodes=limit
    )
    assert found.truncated and not found.optimal
    # the exact search's limit, then as much again for the greedy fallback of all parts
    assert sum(expanded) <= 2 * (limit + 1) + len(expanded), expanded


def test_an_answer_past_its_time_says_so_and_leaves_the_tables_whole(
    curated_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = find_pathways(curated_kg, "cell-assembly-operator", "compulsory-school-only")
    monkeypatch.setattr(curated_kg, "settings", replace(curated_kg.settings, pathway_timeout=1e-6))
    cut = find_pathways(curated_kg, *HEAVY)
    assert not cut.complete or [r.code for r in cut.reasons] == ["search-limit"]
    if not cut.found:
        assert "narrow the filters" in cut.reasons[0].message
    monkeypatch.undo()
    after = find_pathways(curated_kg, "cell-assembly-operator", "compulsory-school-only")
    assert after == before  # the tables made once per data version were not left half-built
