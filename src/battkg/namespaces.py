"""Namespaces and the IRIs battkg mints (instances and graphs), from the base IRI."""

from __future__ import annotations

import re
from dataclasses import dataclass

BKG = "https://w3id.org/battkg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/battkg/ontology"
ESCO = "http://data.europa.eu/esco/model#"
ELM = "http://data.europa.eu/snb/model/elm/"
EQF = "http://data.europa.eu/snb/eqf/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
ISOTHES = "http://purl.org/iso25964/skos-thes#"
SH = "http://www.w3.org/ns/shacl#"

#: The base IRI the curated files in data/ are written with.
DEFAULT_BASE = "https://w3id.org/battkg"

PREFIXES: dict[str, str] = {
    "bkg": BKG,
    "esco": ESCO,
    "elm": ELM,
    "eqf": EQF,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "prov": PROV,
    "void": VOID,
    "dcat": DCAT,
}


@dataclass(frozen=True)
class Iris:
    """The IRIs minted under one base: instances under /id/, graphs under /graph/."""

    base: str = DEFAULT_BASE

    @property
    def id(self) -> str:
        return f"{self.base}/id/"

    def thing(self, kind: str, slug: str) -> str:
        return f"{self.base}/id/{kind}/{slug}"

    def graph(self, *parts: str) -> str:
        return f"{self.base}/graph/" + "/".join(parts)

    @property
    def meta_graph(self) -> str:
        return self.graph("meta")

    @property
    def inferred_graph(self) -> str:
        return self.graph("inferred")

    @property
    def datasets_inferred_graph(self) -> str:
        return self.graph("inferred", "datasets")

    @property
    def esco_graph(self) -> str:
        return self.graph("esco")

    def ontology_graph(self, stem: str) -> str:
        return self.graph("ontology", stem)

    def data_graph(self, stem: str) -> str:
        return self.graph("data", stem)

    def dataset_graph(self, name: str) -> str:
        return self.graph("dataset", name)

    def rebase(self, iri: str) -> str:
        """Map an IRI written with the default base onto this base."""
        if self.base != DEFAULT_BASE and iri.startswith(_REBASED):
            return self.base + iri[len(DEFAULT_BASE) :]
        return iri


_REBASED = (DEFAULT_BASE + "/id/", DEFAULT_BASE + "/graph/")


_PLAIN_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def shorten(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """The one IRI shortener: `prefix:local` for the longest namespace of `prefixes` (default
    PREFIXES) that covers `iri` with a plain local name; else the IRI itself."""
    best = ""
    chosen = ""
    for prefix, namespace in (PREFIXES if prefixes is None else prefixes).items():
        local = iri[len(namespace) :]
        if len(namespace) > len(best) and iri.startswith(namespace) and _PLAIN_LOCAL.match(local):
            best, chosen = namespace, prefix
    return f"{chosen}:{iri[len(best) :]}" if best else iri
