"""CSV injection: text that a spreadsheet would run as a formula (OWASP's rule).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets. battkg neutralises such strings
and IRIs in the CSV it writes (an apostrophe in front) and flags them as faults in
the CSV partners send. Numbers are not formulas: `-5` stays `-5`.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_TYPES = frozenset(
    _XSD + t
    for t in [
        "integer",
        "decimal",
        "float",
        "double",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
)


def is_formula(text: str, term: Any = None) -> bool:
    """Would a spreadsheet run `text` (the value of `term`, when given) as a formula?"""
    if not text.startswith(FORMULA_STARTS):
        return False
    return not (isinstance(term, ox.Literal) and term.datatype.value in NUMERIC_TYPES)


def spreadsheet_safe(text: str, term: Any = None) -> str:
    """`text`, with an apostrophe in front when it would run as a formula."""
    return "'" + text if is_formula(text, term) else text
