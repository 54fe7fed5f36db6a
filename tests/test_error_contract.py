"""The error contract: every error is the envelope, with a request id, and documented in OpenAPI.

Each request below is made against the real app on a built store; its answer
must be the documented envelope, carry the request id it was given (or one it
made) in both the body and X-Request-ID, and its status must be one the
committed api/openapi.json lists for that operation, as the envelope.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from battkg.kg import KnowledgeGraph
from battkg.settings import PROJECT_ROOT
from battkg.web.app import create_app
from battkg.web.errors import ErrorEnvelope, set_error_page

from .conftest import make_settings

SPEC = json.loads((PROJECT_ROOT / "api" / "openapi.json").read_text(encoding="utf-8"))
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TOKEN = {"Authorization": "Bearer test-token"}

# (method, URL, request options, operation path in OpenAPI, expected status, expected code)
BAD_REQUESTS: list[tuple[str, str, dict[str, Any], str, int, str]] = [
    ("GET", "/queries/no-such-query", {}, "/queries/{name}", 404, "not_found"),
    ("GET", "/queries/role-essential-skills?bogus=1", {}, "/queries/{name}", 422, "invalid_parameter"),
    ("GET", "/sparql?query=SELEC", {}, "/sparql", 400, "query_error"),
    ("GET", "/sparql?update=CLEAR+ALL", {}, "/sparql", 403, "read_only"),
    ("GET", "/sparql?query=ASK{}", {"headers": {"Accept": "image/png"}}, "/sparql", 406,
     "not_acceptable"),
    ("POST", "/sparql", {"content": b"ASK {}", "headers": {"Content-Type": "image/png"}}, "/sparql",
     415, "unsupported_media_type"),
    ("GET", "/pathways?role=no-such-role&entry=no-such-entry", {}, "/pathways", 404, "not_found"),
    ("GET", "/pathways?role=x&entry=y&k=0", {}, "/pathways", 422, "invalid_parameter"),
    ("GET", "/datasets/nothing", {}, "/datasets/{name}", 404, "not_found"),
    ("PUT", "/datasets/x?filename=a.csv", {"content": b"id\n"}, "/datasets/{name}", 401,
     "unauthorized"),
    ("POST", "/datasets/nothing/rollback", {"headers": TOKEN}, "/datasets/{name}/rollback", 404,
     "not_found"),
    ("GET", "/export?format=nonsense", {}, "/export", 422, "invalid_parameter"),
    ("GET", "/id/course/no-such-course", {}, "/id/{path}", 404, "not_found"),
    ("GET", "/.well-known/void", {"headers": {"Accept": "image/png"}}, "/.well-known/void", 406,
     "not_acceptable"),
]  # fmt: skip


def check_envelope(response: Any, operation: str, method: str) -> dict[str, Any]:
    """The answer is the envelope, with the request id, and its status is documented as such."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    ErrorEnvelope.model_validate(body)
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["message"] and error["fix"]
    assert error["request_id"] == response.headers["x-request-id"]
    documented = SPEC["paths"][operation][method.lower()]["responses"]
    status = str(response.status_code)
    assert status in documented, (
        f"{method} {operation} answers {status}, not in {sorted(documented)}"
    )
    schema = documented[status]["content"]["application/json"]["schema"]
    assert schema == {"$ref": ENVELOPE_REF}
    return error


@pytest.mark.parametrize(("method", "url", "options", "operation", "status", "code"), BAD_REQUESTS)
def test_errors_are_the_documented_envelope(
    client: TestClient,
    method: str,
    url: str,
    options: dict[str, Any],
    operation: str,
    status: int,
    code: str,
) -> None:
    response = client.request(method, url, **options)
    assert response.status_code == status, response.text
    assert check_envelope(response, operation, method)["code"] == code


def test_every_documented_error_is_the_envelope() -> None:
    schemas = SPEC["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, f"{method} {path}"
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, f"{method} {path} has parameters but no 422"
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": ENVELOPE_REF}, f"{method} {path} {status}"


def test_a_given_request_id_is_kept_and_a_forged_one_replaced(client: TestClient) -> None:
    r = client.get("/queries/no-such-query", headers={"X-Request-ID": "trace-42.a"})
    assert r.headers["x-request-id"] == "trace-42.a" == r.json()["error"]["request_id"]
    r = client.get("/queries/no-such-query", headers={"X-Request-ID": "x\r\nlevel=error"})
    assert re.fullmatch(r"[0-9a-f]{16}", r.json()["error"]["request_id"])
    ok = client.get("/health")
    assert re.fullmatch(r"[0-9a-f]{16}", ok.headers["x-request-id"])


def test_401_and_403_are_told_apart_by_the_kind_of_error(
    client: TestClient, tmp_path: Path
) -> None:
    wrong = client.put(
        "/datasets/x?filename=a.csv", content=b"id\n", headers={"Authorization": "Bearer no"}
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    assert wrong.headers["www-authenticate"] == "Bearer"
    without_token = KnowledgeGraph(make_settings(tmp_path / "store", token=None))
    with TestClient(create_app(kg=without_token)) as c:
        r = c.put("/datasets/x?filename=a.csv", content=b"id\n", headers=TOKEN)
        assert r.status_code == 403
        error = check_envelope(r, "/datasets/{name}", "PUT")
        assert error["code"] == "writes_disabled" and "BATTKG_TOKEN" in error["fix"]
        assert "www-authenticate" not in r.headers


def test_browsers_get_a_page_with_the_same_code_and_request_id(client: TestClient) -> None:
    r = client.get("/queries/no-such-query", headers={"Accept": BROWSER, "X-Request-ID": "page-1"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "not_found" in r.text and "page-1" in r.text
    json_r = client.get(
        "/queries/no-such-query", headers={"Accept": "application/json, text/html;q=0.5"}
    )
    assert json_r.json()["error"]["code"] == "not_found"


def test_an_app_can_draw_its_own_error_page(curated_kg: KnowledgeGraph) -> None:
    from fastapi.responses import HTMLResponse

    app = create_app(kg=curated_kg)
    set_error_page(
        app, lambda _req, status, e: HTMLResponse(f"<p>{status} {e.code} {e.request_id}</p>")
    )
    with TestClient(app) as c:
        r = c.get("/datasets/nothing", headers={"Accept": BROWSER, "X-Request-ID": "own-page"})
    assert r.status_code == 404 and r.text == "<p>404 not_found own-page</p>"
    assert r.headers["x-request-id"] == "own-page"


def test_store_unavailable_is_a_503_envelope_and_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(kg=KnowledgeGraph(make_settings(tmp_path / "none")))
    with TestClient(app) as c, caplog.at_level(logging.INFO, logger="battkg"):
        r = c.get("/health", headers={"X-Request-ID": "down-1"})
    assert r.status_code == 503
    error = check_envelope(r, "/health", "GET")
    assert error["code"] == "store_error" and error["details"]["store"] == "down"
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "battkg.web"]
    assert any("status=503" in line and "request_id=down-1" in line for line in lines), lines


def test_an_unexpected_error_is_a_500_envelope_and_logged(
    curated_kg: KnowledgeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(kg=curated_kg)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("kaput")

    with (
        TestClient(app, raise_server_exceptions=False) as c,
        caplog.at_level(logging.INFO, logger="battkg"),
    ):
        r = c.get("/boom", headers={"X-Request-ID": "boom-1"})
    assert r.status_code == 500
    body = r.json()["error"]
    assert body["code"] == "internal_error" and body["request_id"] == "boom-1"
    assert r.headers["x-request-id"] == "boom-1"
    assert any("status=500" in rec.getMessage() and "request_id=boom-1" in rec.getMessage()
               for rec in caplog.records)  # fmt: skip
