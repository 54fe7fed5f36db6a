"""Run the W3C SPARQL 1.1 tests (query evaluation, syntax, protocol, service description) over HTTP.

Each test's data is loaded into a fresh store generation, the query is sent to
/sparql as the SPARQL 1.1 Protocol says, and the answer is compared as the W3C
rules say: solutions as multisets (in order for ORDER BY keys), blank nodes up to
renaming, graphs by isomorphism, CSV by its text. Used by tests/test_w3c.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
W3C = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
QUERY_FOLDERS = (
    "aggregates",
    "bind",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
)
RESULTS = {
    "srx": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "srj": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
RDF_FILES = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}


@dataclass
class Case:
    id: str
    kind: str
    folder: Path
    query: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[Path, str]] = field(default_factory=list)
    result: Path | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)


def iri_of(path: Path) -> str:
    return f"{W3C}{path.parent.name}/{path.name}"


def _local(graph: rdflib.Graph, node: Any, folder: Path) -> Path:
    return folder / unquote(str(node).rsplit("/", 1)[-1])


def _list(graph: rdflib.Graph, head: Any) -> Iterator[Any]:
    while head and head != rdflib.RDF.nil:
        yield graph.value(head, rdflib.RDF.first)
        head = graph.value(head, rdflib.RDF.rest)


def cases(root: Path) -> list[Case]:
    out: list[Case] = []
    for name in (*QUERY_FOLDERS, "protocol"):
        folder = root / name
        g = rdflib.Graph().parse(folder / "manifest.ttl", publicID=f"{W3C}{name}/manifest.ttl")
        manifest = g.value(predicate=rdflib.RDF.type, object=rdflib.URIRef(MF + "Manifest"))
        entries = list(_list(g, g.value(manifest, rdflib.URIRef(MF + "entries"))))
        for entry in entries:
            kind = str(g.value(entry, rdflib.RDF.type)).removeprefix(MF)
            case = Case(f"{name}/{str(entry).rsplit('#', 1)[-1]}", kind, folder)
            action = g.value(entry, rdflib.URIRef(MF + "action"))
            if kind == "ProtocolTest":
                for gd in g.objects(entry, rdflib.URIRef(UT + "graphData")):
                    file = _local(g, g.value(gd, rdflib.URIRef(UT + "graph")), folder)
                    case.graph_data.append((file, str(g.value(gd, rdflib.RDFS.label))))
                conn = action
                for req in _list(g, g.value(conn, rdflib.URIRef(HT + "requests"))):
                    case.requests.append(_request(g, req))
            elif kind.startswith("NegativeSyntax"):
                case.query = _local(g, action, folder)
            else:
                case.query = _local(g, g.value(action, rdflib.URIRef(QT + "query")), folder)
                case.data = [
                    _local(g, d, folder) for d in g.objects(action, rdflib.URIRef(QT + "data"))
                ]
                case.graph_data = [
                    (_local(g, d, folder), iri_of(_local(g, d, folder)))
                    for d in g.objects(action, rdflib.URIRef(QT + "graphData"))
                ]
                case.result = _local(g, g.value(entry, rdflib.URIRef(MF + "result")), folder)
            out.append(case)
    return out


def _request(g: rdflib.Graph, req: Any) -> dict[str, Any]:
    body = g.value(req, rdflib.URIRef(HT + "body"))
    headers = {
        str(g.value(h, rdflib.URIRef(HT + "fieldName"))): str(
            g.value(h, rdflib.URIRef(HT + "fieldValue"))
        )
        for h in _list(g, g.value(req, rdflib.URIRef(HT + "headers")))
    }
    resp = g.value(req, rdflib.URIRef(HT + "resp"))
    statuses = {
        str(s).rsplit("#", 1)[-1] for s in g.objects(resp, rdflib.URIRef(MF + "expectedStatus"))
    }
    boolean = g.value(resp, rdflib.URIRef(MF + "expectedBoolean"))
    fmt = g.value(resp, rdflib.URIRef(MF + "expectedFormat"))
    return {
        "method": str(g.value(req, rdflib.URIRef(HT + "methodName"))),
        "path": str(g.value(req, rdflib.URIRef(HT + "absolutePath"))),
        "body": str(g.value(body, rdflib.URIRef(CNT + "chars"))) if body is not None else None,
        "encoding": str(g.value(body, rdflib.URIRef(CNT + "characterEncoding")) or "UTF-8")
        if body is not None
        else None,
        "headers": headers,
        "statuses": statuses,
        "boolean": None if boolean is None else boolean.toPython(),
        "format": None if fmt is None else str(fmt),
    }


# -- loading -----------------------------------------------------------------


def load(store: ox.Store, case: Case) -> None:
    store.update("DROP ALL")  # a plain store or a writer handle: every graph, the default one too
    for path in case.data:
        store.load(path=str(path), format=RDF_FILES[path.suffix[1:]], base_iri=iri_of(path),
                   to_graph=ox.NamedNode(iri_of(path)))  # fmt: skip
    for path, graph in case.graph_data:
        store.load(path=str(path), format=RDF_FILES[path.suffix[1:]], base_iri=iri_of(path),
                   to_graph=ox.NamedNode(graph))  # fmt: skip


# -- running and comparing ---------------------------------------------------


def run_query_case(client: Any, case: Case) -> tuple[bool, str]:
    assert case.query is not None
    text = f"BASE <{iri_of(case.query)}>\n" + case.query.read_text(encoding="utf-8")
    params: list[tuple[str, str]] = []
    if not re.search(r"\bFROM\b", text, re.IGNORECASE) and (case.data or case.graph_data):
        params += [("default-graph-uri", iri_of(p)) for p in case.data]
        params += [("named-graph-uri", g) for _, g in case.graph_data]
        if not case.data:
            params.append(("default-graph-uri", "urn:x-battkg:empty"))
    if case.kind.startswith("NegativeSyntax"):
        r = client.post(
            "/sparql",
            params=params,
            content=text.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        # a syntax error is a 400 query_error; any other refusal (403 read_only...) is no pass
        code = r.json().get("error", {}).get("code") if r.status_code != 200 else None
        return (r.status_code == 400 and code == "query_error"), f"status {r.status_code} {code}"
    assert case.result is not None
    ext = case.result.suffix[1:]
    if case.kind == "CSVResultFormatTest" or ext == "csv":
        accept = "text/csv"
    elif ext == "ttl":
        accept = "text/turtle, application/sparql-results+json;q=0.9"
    else:
        accept = RESULTS[ext][0]
    r = client.post("/sparql", params=params, content=text.encode(),
                    headers={"Content-Type": "application/sparql-query", "Accept": accept})  # fmt: skip
    if r.status_code != 200:
        return False, f"status {r.status_code}: {r.text[:300]}"
    if accept == "text/csv":
        return _same_csv(case.result.read_text(encoding="utf-8"), r.text)
    ctype = r.headers["content-type"].split(";")[0]
    if ext == "ttl" and ctype == "text/turtle":
        expected = rdflib.Graph().parse(case.result, publicID=iri_of(case.result))
        actual = rdflib.Graph().parse(data=r.text, format="turtle")
        return isomorphic(
            expected, actual
        ), f"graphs differ: {len(expected)} expected, {len(actual)} got"
    fmt = (
        ox.QueryResultsFormat.JSON
        if ctype == "application/sparql-results+json"
        else RESULTS[ext][1]
    )
    actual_result = ox.parse_query_results(r.content, fmt)
    expected_result = _expected(case.result)
    if isinstance(expected_result, bool) or isinstance(actual_result, ox.QueryBoolean):
        return bool(actual_result) == bool(expected_result), "boolean differs"
    got = [_row(s, actual_result.variables) for s in actual_result]
    return _same_rows(expected_result, got, _order_keys(text))


def _row(solution: Any, variables: list[ox.Variable]) -> dict[str, Any]:
    return {v.value: solution[v] for v in variables if solution[v] is not None}


def _expected(path: Path) -> bool | list[dict[str, Any]]:
    ext = path.suffix[1:]
    if ext == "ttl":
        g = rdflib.Graph().parse(path, publicID=iri_of(path))
        rs = g.value(predicate=rdflib.RDF.type, object=rdflib.URIRef(RS + "ResultSet"))
        boolean = g.value(rs, rdflib.URIRef(RS + "boolean"))
        if boolean is not None:
            return bool(boolean.toPython())
        rows = []
        for sol in g.objects(rs, rdflib.URIRef(RS + "solution")):
            row = {}
            for b in g.objects(sol, rdflib.URIRef(RS + "binding")):
                row[str(g.value(b, rdflib.URIRef(RS + "variable")))] = _ox(
                    g.value(b, rdflib.URIRef(RS + "value"))
                )
            rows.append(row)
        return rows
    result = ox.parse_query_results(path=str(path), format=RESULTS[ext][1])
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return [_row(s, result.variables) for s in result]


def _ox(node: Any) -> Any:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or rdflib.XSD.string)))


def _order_keys(query: str) -> list[str] | None:
    match = re.search(r"ORDER\s+BY\s+(.*?)(?:LIMIT|OFFSET|$)", query, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    keys = re.findall(r"\?(\w+)", match.group(1))
    return keys or None


def _same_rows(
    expected: list[dict[str, Any]], got: list[dict[str, Any]], keys: list[str] | None
) -> tuple[bool, str]:
    if len(expected) != len(got):
        return False, f"{len(expected)} rows expected, {len(got)} got: {got[:3]}"
    if not _match(expected, got, {}):
        return False, f"rows differ: expected {expected[:3]}, got {got[:3]}"
    if keys:

        def seq(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
            return [
                tuple(None if isinstance(r.get(k), ox.BlankNode) else r.get(k) for k in keys)
                for r in rows
            ]

        if not all(
            all(
                x == y or (x is not None and y is not None and same_term(x, y))
                for x, y in zip(e, g, strict=True)
            )
            for e, g in zip(seq(expected), seq(got), strict=True)
        ):
            return False, "order differs"
    return True, ""


NUMERIC = {
    f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float")
}


def same_term(a: Any, b: Any) -> bool:
    """RDF term equality, numbers of one datatype compared by value ("1.0" and "1" decimals agree)."""
    if a == b:
        return True
    numbers = isinstance(a, ox.Literal) and isinstance(b, ox.Literal) and a.datatype == b.datatype
    if numbers and a.datatype.value in NUMERIC:
        try:
            return Decimal(a.value.replace("INF", "Infinity")) == Decimal(
                b.value.replace("INF", "Infinity")
            )
        except ArithmeticError:
            return False
    return False
    return False


def _compatible(a: Any, b: Any, bnodes: dict[str, str]) -> dict[str, str] | None:
    if isinstance(a, ox.BlankNode) and isinstance(b, ox.BlankNode):
        if bnodes.get(a.value, b.value) != b.value or (
            b.value in bnodes.values() and bnodes.get(a.value) != b.value
        ):
            return None
        return {**bnodes, a.value: b.value}
    return bnodes if same_term(a, b) else None


def _match(
    expected: list[dict[str, Any]], got: list[dict[str, Any]], bnodes: dict[str, str]
) -> bool:
    """Is there a one-to-one pairing of rows under one consistent renaming of blank nodes?"""
    if not expected:
        return True
    first, rest = expected[0], expected[1:]
    for i, row in enumerate(got):
        if set(row) != set(first):
            continue
        mapping: dict[str, str] | None = bnodes
        for var, term in first.items():
            mapping = _compatible(term, row[var], mapping) if mapping is not None else None
        if mapping is not None and _match(rest, got[:i] + got[i + 1 :], mapping):
            return True
    return False


def _same_csv(expected: str, got: str) -> tuple[bool, str]:
    """CSV compared by its text, columns matched by name (SELECT * fixes no column order)."""
    e = list(csv.reader(io.StringIO(expected)))
    g = list(csv.reader(io.StringIO(got)))
    if not e or not g or sorted(e[0]) != sorted(g[0]):
        return False, f"headers differ: {e[:1]} {g[:1]}"
    order = [g[0].index(name) for name in e[0]]

    def rows(table: list[list[str]], cols: list[int]) -> list[tuple[str, ...]]:
        return sorted(
            tuple("_:" if r[c].startswith("_:") else r[c] for c in cols) for r in table[1:]
        )

    same = rows(e, list(range(len(e[0])))) == rows(g, order)
    return same, f"rows differ: expected {e[1:4]}, got {g[1:4]}"


def run_protocol_case(client: Any, case: Case) -> tuple[bool, str]:
    for req in case.requests:
        path = req["path"].replace("/sparql/", "/sparql", 1)
        body = (
            req["body"].encode(req["encoding"].lower().replace("utf-16", "utf-16"))
            if req["body"] is not None
            else None
        )
        r = client.request(req["method"], path, content=body, headers=req["headers"])
        klass = f"StatusCode{r.status_code // 100}xx"
        if klass not in req["statuses"]:
            return (
                False,
                f"{req['method']} {path[:60]}: status {r.status_code}, expected {sorted(req['statuses'])}: {r.text[:200]}",
            )
        ctype = r.headers.get("content-type", "").split(";")[0]
        if req["format"] in ("boolean", "tabular") and not ctype.startswith(
            ("application/sparql-results", "text/csv", "text/tab-separated")
        ):
            return False, f"content type {ctype} is not a results format"
        if req["format"] == "RDF" and ctype not in (
            "text/turtle",
            "application/rdf+xml",
            "application/n-triples",
        ):
            return False, f"content type {ctype} is not RDF"
        if req["boolean"] is not None:
            fmt = ox.QueryResultsFormat.JSON if "json" in ctype else ox.QueryResultsFormat.XML
            if bool(ox.parse_query_results(r.content, fmt)) != req["boolean"]:
                return False, "boolean differs"
    return True, ""
