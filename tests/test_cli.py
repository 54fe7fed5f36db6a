"""The CLI: each command's output and exit codes (0 ok, 1 findings, 2 error)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from battkg._convert import to_rdflib
from battkg.cli import main
from battkg.kg import KnowledgeGraph


@pytest.fixture()
def store_env(curated_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BATTKG_ESCO_DIR", "")
    return str(curated_kg.settings.store)


def test_build_is_a_noop_on_a_built_store(
    store_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--store", store_env]) == 0
    assert "up to date" in capsys.readouterr().out


def test_stats_json(store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--store", store_env, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["instances"]["bkg:JobRole"] >= 30
    assert data["roles_aligned_to_esco"]["share"] == 1.0
    assert 0 < data["skills_from_esco"]["esco"] < data["skills_from_esco"]["skills"]
    assert sum(data["graphs"].values()) == data["triples"]


def test_query_named_with_parameters_in_each_format(
    store_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "query",
                "roles-by-stage",
                "--store",
                store_env,
                "--param",
                "stage=recycling",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert rows and all(r["stage"]["value"].endswith("/stage/recycling") for r in rows)
    assert main(["query", "roles-by-stage", "--store", store_env, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("stage,stageLabel,role")
    assert main(["query", "roles-by-stage", "--store", store_env, "--param", "lang=sv"]) == 0
    assert "@sv" in capsys.readouterr().out


def test_query_file(tmp_path: Path, store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    assert main(["query", str(query), "--store", store_env, "--format", "csv"]) == 0
    assert int(capsys.readouterr().out.splitlines()[1]) > 1000


def test_query_errors_exit_2(store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "no-such-query", "--store", store_env]) == 2
    assert "no named query" in capsys.readouterr().err
    assert main(["query", "roles-by-stage", "--store", store_env, "--param", "nope=1"]) == 2
    assert "has no parameter nope" in capsys.readouterr().err


def test_export_one_graph_and_all(
    tmp_path: Path, curated_kg: KnowledgeGraph, store_env: str
) -> None:
    roles = curated_kg.iris.data_graph("roles")
    out = tmp_path / "roles.ttl"
    assert (
        main(
            ["export", "--store", store_env, "--graph", roles, "--format", "turtle", "-o", str(out)]
        )
        == 0
    )
    exported = rdflib.Graph().parse(out)
    original = rdflib.Graph()
    for q in curated_kg.reader().quads_for_pattern(None, None, None, ox.NamedNode(roles)):
        original.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    assert rdflib.compare.isomorphic(exported, original)
    for fmt, parse_as in (
        ("nquads", "nquads"),
        ("trig", "trig"),
        ("jsonld", "json-ld"),
        ("rdfxml", "xml"),
    ):
        path = tmp_path / f"all.{fmt}"
        graph_arg = [] if fmt in ("nquads", "trig", "jsonld") else ["--graph", roles]
        assert (
            main(["export", "--store", store_env, "--format", fmt, "-o", str(path), *graph_arg])
            == 0
        )
        parsed = rdflib.Dataset().parse(path, format=parse_as)
        assert len(parsed) > 0


def test_export_unknown_graph_or_format(store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--store", store_env, "--graph", "https://example.org/none"]) == 2
    assert "no graph" in capsys.readouterr().err
    assert main(["export", "--store", store_env, "--format", "docx"]) == 2
    assert "unknown export format" in capsys.readouterr().err


def test_check_passes_on_curated_data(store_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--store", store_env]) == 0
    assert ", 0 fault(s)" in capsys.readouterr().out


def test_commands_on_a_missing_store_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--store", str(tmp_path / "none")]) == 2
    assert "battkg build" in capsys.readouterr().err


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("build", "serve", "query", "export", "stats", "check"):
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        assert "--store" in capsys.readouterr().out
