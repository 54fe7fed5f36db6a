"""The SPARQL 1.1 Protocol for queries: from an HTTP request to one checked query and its dataset.

Accepted: GET with `query`, POST form-encoded (`query=`), POST
`application/sparql-query` (UTF-8); `default-graph-uri` and `named-graph-uri`.
Refused: updates (the endpoint is read-only), SERVICE (no outbound requests ever),
queries over `MAX_QUERY_BYTES` or nested deeper than `scan.MAX_DEPTH`, other media
types and charsets. FROM / FROM NAMED in the query name its dataset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from battkg.errors import BattkgError, ForbiddenError, QueryError
from battkg.sparql.scan import QueryShape, scan

MAX_QUERY_BYTES = 512 * 1024
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


class ReadOnlyError(ForbiddenError):
    """An update sent to the read-only endpoint."""

    code = "read_only"
    status = 403


class ServiceRefusedError(QueryError):
    """A query that would call another SPARQL service (SERVICE)."""

    code = "service_refused"


class UnsupportedMediaTypeError(BattkgError):
    code = "unsupported_media_type"
    status = 415


class QueryTooLargeError(BattkgError):
    code = "too_large"
    status = 413


@dataclass(frozen=True)
class SparqlRequest:
    """One query and the dataset the protocol names (None: the service's default dataset).

    `query_dataset`: the query names its own dataset (FROM / FROM NAMED), which then
    replaces the default dataset; graphs given in the protocol replace both.
    """

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    query_dataset: bool = False


def _read_only() -> ReadOnlyError:
    return ReadOnlyError(
        "this SPARQL endpoint is read-only: updates are refused",
        fix="send queries only; data is added with `battkg load FILE` or the /datasets API",
    )


def parse_request(
    method: str,
    content_type: str | None,
    url_params: Sequence[tuple[str, str]],
    body: bytes = b"",
) -> SparqlRequest | None:
    """The query of a protocol request; None for a GET with no query (the service description)."""
    params = list(url_params)
    if method == "POST":
        media, charset = _media_type(content_type)
        if media == FORM:
            params += _form(body, charset)
        elif media == DIRECT:
            if charset not in (None, "utf-8", "utf8"):
                raise UnsupportedMediaTypeError(
                    f"the query body is in {charset}; the protocol requires UTF-8",
                    fix="send the query as UTF-8 (application/sparql-query; charset=utf-8)",
                )
            if any(k == "query" for k, _ in params):
                raise QueryError(
                    "the query is given both in the body and in the URL", fix="give it once"
                )
            params.append(("query", _utf8(body)))
        elif media == UPDATE:
            raise _read_only()
        else:
            raise UnsupportedMediaTypeError(
                f"a POSTed query must be {FORM} or {DIRECT}, not {content_type or 'untyped'}",
                fix=f"send Content-Type: {DIRECT} with the query as body, or {FORM} with query=",
            )
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise _read_only()
    queries = [v for k, v in params if k == "query"]
    if not queries:
        if method == "POST":
            raise QueryError(
                "the request has no query", fix="give the query in the `query` parameter"
            )
        return None
    if len(queries) > 1:
        raise QueryError(
            f"the request has {len(queries)} query parameters; the protocol allows one",
            fix="send one query per request",
        )
    default = _graphs(params, "default-graph-uri")
    named = _graphs(params, "named-graph-uri")
    query = queries[0]
    shape = check_query(query)
    if default is None and named is None:
        return SparqlRequest(query, query_dataset=shape.dataset)
    return SparqlRequest(query, default or (), named or ())


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _utf8(body: bytes) -> str:
    if len(body) > MAX_QUERY_BYTES:
        raise too_large(len(body))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"the request body is not valid UTF-8 (byte {exc.start})", fix="send the query as UTF-8"
        ) from exc


def _form(body: bytes, charset: str | None) -> list[tuple[str, str]]:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"the form is in {charset}", fix="send the form as UTF-8")
    text = _utf8(body)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise QueryError(
            f"the form body cannot be read: {exc}", fix="URL-encode the form as UTF-8"
        ) from exc


def _graphs(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    values = [v for k, v in params if k == name]
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(
                f"{name}={value!r} is not an absolute IRI", fix=f"give {name} as an absolute IRI"
            ) from exc
    return tuple(values)


def too_large(size: int) -> QueryTooLargeError:
    return QueryTooLargeError(
        f"the query is {size:,} bytes; this endpoint takes at most {MAX_QUERY_BYTES:,}",
        fix="shorten the query (move long VALUES lists into a named query or a loaded dataset)",
        details={"bytes": size, "limit": MAX_QUERY_BYTES},
    )


# -- checks on the query text ------------------------------------------------

_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE as the query's prologue shows it; None if not plain."""
    rest = query[_PROLOGUE.match(query).end() :]  # type: ignore[union-attr]
    match = _FORM.match(rest)
    return match.group(1).upper() if match else None


def check_query(query: str) -> QueryShape:
    """Refuse queries that are too large or deep, updates and SERVICE calls, before anything runs.

    The checks are lexical and linear in the query's size (scan.py): no parser runs here.
    """
    size = len(query.encode("utf-8"))
    if size > MAX_QUERY_BYTES:
        raise too_large(size)
    rest = query[_PROLOGUE.match(query).end() :]  # type: ignore[union-attr]
    if _UPDATE.match(rest):
        raise _read_only()
    shape = scan(query)
    if shape.service:
        raise ServiceRefusedError(
            "SERVICE is refused: this endpoint never makes requests to other services",
            fix="run the federated part against the other endpoint yourself, or load its data",
        )
    return shape
