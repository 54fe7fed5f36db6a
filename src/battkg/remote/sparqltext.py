"""Query text for a remote server: bound parameters as VALUES blocks, terms in SPARQL syntax.

pyoxigraph binds parameters by substitution (SEP-0007) in the query's own scope; a
SPARQL 1.1 server cannot. The nearest portable form is a VALUES block opening the
outer WHERE group: its patterns, OPTIONALs and FILTERs see the values, and, as with
pyoxigraph's substitution, a sub-SELECT (a scope of its own) does not. The named
queries give the same answers both ways (tests/test_remote.py checks every one).
Values are written by pyoxigraph's own N-Triples serialiser, never pasted as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError


def term(value: Any) -> str:
    """One RDF term in SPARQL syntax (IRIs and literals; blank nodes cannot be sent)."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return str(value)
    raise QueryError(
        f"{value!r} cannot be sent to a SPARQL server as a bound value",
        fix="bind an IRI or a literal (blank nodes and triple terms are local to a store)",
    )


def values_block(substitutions: Mapping[ox.Variable, Any]) -> str:
    names = " ".join(str(v) for v in substitutions)
    row = " ".join(term(t) for t in substitutions.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def with_values(query: str, substitutions: Mapping[ox.Variable, Any] | None) -> str:
    """`query` with `substitutions` as a VALUES block opening its outer WHERE group."""
    if not substitutions:
        return query
    at = where_brace(query)
    if at < 0:
        raise QueryError(
            "the query has no WHERE group to bind its parameters in",
            fix="write the query with a WHERE { ... } clause",
        )
    return f"{query[: at + 1]} {values_block(substitutions)}\n{query[at + 1 :]}"


_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\s]*>")


def with_base(query: str, base_iri: str | None) -> str:
    """`query` with a BASE for its relative IRIs (added only when it has some: Virtuoso
    refuses BASE in some places)."""
    if not base_iri or not _RELATIVE_IRI.search(query):
        return query
    return f"BASE <{base_iri}>\n{query}"


def where_brace(query: str) -> int:
    """Index of the `{` opening the outermost WHERE group (-1 if none)."""
    places = group_braces(query)
    return places[0] if places else -1


def group_braces(query: str) -> list[int]:
    """Indexes of the `{` opening each query's WHERE group (outer query and sub-SELECTs).

    Skips comments, IRIs and strings. After SELECT, ASK or WHERE the next `{` opens
    a WHERE group; after CONSTRUCT the next one is the template, so it waits for WHERE.
    """
    places: list[int] = []
    awaiting = False
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif c == "<" and _iri_at(query, i):
            i = query.index(">", i) + 1
        elif c in "\"'":
            i = _string_end(query, i)
        elif c in "?$":
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] == "_"):
                j += 1
            i = j
        elif c.isalpha():
            j = i
            while j < n and (query[j].isalnum() or query[j] in "_-:."):
                j += 1
            word = query[i:j].rstrip(".").upper()
            if word in ("SELECT", "ASK", "WHERE"):
                awaiting = True
            elif word == "CONSTRUCT":
                awaiting = False
            i = j
        else:
            if c == "{" and awaiting:
                places.append(i)
                awaiting = False
            i += 1
    return places


def _iri_at(query: str, i: int) -> bool:
    """Is the `<` at i an IRI (not the less-than operator)?"""
    end = query.find(">", i)
    if end < 0:
        return False
    inside = query[i + 1 : end]
    return not any(ch.isspace() or ch in '"{}|^`\\<' for ch in inside)


def _string_end(query: str, i: int) -> int:
    quote = query[i]
    if query.startswith(quote * 3, i):
        end = query.find(quote * 3, i + 3)
        return len(query) if end < 0 else end + 3
    j = i + 1
    while j < len(query):
        if query[j] == "\\":
            j += 2
            continue
        if query[j] == quote:
            return j + 1
        j += 1
    return len(query)
