"""Validation of partner files: SHACL shapes, the store's context, and faults worded for people.

- `files`: `validate_files`, the one entry point (files + store -> `ValidationReport`).
- `engine`: the fast home-made SHACL Core engine (`ShapesGraph`, `DataGraph`, `validate`).
- `shapes`: shapes/*.ttl compiled for the engine.
- `context`: what the store contributes (types of referenced IRIs, known terms, identifiers in use).
- `faults`: faults in the files themselves, and engine results explained as faults.
- `text`: the wording of faults and reports.
- `report`: `ValidationReport` and `FileSummary`.
- `reference`: the same validation by pyshacl, the reference the engine is checked against.
"""

from .files import ENGINES, validate_files
from .report import FileSummary, ValidationReport

__all__ = ["ENGINES", "FileSummary", "ValidationReport", "validate_files"]
