"""Issue 16 item 5: the tables of docs/performance.md are bench/run's, in its format.

The figures are the benchmarks' and are not checked; what is checked is that every table on
the page sits in a block bench/run wrote (provenance line included) and reads back to exactly
what bench/run would write, so a hand-edited or stale-format table fails here.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from battkg.settings import PROJECT_ROOT

PAGE = PROJECT_ROOT / "docs" / "performance.md"


def _runner() -> ModuleType:
    path = PROJECT_ROOT / "bench" / "run_all.py"
    spec = importlib.util.spec_from_file_location("bench_run_all", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run_all = _runner()


def test_every_benchmark_has_one_block_and_its_script_exists() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for bench in run_all.BENCHES:
        assert page.count(run_all.BEGIN.format(name=bench.name)) == 1, bench.name
        assert page.count(run_all.END.format(name=bench.name)) == 1, bench.name
        assert (PROJECT_ROOT / bench.full[0]).is_file() and bench.full[0] == bench.quick[0]
    assert set(run_all.blocks(page)) == {b.name for b in run_all.BENCHES}
    assert (PROJECT_ROOT / "bench" / "run").stat().st_mode & 0o111  # executable


@pytest.mark.parametrize("bench", run_all.BENCHES, ids=lambda b: b.name)
def test_each_block_reads_back_to_what_bench_run_writes(bench: object) -> None:
    body = run_all.blocks(PAGE.read_text(encoding="utf-8"))[bench.name]  # type: ignore[attr-defined]
    title, meta, rows = run_all.parse(body)
    assert title == bench.title  # type: ignore[attr-defined]
    assert rows, "a block without figures"
    assert meta.cores > 0 and meta.command.startswith("python bench/")
    written = run_all.render(bench, meta, rows)
    assert written.split("\n", 1)[1].rsplit("\n", 1)[0] == body


def test_no_table_outside_the_generated_blocks() -> None:
    page = run_all.BLOCK.sub("", PAGE.read_text(encoding="utf-8"))
    tables = [line for line in page.splitlines() if line.lstrip().startswith("|")]
    assert not tables, f"hand-written table rows on docs/performance.md: {tables[:3]}"


def test_lines_become_rows_whatever_the_benchmark_prints() -> None:
    split = run_all.split_line
    assert split("  reasoning           10.20 s") == ("reasoning", "10.20 s")
    assert split("worst p95 over HTTP: 70.2 ms (target < 100 ms)") == (
        "worst p95 over HTTP",
        "70.2 ms (target < 100 ms)",
    )
    assert split("[SE + sv] matrix   median  12.0 ms   p95  13.1 ms") == (
        "[SE + sv] matrix",
        "median 12.0 ms · p95 13.1 ms",
    )
    assert split("course-details    49    14.6 ms    20.2 ms") == (
        "course-details",
        "49 · 14.6 ms · 20.2 ms",
    )
    assert split("a | b") == ("a \\| b", "")
    assert split("== 1,000 courses ==") == ("== 1,000 courses ==", "")


def test_a_rendered_block_round_trips_and_a_changed_one_does_not(tmp_path: Path) -> None:
    bench = run_all.BENCHES[0]
    meta = run_all.Meta("python bench/x.py", "quick", "2026-12-01 12:00", "abcdef1234", True,
                        2, "1.0 2.0 3.0", 12, 0)  # fmt: skip
    rows = run_all.rows_of("total build   16.9 s\nnote: | pipes | kept\n\nservice ready: 0.9 s\n")
    page = run_all.write_block("# Performance\n\nprose\n", bench, run_all.render(bench, meta, rows))
    body = run_all.blocks(page)[bench.name]
    assert run_all.parse(body) == (bench.title, meta, rows)
    with pytest.raises(ValueError, match="provenance"):
        run_all.parse(body.replace(" UTC ·", " ·"))
    with pytest.raises(ValueError, match="two cells"):
        run_all.parse(body.replace("| total build | 16.9 s |", "| total build | 16.9 | s |"))
    again = run_all.write_block(page, bench, run_all.render(bench, meta, rows[:1]))
    assert again.count("bench/run build: begin") == 1 and "service ready" not in again
    assert re.search(r"^prose$", again, re.M)
