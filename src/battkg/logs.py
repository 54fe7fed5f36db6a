"""Structured log lines: one logger per package, each line `event key=value ...` with the request id.

Every package logs through `logger(__name__)`, which gives the package's
logger (`battkg.web`, `battkg.sparql`, `battkg.remote`, `battkg.datasets`...).
`event(log, "name", key=value, ...)` writes one line whose fields are
machine-readable; the id of the HTTP request being served (set by the web
layer in `REQUEST_ID`) is added to every line, so a 5xx answer, the query
worker it killed and the remote call that failed can be found together.
`configure()` sends the lines to stderr (the CLI calls it; a host application
may configure logging itself instead).
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Any

#: The id of the request being served ("-" outside a request).
REQUEST_ID: ContextVar[str] = ContextVar("battkg_request_id", default="-")


def logger(module: str) -> logging.Logger:
    """The logger of the package `module` belongs to: battkg.<package>."""
    parts = module.split(".")
    return logging.getLogger(".".join(parts[:2]) if parts[0] == "battkg" else module)


def _value(value: Any) -> str:
    text = str(value)
    if not text or any(c in text for c in ' "=\n\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


def fields_text(name: str, fields: dict[str, Any]) -> str:
    """`name key=value ...`, values quoted when they contain spaces, quotes or `=`."""
    pairs = " ".join(f"{k}={_value(v)}" for k, v in fields.items() if v is not None)
    return f"{name} {pairs}".rstrip()


def event(log: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Write one structured line: the event's name, then its fields, then the request id."""
    if log.isEnabledFor(level):
        log.log(level, fields_text(name, {**fields, "request_id": REQUEST_ID.get()}))


class _Format(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
        return f"{stamp}Z {record.levelname.lower()} {record.name} {record.getMessage()}"


def configure(level: str = "info") -> None:
    """Send battkg's lines to stderr at `level` (once; later calls only change the level)."""
    import time

    root = logging.getLogger("battkg")
    root.setLevel(level.upper())
    if not any(getattr(h, "_battkg", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        formatter = _Format()
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
        handler._battkg = True  # type: ignore[attr-defined]
        root.addHandler(handler)
