"""Checks on a partner RDF file before any parser recurses into it (issue 14, items 1 and 2).

RDF/XML: a pre-pass with expat (C, streaming, no recursion) refuses external and
parameter entities, entities whose value refers to another entity ("billion
laughs"), more than a few hundred declarations, entities that would expand the
document beyond a bound ("quadratic blow-up"), and elements nested deeper than
`MAX_DEPTH`. Flat entities such as `<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">`,
which ontology editors write, stay allowed.

JSON (JSON-LD): brackets nested deeper than `MAX_DEPTH` are refused before the
JSON is parsed, with C-speed passes over the text (no Python recursion).

Each check raises `SafetyRefusal` with the fault to report; the limits are
documented in docs/security.md.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from .model import Fault, Location

#: Deepest nesting of XML elements or JSON arrays and objects accepted.
MAX_DEPTH = 100
#: Most entity declarations in one RDF/XML file.
MAX_ENTITIES = 200
#: Longest value of one entity (characters).
MAX_ENTITY_VALUE = 4_096
#: The text entities may add, beyond the file's own size (bytes).
MAX_EXPANSION = 1024 * 1024

_ENTITY_REF = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_PAIR = re.compile(rb"\[\]|\{\}")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class SafetyRefusal(Exception):
    """A file refused before parsing; `fault` says why, where and how to fix it."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.message)
        self.fault = fault


class _Stop(Exception):
    """Raised from an expat handler to stop the pre-pass at the first refusal."""


def _refuse(name: str, line: int | None, message: str, fix: str, rule: str, value: str) -> None:
    raise SafetyRefusal(Fault(Location(name, line=line), message, fix, rule, value=value[:120]))


def check_rdfxml(data: bytes, name: str) -> None:
    """Refuse dangerous entity declarations and nesting deeper than MAX_DEPTH."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    entities: dict[str, int] = {}
    depth = 0
    refusal: list[tuple[str, str, str, str]] = []

    def stop(message: str, fix: str, rule: str, value: str) -> None:
        refusal.append((message, fix, rule, value))
        raise _Stop

    def entity(
        ent: str,
        is_parameter: int,
        value: str | None,
        _base: str | None,
        system: str | None,
        public: str | None,
        _notation: str | None,
    ) -> None:
        if system is not None or public is not None:
            stop(
                f"the RDF/XML declares an external entity ({ent}); battkg never resolves external entities",
                "remove the <!ENTITY> declaration and write the value out in full",
                "safety: no external entities",
                system or public or ent,
            )
        if is_parameter:
            stop(
                f"the RDF/XML declares a parameter entity (%{ent}); battkg refuses them",
                "remove the <!ENTITY % ...> declaration",
                "safety: no parameter entities",
                ent,
            )
        text = value or ""
        if "&" in text or "<" in text:
            stop(
                f"the entity {ent} refers to other entities or holds markup; "
                "nested entities can expand without bound (the 'billion laughs' attack)",
                "write each entity's value out in full, or drop the DTD and write the IRIs in full",
                "safety: flat entities only",
                ent,
            )
        if len(text) > MAX_ENTITY_VALUE:
            stop(
                f"the entity {ent} is {len(text):,} characters long; the limit is {MAX_ENTITY_VALUE:,}",
                "use entities only to abbreviate namespaces; write long values out",
                "safety: entity size",
                ent,
            )
        entities[ent] = len(text.encode())
        if len(entities) > MAX_ENTITIES:
            stop(
                f"the RDF/XML declares more than {MAX_ENTITIES} entities",
                "use entities only to abbreviate namespaces, or none at all",
                "safety: entity count",
                ent,
            )

    def start(_tag: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth == 1 and entities:  # the DTD is read, nothing is expanded yet
            added = sum(entities.get(m.group(1).decode(), 0) for m in _ENTITY_REF.finditer(data))
            if added > MAX_EXPANSION + len(data):
                stop(
                    f"the entities would expand the file by {added:,} bytes "
                    f"(more than its own size plus {MAX_EXPANSION // 1024:,} KiB)",
                    "write the values out in full instead of repeating a long entity",
                    "safety: entity expansion",
                    f"{added} bytes",
                )
        if depth > MAX_DEPTH:
            stop(
                f"the XML elements are nested more than {MAX_DEPTH} levels deep",
                f"flatten the description: give nested resources an rdf:about or rdf:nodeID "
                f"and describe them at the top level (at most {MAX_DEPTH} levels)",
                "safety: nesting depth",
                f"depth {depth}",
            )

    def end(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    def no_external(*_args: object) -> int:
        stop(
            "the RDF/XML refers to an external DTD or entity; battkg never resolves them",
            "remove the reference to the external document",
            "safety: no external entities",
            "external DTD",
        )
        return 0

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.ExternalEntityRefHandler = no_external
    try:
        parser.Parse(data, True)
    except _Stop:
        message, fix, rule, value = refusal[0]
        _refuse(name, parser.CurrentLineNumber, message, fix, rule, value)
    except expat.ExpatError:
        return  # a syntax error: the RDF/XML parser reports it with its own message


def _json_too_deep(data: bytes) -> bool:
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    if b"[" * (MAX_DEPTH + 1) in brackets or b"{" * (MAX_DEPTH + 1) in brackets:
        return True
    for _ in range(MAX_DEPTH):  # each pass removes the innermost level
        if not brackets:
            return False
        shorter = _JSON_PAIR.sub(b"", brackets)
        if len(shorter) == len(brackets):
            return False  # unbalanced: a syntax error the JSON parser reports
        brackets = shorter
    return bool(_JSON_PAIR.search(brackets))


def check_json_depth(data: bytes, name: str) -> None:
    """Refuse JSON whose arrays and objects nest deeper than MAX_DEPTH."""
    if _json_too_deep(data):
        _refuse(
            name,
            None,
            f"the JSON arrays and objects are nested more than {MAX_DEPTH} levels deep",
            f"flatten the document (at most {MAX_DEPTH} levels): give nested nodes an @id "
            "and list them in @graph",
            "safety: nesting depth",
            f"deeper than {MAX_DEPTH}",
        )
