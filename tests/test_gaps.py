"""The gap analysis: demand of one kind against places of running offers (issue 13).

A small graph of our own, built into a real store on disk, where two kinds of demand figure
meet in one region and stage; and the curated graph over HTTP.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from battkg.gaps.links import ensure_links, links_graph, stored_pairs
from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT, Settings
from battkg.web.app import create_app

ID = "https://w3id.org/battkg/id/"

SMALL = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix bkg: <https://w3id.org/battkg/ontology#> .
@prefix voc: <https://w3id.org/battkg/id/vocab/> .
@prefix eqf: <http://data.europa.eu/snb/eqf/> .
@prefix region: <https://w3id.org/battkg/id/region/> .
@prefix stage: <https://w3id.org/battkg/id/stage/> .
@prefix role: <https://w3id.org/battkg/id/role/> .
@prefix course: <https://w3id.org/battkg/id/course/> .
@prefix qual: <https://w3id.org/battkg/id/qualification/> .
@prefix req: <https://w3id.org/battkg/id/requirement/> .
@prefix skill: <https://w3id.org/battkg/id/skill/> .
@prefix demand: <https://w3id.org/battkg/id/demand/> .
@prefix src: <https://w3id.org/battkg/id/source/> .

region:SE a bkg:Region ; skos:prefLabel "Sweden"@en ; bkg:countryCode "SE" .
region:SE331 a bkg:Region ; skos:prefLabel "Västerbotten"@en ; bkg:withinRegion region:SE .
region:SE332 a bkg:Region ; skos:prefLabel "Norrbotten"@en ; bkg:withinRegion region:SE .
stage:cell-assembly a bkg:ValueChainStage ; skos:prefLabel "cell assembly"@en .
src:page a dcterms:BibliographicResource ; rdfs:label "a page" .

skill:stacking a bkg:Skill ; skos:prefLabel "stacking"@en .
skill:welding a bkg:Skill ; skos:prefLabel "welding"@en .
skill:dry-room a bkg:Skill ; skos:prefLabel "dry-room practice"@en .
qual:operator a bkg:Qualification ; skos:prefLabel "operator certificate"@en ; bkg:eqfLevel eqf:4 .

role:assembler a bkg:JobRole ; skos:prefLabel "cell assembler"@en ; bkg:inStage stage:cell-assembly ;
    bkg:essentialSkill skill:stacking , skill:welding , skill:dry-room ; bkg:entryRequirement req:assembler .
req:assembler a bkg:EntryRequirement ; bkg:acceptsQualification qual:operator .
req:open a bkg:EntryRequirement ; bkg:openEntry true .
role:inspector a bkg:JobRole ; skos:prefLabel "cell inspector"@en ; bkg:inStage stage:cell-assembly ;
    bkg:entryRequirement req:inspector .
req:inspector a bkg:EntryRequirement ; bkg:acceptsQualification qual:inspection .
qual:inspection a bkg:Qualification ; skos:prefLabel "inspection certificate"@en ; bkg:eqfLevel eqf:5 .

course:a a bkg:Course ; skos:prefLabel "operator course A"@en ; bkg:locatedIn region:SE331 ;
    bkg:entryRequirement req:open ; bkg:awardsQualification qual:operator ; bkg:durationWeeks 40.0 ;
    bkg:teachesSkill skill:stacking , skill:welding ; bkg:placesPerYear 20 ;
    bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ; dcterms:source src:page .
course:b a bkg:Course ; skos:prefLabel "operator course B"@en ; bkg:locatedIn region:SE331 ;
    bkg:entryRequirement req:open ; bkg:awardsQualification qual:operator ; bkg:durationWeeks 40.0 ;
    bkg:teachesSkill skill:stacking , skill:welding ;
    bkg:offerStatus voc:offer-running ; bkg:mode voc:mode-on-site ; dcterms:source src:page .
course:ended a bkg:Course ; skos:prefLabel "ended course"@en ; bkg:locatedIn region:SE332 ;
    bkg:entryRequirement req:open ; bkg:awardsQualification qual:operator ; bkg:durationWeeks 30.0 ;
    bkg:placesPerYear 500 ; bkg:offerStatus voc:offer-ended ; dcterms:source src:page .

demand:heads a bkg:DemandEstimate ; rdfs:label "plant staff"@en ; bkg:demandFor stage:cell-assembly ;
    bkg:locatedIn region:SE331 ; bkg:demandMeasure voc:measure-headcount ;
    bkg:demandStatus voc:demand-current ; bkg:year "2026"^^xsd:gYear ;
    bkg:count "100"^^xsd:nonNegativeInteger ; bkg:demandKind "employees" ; dcterms:source src:page .
demand:hires a bkg:DemandEstimate ; rdfs:label "hires a year"@en ; bkg:demandFor stage:cell-assembly ;
    bkg:locatedIn region:SE331 ; bkg:demandMeasure voc:measure-hires-per-year ;
    bkg:demandStatus voc:demand-current ; bkg:year "2026"^^xsd:gYear ;
    bkg:count "50"^^xsd:nonNegativeInteger ; bkg:demandKind "hires" ; dcterms:source src:page .
demand:old a bkg:DemandEstimate ; rdfs:label "old plan"@en ; bkg:demandFor stage:cell-assembly ;
    bkg:locatedIn region:SE331 ; bkg:demandMeasure voc:measure-planned-jobs ;
    bkg:demandStatus voc:demand-void ; bkg:statusReason "the plant closed"@en ; bkg:year "2025"^^xsd:gYear ;
    bkg:count "3000"^^xsd:nonNegativeInteger ; bkg:demandKind "jobs" ; dcterms:source src:page .
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    home = tmp_path_factory.mktemp("gaps-home")
    for folder in ("ontology", "queries"):
        (home / folder).symlink_to(PROJECT_ROOT / folder)
    (home / "data").mkdir()
    (home / "data" / "small.ttl").write_text(SMALL, encoding="utf-8")
    kg = KnowledgeGraph(
        Settings.from_env(
            {"BATTKG_HOME": str(home), "BATTKG_STORE": str(home / "store"), "BATTKG_ESCO_DIR": ""}
        )
    )
    kg.build()
    return kg


@pytest.fixture(scope="module")
def small_client(small: KnowledgeGraph) -> TestClient:
    return TestClient(create_app(kg=small))


def _rows(client: TestClient, **params: object) -> list[dict[str, object]]:
    response = client.get("/gaps", params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["rows"]
    return rows


def test_two_kinds_of_figure_are_never_combined(small_client: TestClient) -> None:
    rows = [r for r in _rows(small_client, region="SE331") if r["demand"]]
    by_measure = {r["demand"]["measure"]: r for r in rows}  # type: ignore[index]
    assert sorted(by_measure) == ["headcount", "hires-per-year"]  # the void plan is not current
    heads, hires = by_measure["headcount"], by_measure["hires-per-year"]
    assert heads["demand"]["figure"] == {"low": 100, "high": 100}  # type: ignore[index]
    assert hires["demand"]["figure"] == {"low": 50, "high": 50}  # type: ignore[index]
    # a headcount is no demand per year without a stated turnover: no difference at all
    assert heads["demand_per_year"] is None and heads["difference"] is None
    assert "turnover" in str(heads["demand_per_year_note"])
    # hires a year against 20 known places and one course of unknown places: an open range
    assert hires["capacity"]["places"] == {"low": 20, "high": None}  # type: ignore[index]
    assert hires["capacity"]["offers_with_unknown_places"] == 1  # type: ignore[index]
    assert hires["difference"]["low"] is None and hires["difference"]["high"] == 30  # type: ignore[index]
    figures = {str(v) for r in rows for v in r["demand"]["figure"].values()}  # type: ignore[index]
    assert "150" not in figures and "3000" not in figures


def test_a_stated_turnover_makes_a_headcount_yearly_with_the_method_beside_it(
    small_client: TestClient,
) -> None:
    rows = [r for r in _rows(small_client, region="SE331", turnover=0.1) if r["demand"]]
    heads = next(r for r in rows if r["demand"]["measure"] == "headcount")  # type: ignore[index]
    assert heads["demand_per_year"]["low"] == 10  # type: ignore[index]
    assert "turnover of 10%" in heads["demand_per_year"]["method"]  # type: ignore[index]
    hires = next(r for r in rows if r["demand"]["measure"] == "hires-per-year")  # type: ignore[index]
    assert hires["demand_per_year"]["low"] == 50  # type: ignore[index]


def test_ended_offers_add_no_places_and_unknown_places_are_not_zero(
    small_client: TestClient,
) -> None:
    report = small_client.get("/gaps", params={"region": "SE332"}).json()
    region = report["regions"][0]
    assert region["has_demand"] is False
    assert region["message"] == "no demand data for this region: capacity alone"
    assert all(r["capacity"]["offers"] == 0 for r in report["rows"])
    sweden = [r for r in _rows(small_client, region="SE") if not r["demand"]]
    assert sweden and sweden[0]["capacity"]["places"]["high"] is None  # type: ignore[index]


def test_links_come_from_routes_and_are_stored_per_version(small: KnowledgeGraph) -> None:
    links = ensure_links(small)
    assert links.version == small.version() and links.stored
    pairs = stored_pairs(small)  # through the requirement atoms stored per version
    assert (ID + "course/a", ID + "role/assembler") in pairs
    rows = small.select(
        f"SELECT ?c WHERE {{ GRAPH <{links_graph(small)}> {{ ?c bkg:servesAtom ?a }} }}"
    )
    assert {str(r["c"].value) for r in rows} >= {ID + "course/a", ID + "course/b"}


def test_missing_skills_and_overlaps(small_client: TestClient) -> None:
    region = small_client.get("/gaps", params={"region": "SE331"}).json()["regions"][0]
    assert [s["id"] for s in region["missing_skills"]] == [ID + "skill/dry-room"]
    assert region["missing_skills"][0]["roles_needing"] == 1
    assert [r["id"] for r in region["roles_without_course"]] == [ID + "role/inspector"]
    pair = region["overlaps"][0]
    assert {c["id"] for c in pair["courses"]} == {ID + "course/a", ID + "course/b"}
    assert pair["share"] == 1.0


def test_csv_has_one_line_per_row(small_client: TestClient) -> None:
    response = small_client.get("/gaps", params={"region": "SE331"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert len(lines) == len(_rows(small_client, region="SE331"))
    assert {line["measure"] for line in lines} >= {"headcount", "hires-per-year"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "XX9"}, "region"),
        ({"level": "phd"}, "level"),
        ({"year": 1900}, "year"),
        ({"kind": "jobs"}, "kind"),
        ({"format": "xml"}, "format"),
        ({"turnover": 3}, "turnover"),
    ],
)
def test_bad_filters_name_the_field(
    small_client: TestClient, params: dict[str, object], field: str
) -> None:
    response = small_client.get("/gaps", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == field


def test_what_if_changes_the_gap_without_storing_anything(
    small: KnowledgeGraph, small_client: TestClient
) -> None:
    generation = small.store.generation
    body = {"region": "SE331", "level": "upper-secondary", "places": 25, "roles": ["assembler"]}
    response = small_client.post("/gaps/what-if", json=body)
    assert response.status_code == 200, response.text
    changed = response.json()["changed_rows"]
    hires = next(
        c
        for c in changed
        if c["after"]["demand"] and c["after"]["demand"]["measure"] == "hires-per-year"
    )
    assert hires["before"]["capacity"]["places"]["low"] == 20
    assert hires["after"]["capacity"]["places"]["low"] == 45
    assert small.store.generation == generation
    assert _rows(small_client, region="SE331")[0]["capacity"]["places"]["low"] == 20


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "ZZ1"}, "region"),
        ({"level": "kindergarten"}, "level"),
        ({"places": -1}, "places"),
        ({"year": 2101}, "year"),
        ({"roles": ["no-such-role"]}, "roles"),
    ],
)
def test_what_if_bad_input_names_the_field(
    small_client: TestClient, change: dict[str, object], field: str
) -> None:
    body = {"region": "SE331", "level": "upper-secondary", "places": 25, "roles": ["assembler"]}
    response = small_client.post("/gaps/what-if", json={**body, **change})
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["details"]["field"] == field


@pytest.fixture(scope="module")
def curated_gaps(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The curated graph in a store of this module's own: the gap analysis writes its links."""
    store = tmp_path_factory.mktemp("gaps-curated") / "store"
    kg = KnowledgeGraph(Settings.from_env({"BATTKG_STORE": str(store), "BATTKG_ESCO_DIR": ""}))
    kg.build()
    return kg


def test_curated_gaps_over_http(curated_gaps: KnowledgeGraph) -> None:
    client = TestClient(create_app(kg=curated_gaps))
    report = client.get("/gaps").json()
    assert report["rows"]
    for row in report["rows"]:
        demand = row["demand"]
        assert row["capacity"]["kind"] == "places-per-year"
        assert row["capacity"]["source"].startswith("/queries/gap-capacity?")
        if demand:
            assert demand["measure"] and demand["status"] == "current" and demand["sources"]
            assert demand["confidence"] in ("confirmed", "estimated", "unknown")
            if row["difference"] is not None:
                assert row["demand_per_year"]["method"]
    lyten = [
        r
        for r in report["rows"]
        if r["demand"] and "lyten-sweden-planned-hires" in r["demand"]["id"]
    ]
    assert lyten and lyten[0]["demand_per_year"]["low"] == 600
    void = {h["id"].rsplit("/", 1)[1] for h in report["history"] if h["status"] == "void"}
    assert {"no-freyr-mo-i-rana-staff", "fi-johnson-matthey-vaasa-cam"} <= void


def test_cli_gaps(curated_gaps: KnowledgeGraph, capsys: pytest.CaptureFixture[str]) -> None:
    from battkg.cli import main

    store = Path(curated_gaps.settings.store)
    assert main(["gaps", "--store", str(store), "--country", "SE", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("region,region_label,stage")
    assert "planned-hires" in out


@pytest.mark.parametrize("lang", ["sv", "fi", "nb", "en"])
def test_the_page_in_four_languages_with_charts_that_need_no_script(
    curated_gaps: KnowledgeGraph, lang: str
) -> None:
    client = TestClient(create_app(kg=curated_gaps))
    response = client.get("/guide/gaps", params={"lang": lang})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    html = response.text
    for chart in ("heatmap", "levels", "timeline-demand"):
        assert f'<svg class="chart {chart}"' in html, chart
    assert html.count("<title id=") >= 3 and html.count("<desc id=") >= 3
    heading = {"sv": "Behov och utbildningskapacitet", "fi": "Tarve ja koulutuskapasiteetti",
               "nb": "Behov og utdanningskapasitet", "en": "Demand and training capacity"}  # fmt: skip
    assert heading[lang] in html
    assert "https://cdn" not in html and '<script src="http' not in html


def test_every_demand_figure_on_the_page_links_to_its_source(curated_gaps: KnowledgeGraph) -> None:
    client = TestClient(create_app(kg=curated_gaps))
    html = client.get("/guide/gaps", params={"lang": "en", "country": "SE"}).text
    # Lyten's hiring plan: the figure links to the page that states it
    assert (
        '<a href="/id/source/finanznachrichten-2026-02-27-lyten-press-release">600 or more</a>'
        in html
    )
    assert 'href="/queries/gap-capacity?status=running' in html


def test_the_page_what_if_form(curated_gaps: KnowledgeGraph) -> None:
    client = TestClient(create_app(kg=curated_gaps))
    form = {"region": "SE331", "level": "post-secondary-vocational", "places": "30",
            "roles": ["cell-assembly-operator"]}  # fmt: skip
    ok = client.post("/guide/gaps", data=form)
    assert ok.status_code == 200 and "nothing is stored" in ok.text
    bad = client.post("/guide/gaps", data={**form, "places": "-4"})
    assert bad.status_code == 422 and "places=-4 is out of range" in bad.text


def test_the_page_leaves_the_cached_api_answer_as_it_was(small_client: TestClient) -> None:
    before = small_client.get("/gaps").json()
    assert small_client.get("/guide/gaps").status_code == 200
    after = small_client.get("/gaps").json()
    assert after == before
    assert all("method_text" not in row for row in after["rows"])


def test_the_regional_named_queries_agree_with_the_api(
    small: KnowledgeGraph, small_client: TestClient
) -> None:
    """gap-roles-without-course and gap-missing-skills give a researcher what /gaps shows."""
    for name in ("SE331", "SE"):
        region = small_client.get("/gaps", params={"region": name}).json()["regions"][0]
        _, result = small.run_named("gap-roles-without-course", {"region": name})
        found = {str(r["role"].value) for r in result}
        assert found == {x["id"] for x in region["roles_without_course"]} == {ID + "role/inspector"}
    for name in ("SE331", "SE332"):
        api = small_client.get("/gaps", params={"region": name}).json()["regions"][0]
        _, result = small.run_named("gap-missing-skills", {"region": name})
        rows = {str(r["skill"].value): int(r["roles"].value) for r in result}
        assert rows == {s["id"]: s["roles_needing"] for s in api["missing_skills"]}, name
