"""The fast SHACL engine against pyshacl, the reference: same results on every example and on data/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from battkg.ingest import read_path
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT
from battkg.validation import validate_files

EXAMPLES = sorted((PROJECT_ROOT / "shapes" / "examples").glob("*.ttl"))


def keys(kg: KnowledgeGraph, paths: list[Path], engine: str) -> set[tuple[object, ...]]:
    report = validate_files(kg, [read_path(p, kg.iris) for p in paths], engine=engine)
    return {
        (f.focus, f.path, f.value, f.rule.split()[0], frozenset(re.findall(r"sh:[a-z]\w*", f.rule)))
        for f in report.faults
        if f.rule.startswith("shape")
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_fast_engine_agrees_with_pyshacl(curated_kg: KnowledgeGraph, example: Path) -> None:
    fast = keys(curated_kg, [example], "fast")
    reference = keys(curated_kg, [example], "pyshacl")
    assert fast == reference
    assert bool(fast) == example.stem.endswith("invalid")


def test_engines_agree_on_the_curated_data(curated_kg: KnowledgeGraph) -> None:
    """The same results on data/, whatever they are (every component is also run against the
    W3C SHACL Core tests in tests/test_w3c_shacl.py, where each one has results to compare)."""
    files = sorted((PROJECT_ROOT / "data").glob("*.ttl"))
    assert keys(curated_kg, files, "fast") == keys(curated_kg, files, "pyshacl")


def test_the_curated_data_conforms_to_the_shapes(curated_kg: KnowledgeGraph) -> None:
    files = sorted((PROJECT_ROOT / "data").glob("*.ttl"))
    # the curated data is already in the store: duplicates with it are expected, shapes are not
    assert keys(curated_kg, files, "fast") == set()
