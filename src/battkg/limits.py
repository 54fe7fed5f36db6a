"""The bounds on one upload (POST /validate, PUT /datasets, battkg validate/load): docs/security.md.

A request is bounded as a whole: its total bytes, its number of files and its
CSV rows; it is parsed and validated in a child process with a memory cap and a
time limit (isolation.py). The defaults keep the worst case of one upload under
1 GiB of memory (bench/validation_memory.py measures the multiple).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import Settings

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 12 * MiB
DEFAULT_MAX_FILES = 20
DEFAULT_MAX_ROWS = 40_000
DEFAULT_MEMORY = 1024 * MiB
DEFAULT_TIMEOUT = 300.0
DEFAULT_WORKERS = 2
#: the memory cap of one SPARQL query worker process (not an upload bound: a query's joins can
#: need gigabytes, so its worker's data segment is capped too)
DEFAULT_QUERY_MEMORY = 512 * MiB


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = DEFAULT_MAX_FILES
    max_rows: int = DEFAULT_MAX_ROWS
    memory_bytes: int = DEFAULT_MEMORY
    seconds: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS


def upload_limits(settings: Settings) -> UploadLimits:
    """The bounds `settings` give (BATTKG_MAX_UPLOAD_*, BATTKG_UPLOAD_*: settings.py)."""
    return UploadLimits(
        max_bytes=settings.max_upload_bytes,
        max_files=settings.max_upload_files,
        max_rows=settings.max_upload_rows,
        memory_bytes=settings.upload_memory,
        seconds=settings.upload_timeout,
        workers=settings.upload_workers,
    )


def may_describe_others(settings: Settings, dataset: str | None) -> bool:
    """Whether the operator granted `dataset` statements about things other graphs describe."""
    granted = set(settings.foreign_subjects)
    return "*" in granted or (dataset is not None and dataset in granted)
