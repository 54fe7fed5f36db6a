"""docs/data.md shows counts generated from the data; they must match it."""

from __future__ import annotations

from tests.data_counts import DOC, block, in_doc, load


def test_docs_data_counts_match_the_data() -> None:
    expected = block(load())
    assert in_doc(DOC.read_text(encoding="utf-8")) == expected, (
        "docs/data.md's counts differ from data/: run .venv/bin/python -m tests.data_counts --write"
    )


def test_the_counts_block_changes_with_the_data() -> None:
    g = load()
    before = block(g)
    role = next(s for s in g.subjects() if "/id/role/" in str(s))
    g.remove((role, None, None))
    assert block(g) != before
