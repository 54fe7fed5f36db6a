"""Recognition steps award the recognised degree, so a route for a newly arrived engineer starts
with recognition by UHR, Opetushallitus or HK-dir instead of a Nordic degree programme
(docs/decisions/0050-confidence-offers-demand.md, "Steps that are not courses").

Through the pathway API (GET /pathways) on the curated store.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

ID = "https://w3id.org/battkg/id/"
RECOGNISED = {
    "master": ID + "qualification/foreign-engineering-master-recognised-eqf7",
    "degree": ID + "qualification/foreign-engineering-degree-recognised-eqf6",
}
AUTHORITY = {"SE": "uhr", "FI": "oph", "NO": "hkdir"}


def routes(client: TestClient, role: str, entry: str, **params: str) -> list[dict[str, Any]]:
    r = client.get("/pathways", params={"role": role, "entry": entry, "k": "3", **params})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["found"], answer
    found: list[dict[str, Any]] = answer["routes"]
    return found


@pytest.mark.parametrize(("country", "home"), [("SE", "SE331"), ("FI", "FI1D5"), ("NO", "NO071")])
def test_a_foreign_master_is_recognised_first_not_redone_as_a_bachelor(
    client: TestClient, country: str, home: str
) -> None:
    found = routes(
        client, "battery-cell-engineer", "newly-arrived-engineer-master-not-recognised", home=home
    )
    for route in found:
        first = route["steps"][0]
        assert first["kind"] == "recognition", first
        assert first["course"]["id"].endswith("-recognition-foreign-engineering-master")
        assert [a["id"] for a in first["awards"]] == [RECOGNISED["master"]]
        for step in route["steps"]:
            for award in step["awards"]:
                assert "bachelor" not in award["id"] and not award["id"].endswith("eqf6"), step
    # routes that stay at home come first: the home country's own authority recognises the degree
    best = found[0]["steps"][0]["course"]["id"]
    assert best == f"{ID}course/{AUTHORITY[country]}-recognition-foreign-engineering-master"


def test_a_first_cycle_degree_gets_the_first_cycle_recognition(client: TestClient) -> None:
    found = routes(
        client, "maintenance-engineer", "newly-arrived-engineer-degree-not-recognised", home="SE331"
    )
    for n, route in enumerate(found):
        awards = [a["id"] for s in route["steps"] for a in s["awards"]]
        assert RECOGNISED["master"] not in awards
        if n == 0:  # the best route recognises the degree (a later one may earn a Swedish one)
            assert RECOGNISED["degree"] in awards, awards


def test_recognition_facts_are_the_authorities_own(client: TestClient) -> None:
    (route, *_) = routes(
        client,
        "battery-cell-engineer",
        "newly-arrived-engineer-master-not-recognised",
        home="FI1D5",
    )
    first = route["steps"][0]
    assert first["fee"] == 234.0 and first["currency"] == "EUR"
    facts = {f["property"].rsplit("#", 1)[-1]: f for f in first["facts"]}
    assert facts["tuitionFee"]["confidence"] == "confirmed"
    assert facts["durationWeeks"]["confidence"] == "estimated"
