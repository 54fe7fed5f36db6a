"""The one core object keeps the state: values derived once per data version, even under load."""

from __future__ import annotations

import threading
import time

from battkg.kg import KnowledgeGraph
from battkg.validation.shapes import load_shapes


def test_a_derived_value_is_computed_once_when_many_ask_at_once(curated_kg: KnowledgeGraph) -> None:
    calls: list[int] = []
    key = f"test:once:{time.monotonic_ns()}"

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(curated_kg.derived(key, slow)))
        for _ in range(12)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [42] * 12 and len(calls) == 1


def test_a_new_key_replaces_the_kept_value(curated_kg: KnowledgeGraph) -> None:
    assert curated_kg.memo("test:replace", 1, lambda: "one") == "one"
    assert curated_kg.memo("test:replace", 1, lambda: "again") == "one"
    assert curated_kg.memo("test:replace", 2, lambda: "two") == "two"


def test_shapes_are_compiled_once_per_knowledge_graph(curated_kg: KnowledgeGraph) -> None:
    first = load_shapes(curated_kg)
    assert load_shapes(curated_kg) is first
    other = KnowledgeGraph(curated_kg.settings)
    assert load_shapes(other) is not first  # no module-level cache shared between graphs
