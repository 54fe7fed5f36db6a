"""The small family of domain errors.

Expected outcomes (a non-conforming file, no route) are results, not exceptions.
These are for real errors: each names what is wrong (file, line, IRI, query) and
says what to do. The HTTP layer maps them to one error envelope, the CLI to exit
code 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BattkgError(Exception):
    message: str
    fix: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    #: the error's kind in the envelope and its HTTP status
    code = "error"
    status = 500

    def __str__(self) -> str:
        return (
            self.message
            if not self.fix
            else f"{self.message}. {self.fix[:1].upper()}{self.fix[1:]}"
        )

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fix:
            body["fix"] = self.fix
        if self.details:
            body["details"] = self.details
        return body


class UsageError(BattkgError):
    """A wrong argument, parameter or setting."""

    code = "invalid_parameter"
    status = 422


class InputError(BattkgError):
    """An input file that cannot be read or parsed (names the file and line)."""

    code = "invalid_input"
    status = 400


class NotConformingError(BattkgError):
    """Data that does not conform to the shapes, refused by a write (the report is in details)."""

    code = "validation_failed"
    status = 422


class NotFoundError(BattkgError):
    code = "not_found"
    status = 404


class QueryError(BattkgError):
    """A SPARQL query that cannot be parsed or run."""

    code = "query_error"
    status = 400


def readable_syntax_error(message: str) -> str:
    """A SPARQL parser message with its long Unicode character classes folded into words."""
    folded = re.sub(r"\['A' \.\.= 'Z'[^\]]*\]", "a letter", message)
    folded = re.sub(r"\s*\n\s*", " ", folded)
    return folded if len(folded) <= 300 else folded[:297] + "..."


def from_query_failure(exc: Exception) -> BattkgError:
    """The one mapping of what pyoxigraph raises for a query to battkg's errors.

    SyntaxError: not SPARQL (with the line and column, from the exception or from Oxigraph's
    "error at L:C:" message); RuntimeError/ValueError: cannot be run; OSError: the store.
    """
    if isinstance(exc, SyntaxError):
        details: dict[str, Any] = {}
        head = (exc.msg or "").split(":", 3)
        if exc.lineno:
            details["line"] = exc.lineno
            if exc.offset:
                details["column"] = exc.offset
        elif len(head) >= 3 and head[0].startswith("error at ") and head[1].isdigit():
            line = head[0].removeprefix("error at ")
            if line.isdigit():
                details = {"line": int(line), "column": int(head[1])}
        return QueryError(
            f"the query is not valid SPARQL: {readable_syntax_error(exc.msg or str(exc))}",
            fix="correct the query at the position given" if details else "correct the query text",
            details=details,
        )
    if isinstance(exc, OSError):
        return StoreError(f"the store failed while answering: {exc}")
    return QueryError(f"the query cannot be run: {exc}", fix="check the query and its parameters")


class QueryTimeout(BattkgError):
    code = "query_timeout"
    status = 503


class StoreError(BattkgError):
    """The store cannot be opened, read or written."""

    code = "store_error"
    status = 503


class AuthError(BattkgError):
    """A call that needs credentials came without valid ones (HTTP 401, `WWW-Authenticate`)."""

    code = "unauthorized"
    status = 401


class ForbiddenError(BattkgError):
    """A call this service never allows, whoever asks (HTTP 403): credentials would not help."""

    code = "forbidden"
    status = 403


class WritesDisabledError(ForbiddenError):
    """A write call on a service started without a write token."""

    code = "writes_disabled"
