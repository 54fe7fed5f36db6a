"""One pathway answer is bounded in work and in time (docs/decisions/0055): on the curated
graph, battery cell engineer from compulsory school without a home is a search that hits the
node limit (it ran 20 s an answer, 64-87 s with UiS ENE210 in the data)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from battkg.kg import KnowledgeGraph
from battkg.pathways import bestfirst, budget
from battkg.pathways.engine import find_pathways, model_of, pathway_matrix
from battkg.pathways.filters import Filters
from battkg.pathways.moves import lateral_moves
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


class _Clock:
    """thread_time and perf_counter under the test's control."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_shared_budget_caps_every_answer_inside_it_fresh_diagnoses_included(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Decision 0064: an answer made of several (a matrix, lateral moves) has one budget."""
    clock = _Clock()
    monkeypatch.setattr(budget.time, "thread_time", clock)
    monkeypatch.setattr(budget.time, "perf_counter", clock)
    with budget.part_budget(3) as none:
        assert none is None  # no shared budget: a part changes nothing
    with budget.answer_budget(10.0) as alone:
        assert alone.hard == 110.0
    with budget.shared_budget(8.0, parts=4) as whole:  # each part is sure of 0.5 s
        assert whole.hard == 108.0 and whole.exact == 108.0  # the parts have exact shares
        with budget.answer_budget(10.0) as answer:
            assert answer.hard == 108.0
        with budget.answer_budget(10.0, fresh=True) as diagnosis:
            assert diagnosis.hard == 108.0  # fresh, yet within the shared budget
        with budget.part_budget(4) as part:  # all but 3 x 0.5 s kept for the parts after it
            assert part is not None and part.hard == pytest.approx(106.5)
            assert part.exact == pytest.approx(103.25)
            with budget.answer_budget(10.0, fresh=True) as inner:
                assert inner.hard == pytest.approx(106.5)
            clock.now = 106.5
            assert not budget.past(exact=False)
            clock.now = 106.6
            assert budget.past(exact=False)
        with budget.part_budget(3) as second:  # 1.4 s left, 2 x 0.5 s kept
            assert second is not None and second.hard == pytest.approx(107.0)
        with budget.part_budget(1) as last:  # the last part gets all that is left
            assert last is not None and last.hard == pytest.approx(108.0)
        clock.now = 109.0
        with budget.part_budget(2) as late:
            assert late is not None and late.hard <= 109.0  # nothing left: stops at once
            assert budget.past(exact=False)
    with budget.answer_budget(10.0) as after:
        assert after.hard == 119.0  # the shared budget ends with its block


def test_a_matrix_past_its_shared_budget_says_which_rows_are_not_complete(
    curated_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = pathway_matrix(curated_kg, "cell-assembly-operator")
    assert whole.complete and all(row.complete for row in whole.rows)
    heavy = pathway_matrix(curated_kg, HEAVY[0])
    monkeypatch.setattr(curated_kg, "settings", replace(curated_kg.settings, pathway_timeout=1e-6))
    cut = pathway_matrix(curated_kg, HEAVY[0])
    assert len(cut.rows) == len(heavy.rows)
    assert not cut.complete and not all(row.complete for row in cut.rows)
    for row in cut.rows:
        if not row.found:
            assert not row.complete and [r.code for r in row.reasons] == ["search-limit"]
    moves = lateral_moves(curated_kg, "cell-assembly-operator", limit=5)
    assert not moves.complete
