"""The build's background load (loading.py): N-Quads bytes where that keeps every blank node,
terms otherwise, and the same quads either way."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.loading import BackgroundLoad, load

P = ox.NamedNode("https://example.org/p")
G1 = ox.NamedNode("https://example.org/graph/plain")
G2 = ox.NamedNode("https://example.org/graph/blank")
G3 = ox.NamedNode("https://example.org/graph/looks-blank")


def _s(i: int) -> ox.NamedNode:
    return ox.NamedNode(f"https://example.org/s{i}")


PLAIN = [
    ox.Quad(_s(1), P, ox.Literal("Batteriecellen", language="de"), G1),
    ox.Quad(_s(1), P, ox.Literal('a "quoted"\nmulti-line\tlabel \\ é 電池 🔋'), G1),
    ox.Quad(_s(2), P, ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), G1),
    ox.Quad(_s(2), P, ox.Literal("2026-12-02T10:00:00Z", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")), G1),
    ox.Quad(_s(3), P, _s(4), G1),
    ox.Quad(_s(3), P, _s(4), G1),  # a duplicate is stored once, as bulk_extend stores it
]  # fmt: skip
BLANK = ox.BlankNode("kept-label")
WITH_BLANK = [ox.Quad(_s(5), P, BLANK, G2), ox.Quad(BLANK, P, ox.Literal("x"), G2)]
#: no blank node, but its N-Quads hold "_:": written as terms too, and still exact
LOOKS_BLANK = [ox.Quad(_s(6), P, ox.Literal("see _:b0"), G3)]


def _stored(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


def test_every_quad_is_stored_as_given_and_blank_nodes_keep_their_labels(tmp_path: Path) -> None:
    store = ox.Store(str(tmp_path / "db"))
    load(store, [PLAIN, WITH_BLANK, LOOKS_BLANK, []])
    assert _stored(store) == {*PLAIN, *WITH_BLANK, *LOOKS_BLANK}
    # the quads reasoning reads (the parsed ones) and the store name the same blank node
    assert ox.Quad(_s(5), P, BLANK, G2) in store


def test_the_same_quads_as_bulk_extend(tmp_path: Path) -> None:
    graphs = [PLAIN, WITH_BLANK, LOOKS_BLANK]
    by_load, by_terms = ox.Store(str(tmp_path / "a")), ox.Store(str(tmp_path / "b"))
    load(by_load, graphs)
    by_terms.bulk_extend(q for quads in graphs for q in quads)
    assert _stored(by_load) == _stored(by_terms)
    assert len(by_load) == len(by_terms) == len(set(PLAIN)) + len(WITH_BLANK) + len(LOOKS_BLANK)


def test_a_failed_load_is_raised_by_wait(tmp_path: Path) -> None:
    """So a build whose load fails fails, and its generation is discarded (build.py)."""
    ox.Store(str(tmp_path / "db")).flush()
    read_only = ox.Store.read_only(str(tmp_path / "db"))  # refuses every write
    loading = BackgroundLoad(read_only, [PLAIN])
    with pytest.raises(RuntimeError, match="read-write"):
        loading.wait()
    loading.wait()  # raised once
