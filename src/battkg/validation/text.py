"""Words for validation faults: what is wrong and how to fix it, from the shape's name and description."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import Iris
from .engine import DataGraph, Result, Shape, ShapesGraph, Term

if TYPE_CHECKING:
    from .report import ValidationReport


def shown(term: Term | None, csv: bool, iris: Iris) -> str:
    """A value as the partner wrote it: the id for battkg IRIs in CSV files, else the term's text."""
    if term is None:
        return "(empty)"
    if isinstance(term, ox.NamedNode):
        return term.value.rsplit("/", 1)[-1] if csv else term.value
    return term.value if isinstance(term, ox.Literal) else str(term)


PROBLEMS = {
    "minInclusive": "is out of range",
    "minExclusive": "is out of range",
    "maxInclusive": "is out of range",
    "maxExclusive": "is out of range",
    "in": "is not one of the allowed values",
    "pattern": "does not have the expected form",
    "node": "is not a known code",
    "nodeKind": "is not an IRI",
}


def fault_text(
    r: Result, shape: Shape | None, shapes: ShapesGraph, data: DataGraph, *, csv: bool, iris: Iris
) -> tuple[str, str]:
    name = (shape.name if shape else None) or (
        r.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if r.path else "value"
    )
    want = (shape.description if shape else None) or "a value the shape accepts"
    value = repr(shown(r.value, csv, iris))
    c = r.component
    if c == "minCount":
        message = (
            f"the {name} is missing"
            if r.param == "1"
            else f"the {name} needs at least {r.param} values"
        )
        fix = f"add the {name}: {want}"
    elif c == "maxCount":
        message = f"the {name} has more than {r.param} value(s)"
        fix = f"keep {r.param} {name} only"
    elif c == "class":
        exists = r.value in data.types or r.value in data.context_types
        label = shapes.label(ox.NamedNode(r.param)) if r.param.startswith("http") else None
        what = label or r.param.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or "thing of the right kind"
        message = (
            f"the {name} {value} is not a {what}" if exists
            else f"the {name} {value} does not exist in the file or in battkg"
        )  # fmt: skip
        fix = f"give {want}"
    elif c == "datatype":
        message = f"the {name} {value} is not written in the right form"
        fix = f"write the {name} as {want}"
    elif c == "uniqueLang":
        message = f"the {name} has more than one value in language {r.param!r}"
        fix = f"give one {name} per language"
    elif c == "lessThanOrEquals":
        message = f"the {name} {value} is greater than the upper bound"
        fix = f"make the {name} {want}"
    elif c == "hasValue" and r.value is None:
        message = f"the {name} must be {r.param}"
        fix = want
    else:
        problem = PROBLEMS.get(c, "is not valid")
        message = (
            f"the {name} {value} {problem}" if r.value is not None else f"the {name} {problem}"
        )
        fix = f"give {want}"
    if r.path is None:
        fix = want
    if r.message:
        message = r.message + (f" (value {value})" if r.value is not None and r.path else "")
    return message, fix


def report_text(report: ValidationReport, limit: int | None = None) -> str:
    lines: list[str] = []
    for fault in report.faults[:limit]:
        where = str(fault.location)
        if fault.path and fault.location.row is None:
            where += f", property {_local(fault.path)}"
        lines.append(f"{where}: {fault.severity}: {fault.message}")
        if fault.value is not None:
            lines.append(f"    value: {fault.value}")
        lines.append(f"    rule:  {fault.rule}")
        lines.append(f"    fix:   {fault.fix}")
    if limit is not None and len(report.faults) > limit:
        lines.append(f"... and {len(report.faults) - limit} more fault(s)")
    lines += [f"note: {n}" for n in report.notices]
    verdict = report.verdict
    lines.append(
        f"{len(report.files)} file(s), {report.things:,} thing(s), {len(report.faults)} fault(s): {verdict}"
    )
    return "\n".join(lines)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
