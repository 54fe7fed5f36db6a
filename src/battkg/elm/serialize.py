"""Write an ELM export as Turtle, RDF/XML or compact JSON-LD with battkg's ELM context."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from .. import jsonld
from ..errors import UsageError

#: The prefixes of the ELM view; /context-elm.jsonld publishes them as the JSON-LD context.
ELM_PREFIXES: dict[str, str] = {
    "elm": "http://data.europa.eu/snb/model/elm/",
    "dc": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rov": "http://www.w3.org/ns/regorg#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "adms": "http://www.w3.org/ns/adms#",
    "eqf": "http://data.europa.eu/snb/eqf/",
    "isced": "http://data.europa.eu/snb/isced-f/",
    "lang": "http://publications.europa.eu/resource/authority/language/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "nuts": "http://data.europa.eu/nuts/code/",
    "esco": "http://data.europa.eu/esco/skill/",
}
FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("application/ld+json", None),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
}
_ALIASES = {
    "ttl": "turtle",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "json-ld": "jsonld",
    "nt": "ntriples",
}


def elm_format(name: str) -> str:
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise UsageError(
            f"the ELM export has no format {name!r}",
            fix=f"choose one of {', '.join(FORMATS)}",
        )
    return key


def elm_context() -> dict[str, object]:
    """The JSON-LD context document of the ELM export (served at /context-elm.jsonld)."""
    return {"@context": dict(ELM_PREFIXES)}


def write(triples: list[ox.Triple], out: IO[bytes], fmt: str) -> None:
    """Write the (sorted) triples; JSON-LD embeds the context that /context-elm.jsonld serves."""
    rdf = FORMATS[elm_format(fmt)][1]
    if rdf is None:
        jsonld.write_graph(triples, out, ELM_PREFIXES)
        return
    prefixes = None if rdf is ox.RdfFormat.N_TRIPLES else ELM_PREFIXES
    ox.serialize(triples, out, rdf, prefixes=prefixes)
