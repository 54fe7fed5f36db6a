"""Partner datasets: load (validate, then replace a dataset's graphs atomically), versions, rollback.

- `load`: the load and rollback of a dataset, and what a dataset is (`Dataset`, `DatasetVersion`).
- `meta`: what the meta graph records about each dataset's graphs.
- `archive`: every loaded version kept as gzipped N-Quads beside the store, for rollback.
"""

from .load import (
    NAME,
    Dataset,
    DatasetVersion,
    LoadResult,
    check_name,
    default_name,
    get_dataset,
    list_datasets,
    load,
    rollback,
    validate_for,
)

__all__ = [
    "NAME",
    "Dataset",
    "DatasetVersion",
    "LoadResult",
    "check_name",
    "default_name",
    "get_dataset",
    "list_datasets",
    "load",
    "rollback",
    "validate_for",
]
