"""Partner RDF files, read safely with Oxigraph, and where each statement is in the file.

Nothing is ever fetched or resolved: a JSON-LD remote @context and an RDF/XML
external entity are refused with a clear fault before parsing (Oxigraph would
refuse them too, with a less helpful message); entity expansion and nesting
depth are bounded first (safety.py). Line numbers are exact for
N-Triples and N-Quads and found by a light scan of the text for the other
formats (the statement that starts with the subject, then the property's line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .model import Fault, Location
from .safety import check_json_depth, check_rdfxml
from .statements import Statements

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
TOKEN = re.compile(
    r'<[^>\s]*>|"(?:[^"\\]|\\.)*"|[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][\w.-]*:[^\s;,()\[\]{}]*|:[^\s;,()\[\]{}]*|\S'
)


class RdfReadError(Exception):
    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.message)
        self.fault = fault


def _check_safety(data: bytes, name: str, fmt: str) -> None:
    """Raises SafetyRefusal for a file no parser may see, RdfReadError for what it cannot read."""
    if fmt == "rdfxml":
        check_rdfxml(data, name)
    elif fmt == "jsonld":
        check_json_depth(data, name)
    if fmt == "jsonld":
        try:
            doc = json.loads(data)
        except ValueError as exc:
            where: int | None = getattr(exc, "lineno", None)
            raise RdfReadError(
                Fault(
                    Location(name, line=where),
                    f"the file is not valid JSON: {exc}",
                    f"fix the JSON syntax{f' at line {where}' if where else ''}",
                    "syntax: JSON-LD",
                )
            ) from exc
        remote = _remote_contexts(doc)
        if remote:
            text = data.decode("utf-8", "replace")
            at = next((i for i, ln in enumerate(text.splitlines(), 1) if remote[0] in ln), None)
            raise RdfReadError(
                Fault(
                    Location(name, line=at),
                    f"the JSON-LD refers to a remote @context ({remote[0]}); "
                    "battkg never fetches remote documents",
                    "put the context inline: replace the URL by the context's JSON object",
                    "safety: no remote @context",
                    value=remote[0],
                )
            )


def _remote_contexts(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                items = value if isinstance(value, list) else [value]
                found += [v for v in items if isinstance(v, str)]
                found += [
                    v["@import"]
                    for v in items
                    if isinstance(v, dict) and isinstance(v.get("@import"), str)
                ]
            found += _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += _remote_contexts(item)
    return found


def read_rdf(data: bytes, name: str, fmt: str, base_iri: str) -> tuple[Statements, TextLocator]:
    """All quads of the file; raises RdfReadError naming the line of a syntax error."""
    _check_safety(data, name, fmt)
    parser = ox.parse(data, format=FORMATS[fmt], base_iri=base_iri)
    quads = Statements()
    try:
        for q in parser:  # one at a time into the compact index, never a list of quads
            quads.add(q.subject, q.predicate, q.object, q.graph_name)
        quads.done()
    except SyntaxError as exc:
        line = f" line {exc.lineno}" if exc.lineno else ""
        raise RdfReadError(
            Fault(
                Location(name, line=exc.lineno),
                f"syntax error: {exc.msg}",
                f"fix the syntax at{line or ' the place shown'}; nothing was read from this file",
                f"syntax: {fmt}",
            )
        ) from exc
    prefixes = dict(getattr(parser, "prefixes", {}) or {})
    return quads, TextLocator(name, fmt, data, prefixes)


@dataclass
class TextLocator:
    """Finds the line of a subject, and of one of its properties, in an RDF text."""

    file: str
    fmt: str
    data: bytes
    prefixes: dict[str, str]
    _subjects: dict[str, int] | None = None
    _props: dict[tuple[str, str], int] = field(default_factory=dict)
    _lines: list[str] = field(default_factory=list)

    def locate(self, subject: str, path: str | None) -> Location:
        if self._subjects is None:
            self._scan()
        assert self._subjects is not None
        line = self._props.get((subject, path or "")) if path else None
        if line is None and path and subject in self._subjects:
            line = self._after(self._subjects[subject], path)
        return Location(self.file, line=line or self._subjects.get(subject) or self._find(subject))

    def _expand(self, token: str) -> str | None:
        if token.startswith("<") and token.endswith(">"):
            return token[1:-1]
        prefix, sep, local = token.partition(":")
        if sep and prefix in self.prefixes and not token.startswith('"'):
            return self.prefixes[prefix] + local
        return None

    def _scan(self) -> None:
        text = self.data.decode("utf-8", "replace")
        self._lines = text.splitlines()
        self._subjects = {}
        if self.fmt in ("ntriples", "nquads"):
            for number, line in enumerate(self._lines, 1):
                tokens = TOKEN.findall(line)
                if len(tokens) >= 2 and tokens[0].startswith("<") and tokens[1].startswith("<"):
                    s, p = tokens[0][1:-1], tokens[1][1:-1]
                    self._subjects.setdefault(s, number)
                    self._props.setdefault((s, p), number)
            return
        if self.fmt not in ("turtle", "trig"):
            return
        subject: str | None = None
        expect_subject, expect_predicate = True, False
        for number, line in enumerate(self._lines, 1):
            for token in TOKEN.findall(
                line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            ):
                if token in ("@prefix", "PREFIX", "@base", "BASE", "GRAPH"):
                    expect_subject = False
                    continue
                if token in (".", "{", "}"):
                    expect_subject, expect_predicate = True, False
                    continue
                if token == ";":
                    expect_predicate = True
                    continue
                iri = self._expand(token)
                if expect_subject and iri is not None:
                    subject, expect_subject, expect_predicate = iri, False, True
                    self._subjects.setdefault(iri, number)
                elif expect_predicate and subject is not None:
                    prop = iri or (ox_type if token == "a" else None)
                    if prop:
                        self._props.setdefault((subject, prop), number)
                    expect_predicate = False

    def _after(self, start: int, path: str) -> int | None:
        local = re.split(r"[/#]", path)[-1]
        for number in range(start, min(start + 200, len(self._lines) + 1)):
            if local and local in self._lines[number - 1]:
                return number
        return None

    def _find(self, subject: str) -> int | None:
        local = re.split(r"[/#]", subject.rstrip("/"))[-1]
        for needle in (subject, local):
            for number, line in enumerate(self._lines, 1):
                if needle and needle in line:
                    return number
        return None


ox_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
