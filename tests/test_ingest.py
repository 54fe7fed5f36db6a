"""Partner files into RDF: encodings, separators, headers, cells, RDF formats and their safety."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.ingest import (
    InputTooLargeError,
    PartnerFile,
    UnsafeInputError,
    read_partner_file,
    read_path,
)
from battkg.namespaces import BKG, XSD, Iris

IRIS = Iris()
HEADER = "id;name_en;provider;region;languages;mode;duration_weeks;credit_system;skills_taught"
ROW = "c1;Course one;centria;FI1D5;fi|sv;online;12,5;ects;electrode-slurry-mixing|f83e61e0-cb73-4a6a-b266-c4be03fb30eb"


def read(text: str | bytes, name: str = "courses.csv") -> PartnerFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_partner_file(data, name, IRIS)


def values(pf: PartnerFile, prop: str) -> list[ox.NamedNode | ox.Literal]:
    return [q.object for q in pf.quads if q.predicate.value == prop]  # type: ignore[misc]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_csv_encodings_and_separators(bom: bytes, sep: str) -> None:
    text = f"{HEADER}\n{ROW}\n".replace(";", sep)
    if sep == ",":
        text = text.replace("12,5", '"12,5"')
    pf = read(bom + text.encode())
    assert pf.readable and pf.faults == [], pf.faults
    assert pf.format == "csv:courses"
    course = ox.NamedNode(IRIS.thing("course", "c1"))
    assert ox.Quad(course, ox.NamedNode(BKG + "durationWeeks"), ox.Literal("12.5", datatype=ox.NamedNode(XSD + "decimal"))) in pf.quads  # fmt: skip
    assert {v.value for v in values(pf, BKG + "teachingLanguage")} == {"fi", "sv"}
    assert {v.value for v in values(pf, BKG + "teachesSkill")} == {
        IRIS.thing("skill", "electrode-slurry-mixing"),
        "http://data.europa.eu/esco/skill/f83e61e0-cb73-4a6a-b266-c4be03fb30eb",
    }
    assert pf.locate(course.value, BKG + "mode").column == "mode"
    assert pf.locate(course.value, BKG + "mode").row == 2


def test_wrong_encoding_names_the_line_and_how_to_fix() -> None:
    pf = read(f"{HEADER}\n{ROW}\nc2;Kurs två;centria\n".encode("cp1252"))
    assert not pf.readable and pf.quads == []
    (fault,) = pf.faults
    assert "not UTF-8" in fault.message and fault.location.line == 3
    assert "CSV UTF-8" in fault.fix


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        (f"{ROW}\n{ROW}\n", "no id column"),
        ("foo;bar\n1;2\n", "which template"),
    ],
    ids=["empty", "blank", "no-header", "unknown-template"],
)
def test_unreadable_csv(text: str, words: str) -> None:
    pf = read(text, "courses.csv" if words != "which template" else "upload.csv")
    assert not pf.readable
    assert words in pf.faults[0].message and pf.faults[0].fix


def test_extra_missing_and_duplicate_columns_and_rows() -> None:
    header = "id;name_en;provider;region;languages;mode;colour;credit_system;skills_taught;id"
    pf = read(f"{header}\nc1;A;centria;FI1D5;fi;online;red;ects;x;c1\nc1;B\n")
    messages = [f.message for f in pf.faults]
    assert any("'colour' is not part of the courses template" in m for m in messages)
    assert any("required column 'duration_weeks' is missing" in m for m in messages)
    assert any("'id' appears more than once" in m for m in messages)
    assert any("2 cells but the header has 10" in m for m in messages)
    assert any("already used on row 2" in m for m in messages)
    assert BKG + "durationWeeks" in pf.skipped_paths


def test_header_only_is_a_fault() -> None:
    pf = read(HEADER + "\n")
    assert pf.readable and "no data rows" in pf.faults[0].message


def test_bad_ids_and_references_are_faults_not_crashes() -> None:
    pf = read(
        f"{HEADER}\nbad id;A;centria;FI1D5;fi;online;4;ects;x\nc2;B;not a provider;FI1D5;fi;online;4;ects;x\n"
    )
    messages = " ".join(f.message for f in pf.faults)
    assert (
        "the id 'bad id'" in messages and "'not a provider' is not a valid provider id" in messages
    )


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "courses.csv"
    with big.open("wb") as fh:  # sparse: 100 MB on paper, nothing to read
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(InputTooLargeError) as info:
        read_path(big, IRIS)
    assert info.value.status == 413 and "limit" in info.value.message
    with pytest.raises(InputTooLargeError):
        read_partner_file(b"x" * 2000, "courses.csv", IRIS, max_bytes=1000)


def test_turtle_syntax_error_has_its_line() -> None:
    pf = read(
        '@prefix ex: <http://example.org/> .\nex:a ex:p "ok" .\nex:b ex:p "broken .\n', "x.ttl"
    )
    assert not pf.readable
    assert pf.faults[0].location.line == 3 and "syntax error" in pf.faults[0].message


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/context.jsonld", hits
    server.shutdown()


def test_jsonld_remote_context_is_refused_and_never_fetched(
    recorder: tuple[str, list[str]],
) -> None:
    url, hits = recorder
    doc = f'{{\n  "@context": "{url}",\n  "@id": "http://example.org/a",\n  "name": "A"\n}}'
    pf = read(doc, "x.jsonld")
    assert not pf.readable and hits == []
    (fault,) = pf.faults
    assert url in fault.message and fault.location.line == 2 and "inline" in fault.fix
    nested = f'{{"@context": [{{"@import": "{url}"}}], "@id": "http://example.org/a"}}'
    assert not read(nested, "x.jsonld").readable and hits == []


def test_jsonld_with_inline_context_is_read() -> None:
    doc = '{"@context": {"name": "http://schema.org/name"}, "@id": "http://example.org/a", "name": "A"}'
    pf = read(doc, "x.jsonld")
    assert pf.readable and len(pf.quads) == 1


def test_rdfxml_external_entity_is_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{secret.as_uri()}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&xxe;</ex:p></rdf:Description>
</rdf:RDF>"""
    with pytest.raises(UnsafeInputError) as refused:
        read(doc, "x.rdf")
    assert "external entity" in refused.value.message and refused.value.details["line"] == 2
    assert "TOP-SECRET" not in str(refused.value)


def test_nquads_keep_their_graphs_and_exact_lines() -> None:
    doc = (
        '<http://example.org/a> <http://example.org/p> "1" <http://example.org/g1> .\n'
        '<http://example.org/b> <http://example.org/q> "2" .\n'
    )
    pf = read(doc, "x.nq")
    graphs = {q.graph_name for q in pf.quads}
    assert ox.NamedNode("http://example.org/g1") in graphs and ox.DefaultGraph() in graphs
    assert pf.locate("http://example.org/b", "http://example.org/q").line == 2


def test_turtle_lines_point_at_the_property() -> None:
    doc = '@prefix ex: <http://example.org/> .\n\nex:a a ex:C ;\n    ex:p 1.5 ;\n    ex:q "x" .\nex:b ex:q 2 .\n'
    pf = read(doc, "x.ttl")
    assert pf.locate("http://example.org/a", "http://example.org/q").line == 5
    assert pf.locate("http://example.org/b", "http://example.org/q").line == 6
    assert pf.locate("http://example.org/a", None).line == 3


def test_unknown_format() -> None:
    pf = read(b"whatever", "data.xlsx")
    assert not pf.readable and ".csv" in pf.faults[0].fix


def test_every_template_column_is_documented() -> None:
    from battkg.ingest import TEMPLATES
    from battkg.settings import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "partner-data.md").read_text(encoding="utf-8")
    for kind, template in TEMPLATES.items():
        section = doc.split(f"### {kind}.csv", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
        missing = [c.name for c in template.columns if f"`{c.name}`" not in section]
        assert not missing, f"docs/partner-data.md does not document {kind}.csv columns {missing}"
        assert (PROJECT_ROOT / "docs" / "samples" / f"{kind}.csv").is_file()
