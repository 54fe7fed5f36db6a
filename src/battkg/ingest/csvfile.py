"""Partner CSV files: encoding and separator sniffing, then one RDF thing per row.

UTF-8 with or without a byte-order mark; comma, semicolon or tab separated (the
separator is the one the header row uses most). The header row names the
template's columns; a cell may hold several values separated by `|`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from battkg.formulas import is_formula
from battkg.namespaces import RDF, RDFS, Iris

from .convert import CellError, convert_cell, reference
from .model import Fault, Location
from .statements import Statements, Term
from .templates import MULTI_SEPARATOR, TEMPLATES, Template

SEPARATORS = (",", ";", "\t")
#: one line with its ending (\r\n, \n or \r), as a file opened with newline="" gives them
LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
TYPE = ox.NamedNode(RDF + "type")
REQUIREMENT_CLASS = "https://w3id.org/battkg/ontology#EntryRequirement"
ENTRY_PROP = "https://w3id.org/battkg/ontology#entryRequirement"
SAVE_AS_UTF8 = (
    "save the file as UTF-8 (Excel: File > Save As > 'CSV UTF-8'; LibreOffice: "
    "character set 'Unicode (UTF-8)')"
)


@dataclass
class CsvLocator:
    """The row of each subject (the header is row 1, as spreadsheets count) and each column."""

    file: str
    template: Template
    #: keyed by the subjects' own terms (the ones the file's statements hold), not their text
    rows: dict[Term, int] = field(default_factory=dict)
    requirements: set[Term] = field(default_factory=set)

    def locate(self, subject: str, path: str | None) -> Location:
        try:
            node: Term = ox.NamedNode(subject)
        except ValueError:
            node = ox.Literal(subject)  # not an IRI: no row
        row = self.rows.get(node)
        column = None
        is_requirement = node in self.requirements
        if path is not None:
            column = self.template.column_for(path, is_requirement)
        if column is None and (path == ENTRY_PROP or (path is None and is_requirement)):
            column = "entry_*"
        return Location(self.file, row=row, column=column)


class CsvReadError(Exception):
    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.message)
        self.fault = fault


def decode(data: bytes, name: str) -> str:
    """The text of a UTF-8 file (a BOM is dropped); a clear fault for any other encoding."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvReadError(
            Fault(
                Location(name, line=line),
                f"the file is not UTF-8: byte 0x{data[exc.start]:02X} on line {line} "
                "cannot be read "
                "(the file is probably saved as Windows-1252 or ISO-8859-1)",
                SAVE_AS_UTF8,
                "encoding: UTF-8",
                value=repr(data[max(0, exc.start - 10) : exc.start + 10])[2:-1],
            )
        ) from exc
    if "\x00" in text:
        raise CsvReadError(
            Fault(
                Location(name),
                "the file holds NUL characters: it is not a text CSV file (UTF-16?)",
                SAVE_AS_UTF8,
                "encoding: UTF-8",
            )
        )
    return text


def sniff_separator(header: str) -> str:
    counts = {sep: _count_outside_quotes(header, sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def guess_template(name: str, header: list[str]) -> Template | None:
    lowered = name.lower()
    for kind, template in TEMPLATES.items():
        if kind in lowered or kind.rstrip("s") in lowered.rsplit("/", 1)[-1]:
            return template
    scores = {k: len(set(header) & set(t.by_name)) for k, t in TEMPLATES.items()}
    best = max(scores, key=lambda k: scores[k])
    return TEMPLATES[best] if scores[best] >= 3 else None


def _header_name(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_").replace("-", "_")


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` one at a time (io.StringIO would hold 4 bytes per character)."""
    for match in LINE.finditer(text):
        yield match.group()


def read_csv(
    data: bytes, name: str, iris: Iris, kind: str | None = None
) -> tuple[Statements, list[Fault], CsvLocator | None, frozenset[str]]:
    """Quads, faults, locator and the properties whose columns are missing. Raises CsvReadError."""
    text = decode(data, name)
    if not text.strip():
        raise CsvReadError(
            Fault(
                Location(name),
                "the file is empty",
                "fill in the template: the header row, then one row per thing",
                "csv: not empty",
            )
        )
    first = LINE.match(text)
    first_line = (first.group().splitlines() or [""])[0] if first else ""
    separator = sniff_separator(first_line)
    rows = csv.reader(_lines(text), delimiter=separator)
    header = [_header_name(c) for c in next(rows)]
    template = TEMPLATES.get(kind or "") or guess_template(name, header)
    if template is None:
        raise CsvReadError(
            Fault(
                Location(name, row=1),
                "cannot tell which template this file follows",
                "name the file courses.csv, providers.csv, roles.csv or demand.csv, "
                "or start it with the template's header row (see docs/partner-data.md)",
                "csv: template",
                value=first_line[:120],
            )
        )
    faults = _header_faults(name, header, template, first_line)
    if "id" not in header:
        raise CsvReadError(faults[0])
    missing = frozenset(
        template.by_name[c].prop
        for c in template.by_name
        if c not in header and template.by_name[c].required
    )
    locator = CsvLocator(name, template)
    quads = Statements()
    seen: dict[str, int] = {}
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        count += 1
        for s, p, o in _row(name, number, header, cells, template, iris, locator, seen, faults):
            quads.add(s, p, o)
    if count == 0:
        faults.append(
            Fault(
                Location(name, row=2),
                "the file has a header row but no data rows",
                "add one row per thing under the header row",
                "csv: rows",
            )
        )
    return quads.done(), faults, locator, missing


def _header_faults(
    name: str, header: list[str], template: Template, first_line: str
) -> list[Fault]:
    faults: list[Fault] = []
    known = template.by_name
    if "id" not in header:
        faults.append(
            Fault(
                Location(name, row=1),
                f"the first row is not the {template.kind} header row: it has no id column",
                f"make row 1 the header row of the {template.kind} template: {', '.join(known)}",
                "csv: header",
                value=first_line[:120],
            )
        )
        return faults
    for i, col in enumerate(header):
        if col not in known:
            faults.append(
                Fault(
                    Location(name, row=1, column=col or f"#{i + 1}"),
                    f"column {col!r} is not part of the {template.kind} template; "
                    "its values would be lost",
                    f"rename it to one of the template's columns ({', '.join(known)}) or remove it",
                    "csv: known columns",
                    value=col,
                )
            )
        elif header.count(col) > 1 and header.index(col) == i:
            faults.append(
                Fault(
                    Location(name, row=1, column=col),
                    f"column {col!r} appears more than once",
                    "keep one column of each name; put several values in one cell separated by |",
                    "csv: unique columns",
                    value=col,
                )
            )
    for column in known.values():
        if column.required and column.name not in header:
            faults.append(
                Fault(
                    Location(name, row=1, column=column.name),
                    f"the required column {column.name!r} is missing",
                    f"add a column {column.name!r} ({column.help or 'see docs/partner-data.md'})",
                    "csv: required columns",
                )
            )
    if any(c.startswith("name_") for c in known) and not any(c.startswith("name_") for c in header):
        faults.append(
            Fault(
                Location(name, row=1, column="name_en"),
                "there is no name column",
                "add at least one of name_en, name_sv, name_fi, name_nb",
                "csv: required columns",
            )
        )
    return faults


def _row(
    name: str,
    number: int,
    header: list[str],
    cells: list[str],
    template: Template,
    iris: Iris,
    locator: CsvLocator,
    seen: dict[str, int],
    faults: list[Fault],
) -> Iterator[tuple[Term, ox.NamedNode, Term]]:
    if len(cells) != len(header):
        faults.append(
            Fault(
                Location(name, row=number),
                f"the row has {len(cells)} cells but the header has {len(header)} columns",
                "check for a separator inside a value (put such values in double quotes) "
                "or a missing cell; every row needs one cell per column",
                "csv: cells per row",
            )
        )
    values = dict(zip(header, (c.strip() for c in cells), strict=False))
    ident = values.get("id", "")
    try:
        subject = reference(template.id_kind, ident, iris) if ident else None
    except CellError as exc:
        subject = None
        faults.append(
            Fault(
                Location(name, row=number, column="id"),
                f"the id {ident!r} is {exc}",
                "use lower-case letters, digits and hyphens, e.g. ltu-battery-operator",
                "csv: id",
                value=ident,
            )
        )
    if subject is None:
        if not ident:
            faults.append(
                Fault(
                    Location(name, row=number, column="id"),
                    "the row has no id",
                    "give every row a unique id",
                    "csv: id",
                )
            )
        return
    if ident in seen:
        faults.append(
            Fault(
                Location(name, row=number, column="id"),
                f"the id {ident!r} is already used on row {seen[ident]}",
                "give every row its own id",
                "unique identifiers",
                value=ident,
                focus=subject.value,
            )
        )
        return
    seen[ident] = number
    locator.rows[subject] = number
    yield subject, TYPE, ox.NamedNode(template.cls)
    requirement = None
    if template.requirement_prefix is not None:
        requirement = ox.NamedNode(iris.thing("requirement", template.requirement_prefix + ident))
        locator.rows[requirement] = number
        locator.requirements.add(requirement)
        yield subject, ox.NamedNode(ENTRY_PROP), requirement
        yield requirement, TYPE, ox.NamedNode(REQUIREMENT_CLASS)
        yield (
            requirement,
            ox.NamedNode(RDFS + "label"),
            ox.Literal(f"Entry requirement of {ident}", language="en"),
        )
    known = template.by_name
    for col_name, raw in values.items():
        column = known.get(col_name)
        if column is None or column.name == "id" or not raw:
            continue
        parts = [p.strip() for p in raw.split(MULTI_SEPARATOR)] if column.multi else [raw]
        node = requirement if column.on_requirement and requirement is not None else subject
        for part in parts:
            if not part:
                continue
            try:
                term = convert_cell(column.convert, part, iris)
            except CellError as exc:
                faults.append(
                    Fault(
                        Location(name, row=number, column=column.name),
                        f"{part!r} is {exc}",
                        f"give {column.help or column.name}",
                        f"csv: {column.convert}",
                        value=part,
                        focus=subject.value,
                        path=column.prop,
                    )
                )
                continue
            if is_formula(part, term):
                faults.append(_formula_fault(name, number, column.name, part, subject, column.prop))
                continue
            yield node, ox.NamedNode(column.prop), term


def _formula_fault(
    name: str, row: int, column: str, value: str, subject: ox.NamedNode, prop: str
) -> Fault:
    """A cell a spreadsheet would run as a formula (CSV injection)."""
    return Fault(
        Location(name, row=row, column=column),
        f"{value!r} starts with {value[0]!r}, which makes spreadsheets run it as a formula",
        "remove the leading character or start the text with a letter or digit; "
        "values may not start with = + - @",
        "csv: no formulas",
        value=value,
        focus=subject.value,
        path=prop,
    )
