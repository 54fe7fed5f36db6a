"""The HTTP skeleton: health, the error envelope, and the committed OpenAPI contract."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT
from battkg.web.app import create_app

from .conftest import make_settings


def test_health_reports_build_and_graph_sizes(
    client: TestClient, curated_kg: KnowledgeGraph
) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == "up"
    assert body["build"] == curated_kg.version()
    assert body["graphs"][curated_kg.iris.data_graph("roles")] > 0
    assert body["triples"] == sum(body["graphs"].values())


def test_health_on_a_missing_store_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(kg=KnowledgeGraph(make_settings(tmp_path / "none")))) as c:
        response = c.get("/health")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "store_error" and error["details"]["store"] == "down"
    assert "battkg build" in error["fix"]


def test_unknown_route_uses_the_error_envelope(client: TestClient) -> None:
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and "/no/such/thing" in error["message"]
    assert "/docs" in error["fix"]
    assert client.delete("/health").json()["error"]["code"] == "method_not_allowed"


def test_committed_openapi_matches_the_live_app(client: TestClient) -> None:
    committed = json.loads((PROJECT_ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))
    live = client.get("/openapi.json").json()
    assert committed == live, (
        "api/openapi.json is stale: run `python -m battkg.web.openapi > api/openapi.json`"
    )
