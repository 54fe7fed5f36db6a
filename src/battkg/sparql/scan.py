"""A lexical scan of a SPARQL query: its nesting depth, SERVICE calls and dataset clause.

The scan runs before the query reaches Oxigraph, in linear time and without
recursion, so that no query can hold the service while it is checked:

- nesting of `{`, `(` and `[` deeper than `MAX_DEPTH` is refused (Oxigraph's
  recursive parser overflows its stack on a few thousand levels and kills the
  worker);
- the keyword SERVICE is refused wherever it occurs outside strings, IRIs,
  comments, variable and prefixed names (Oxigraph would make the HTTP request);
- FROM / FROM NAMED are noted, so that the query's own dataset is used.

The scan errs on the side of refusing: a local name such as `ex:a.service`
counts as the keyword. Oxigraph does not unescape `\\uXXXX` outside strings, so
`\\u0053ERVICE` is a syntax error there and needs no special case here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from battkg.errors import QueryError

#: the deepest nesting of braces, parentheses and brackets a query may have
MAX_DEPTH = 100

_TOKEN = re.compile(
    r"""
      (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w:.\-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<string>'''(?:'{0,2}(?:[^'\\]|\\.))*'''|\"\"\"(?:"{0,2}(?:[^"\\]|\\.))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<comment>\#[^\n\r]*)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<word>[^\W\d][\w\-]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    """,
    re.VERBOSE | re.DOTALL,
)
_SKIP = re.compile(r"""(?:[^<'"\#?$:{}()\[\]\w\\]|\d)+""")


class QueryTooDeepError(QueryError):
    """A query nested deeper than MAX_DEPTH."""

    code = "query_too_deep"


@dataclass(frozen=True)
class QueryShape:
    depth: int
    service: bool
    dataset: bool
    """the query has a FROM or FROM NAMED clause"""


def scan(query: str, max_depth: int = MAX_DEPTH) -> QueryShape:
    """The shape of `query`; raises QueryTooDeepError past `max_depth` levels of nesting."""
    depth = deepest = 0
    service = dataset = False
    pos, end = 0, len(query)
    while pos < end:
        skip = _SKIP.match(query, pos)
        if skip:
            pos = skip.end()
            continue
        match = _TOKEN.match(query, pos)
        if match is None:  # a lone character the grammar does not know; Oxigraph will say so
            pos += 1
            continue
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > max_depth:
                raise _too_deep(query, match.start(), max_depth)
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word":
            word = match.group().upper()
            service = service or word == "SERVICE"
            dataset = dataset or word == "FROM"
        pos = match.end()
    return QueryShape(deepest, service, dataset)


def _too_deep(query: str, offset: int, limit: int) -> QueryTooDeepError:
    line = query.count("\n", 0, offset) + 1
    column = offset - (query.rfind("\n", 0, offset) + 1) + 1
    return QueryTooDeepError(
        f"the query nests braces, parentheses or brackets more than {limit} levels deep "
        f"(at line {line}, column {column}); this endpoint's limit is {limit}",
        fix="flatten the query: join the groups, or move repeated parts into VALUES",
        details={"limit": limit, "line": line, "column": column},
    )
