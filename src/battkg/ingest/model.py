"""What reading a partner file gives: its triples, where each came from, and the faults found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from .statements import Statements

SEVERITIES = ("violation", "warning", "info")


@dataclass(frozen=True)
class Location:
    """Where a value is: a file and a CSV row and column (spreadsheet numbering) or an RDF line."""

    file: str
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None:
            where = f"{self.file}: row {self.row}"
            return where + (f", column {self.column}" if self.column else "")
        return f"{self.file}: line {self.line}" if self.line is not None else self.file


@dataclass
class Fault:
    """One thing wrong, with what a partner needs to act on it."""

    location: Location
    message: str
    fix: str
    rule: str
    value: str | None = None
    focus: str | None = None
    path: str | None = None
    severity: str = "violation"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["location"] = {k: v for k, v in asdict(self.location).items() if v is not None}
        return {k: v for k, v in out.items() if v is not None}


class Locator(Protocol):
    def locate(self, subject: str, path: str | None) -> Location: ...


@dataclass
class PartnerFile:
    """A partner file read into RDF.

    `quads` (held compactly, statements.py) are in the default graph unless the
    file named its graphs (N-Quads, TriG). `faults` are problems found while reading; when `readable` is false
    the file could not be read at all and `quads` is empty. `skipped_paths` are
    properties whose column is missing from a CSV header: their per-row faults
    are left out, since one header fault already says it.
    """

    name: str
    format: str
    sha256: str
    size: int
    quads: Statements = field(default_factory=Statements)
    faults: list[Fault] = field(default_factory=list)
    readable: bool = True
    locator: Locator | None = None
    skipped_paths: frozenset[str] = frozenset()

    def locate(self, subject: str, path: str | None) -> Location:
        if self.locator is None:
            return Location(self.name)
        return self.locator.locate(subject, path)
