"""The store's generations when a writer replaces most of the store: a new database, not a copy."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.store import GenerationalStore

BIG = ox.NamedNode("https://example.org/graph/big")
SMALL = ox.NamedNode("https://example.org/graph/small")
P = ox.NamedNode("https://example.org/p")


def _fill(store: GenerationalStore) -> None:
    with store.writer() as w:
        w.extend(
            ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), P, ox.Literal(str(i)), BIG)
            for i in range(200)
        )
        blank = ox.BlankNode("b1")
        w.add(ox.Quad(blank, P, ox.Literal("kept"), SMALL))
        w.add(ox.Quad(ox.NamedNode("https://example.org/x"), P, blank, SMALL))
        w.add(
            ox.Quad(
                ox.NamedNode("https://example.org/d"), P, ox.Literal("default"), ox.DefaultGraph()
            )
        )
        w.add_graph(ox.NamedNode("https://example.org/graph/empty"))


def _content(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def _is_copy(store: GenerationalStore, generation: str) -> bool:
    """Whether a generation shares RocksDB files with the previous one (a hard-linked backup)."""
    return any(p.stat().st_nlink > 1 for p in (store.root / "gens" / generation).glob("*.sst"))


def test_replacing_most_of_the_store_starts_a_new_database_keeping_the_rest(tmp_path: Path) -> None:
    store = GenerationalStore(tmp_path / "store")
    _fill(store)
    kept = {q for q in _content(store.reader()) if "graph/big" not in q}
    with store.writer(replace=[BIG.value]) as w:
        assert not w.contains_named_graph(BIG)  # not copied, so nothing to delete
        w.add(ox.Quad(ox.NamedNode("https://example.org/new"), P, ox.Literal("1"), BIG))
    reader = store.reader()
    assert {q for q in _content(reader) if "graph/big" not in q} == kept
    assert len(list(reader.quads_for_pattern(None, None, None, BIG))) == 1
    # one blank node, in two graphs, stays one blank node
    blanks = {q.subject for q in reader.quads_for_pattern(None, None, None, SMALL)} | {
        q.object for q in reader.quads_for_pattern(None, None, None, SMALL)
    }
    assert len({b for b in blanks if isinstance(b, ox.BlankNode)}) == 1
    assert ox.NamedNode("https://example.org/graph/empty") in set(reader.named_graphs())
    generation = store.current_generation()
    assert generation is not None and not _is_copy(store, generation)


def test_replacing_a_small_part_copies_the_generation(tmp_path: Path) -> None:
    store = GenerationalStore(tmp_path / "store")
    _fill(store)
    before = _content(store.reader())
    with store.writer(replace=[SMALL.value]) as w:
        assert w.contains_named_graph(
            SMALL
        )  # the old content: the writer replaces it by difference
    assert _content(store.reader()) == before
    generation = store.current_generation()
    assert generation is not None and _is_copy(store, generation)


def test_a_failed_write_into_a_new_database_leaves_the_previous_generation(tmp_path: Path) -> None:
    store = GenerationalStore(tmp_path / "store")
    _fill(store)
    published, before = store.current_generation(), _content(store.reader())
    with pytest.raises(RuntimeError), store.writer(replace=[BIG.value]):
        raise RuntimeError("the input was bad")
    assert store.current_generation() == published
    assert _content(store.reader()) == before
    assert sorted(p.name for p in (tmp_path / "store" / "gens").iterdir()) == [published]


def test_a_writer_records_the_graph_sizes_readers_answer(tmp_path: Path) -> None:
    """Each generation carries its triples per graph, counted once by its writer, so a reader
    (/health, the service description, VoID) never counts a whole store on a request."""
    store = GenerationalStore(tmp_path / "store")
    _fill(store)
    with store.writer() as w:  # a hard-linked copy of the first generation, then changed
        w.remove_graph(SMALL)
        w.add_graph(ox.NamedNode("https://example.org/graph/empty"))  # named, but no triples
    counted = {
        s["g"].value: int(s["n"].value)
        for s in store.reader().query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }
    assert counted == {BIG.value: 200}
    assert store.graph_sizes() == counted
    generation = store.generation
    assert generation is not None
    recorded = store.root / "gens" / generation / "battkg-graph-sizes.json"
    recorded.write_text('{"https://example.org/graph/big": 7}', encoding="utf-8")
    assert store.graph_sizes() == {BIG.value: 7}  # read, not counted
    recorded.unlink()
    assert store.graph_sizes() == counted  # a generation without the record is counted


def test_a_new_database_is_chosen_from_the_recorded_sizes_or_a_count(tmp_path: Path) -> None:
    """The writer reads the previous generation's sizes from its writer's record (a count over
    a built store costs 0.3 s); without the record it counts, and decides the same."""
    for recorded in (True, False):
        store = GenerationalStore(tmp_path / f"store-{recorded}")
        _fill(store)
        generation = store.current_generation()
        assert generation is not None
        if not recorded:
            (store.root / "gens" / generation / "battkg-graph-sizes.json").unlink()
        kept = {q for q in _content(store.reader()) if "graph/big" not in q}
        with store.writer(replace=[BIG.value]) as w:
            assert not w.contains_named_graph(BIG)
        assert _content(store.reader()) == kept  # the small graph and the default graph kept
        new = store.current_generation()
        assert new is not None and not _is_copy(store, new)
