"""Partner files into RDF: CSV templates, Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML.

`read_partner_file` never raises for a bad file: it returns a `PartnerFile`
whose faults say what is wrong, where and how to fix it (a file that cannot be
read at all has `readable=False`). Only a file over the size limit
(`InputTooLargeError`) or one that is unsafe to parse (`UnsafeInputError`:
entity expansion, nesting depth; see safety.py) is refused outright.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from battkg.errors import BattkgError
from battkg.namespaces import Iris

from .csvfile import CsvReadError, read_csv
from .model import Fault, Location, PartnerFile
from .rdffiles import FORMATS, RdfReadError, read_rdf
from .safety import MAX_DEPTH, SafetyRefusal
from .statements import Statements
from .templates import MULTI_SEPARATOR, TEMPLATES

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MEDIA_TYPES",
    "MULTI_SEPARATOR",
    "TEMPLATES",
    "Fault",
    "InputTooLargeError",
    "Location",
    "PartnerFile",
    "Statements",
    "UnsafeInputError",
    "format_for",
    "read_partner_file",
    "read_path",
    "too_large",
]

#: Largest partner file accepted (bytes).
MAX_BYTES = 64 * 1024 * 1024

EXTENSIONS = {
    ".csv": "csv", ".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml", ".owl": "rdfxml", ".xml": "rdfxml",
}  # fmt: skip
MEDIA_TYPES = {
    "text/csv": "csv", "application/csv": "csv", "text/turtle": "turtle",
    "application/n-triples": "ntriples", "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
}  # fmt: skip


class InputTooLargeError(BattkgError):
    code = "too_large"
    status = 413


class UnsafeInputError(BattkgError):
    """A partner file refused before parsing: entities that expand, nesting too deep."""

    code = "unsafe_input"
    status = 422


def size_text(limit: int) -> str:
    """A byte count for people: 100 KiB, 16 MiB, 1.5 GiB."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size:
            value = limit / size
            return (
                f"{value:.0f} {unit}"
                if value >= 10 or value.is_integer()
                else f"{value:.1f} {unit}"
            )
    return f"{limit} bytes"


def too_large(name: str, limit: int, what: str = "") -> InputTooLargeError:
    return InputTooLargeError(
        f"{name} is larger than the limit of {size_text(limit)}{what}",
        fix="split the data into several files or datasets, each under the limit",
        details={"file": name, "limit_bytes": limit},
    )


def _unsafe(refusal: SafetyRefusal) -> UnsafeInputError:
    fault = refusal.fault
    return UnsafeInputError(
        f"{fault.location}: {fault.message}; nothing was read from this file",
        fix=fault.fix,
        details={"file": fault.location.file, "rule": fault.rule, "max_depth": MAX_DEPTH}
        | ({"line": fault.location.line} if fault.location.line else {}),
    )


def format_for(name: str, media_type: str | None = None) -> str | None:
    """The format key for a file name or media type (the media type wins), or None."""
    if media_type:
        fmt = MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())
        if fmt:
            return fmt
    return EXTENSIONS.get(Path(name).suffix.lower())


def read_partner_file(
    data: bytes,
    name: str,
    iris: Iris,
    *,
    media_type: str | None = None,
    kind: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> PartnerFile:
    """Read one partner file's bytes into RDF with its faults and source locations."""
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    fmt = format_for(name, media_type)
    result = PartnerFile(name, fmt or "unknown", hashlib.sha256(data).hexdigest(), len(data))
    if fmt is None:
        result.readable = False
        result.faults.append(
            Fault(
                Location(name),
                f"cannot tell the format of {name!r}" + (f" ({media_type})" if media_type else ""),
                "use one of the extensions .csv, .ttl, .nt, .nq, .trig, .jsonld, .rdf "
                "(or send the matching media type)",
                "format",
            )
        )
        return result
    try:
        if fmt == "csv":
            quads, faults, csv_locator, missing = read_csv(data, name, iris, kind)
            result.format = f"csv:{csv_locator.template.kind}" if csv_locator else "csv"
            result.quads, result.faults, result.locator, result.skipped_paths = (
                quads,
                faults,
                csv_locator,
                missing,
            )
        else:
            result.quads, result.locator = read_rdf(data, name, fmt, iris.id)
    except SafetyRefusal as exc:
        raise _unsafe(exc) from exc
    except (CsvReadError, RdfReadError) as exc:
        result.readable = False
        result.quads = Statements()
        result.faults.append(exc.fault)
    return result


def read_path(
    path: Path, iris: Iris, *, kind: str | None = None, max_bytes: int = MAX_BYTES
) -> PartnerFile:
    """Read a partner file from disk (its size is checked before it is read)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(str(path), max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        result = PartnerFile(str(path), format_for(path.name) or "unknown", "", 0, readable=False)
        result.faults.append(
            Fault(
                Location(str(path)),
                f"cannot read {path}: {exc.strerror or exc}",
                "check the path and that the file is readable",
                "file",
            )
        )
        return result
    return read_partner_file(data, str(path), iris, kind=kind, max_bytes=max_bytes)
