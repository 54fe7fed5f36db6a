"""The media types a route answers 200 with, written into its OpenAPI responses."""

from __future__ import annotations

from typing import Any

from battkg.export import FORMATS
from battkg.sparql.negotiation import CONTENT_TYPES

#: RDF graphs (CONSTRUCT, DESCRIBE, service descriptions, linked data) and pages
RDF = ("turtle", "ntriples", "rdfxml", "jsonld")
#: SPARQL results (SELECT, ASK)
RESULTS = ("json", "xml", "csv", "tsv")


def ok(*media_types: str, description: str = "the answer") -> dict[int | str, dict[str, Any]]:
    """`responses=` for a 200 in each of `media_types` (names from CONTENT_TYPES, or types)."""
    types = [CONTENT_TYPES.get(m, m).split(";")[0] for m in media_types]
    content = {t: {"schema": {} if t.endswith("json") else {"type": "string"}} for t in types}
    return {200: {"description": description, "content": content}}


def export_types() -> tuple[str, ...]:
    """Every export format's media type."""
    return tuple(f.media_type for f in FORMATS.values())
