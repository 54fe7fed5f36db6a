"""The build's background bulk load (loading.py): every quad arrives, blank nodes keep their labels."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from battkg.loading import BackgroundLoad, as_text
from battkg.store import GenerationalStore

G = ox.NamedNode("https://example.org/graph/a")
H = ox.NamedNode("https://example.org/graph/b")
P = ox.NamedNode("https://example.org/p")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _quads() -> tuple[list[ox.Quad], list[ox.Quad]]:
    s = ox.NamedNode("https://example.org/s")
    plain = [
        ox.Quad(s, P, ox.Literal('line\nbreak "quoted" \\ é _: << not a term', language="fi"), G),
        ox.Quad(s, P, ox.Literal("2026-12-02", datatype=ox.NamedNode(XSD + "date")), G),
        ox.Quad(s, P, ox.Literal("not a number", datatype=ox.NamedNode(XSD + "integer")), G),
        ox.Quad(s, P, ox.NamedNode("https://example.org/o?q=1#f"), H),
    ]
    blank = ox.BlankNode("restriction1")
    special = [
        ox.Quad(blank, P, s, G),
        ox.Quad(s, P, blank, H),
        ox.Quad(s, P, ox.Literal("in a graph named by a blank node"), ox.BlankNode("g1")),
    ]
    return plain, special


def test_as_text_keeps_blank_nodes_as_terms() -> None:
    plain, special = _quads()
    text, kept = as_text(plain + special)
    assert kept == special
    assert set(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == set(plain)
    # no blank node at all: the text is all of it, nothing kept
    text, kept = as_text(plain)
    assert kept == []
    assert set(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == set(plain)


def test_background_load_writes_every_quad_with_its_blank_node_labels(tmp_path) -> None:
    plain, special = _quads()
    store = GenerationalStore(tmp_path / "store")
    with store.writer() as w:
        loading = BackgroundLoad(w, [plain[:2] + special[:1], plain[2:] + special[1:], []])
        loading.wait()
    assert set(store.reader()) == set(plain + special)  # BlankNode("restriction1") unrenamed


def test_a_failed_background_load_fails_the_writer_and_publishes_nothing(tmp_path) -> None:
    store = GenerationalStore(tmp_path / "store")
    with store.writer() as w:
        w.add(ox.Quad(ox.NamedNode("https://example.org/kept"), P, ox.Literal("1"), G))
    before = store.current_generation()

    class Broken:
        """A store whose bulk load fails, as a full disk would make it."""

        def __init__(self, inner: object) -> None:
            self.inner = inner

        def bulk_extend(self, quads: object) -> None:
            raise AssertionError("no blank node here: bulk_extend is not called")

        def bulk_load(self, *args: object, **kwargs: object) -> None:
            raise OSError("No space left on device")

    plain, _ = _quads()
    with pytest.raises(OSError, match="No space left"), store.writer() as w:
        BackgroundLoad(Broken(w), [plain]).wait()  # type: ignore[arg-type]
    assert store.current_generation() == before
    assert len(store.reader()) == 1
