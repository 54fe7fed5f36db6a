"""The pathway HTTP API and the `battkg pathway` command, in process over the curated graph."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from battkg import cli
from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG
from battkg.pathways.engine import model_of


def test_pathways_with_filters_and_labels(client: TestClient) -> None:
    r = client.get(
        "/pathways",
        params={
            "role": "cell-assembly-operator",
            "entry": "compulsory-school-only",
            "region": "SE331",
            "language": "sv",
            "lang": "fi",
            "k": 2,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["found"] is True and 1 <= len(body["routes"]) <= 2
    for route in body["routes"]:
        for step in route["steps"]:
            assert step["languages"] == ["sv"] and step["offer_status"] in ("running", "planned")
            assert step["course"]["label_lang"] == "fi"  # the curated courses have Finnish labels
    assert body["filters"] == {
        "regions": ["https://w3id.org/battkg/id/region/SE331"],
        "languages": ["sv"],
    }
    weeks = [r["total_weeks"] for r in body["routes"]]
    assert weeks == sorted(weeks)


def test_role_and_entry_take_iris(client: TestClient) -> None:
    r = client.get(
        "/pathways",
        params={
            "role": "https://w3id.org/battkg/id/role/process-technician",
            "entry": "https://w3id.org/battkg/id/entry-profile/general-upper-secondary",
            "k": 1,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"]["id"].endswith("process-technician")
    assert body["entry"]["id"].endswith("general-upper-secondary")


def test_no_route_is_an_answer_with_reasons(client: TestClient) -> None:
    r = client.get(
        "/pathways",
        params={
            "role": "cell-assembly-operator",
            "entry": "compulsory-school-only",
            "max_weeks": 5,
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["found"] is False and body["routes"] == []
    assert body["reasons"][0]["code"] == "longer-than-maximum"


def test_unknown_role_is_404_with_closest_matches_in_any_language(client: TestClient) -> None:
    r = client.get(
        "/pathways", params={"role": "procestekniker", "entry": "compulsory-school-only"}
    )
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["code"] == "not_found" and "procestekniker" in error["message"]
    closest = [m["id"] for m in error["details"]["closest"]]
    assert "https://w3id.org/battkg/id/role/process-technician" in closest


def test_unknown_entry_profile_is_404(client: TestClient) -> None:
    r = client.get("/pathways", params={"role": "process-technician", "entry": "grundskola"})
    assert r.status_code == 404
    closest = [m["id"] for m in r.json()["error"]["details"]["closest"]]
    assert closest and closest[0].endswith("compulsory-school-only")


@pytest.mark.parametrize(
    "params",
    [
        {"k": 0},
        {"k": 11},
        {"rank": "fastest"},
        {"lang": "de"},
        {"mode": "by-post"},
        {"max_weeks": -3},
        {"country": "Narnia"},
    ],
)
def test_invalid_parameters_are_422_or_404_in_the_envelope(
    client: TestClient, params: dict[str, object]
) -> None:
    r = client.get(
        "/pathways", params={"role": "process-technician", "entry": "bachelor", **params}
    )
    assert r.status_code == (404 if "country" in params else 422), r.text
    assert set(r.json()) == {"error"} and r.json()["error"]["message"]


def test_matrix(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    r = client.get("/pathways/matrix", params={"role": "process-technician", "lang": "nb"})
    assert r.status_code == 200
    body = r.json()
    presets = len(model_of(curated_kg).profiles)
    assert len(body["rows"]) == presets == sum(len(t["rows"]) for t in body["tables"])
    assert {t["country"] for t in body["tables"]} >= {"SE", "FI", "NO"}
    assert any("grunnskole" in row["entry"]["label"] for row in body["rows"])
    for table in body["tables"]:  # each preset is searched from its own country
        assert all(row["country"] == table["country"] for row in table["rows"])
    home = client.get(
        "/pathways/matrix", params={"role": "process-technician", "home": "NO071"}
    ).json()
    assert [t["country"] for t in home["tables"]] == ["NO"]
    assert home["rows"] and all(row["country"] == "NO" for row in home["rows"])


def test_pickers_and_search(client: TestClient, curated_kg: KnowledgeGraph) -> None:
    roles = client.get("/pathways/roles", params={"lang": "sv"}).json()
    in_store = curated_kg.select(f"SELECT DISTINCT ?r WHERE {{ ?r a <{BKG}JobRole> }}")
    assert {r["id"] for r in roles} == {row["r"].value for row in in_store}
    assert all(r["label"] for r in roles)
    profiles = client.get("/pathways/entry-profiles").json()
    assert {p["id"].rsplit("/", 1)[-1] for p in profiles} >= {"compulsory-school-only", "bachelor"}
    courses = client.get("/pathways/courses", params={"q": "batterifagskolen", "limit": 3}).json()
    assert len(courses) == 3 and all("batterifagskolen" in c["id"] for c in courses)
    found = client.get(
        "/pathways/search", params={"q": "kennoilla", "lang": "en"}
    ).json()  # Finnish label
    hits = client.get("/pathways/search", params={"q": "akkukennojen", "kind": "role"}).json()
    assert isinstance(found, list) and hits and hits[0]["kind"] == "role"
    assert client.get("/pathways/search", params={"q": ""}).status_code == 422


def test_cli_pathway_table_and_json(
    curated_kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(curated_kg.settings.store)
    code = cli.main(
        [
            "pathway",
            "--store",
            store,
            "--role",
            "cell-assembly-operator",
            "--entry",
            "compulsory-school-only",
            "--region",
            "SE331",
            "--language",
            "sv",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "route 1:" in out and "weeks" in out
    code = cli.main(
        [
            "pathway",
            "--store",
            store,
            "--role",
            "process-technician",
            "--matrix",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and len(data["rows"]) == len(model_of(curated_kg).profiles)


def test_cli_exit_codes(curated_kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(curated_kg.settings.store)
    assert (
        cli.main(
            [
                "pathway",
                "--store",
                store,
                "--role",
                "cell-assembly-operator",
                "--entry",
                "compulsory-school-only",
                "--max-weeks",
                "1",
            ]
        )
        == 1
    )
    assert "no route" in capsys.readouterr().out
    assert (
        cli.main(["pathway", "--store", store, "--role", "no-such-role", "--entry", "bachelor"])
        == 2
    )
    assert "closest" not in capsys.readouterr().out
    assert cli.main(["pathway", "--store", store, "--find", "operatör"]) == 0
    assert "role" in capsys.readouterr().out


def test_role_given_by_its_label_in_another_language(client: TestClient) -> None:
    r = client.get(
        "/pathways", params={"role": "processtekniker", "entry": "compulsory-school-only", "k": 1}
    )
    assert r.status_code == 200 and r.json()["role"]["id"].endswith("/role/process-technician")
