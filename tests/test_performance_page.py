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
    title, meta, segments = run_all.parse(body)
    assert title == bench.title  # type: ignore[attr-defined]
    assert segments, "a block without figures"
    assert meta.cores > 0 and meta.command.startswith("python bench/")
    written = run_all.render(bench, meta, segments)
    assert written.split("\n", 1)[1].rsplit("\n", 1)[0] == body


def test_no_table_outside_the_generated_blocks() -> None:
    page = run_all.BLOCK.sub("", PAGE.read_text(encoding="utf-8"))
    tables = [line for line in page.splitlines() if line.lstrip().startswith("|")]
    assert not tables, f"hand-written table rows on docs/performance.md: {tables[:3]}"


PRINTED = """## Build with full ESCO
| what | this | target |
| --- | --- | --- |
| fresh build | 34.2 s | <= 15 s |

reasoning           10.20 s
| not a table |
course-details    49    14.6 ms    20.2 ms
a ``` fence

### Phases
| phase | this |
|---|---|
| store | 9.08 |
"""


def test_printed_tables_stay_tables_and_other_lines_keep_their_columns() -> None:
    seg = run_all.Segment
    assert run_all.segments_of(PRINTED) == [
        seg("heading", ("Build with full ESCO",)),
        seg("table", ("| what | this | target |", "| --- | --- | --- |", "| fresh build | 34.2 s | <= 15 s |")),
        seg("text", ("reasoning           10.20 s", "| not a table |", "course-details    49    14.6 ms    20.2 ms", "a ''' fence")),
        seg("heading", ("Phases",)),
        seg("table", ("| phase | this |", "|---|---|", "| store | 9.08 |")),
    ]  # fmt: skip
    assert run_all.segments_of("\n\n") == []


def test_a_rendered_block_round_trips_and_a_changed_one_does_not(tmp_path: Path) -> None:
    bench = run_all.BENCHES[0]
    meta = run_all.Meta("python bench/x.py", "quick", "2026-12-01 12:00", "abcdef1234", True,
                        2, "1.0 2.0 3.0", 12, 0)  # fmt: skip
    segments = run_all.segments_of(PRINTED)
    page = run_all.write_block(
        "# Performance\n\nprose\n", bench, run_all.render(bench, meta, segments)
    )
    body = run_all.blocks(page)[bench.name]
    assert (
        "#### Build with full ESCO" in body and "\n```text\nreasoning           10.20 s\n" in body
    )
    assert run_all.parse(body) == (bench.title, meta, segments)
    with pytest.raises(ValueError, match="provenance"):
        run_all.parse(body.replace(" UTC ·", " ·"))
    with pytest.raises(ValueError, match="never closed"):
        run_all.parse(body.rsplit("```", 1)[0])
    with pytest.raises(ValueError, match="neither a table nor a text block"):
        run_all.parse(body.replace("| --- | --- | --- |\n", ""))
    with pytest.raises(ValueError, match="one blank line"):
        run_all.parse(body.replace("\n\n#### Phases", "\n#### Phases"))
    again = run_all.write_block(page, bench, run_all.render(bench, meta, segments[:2]))
    assert again.count("bench/run build: begin") == 1 and "Phases" not in again
    assert re.search(r"^prose$", again, re.M)
    empty = run_all.render(bench, meta, [])
    assert "(no output)" in empty
