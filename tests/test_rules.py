"""The compiled rules' transitive closure against a plain walk from every node."""

from __future__ import annotations

import random

import pyoxigraph as ox

from battkg.rules import transitive_closure


def _walked(
    pairs: set[tuple[ox.NamedNode, ox.NamedNode]],
) -> set[tuple[ox.NamedNode, ox.NamedNode]]:
    successors: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for s, o in pairs:
        successors.setdefault(s, set()).add(o)
    closure = set()
    for start in successors:
        seen: set[ox.NamedNode] = set()
        todo = list(successors[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(successors.get(node, ()))
        closure |= {(start, node) for node in seen}
    return closure


def test_closure_equals_a_walk_on_random_graphs_with_cycles_and_self_loops() -> None:
    rng = random.Random(16)
    nodes = [ox.NamedNode(f"https://example.org/n{i}") for i in range(60)]
    for size in (0, 1, 5, 40, 120, 400):
        pairs = {(rng.choice(nodes), rng.choice(nodes)) for _ in range(size)}
        assert transitive_closure(pairs) == _walked(pairs), size


def test_a_chain_a_cycle_and_a_self_loop() -> None:
    a, b, c, d, e = (ox.NamedNode(f"https://example.org/{x}") for x in "abcde")
    assert transitive_closure({(a, b), (b, c)}) == {(a, b), (b, c), (a, c)}
    cycle = transitive_closure({(a, b), (b, a), (b, c)})
    assert cycle == {(a, b), (b, a), (a, a), (b, b), (a, c), (b, c)}
    assert transitive_closure({(d, d), (d, e)}) == {(d, d), (d, e)}
