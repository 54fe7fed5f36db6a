"""The DCAT description of the ELM dataset: what a Europass QDR registration asks for."""

from __future__ import annotations

import pyoxigraph as ox

from .export import ElmExport

DCAT = "http://www.w3.org/ns/dcat#"
DC = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
BKG = "https://w3id.org/battkg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: battkg rebuilds the export whenever its data changes: no fixed rhythm (EU frequency table).
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/IRREG"
LOQ = "http://data.europa.eu/snb/model/ap/loq-constraints"
COUNTRIES = ("SWE", "FIN", "NOR")
MEDIA = {"turtle": "text/turtle", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}


def dcat_description(
    export: ElmExport, *, root: str, version: str, modified: str | None
) -> list[ox.Triple]:
    """Dataset, distributions, publisher, licence, frequency, and every item left out and why."""
    n = ox.NamedNode
    dataset = n(f"{root}/export/elm#dataset")
    publisher = n(f"{root}/export/elm#publisher")
    en = "en"
    out = [
        ox.Triple(dataset, RDF_TYPE, n(DCAT + "Dataset")),
        ox.Triple(
            dataset,
            n(DC + "title"),
            ox.Literal("battkg: Nordic battery-industry training offer (ELM v3)", language=en),
        ),
        ox.Triple(
            dataset,
            n(DC + "description"),
            ox.Literal(
                "Learning opportunities, their learning achievement specifications and providers "
                "for battery-industry jobs in Sweden, Finland and Norway, in the European Learning "
                f"Model v3 and validated against the LOQ application profile. {export.count('LearningOpportunity')} "
                f"learning opportunities; {len(export.left_out)} items left out because a fact LOQ "
                "requires is not known (listed with bkg:leftOut).",
                language=en,
            ),
        ),
        ox.Triple(dataset, n(DC + "publisher"), publisher),
        ox.Triple(publisher, RDF_TYPE, n(FOAF + "Agent")),
        ox.Triple(publisher, n(FOAF + "name"), ox.Literal("battkg")),
        ox.Triple(dataset, n(DC + "license"), n(LICENCE)),
        ox.Triple(dataset, n(DC + "accrualPeriodicity"), n(FREQUENCY)),
        ox.Triple(dataset, n(DC + "conformsTo"), n(LOQ)),
        ox.Triple(dataset, n("http://www.w3.org/2002/07/owl#versionInfo"), ox.Literal(version)),
    ]
    if modified:
        out.append(
            ox.Triple(
                dataset,
                n(DC + "modified"),
                ox.Literal(modified, datatype=n("http://www.w3.org/2001/XMLSchema#dateTime")),
            )
        )
    for code in COUNTRIES:
        out.append(
            ox.Triple(
                dataset,
                n(DC + "spatial"),
                n("http://publications.europa.eu/resource/authority/country/" + code),
            )
        )
    for fmt, media in MEDIA.items():
        dist = n(f"{root}/export/elm#distribution-{fmt}")
        out += [
            ox.Triple(dataset, n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCAT + "downloadURL"), n(f"{root}/export/elm?format={fmt}")),
            ox.Triple(
                dist,
                n(DCAT + "mediaType"),
                n("https://www.iana.org/assignments/media-types/" + media),
            ),
            ox.Triple(dist, n(DC + "license"), n(LICENCE)),
        ]
    for i, entry in enumerate(export.left_out):
        note = ox.BlankNode(f"leftout{i}")
        out += [
            ox.Triple(dataset, n(BKG + "leftOut"), note),
            ox.Triple(note, n(BKG + "leftOutItem"), n(entry.item)),
            ox.Triple(
                note,
                n(SKOS + "note"),
                ox.Literal(
                    f"{entry.kind} left out: it lacks " + "; ".join(entry.missing), language=en
                ),
            ),
        ]
    return out
