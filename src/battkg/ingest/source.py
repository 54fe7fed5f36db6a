"""Trusted source files (ontology/, data/, shapes/) into quads, moved onto the configured base IRI.

Partner files go through `read_partner_file` instead, which never raises and
explains every fault; these files belong to the project, so a syntax error
stops the build with an `InputError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from battkg.errors import InputError
from battkg.namespaces import Iris


def parse_file(
    path: Path, graph: ox.NamedNode, iris: Iris, fmt: ox.RdfFormat | None = None
) -> Iterator[ox.Quad]:
    """The triples of an RDF file, in `graph`, with IRIs moved onto the configured base."""
    fmt = fmt or ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    rebase = iris.rebase if iris.base != Iris().base else None
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            s, p, o = quad.subject, quad.predicate, quad.object
            if rebase is not None:
                s, o = _rebased(s, rebase), _rebased(o, rebase)
            yield ox.Quad(s, p, o, graph)
    except SyntaxError as exc:
        line = f" line {exc.lineno}" if exc.lineno else ""
        raise InputError(
            f"{path}:{line.strip() or '?'}: {exc.msg}",
            fix=f"fix the {fmt.name} syntax at{line} of {path.name}; nothing was stored",
            details={"file": str(path), "line": exc.lineno, "column": exc.offset},
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _rebased(term: ox.NamedNode | ox.BlankNode | ox.Literal, rebase: Callable[[str], str]):  # type: ignore[no-untyped-def]
    return ox.NamedNode(rebase(term.value)) if isinstance(term, ox.NamedNode) else term
