"""How one CSV cell becomes RDF terms.

Conversion is lenient on purpose: a cell is turned into the term it asks for
with its lexical form kept (a wrong date stays a wrong xsd:date literal), so
that the SHACL shapes judge every value and explain the fault in one way. Only
what cannot be an RDF term at all (an id with spaces) is a fault here.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from battkg.namespaces import EQF, XSD, Iris

ESCO_ID = "http://data.europa.eu/esco/"
ESCO_KINDS = {"skill": "skill", "occupation": "occupation"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
TRUE = {"true", "yes", "1", "ja", "kyllä", "kylla", "sant"}
FALSE = {"false", "no", "0", "nej", "nei", "ei", "usant"}


class CellError(ValueError):
    """A cell that cannot become an RDF term; the message says what form it must take."""


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def _number(value: str) -> str:
    # Nordic spreadsheets write decimal commas: 12,5 means 12.5.
    return value.replace(" ", "").replace("\u00a0", "").replace(",", ".")


def _iri(value: str) -> ox.NamedNode:
    if not IRI.match(value):
        raise CellError("not a valid IRI: give an http(s) address without spaces")
    return ox.NamedNode(value)


def reference(kind: str, value: str, iris: Iris) -> ox.NamedNode:
    """The IRI a cell refers to: a full IRI, an ESCO UUID, or a battkg id of `kind`."""
    if value.startswith(("http://", "https://")):
        return _iri(value)
    if kind in ESCO_KINDS and UUID.match(value.lower()):
        return ox.NamedNode(f"{ESCO_ID}{ESCO_KINDS[kind]}/{value.lower()}")
    if kind == "region":
        value = value.upper()
    if not SLUG.match(value):
        raise CellError(f"not a valid {kind} id: use letters, digits and hyphens, or a full IRI")
    return ox.NamedNode(iris.thing(kind, value))


def convert_cell(convert: str, value: str, iris: Iris) -> ox.NamedNode | ox.Literal:
    """The RDF term for one value of a cell (the cell already split on `|` and stripped)."""
    kind, _, arg = convert.partition(":")
    if convert.startswith("text@"):
        return ox.Literal(value, language=convert[5:])
    if kind == "text":
        return ox.Literal(value)
    if kind == "ref":
        return reference(arg, value, iris)
    if kind == "vocab":
        if not SLUG.match(value):
            raise CellError("not one of the listed codes")
        return ox.NamedNode(f"{iris.base}/id/vocab/{arg}-{value.lower()}")
    if kind == "decimal":
        return _typed(_number(value), "decimal")
    if kind == "integer":
        return _typed(_number(value), "nonNegativeInteger")
    if kind == "boolean":
        low = value.lower()
        return _typed("true" if low in TRUE else "false" if low in FALSE else value, "boolean")
    if kind == "date":
        return _typed(value, "date")
    if kind == "year":
        return _typed(value, "gYear")
    if kind == "language":
        return _typed(value.lower(), "language")
    if kind == "country":
        return ox.Literal(value.upper())
    if kind == "eqf":
        number = value.upper().removeprefix("EQF").strip()
        if not number.isdigit():
            raise CellError("not an EQF level: give a whole number from 1 to 8")
        return ox.NamedNode(f"{EQF}{int(number)}")
    if kind == "isco":
        code = value.upper().removeprefix("C")
        if value.startswith("http"):
            return _iri(value)
        if not code.isdigit():
            raise CellError("not an ISCO-08 code: give four digits, e.g. 8131")
        return ox.NamedNode(f"{ESCO_ID}isco/C{code}")
    if kind == "url":
        return _typed(value, "anyURI")
    if kind == "iri":
        return _iri(value)
    raise ValueError(f"unknown conversion {convert!r}")
