"""What a validation returns: the files read and the faults found, as JSON or text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ingest import Fault
from .text import report_text


@dataclass
class FileSummary:
    name: str
    format: str
    sha256: str
    size: int
    triples: int
    readable: bool


@dataclass
class ValidationReport:
    files: list[FileSummary]
    faults: list[Fault]
    notices: list[str] = field(default_factory=list)
    things: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return self.readable and not any(f.severity == "violation" for f in self.faults)

    @property
    def readable(self) -> bool:
        return all(f.readable for f in self.files)

    @property
    def verdict(self) -> str:
        if self.conforms:
            return "conforms"
        return "does not conform" if self.readable else "cannot be read"

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "readable": self.readable,
            "faults": [f.to_dict() for f in self.faults],
            "fault_count": len(self.faults),
            "files": [vars(f) for f in self.files],
            "things": self.things,
            "notices": self.notices,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def to_text(self, limit: int | None = None) -> str:
        return report_text(self, limit)
