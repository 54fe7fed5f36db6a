"""Unit tests of the SPARQL core: content negotiation, protocol parsing, results writers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from battkg.errors import QueryError
from battkg.sparql import negotiation as neg
from battkg.sparql import protocol, results


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        (None, ["a/b", "c/d"], "a/b"),
        ("*/*", ["a/b", "c/d"], "a/b"),
        ("c/d", ["a/b", "c/d"], "c/d"),
        ("a/b;q=0.5, c/d", ["a/b", "c/d"], "c/d"),
        ("text/*;q=0.9, */*;q=0.1", ["a/b", "text/csv"], "text/csv"),
        ("text/csv;q=0, */*", ["text/csv", "a/b"], "a/b"),
        ("image/png", ["a/b"], None),
        ("a/b;q=0", ["a/b"], None),
        ("TEXT/CSV", ["text/csv"], "text/csv"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ["text/turtle", "text/html"],
            "text/html",
        ),
    ],
)
def test_choose_honours_q_values_and_wildcards(
    accept: str | None, offers: list[str], expected: str | None
) -> None:
    assert neg.choose(accept, offers) == expected


def test_require_names_what_can_be_given() -> None:
    with pytest.raises(neg.NotAcceptableError) as err:
        neg.require("image/png", ["text/turtle"], "a graph")
    assert err.value.status == 406 and "text/turtle" in (err.value.fix or "")


def test_protocol_get_post_form_and_direct() -> None:
    q = "ASK {}"
    assert protocol.parse_request("GET", None, [("query", q)]) == protocol.SparqlRequest(q)
    form = protocol.parse_request(
        "POST",
        "application/x-www-form-urlencoded",
        [("named-graph-uri", "http://g")],
        b"query=ASK%20%7B%7D",
    )
    assert form == protocol.SparqlRequest(q, (), ("http://g",))
    direct = protocol.parse_request(
        "POST",
        "application/sparql-query; charset=utf-8",
        [("default-graph-uri", "http://a")],
        q.encode(),
    )
    assert direct == protocol.SparqlRequest(q, ("http://a",), ())
    assert protocol.parse_request("GET", None, []) is None


@pytest.mark.parametrize(
    ("method", "ctype", "params", "body", "error"),
    [
        ("GET", None, [("query", "ASK {}"), ("query", "ASK {}")], b"", QueryError),
        ("POST", "text/plain", [], b"ASK {}", protocol.UnsupportedMediaTypeError),
        ("POST", None, [], b"query=ASK", protocol.UnsupportedMediaTypeError),
        (
            "POST",
            "application/sparql-query; charset=UTF-16",
            [],
            b"ASK {}",
            protocol.UnsupportedMediaTypeError,
        ),
        ("POST", "application/sparql-update", [], b"CLEAR ALL", protocol.ReadOnlyError),
        ("GET", None, [("update", "CLEAR ALL")], b"", protocol.ReadOnlyError),
        ("GET", None, [("query", "INSERT DATA { <a> <b> <c> }")], b"", protocol.ReadOnlyError),
        ("GET", None, [("query", "ASK {}"), ("default-graph-uri", "not an iri")], b"", QueryError),
        ("POST", "application/sparql-query", [], b"\xff\xfe", QueryError),
        (
            "GET",
            None,
            [("query", "#" * (protocol.MAX_QUERY_BYTES + 1))],
            b"",
            protocol.QueryTooLargeError,
        ),
    ],
)
def test_protocol_refusals(
    method: str, ctype: str | None, params: list[tuple[str, str]], body: bytes, error: type
) -> None:
    with pytest.raises(error):
        protocol.parse_request(method, ctype, params, body)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * { ?s ?p ?o . service silent ?endpoint { ?a ?b ?c } }",
        "ASK { FILTER EXISTS { SERVICE <http://x/> {} } }",
        "SELECT * { { SELECT * { SERVICE <http://x/> { ?s ?p ?o } } } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    with pytest.raises(protocol.ServiceRefusedError):
        protocol.check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "customer service" }',
        "SELECT * { ?s <http://example.org/service> ?o } # a service",
        "PREFIX service: <http://x/> SELECT ?service { ?service a service:Thing }",
    ],
)
def test_the_word_service_elsewhere_is_fine(query: str) -> None:
    protocol.check_query(query)


def test_query_form() -> None:
    assert (
        protocol.query_form("PREFIX a: <x:> # c\nBASE <x:>\n construct {} where {}") == "CONSTRUCT"
    )
    assert protocol.query_form("DESCRIBE <x:>") == "DESCRIBE"
    assert protocol.query_form("nonsense") is None


def _terms() -> tuple[list[str], list[tuple[object, ...]]]:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    rows = [
        (ox.NamedNode("http://a/1"), ox.Literal('tab\there "quoted",\nnew', language="sv")),
        (ox.BlankNode("b1"), ox.Literal("3", datatype=ox.NamedNode(xsd + "integer"))),
        (None, ox.Literal("plain <&>")),
    ]
    return ["x", "y"], rows


@pytest.mark.parametrize(
    ("fmt", "ox_fmt"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_results_round_trip_through_pyoxigraph_parsers(
    fmt: str, ox_fmt: ox.QueryResultsFormat
) -> None:
    variables, rows = _terms()
    parsed = ox.parse_query_results(results.write_solutions(fmt, variables, rows), ox_fmt)
    assert [v.value for v in parsed.variables] == variables
    back = [tuple(s) for s in parsed]
    assert back[0] == rows[0] and back[2] == rows[2]
    assert isinstance(back[1][0], ox.BlankNode) and back[1][1] == rows[1][1]


def test_csv_quotes_and_uses_crlf() -> None:
    variables, rows = _terms()
    text = results.write_solutions("csv", variables, rows).decode()
    assert text.startswith('x,y\r\nhttp://a/1,"tab\there ""quoted"",\nnew"\r\n')
    assert "_:b1,3\r\n" in text and text.endswith(",plain <&>\r\n")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_boolean_round_trip(fmt: str) -> None:
    ox_fmt = ox.QueryResultsFormat.JSON if fmt == "json" else ox.QueryResultsFormat.XML
    assert bool(ox.parse_query_results(results.write_boolean(fmt, True), ox_fmt)) is True
    assert bool(ox.parse_query_results(results.write_boolean(fmt, False), ox_fmt)) is False
