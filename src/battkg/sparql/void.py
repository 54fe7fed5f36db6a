"""VoID and DCAT description of the dataset: licence, version, publisher, subsets, distributions.

Served at /.well-known/void (RFC 5785 / VoID 7.2) and when the dataset IRI is dereferenced.
"""

from __future__ import annotations

import pyoxigraph as ox

from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, DCAT, DCTERMS, ESCO, PROV, RDF, SKOS, VOID, XSD

FOAF = "http://xmlns.com/foaf/0.1/"
IANA = "http://www.iana.org/assignments/media-types/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ESCO_RIGHTS = (
    "This service uses the ESCO classification of the European Commission. ESCO is reused "
    "under Commission Decision 2011/833/EU. The curated battkg data is CC BY 4.0."
)
#: The export formats offered as DCAT distributions: (format key, media type, title).
DISTRIBUTIONS = (
    ("turtle", "text/turtle", "Turtle"),
    ("ntriples", "application/n-triples", "N-Triples"),
    ("nquads", "application/n-quads", "N-Quads (with graph names)"),
    ("trig", "application/trig", "TriG (with graph names)"),
    ("rdfxml", "application/rdf+xml", "RDF/XML"),
    ("jsonld", "application/ld+json", "JSON-LD"),
)


def dataset_iri(kg: KnowledgeGraph) -> str:
    return kg.iris.thing("dataset", "battkg")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=_n(datatype)) if datatype else ox.Literal(value)


def describe_dataset(kg: KnowledgeGraph, root: str) -> list[ox.Triple]:
    """The dataset served at `root` (the service's base URL, no trailing slash)."""
    ds = _n(dataset_iri(kg))
    a = _n(RDF + "type")
    sizes = kg.graph_sizes()
    version = kg.version()
    publisher = _n(kg.iris.thing("organization", "battkg"))
    t = [
        ox.Triple(ds, a, _n(VOID + "Dataset")),
        ox.Triple(ds, a, _n(DCAT + "Dataset")),
        ox.Triple(ds, _n(DCTERMS + "title"), _lit("battkg", lang="en")),
        ox.Triple(
            ds,
            _n(DCTERMS + "description"),
            _lit(
                "The Nordic battery industry's job roles, skills, qualifications, courses, "
                "providers, demand and training pathways in Sweden, Finland and Norway, with ESCO.",
                lang="en",
            ),
        ),
        ox.Triple(ds, _n(DCTERMS + "license"), _n(CC_BY)),
        ox.Triple(ds, _n(DCTERMS + "rights"), _lit(ESCO_RIGHTS, lang="en")),
        ox.Triple(ds, _n(DCTERMS + "publisher"), publisher),
        ox.Triple(publisher, a, _n(FOAF + "Organization")),
        ox.Triple(publisher, _n(FOAF + "name"), _lit("battkg developers")),
        ox.Triple(ds, _n(DCAT + "version"), _lit(version)),
        ox.Triple(ds, _n("http://www.w3.org/2002/07/owl#versionInfo"), _lit(version)),
        ox.Triple(ds, _n(DCAT + "keyword"), _lit("battery", lang="en")),
        ox.Triple(ds, _n(DCAT + "keyword"), _lit("skills", lang="en")),
        ox.Triple(
            ds,
            _n(DCAT + "theme"),
            _n("http://publications.europa.eu/resource/authority/data-theme/EDUC"),
        ),
        ox.Triple(
            ds,
            _n(DCTERMS + "spatial"),
            _n("http://publications.europa.eu/resource/authority/country/SWE"),
        ),
        ox.Triple(
            ds,
            _n(DCTERMS + "spatial"),
            _n("http://publications.europa.eu/resource/authority/country/FIN"),
        ),
        ox.Triple(
            ds,
            _n(DCTERMS + "spatial"),
            _n("http://publications.europa.eu/resource/authority/country/NOR"),
        ),
        ox.Triple(ds, _n(VOID + "sparqlEndpoint"), _n(f"{root}/sparql")),
        ox.Triple(ds, _n(VOID + "uriSpace"), _lit(kg.iris.id)),
        ox.Triple(ds, _n(VOID + "triples"), _lit(str(sum(sizes.values())), XSD + "integer")),
        ox.Triple(ds, _n(VOID + "rootResource"), _n(kg.iris.thing("stage", "value-chain"))),
        ox.Triple(
            ds,
            _n(VOID + "exampleResource"),
            _n(kg.iris.thing("role", "mineral-processing-operator")),
        ),
    ]
    t += [ox.Triple(ds, _n(VOID + "vocabulary"), _n(v)) for v in (BKG, SKOS, ESCO, DCTERMS)]
    if kg.iris.esco_graph in sizes:
        t.append(ox.Triple(ds, _n(PROV + "wasDerivedFrom"), _n("http://data.europa.eu/esco/model")))
    for graph, size in sorted(sizes.items()):
        g = _n(graph)
        t += [
            ox.Triple(ds, _n(VOID + "subset"), g),
            ox.Triple(g, a, _n(VOID + "Dataset")),
            ox.Triple(g, _n(VOID + "triples"), _lit(str(size), XSD + "integer")),
            ox.Triple(
                g, _n(DCAT + "distribution"), _n(f"{root}/export?graph={graph}&format=turtle")
            ),
        ]
    for key, media, title in DISTRIBUTIONS:
        dist = _n(f"{root}/export?format={key}")
        t += [
            ox.Triple(ds, _n(DCAT + "distribution"), dist),
            ox.Triple(ds, _n(VOID + "dataDump"), dist),
            ox.Triple(dist, a, _n(DCAT + "Distribution")),
            ox.Triple(dist, _n(DCTERMS + "title"), _lit(f"the whole graph as {title}", lang="en")),
            ox.Triple(dist, _n(DCAT + "downloadURL"), dist),
            ox.Triple(dist, _n(DCAT + "mediaType"), _n(IANA + media)),
            ox.Triple(dist, _n(DCTERMS + "license"), _n(CC_BY)),
        ]
    sssom = _n(f"{root}/export/sssom")
    service = _n(f"{root}/sparql")
    t += [
        ox.Triple(ds, _n(DCAT + "distribution"), sssom),
        ox.Triple(sssom, a, _n(DCAT + "Distribution")),
        ox.Triple(
            sssom, _n(DCTERMS + "title"), _lit("ESCO alignment as an SSSOM mapping set", lang="en")
        ),
        ox.Triple(sssom, _n(DCAT + "downloadURL"), sssom),
        ox.Triple(sssom, _n(DCAT + "mediaType"), _n(IANA + "text/tab-separated-values")),
        ox.Triple(sssom, _n(DCTERMS + "license"), _n(CC_BY)),
        ox.Triple(ds, _n(DCAT + "distribution"), _n(f"{root}/sparql#distribution")),
        ox.Triple(_n(f"{root}/sparql#distribution"), a, _n(DCAT + "Distribution")),
        ox.Triple(_n(f"{root}/sparql#distribution"), _n(DCAT + "accessURL"), service),
        ox.Triple(_n(f"{root}/sparql#distribution"), _n(DCAT + "accessService"), service),
        ox.Triple(service, a, _n(DCAT + "DataService")),
        ox.Triple(service, _n(DCAT + "endpointURL"), service),
        ox.Triple(service, _n(DCAT + "servesDataset"), ds),
        ox.Triple(
            service, _n(DCTERMS + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/")
        ),
    ]
    return t
