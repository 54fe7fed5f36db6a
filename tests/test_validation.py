"""Validation reports a partner can act on: file, row and column or line and property, value, rule, fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from battkg.cli import main
from battkg.ingest import TEMPLATES, read_partner_file, read_path
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT
from battkg.validation import validate_files

SAMPLES = PROJECT_ROOT / "docs" / "samples"
BAD_CSV = (
    "id;name_en;provider;region;languages;mode;duration_weeks;credit_system;skills_taught;"
    "entry_eqf_level;start_dates;places_per_year\n"
    "c1;One;no-such-provider;SE331;sv;on-site;-3;yh;electrode-slurry-mixing;9;2026-02-30;0\n"
    "c2;Two;centria;ZZ999;xx;boat;4;yh;;4;;\n"
)


def report_for(kg: KnowledgeGraph, *files: tuple[str, str]):  # type: ignore[no-untyped-def]
    return validate_files(kg, [read_partner_file(t.encode(), n, kg.iris) for n, t in files])


def test_samples_conform(curated_kg: KnowledgeGraph) -> None:
    report = validate_files(
        curated_kg, [read_path(p, curated_kg.iris) for p in sorted(SAMPLES.glob("*.csv"))]
    )
    assert report.conforms, report.to_text()
    assert {f.format for f in report.files} == {f"csv:{k}" for k in TEMPLATES}


def test_every_fault_at_once_with_row_column_value_rule_and_fix(curated_kg: KnowledgeGraph) -> None:
    report = report_for(curated_kg, ("courses.csv", BAD_CSV))
    assert not report.conforms and report.readable
    found = {(f.location.row, f.location.column, f.value) for f in report.faults}
    expected = {
        (2, "provider", "no-such-provider"), (2, "duration_weeks", "-3"), (2, "entry_eqf_level", "9"),
        (2, "start_dates", "2026-02-30"), (2, "places_per_year", "0"), (3, "region", "ZZ999"),
        (3, "languages", "xx"), (3, "mode", "mode-boat"), (3, "skills_taught", None),
    }  # fmt: skip
    assert expected <= found
    for fault in report.faults:
        assert fault.location.file == "courses.csv" and fault.rule and fault.fix and fault.message
    text = report.to_text()
    assert "courses.csv: row 2, column duration_weeks" in text and "does not conform" in text


def test_turtle_faults_name_line_and_property(curated_kg: KnowledgeGraph) -> None:
    report = validate_files(
        curated_kg,
        [read_path(PROJECT_ROOT / "shapes/examples/course-invalid.ttl", curated_kg.iris)],
    )
    duration = next(f for f in report.faults if f.path and f.path.endswith("durationWeeks"))
    assert duration.location.line is not None and duration.value == "-4"
    lines = (PROJECT_ROOT / "shapes/examples/course-invalid.ttl").read_text().splitlines()
    assert "durationWeeks" in lines[duration.location.line - 1]
    assert "property durationWeeks" in report.to_text()


def test_duplicates_across_files_and_with_the_store(curated_kg: KnowledgeGraph) -> None:
    providers = "id,name_en,type,region\np1,P,komvux,SE331\n"
    taken = "id,name_en,type,region\ncentria,Clash,uas,FI1D5\n"
    report = report_for(
        curated_kg,
        ("providers.csv", providers),
        ("more-providers.csv", providers),
        ("x-providers.csv", taken),
    )
    messages = [(f.location.file, f.message) for f in report.faults]
    assert (
        "more-providers.csv",
        "the identifier provider/p1 is also defined in providers.csv",
    ) in [(file, m.replace("https://w3id.org/battkg/id/", "")) for file, m in messages]
    assert any(file == "x-providers.csv" and "already used in battkg" in m for file, m in messages)


def test_references_resolve_within_the_files(curated_kg: KnowledgeGraph) -> None:
    providers = (SAMPLES / "providers.csv").read_text()
    courses = (SAMPLES / "courses.csv").read_text(encoding="utf-8-sig")
    assert report_for(curated_kg, ("providers.csv", providers), ("courses.csv", courses)).conforms
    alone = report_for(curated_kg, ("courses.csv", courses))
    assert [f.value for f in alone.faults] == ["example-battery-academy"]


def test_unknown_ontology_terms_are_faults(curated_kg: KnowledgeGraph) -> None:
    report = validate_files(curated_kg, [read_path(Path("/dev/null"), curated_kg.iris)])
    assert not report.readable
    ttl = "@prefix bkg: <https://w3id.org/battkg/ontology#> .\n<https://w3id.org/battkg/id/course/x> bkg:durationWeek 3 .\n"
    faults = report_for(curated_kg, ("x.ttl", ttl)).faults
    assert any(
        "bkg:durationWeek is not a term" in f.message and f.location.line == 2 for f in faults
    )


def test_schema_axioms_in_partner_data_are_faults(curated_kg: KnowledgeGraph) -> None:
    text = (
        "@prefix bkg: <https://w3id.org/battkg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "bkg:Course rdfs:subClassOf bkg:Provider .\n"
        "bkg:offers a owl:TransitiveProperty .\n"
    )
    report = validate_files(
        curated_kg, [read_partner_file(text.encode(), "schema.ttl", curated_kg.iris)]
    )
    axioms = [f for f in report.faults if f.rule == "instance data only"]
    assert [f.location.line for f in axioms] == [4, 5]
    assert all("schema axiom" in f.message and "ontology" in f.fix for f in axioms)


def test_post_validate_json_writes_nothing(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    before = curated_kg.store.current_generation()
    r = client.post(
        "/validate?filename=courses.csv",
        content=BAD_CSV.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["conforms"] is False and body["fault_count"] >= 9
    fault = next(f for f in body["faults"] if f.get("value") == "-3")
    assert fault["location"] == {"file": "courses.csv", "row": 2, "column": "duration_weeks"}
    assert {"message", "fix", "rule", "value"} <= set(fault)
    assert curated_kg.store.current_generation() == before


def test_post_validate_html_and_multipart(client: TestClient) -> None:
    r = client.post(
        "/validate", content=BAD_CSV.encode(), headers={"Content-Type": "text/csv", "Accept": "text/html"},
        params={"filename": "courses.csv"},
    )  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "does not conform" in r.text and "duration_weeks" in r.text and "&lt;" not in r.text[:50]
    files = {
        "a": ("providers.csv", (SAMPLES / "providers.csv").read_bytes(), "text/csv"),
        "b": ("courses.csv", (SAMPLES / "courses.csv").read_bytes(), "text/csv"),
    }
    r = client.post("/validate", files=files)
    assert r.status_code == 200 and r.json()["conforms"] is True, r.json()


def test_post_validate_unreadable_turtle_reports_the_line(client: TestClient) -> None:
    r = client.post(
        "/validate?filename=x.ttl", content=b"<a> <b> .\n", headers={"Content-Type": "text/turtle"}
    )
    body = r.json()
    assert r.status_code == 200 and body["readable"] is False
    assert body["faults"][0]["location"]["line"] == 1


def test_cli_exit_codes(
    curated_kg: KnowledgeGraph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(curated_kg.settings.store)]
    bad = tmp_path / "courses.csv"
    bad.write_text(BAD_CSV)
    assert main(["validate", *map(str, sorted(SAMPLES.glob("*.csv"))), *store]) == 0
    assert main(["validate", str(bad), *store]) == 1
    assert "row 2, column duration_weeks" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "missing.csv"), *store]) == 2
    assert main(["validate", str(bad), "--format", "json", *store]) == 1


def test_fields_standing_in_for_skills_are_checked(curated_kg: KnowledgeGraph) -> None:
    """bkg:skillsMetByField needs its level and required skills, and a role's requirement:
    a course's requirement with it is refused with the fix."""
    ttl = """@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix isced: <http://data.europa.eu/snb/isced-f/> .
<https://w3id.org/battkg/id/requirement/x-entry> a bkg:EntryRequirement ;
    bkg:acceptsLevel <http://data.europa.eu/snb/eqf/4> ;
    bkg:skillsMetByField isced:0710 , <http://data.europa.eu/snb/isced-f/engineering> .
"""
    report = report_for(curated_kg, ("x.ttl", ttl))
    assert not report.conforms
    messages = " | ".join(f.message for f in report.faults)
    assert "no level" in messages, messages
    assert "requires no skill" in messages, messages
    assert "job role's requirement only" in messages, messages
    assert any(f.value and f.value.endswith("/engineering") for f in report.faults), messages
