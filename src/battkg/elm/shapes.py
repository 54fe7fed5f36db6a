"""The official LOQ shapes (ELM v3), read from the configured folder, made runnable in Python.

The shapes are not copied into battkg: they are read from `BATTKG_ELM_DIR` (default
../shared/elm when it exists), like the ESCO zips. Two of their URL patterns are written in Java's
regular-expression dialect, which Python's `re` (and so pyshacl) cannot compile: a `(?i)` flag
after the `^` anchor, and character-class unions with Unicode property classes
(`[%[\\p{L}\\p{Nl}\\p{Nd}]]`). `loq_shapes` rewrites exactly those fragments into the same test in
Python's dialect (the flag becomes `sh:flags "i"`; the union becomes `[%\\w]`, which in Unicode mode
matches letters, letter numbers and digits, and also `_`) and fails loudly if the official text
changes, so the rewrite can never silently drift.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from ..errors import UsageError

SHAPE_FILES = ("LOQ-constraints.ttl", "LOQ-constraints-mdr.ttl")
_JAVA_FRAGMENTS = {
    r"\[[[A-Fa-f0-9]\:\.]*[%[\p{L}\p{Nl}\p{Nd}]]*\]": r"\[[A-Fa-f0-9:.]*[%\w]*\]",
}
_CASE_FLAG = "^(?i)"


def python_pattern(pattern: str) -> tuple[str, str | None]:
    """The Python form of one LOQ pattern, and the sh:flags it needs (None: keep the shape's)."""
    flags = None
    if pattern.startswith(_CASE_FLAG):
        pattern = "^" + pattern[len(_CASE_FLAG) :]
        flags = "i"
    for java, python in _JAVA_FRAGMENTS.items():
        pattern = pattern.replace(java, python)
    if r"\p{" in pattern or "(?i)" in pattern:
        raise UsageError(
            f"a LOQ shape uses a regular expression battkg cannot translate: {pattern[:80]}",
            fix="update battkg.elm.shapes for the new version of the LOQ shapes",
        )
    return pattern, flags


def require_elm_dir(folder: Path | None) -> Path:
    if folder is None or not all((folder / name).is_file() for name in SHAPE_FILES):
        raise UsageError(
            f"the official ELM LOQ shapes are not in {folder or '(no folder configured)'}",
            fix="set BATTKG_ELM_DIR to a folder holding " + " and ".join(SHAPE_FILES),
        )
    return folder


@lru_cache(maxsize=2)
def loq_shapes(folder: Path) -> rdflib.Graph:
    """Both LOQ shape files as one graph, with the Java-only patterns rewritten (see above)."""
    graph = rdflib.Graph()
    for name in SHAPE_FILES:
        graph.parse(require_elm_dir(folder) / name, format="turtle")
    for node, pattern in list(graph.subject_objects(SH.pattern)):
        fixed, flags = python_pattern(str(pattern))
        if fixed != str(pattern):
            graph.set((node, SH.pattern, rdflib.Literal(fixed)))
        if flags is not None:
            graph.set((node, SH.flags, rdflib.Literal(flags)))
    return graph
