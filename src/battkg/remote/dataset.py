"""The dataset clause of a query (FROM / FROM NAMED), read so that a server sees the same dataset.

pyoxigraph honours a query's own FROM / FROM NAMED when no dataset is given with it.
A remote query must name its dataset in the protocol (`default-graph-uri`,
`named-graph-uri`), which replaces the query's; so the reader lists the graphs the
query names itself, limited to battkg's published graphs (any other graph is empty,
as it is in the embedded store: the control graph, staging graphs and a server's own
system graphs are never seen).

The scan is lexical and stops at nothing: the clause may follow a CONSTRUCT template
or a projection, and is the only place where FROM is a keyword at the outer level.
PREFIX and BASE declarations are followed in order, so `FROM ex:g` and `FROM <g>`
(relative to the query's base) resolve as the SPARQL parser resolves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from ..errors import QueryError

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:'{0,2}(?:[^'\\]|\\.))*'''|\"\"\"(?:"{0,2}(?:[^"\\]|\\.))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w*)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w:.\-]|%[0-9A-Fa-f]{2}|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<open>\{)
    | (?P<close>\})
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Dataset:
    """The graphs a query's own dataset clause names (absolute IRIs, in order)."""

    default: tuple[str, ...]
    named: tuple[str, ...]


def dataset_clause(query: str, base_iri: str | None = None) -> Dataset | None:
    """The FROM / FROM NAMED graphs of `query`; None when it has no dataset clause."""
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    default: list[str] = []
    named: list[str] = []
    depth, pos, end = 0, 0, len(query)
    state = ""  # what the next IRI is for: prefix, base, from, named
    prefix_name = ""
    while pos < end:
        match = _TOKEN.match(query, pos)
        if match is None:
            pos += 1
            continue
        kind, text = match.lastgroup, match.group()
        pos = match.end()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "comment":
            continue
        elif depth or kind in ("string", "var"):
            state = ""
        elif kind == "word":
            word = text.upper()
            if word == "NAMED" and state == "from":
                state = "named"
            else:
                state = {"PREFIX": "prefix", "BASE": "base", "FROM": "from"}.get(word, "")
        elif kind == "pname" and state == "prefix" and text.endswith(":"):
            prefix_name, state = text[:-1], "prefix-iri"
        elif kind == "pname" and state in ("from", "named"):
            name, _, local = text.partition(":")
            if name not in prefixes:
                raise QueryError(
                    f"the dataset clause names {text}, but the prefix {name}: is not declared",
                    fix=f"declare it (PREFIX {name}: <...>) or write the graph's full IRI",
                )
            iri = prefixes[name] + re.sub(r"\\(.)", r"\1", local)
            (named if state == "named" else default).append(iri)
            state = ""
        elif kind == "iri":
            iri = urljoin(base, text[1:-1]) if base else text[1:-1]
            if state == "prefix-iri":
                prefixes[prefix_name] = iri
            elif state == "base":
                base = iri
            elif state in ("from", "named"):
                (named if state == "named" else default).append(iri)
            state = ""
        else:
            state = ""
    if not default and not named:
        return None
    return Dataset(tuple(default), tuple(named))
