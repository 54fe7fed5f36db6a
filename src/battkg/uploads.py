"""What one upload request does, as jobs for a child process (isolation.py).

`validate_job` reads the uploaded files and validates them (as the next version
of a dataset when one is named); `load_job` validates and loads them. Both take
only picklable arguments and build their own KnowledgeGraph from the settings.
`check_upload` applies the request-wide bounds (files, rows) before any parsing.
"""

from __future__ import annotations

from typing import Any

from .ingest import InputTooLargeError, format_for
from .isolation import Upload, read_uploads
from .kg import KnowledgeGraph
from .limits import UploadLimits
from .settings import Settings
from .validation import ValidationReport


def is_empty(uploads: list[Upload]) -> bool:
    """Nothing but white space was sent (no file, or only empty ones)."""
    return not any(u.data.strip() for u in uploads)


def check_upload(uploads: list[Upload], limits: UploadLimits) -> None:
    """Refuse a request with too many files or CSV rows (413), before anything is parsed."""
    if len(uploads) > limits.max_files:
        raise InputTooLargeError(
            f"the request carries {len(uploads):,} files; the limit is {limits.max_files}",
            fix="send fewer files per request (load big datasets in several datasets)",
            details={"files": len(uploads), "limit_files": limits.max_files},
        )
    rows = sum(u.data.count(b"\n") for u in uploads if format_for(u.name, u.media_type) == "csv")
    if rows > limits.max_rows:
        raise InputTooLargeError(
            f"the CSV files of the request have about {rows:,} rows; the limit is {limits.max_rows:,}",
            fix="split the rows over several files or datasets, each under the limit",
            details={"rows": rows, "limit_rows": limits.max_rows},
        )


def validate_job(
    settings: Settings,
    uploads: list[Upload],
    kind: str | None,
    dataset: str | None,
    max_bytes: int,
) -> ValidationReport:
    from .datasets import validate_for

    kg = KnowledgeGraph(settings)
    files = read_uploads(uploads, kg, kind, max_bytes)
    return validate_for(kg, files, dataset)


def load_job(
    settings: Settings,
    uploads: list[Upload],
    kind: str | None,
    name: str,
    graph: str | None,
    publisher: str,
    max_bytes: int,
) -> tuple[Any, dict[str, Any] | None]:
    """The LoadResult, and the dataset's description after a successful load."""
    from .datasets import get_dataset, load

    kg = KnowledgeGraph(settings)
    files = read_uploads(uploads, kg, kind, max_bytes)
    result = load(kg, files, name, graph=graph, publisher=publisher)
    return result, get_dataset(kg, name).to_dict() if result.loaded else None
