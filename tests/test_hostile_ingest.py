"""Issue 14, ingest side: hostile uploads sent to a real `battkg serve` under a memory and CPU cap.

The server (tests/live_server.py) runs on a private copy of the curated store,
with small upload limits so that each bound is reached with a small body:
3 MiB per request, 20 files, 2,000 CSV rows, 300 MiB of memory per validation.
/health is watched during every attack (items 1, 2, 4, 8, 9).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from battkg.kg import KnowledgeGraph
from tests import attacks
from tests.live_server import LiveServer
from tests.test_hostile_http import HealthWatch

pytestmark = pytest.mark.timeout(300)
MiB = 1024 * 1024
TOKEN = {"Authorization": "Bearer test-token"}
LIMITS = {
    "BATTKG_TOKEN": "test-token",
    "BATTKG_MAX_UPLOAD_BYTES": str(3 * MiB),
    "BATTKG_MAX_UPLOAD_FILES": "20",
    "BATTKG_MAX_UPLOAD_ROWS": "2000",
    "BATTKG_UPLOAD_MEMORY": str(300 * MiB),
    "BATTKG_UPLOAD_TIMEOUT": "60",
}
ROLE = "https://w3id.org/battkg/id/role/automation-technician"
PROVIDERS = "id,name_en,type,region\nhostile-academy,Hostile Academy,komvux,SE331\n"
COURSES = (
    "id,name_en,provider,region,languages,mode,duration_weeks,credit_system,skills_taught,"
    "entry_open\nhostile-course,Hostile course,hostile-academy,SE331,sv,on-site,10,none,"
    "electrode-slurry-mixing,true\n"
)


@pytest.fixture(scope="module")
def store(curated_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("hostile-ingest") / "store"
    shutil.copytree(curated_kg.settings.store, copy)
    return copy


@pytest.fixture(scope="module")
def spool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tmpdir")


@pytest.fixture(scope="module")
def server(store: Path, spool: Path) -> Iterator[LiveServer]:
    with LiveServer(
        store, {**LIMITS, "TMPDIR": str(spool)}, log=spool.parent / "server.log"
    ) as live:
        yield live


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def _error(response: httpx.Response) -> dict[str, object]:
    body: dict[str, object] = response.json()["error"]
    return body


# -- items 1 and 2: entities and depth, refused before parsing -----------------------------

REFUSED = {
    "billion-laughs.rdf": (attacks.billion_laughs(9), "application/rdf+xml", "billion laughs"),
    "blow-up.rdf": (attacks.quadratic_blowup(), "application/rdf+xml", "4,096"),
    "xxe.rdf": (attacks.external_entity(), "application/rdf+xml", "external entit"),
    "deep.rdf": (attacks.deep_rdfxml(40_000), "application/rdf+xml", "100 levels"),
    "arrays.jsonld": (attacks.deep_jsonld_arrays(20_000), "application/ld+json", "100 levels"),
    "objects.jsonld": (attacks.deep_jsonld_objects(50_000), "application/ld+json", "100 levels"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_files_are_refused_by_validate_and_load_without_freezing(
    server: LiveServer, http: httpx.Client, name: str
) -> None:
    body, media, words = REFUSED[name]
    before = server.rss_bytes()
    with HealthWatch(server.url) as watch:
        checked = http.post(
            f"/validate?filename={name}", content=body, headers={"content-type": media}
        )
        loaded = http.put(
            f"/datasets/hostile?filename={name}",
            content=body,
            headers={**TOKEN, "content-type": media},
        )
    for response in (checked, loaded):
        assert response.status_code == 422, response.text
        error = _error(response)
        assert error["code"] == "unsafe_input" and words in str(error["message"]), error
        assert error["fix"]
    assert watch.gap < 2 and watch.failures == 0
    assert server.rss_bytes() - before < 100 * MiB
    assert http.get("/datasets/hostile").status_code == 404


# -- item 4: the request is bounded as a whole ------------------------------------------


def test_the_413_names_the_limit_in_readable_units(http: httpx.Client) -> None:
    r = http.post("/validate?filename=big.ttl", content=b"#" * (3 * MiB + 1))
    assert r.status_code == 413
    assert "3 MiB" in str(_error(r)["message"]) and "0 MB" not in r.text


def test_the_limit_is_for_all_files_of_a_request_together(http: httpx.Client) -> None:
    part = b"# padding\n" * (100 * 1024)  # 1 MB each, under the limit one by one
    body, content_type = attacks.multipart([(f"f{i}.ttl", part, "text/turtle") for i in range(4)])
    r = http.post("/validate", content=body, headers={"content-type": content_type})
    assert r.status_code == 413 and _error(r)["code"] == "too_large"


def test_a_thousand_small_files_are_refused(http: httpx.Client) -> None:
    body, content_type = attacks.many_files(1_000, 100)
    r = http.post("/validate", content=body, headers={"content-type": content_type})
    assert r.status_code == 413 and "20 files" in str(_error(r)["message"])


def test_too_many_csv_rows_are_refused_before_parsing(http: httpx.Client) -> None:
    rows = "id,name_en,type,region\n" + "".join(f"p{i},P,komvux,SE331\n" for i in range(2_500))
    r = http.post("/validate?filename=providers.csv", content=rows.encode())
    assert r.status_code == 413 and "2,000" in str(_error(r)["message"])


def test_reading_stops_at_the_limit_and_nothing_is_spooled_to_disk(
    server: LiveServer, spool: Path
) -> None:
    def endless() -> Iterator[bytes]:  # 64 MiB without Content-Length: the server must count
        head, _ = attacks.multipart([("x.ttl", b"", "text/turtle")], boundary="b")
        yield head[: head.index(b"\r\n\r\n") + 4]
        for _ in range(64):
            yield b"#" * MiB

    before = server.rss_bytes()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        try:
            r = client.post(
                "/validate",
                content=endless(),
                headers={"content-type": "multipart/form-data; boundary=b"},
            )
            assert r.status_code == 413 and "3 MiB" in str(_error(r)["message"])
        except httpx.HTTPError:
            pass  # the server may close the connection after its 413
    assert server.rss_bytes() - before < 20 * MiB  # at most the limit was held
    assert sum(p.stat().st_size for p in spool.rglob("*") if p.is_file()) < MiB
    assert httpx.get(server.url + "/health").status_code == 200


def test_a_validation_over_its_memory_cap_is_refused_and_nothing_is_kept(
    server: LiveServer, http: httpx.Client
) -> None:
    rows = "".join(
        f"h{i},Course {i} with a long name to make the rows wider,hostile-academy,SE331,sv|en|fi,"
        f"on-site,10,none,electrode-slurry-mixing|electrode-coating-and-drying,true\n"
        for i in range(1_900)
    )
    small = COURSES.split("\n", 1)[0] + "\n" + rows
    http.post("/validate?filename=providers.csv", content=PROVIDERS.encode())  # forkserver up
    before = server.rss_bytes()
    with HealthWatch(server.url) as watch:
        r = http.post("/validate?filename=courses.csv", content=small.encode())
    assert r.status_code == 200, r.text  # well under the cap
    assert watch.gap < 2
    assert server.rss_bytes() - before < 50 * MiB  # the child's memory went with it
    tight = {**LIMITS, "BATTKG_UPLOAD_MEMORY": str(60 * MiB)}
    with LiveServer(server.store, tight) as capped:
        r = httpx.post(
            capped.url + "/validate?filename=courses.csv", content=small.encode(), timeout=120
        )
        assert r.status_code == 413, r.text
        assert "more memory than the limit of 60 MiB" in str(_error(r)["message"])
        assert httpx.get(capped.url + "/health").status_code == 200


# -- item 8: partners describe only their own things -----------------------------------


@pytest.mark.parametrize(
    ("name", "media"),
    [("rewrite.ttl", "text/turtle"), ("rewrite.nt", "application/n-triples")],
)
def test_a_partner_cannot_rewrite_a_curated_role(http: httpx.Client, name: str, media: str) -> None:
    import pyoxigraph as ox

    triples = list(ox.parse(attacks.curated_rewrite_turtle(), format=ox.RdfFormat.TURTLE))
    fmt = ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.N_TRIPLES
    body = ox.serialize(triples, format=fmt) or b""
    report = http.post(f"/validate?filename={name}", content=body, headers={"content-type": media})
    assert report.status_code == 200 and not report.json()["conforms"]
    faults = [f for f in report.json()["faults"] if f["rule"] == "partner isolation"]
    assert len(faults) == 2 and any("pwned role" in f["message"] for f in faults)
    r = http.put(
        f"/datasets/pwned?filename={name}", content=body, headers={**TOKEN, "content-type": media}
    )
    assert r.status_code == 422
    ask = f"ASK {{ <{ROLE}> ?p ?l FILTER(STR(?l) = 'pwned role') }}"
    answer = http.post(
        "/sparql",
        content=ask,
        headers={
            "content-type": "application/sparql-query",
            "accept": "application/sparql-results+json",
        },
    )
    assert answer.status_code == 200 and answer.json()["boolean"] is False


# -- item 9: a new version is checked without the one it replaces ------------------------


def test_a_replacement_cannot_leave_its_courses_pointing_at_nothing(http: httpx.Client) -> None:
    both, content_type = attacks.multipart(
        [
            ("providers.csv", PROVIDERS.encode(), "text/csv"),
            ("courses.csv", COURSES.encode(), "text/csv"),
        ]
    )
    form = {"content-type": content_type}
    r = http.put("/datasets/academy?publisher=test", content=both, headers={**TOKEN, **form})
    assert r.status_code == 200, r.text
    r = http.put(
        "/datasets/academy?filename=courses.csv",
        content=COURSES.encode(),
        headers={**TOKEN, "content-type": "text/csv"},
    )
    assert r.status_code == 422
    faults = _error(r)["details"]["report"]["faults"]  # type: ignore[index]
    assert [f["value"] for f in faults] == ["hostile-academy"]
    again = http.post("/validate?dataset=academy", content=both, headers=form)
    assert again.status_code == 200 and again.json()["conforms"], again.text
    as_new = http.post("/validate", content=both, headers=form).json()
    assert not as_new["conforms"]
    assert any("already used in battkg" in f["message"] for f in as_new["faults"])
