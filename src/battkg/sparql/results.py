"""SPARQL 1.1 query results written from rows of pyoxigraph terms: JSON, XML, CSV and TSV.

Rows are materialised (and counted against the result limit) before they are
written, so the serialisers work on plain lists. Formats follow the W3C specs:
SPARQL 1.1 Query Results JSON, XML and CSV/TSV. CSV cells that a spreadsheet would
run as formulas are neutralised (`spreadsheet_safe`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from battkg.formulas import spreadsheet_safe
from battkg.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Row = Sequence[Any]
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def write_graph(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples as Turtle, N-Triples, RDF/XML or JSON-LD (with battkg's prefixes where they help)."""
    out = io.BytesIO()
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    ox.serialize(triples, out, RDF_FORMATS[fmt], prefixes=prefixes)
    return out.getvalue()


def write_solutions(fmt: str, variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    if fmt == "json":
        return _json(variables, rows)
    if fmt == "xml":
        return _xml(variables, rows)
    if fmt == "csv":
        return _csv(variables, rows)
    if fmt == "tsv":
        return _tsv(variables, rows)
    raise ValueError(f"unknown results format {fmt!r}")


def write_boolean(fmt: str, value: bool) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"{word}\n".encode()


# -- JSON --------------------------------------------------------------------


def json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    raise TypeError(f"cannot write {term!r} as a SPARQL JSON term")


def _json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    bindings = [
        {v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


# -- XML ---------------------------------------------------------------------


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = (
            f"<subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object>"
        )
        return f"<triple>{parts}</triple>"
    raise TypeError(f"cannot write {term!r} as a SPARQL XML term")


def _xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


# -- CSV and TSV -------------------------------------------------------------


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.Triple):
        text = str(term)
    else:
        text = spreadsheet_safe(term.value, term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return str(text)


def _csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_value(t) for t in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        parts = (_tsv_value(term.subject), _tsv_value(term.predicate), _tsv_value(term.object))
        return "<< " + " ".join(parts) + " >>"
    return str(term)  # N-Triples syntax, which TSV uses (newlines and tabs escaped)


def _tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_value(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()
