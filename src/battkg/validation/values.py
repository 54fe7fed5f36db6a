"""Checks of one value node against one constraint parameter: datatypes, ranges, lengths, patterns."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..namespaces import RDF, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal
NUMERIC = {
    XSD + t
    for t in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
              "negativeInteger", "double", "float", "int", "long", "short", "byte",
              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")
}  # fmt: skip
#: Literals of these types compare by their lexical form (same type on both sides).
ORDERED = {XSD + t for t in ("date", "time", "string", "gYear")}
LEXICAL = {
    XSD + "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    XSD + "integer": re.compile(r"^[+-]?\d+$"),
    XSD + "int": re.compile(r"^[+-]?\d+$"),
    XSD + "long": re.compile(r"^[+-]?\d+$"),
    XSD + "nonNegativeInteger": re.compile(r"^(\+?\d+|-0+)$"),
    XSD + "positiveInteger": re.compile(r"^\+?0*[1-9]\d*$"),
    XSD + "boolean": re.compile(r"^(true|false|1|0)$"),
    XSD + "gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d\d:\d\d)?$"),
    XSD + "language": re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$"),
    XSD + "date": re.compile(r"^(\d{4})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?$"),
}
NODE_KINDS = {ox.NamedNode: "IRI", ox.BlankNode: "BlankNode", ox.Literal: "Literal"}
#: The value ranges of XSD's bounded integer types.
INTEGER_RANGES = {
    XSD + "byte": (-(2**7), 2**7 - 1), XSD + "short": (-(2**15), 2**15 - 1),
    XSD + "int": (-(2**31), 2**31 - 1), XSD + "long": (-(2**63), 2**63 - 1),
    XSD + "unsignedByte": (0, 2**8 - 1), XSD + "unsignedShort": (0, 2**16 - 1),
    XSD + "unsignedInt": (0, 2**32 - 1), XSD + "unsignedLong": (0, 2**64 - 1),
    XSD + "nonNegativeInteger": (0, None), XSD + "positiveInteger": (1, None),
    XSD + "nonPositiveInteger": (None, 0), XSD + "negativeInteger": (None, -1),
}  # fmt: skip
OPS: dict[str, Callable[[int], bool]] = {
    "minInclusive": lambda c: c >= 0,
    "minExclusive": lambda c: c > 0,
    "maxInclusive": lambda c: c <= 0,
    "maxExclusive": lambda c: c < 0,
}


def well_typed(literal: ox.Literal, datatype: str) -> bool:
    """Is `literal` of `datatype`, with a valid lexical form (no 30 February, no "abc" integer)?"""
    if datatype == RDF + "langString":
        return bool(literal.language)
    if literal.datatype.value != datatype:
        return False
    if datatype in INTEGER_RANGES:
        if not re.fullmatch(r"[+-]?\d+", literal.value):
            return False
        low, high = INTEGER_RANGES[datatype]
        number = int(literal.value)
        return (low is None or number >= low) and (high is None or number <= high)
    if datatype == XSD + "dateTime":
        return _datetime(literal.value) is not None
    pattern = LEXICAL.get(datatype)
    if pattern is None:
        return True
    match = pattern.match(literal.value)
    if match is None:
        return False
    if datatype == XSD + "date":
        try:
            date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return False
    return True


def _number(term: Term) -> Decimal | None:
    if not isinstance(term, ox.Literal) or term.datatype.value not in NUMERIC:
        return None
    if not well_typed(term, term.datatype.value):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def _datetime(text: str) -> datetime | None:
    if not re.fullmatch(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def compare(value: Term, bound: Term) -> int | None:
    """-1, 0 or 1 as `value` is below, equal to or above `bound`; None when they do not compare."""
    a, b = _number(value), _number(bound)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    dt = XSD + "dateTime"
    if (
        isinstance(value, ox.Literal)
        and isinstance(bound, ox.Literal)
        and value.datatype.value == bound.datatype.value == dt
    ):
        x, y = _datetime(value.value), _datetime(bound.value)
        if x is None or y is None or (x.tzinfo is None) != (y.tzinfo is None):
            return None  # with and without a time zone: indeterminate
        return (x > y) - (x < y)
    if (
        isinstance(value, ox.Literal)
        and isinstance(bound, ox.Literal)
        and value.datatype == bound.datatype
        and value.datatype.value in ORDERED
        and well_typed(value, value.datatype.value)
    ):
        return (value.value > bound.value) - (value.value < bound.value)
    return None


def in_range(key: str, value: Term, bound: Term) -> bool:
    order = compare(value, bound)
    return order is not None and OPS[key](order)


def lang_matches(tag: str, wanted: str) -> bool:
    """SPARQL langMatches: "en-GB" is in the range "en"; "*" is any tag."""
    tag, wanted = tag.lower(), wanted.lower()
    if wanted == "*":
        return bool(tag)
    return tag == wanted or tag.startswith(wanted + "-")


def matches_pattern(value: Term, pattern: str, flags: str) -> bool:
    if isinstance(value, ox.BlankNode):
        return False
    options = 0
    for flag, option in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL),
                         ("x", re.VERBOSE)):  # fmt: skip
        if flag in flags:
            options |= option
    return re.search(pattern, value.value, options) is not None


def node_kind_ok(value: Term, kind: str) -> bool:
    return NODE_KINDS[type(value)] in kind.rsplit("#", 1)[-1]


def length_ok(key: str, value: Term, limit: int) -> bool:
    if isinstance(value, ox.BlankNode):
        return False
    return len(value.value) >= limit if key == "minLength" else len(value.value) <= limit
