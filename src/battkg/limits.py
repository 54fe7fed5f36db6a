"""The bounds on one upload (POST /validate, PUT /datasets, battkg validate/load): docs/security.md.

A request is bounded as a whole: its total bytes, its number of files and its
CSV rows; it is parsed and validated in a child process with a memory cap and a
time limit (isolation.py). The defaults keep the worst case of one upload under
1 GiB of memory (bench/validation_memory.py measures the multiple).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from .settings import Settings

#: the settings read here, beside the ones settings.py parses itself
NAMES = (
    "BATTKG_MAX_UPLOAD_BYTES",
    "BATTKG_MAX_UPLOAD_FILES",
    "BATTKG_MAX_UPLOAD_ROWS",
    "BATTKG_UPLOAD_MEMORY",
    "BATTKG_UPLOAD_TIMEOUT",
    "BATTKG_UPLOAD_WORKERS",
    "BATTKG_FOREIGN_SUBJECTS",
)
MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 12 * MiB
DEFAULT_MAX_FILES = 20
DEFAULT_MAX_ROWS = 40_000
DEFAULT_MEMORY = 1024 * MiB
DEFAULT_TIMEOUT = 300.0
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = DEFAULT_MAX_FILES
    max_rows: int = DEFAULT_MAX_ROWS
    memory_bytes: int = DEFAULT_MEMORY
    seconds: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS


def _number(extra: dict[str, str], name: str, default: float) -> float:
    raw = extra.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise UsageError(
            f"{name}={raw!r} is not a positive number", fix=f"set {name} to e.g. {default:g}"
        )
    return value


def upload_limits(settings: Settings) -> UploadLimits:
    extra = settings.extra
    return UploadLimits(
        max_bytes=int(_number(extra, "BATTKG_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)),
        max_files=int(_number(extra, "BATTKG_MAX_UPLOAD_FILES", DEFAULT_MAX_FILES)),
        max_rows=int(_number(extra, "BATTKG_MAX_UPLOAD_ROWS", DEFAULT_MAX_ROWS)),
        memory_bytes=int(_number(extra, "BATTKG_UPLOAD_MEMORY", DEFAULT_MEMORY)),
        seconds=_number(extra, "BATTKG_UPLOAD_TIMEOUT", DEFAULT_TIMEOUT),
        workers=int(_number(extra, "BATTKG_UPLOAD_WORKERS", DEFAULT_WORKERS)),
    )


def may_describe_others(settings: Settings, dataset: str | None) -> bool:
    """Whether the operator granted `dataset` statements about things other graphs describe."""
    granted = {n.strip() for n in settings.extra.get("BATTKG_FOREIGN_SUBJECTS", "").split(",")}
    return "*" in granted or (dataset is not None and dataset in granted)
