"""ESCO skill labels in sv, fi and nb: battkg's translations in their own graph, and ESCO's
own per-language files replacing them where ESCO has a label (one prefLabel per language)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyoxigraph as ox

from battkg.esco import find_esco, official_labels, read_esco
from battkg.kg import KnowledgeGraph

from .conftest import make_settings
from .test_esco import _zips

ASSEMBLE = "http://data.europa.eu/esco/skill/42f92768-cc76-488d-a721-e90c59ccaade"
OURS = "https://w3id.org/battkg/graph/data/translations-esco-skills"
HEADER = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description\n"
)
OCC_HEADER = (
    "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
    "regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
)


def _language_zip(folder: Path, code: str, label: str) -> None:
    with zipfile.ZipFile(folder / f"esco_v1.1.1_classification_{code}_csv.zip", "w") as z:
        z.writestr(
            f"skills_{code}.csv",
            HEADER
            + f'KnowledgeSkillCompetence,{ASSEMBLE},skill/competence,sector-specific,{label},"{label} 2",,released,,,,,\n',
        )
        z.writestr(f"occupations_{code}.csv", OCC_HEADER)


def test_language_files_give_escos_own_labels_norwegian_as_nb(tmp_path: Path) -> None:
    _zips(tmp_path)
    _language_zip(tmp_path, "sv", "ESCO:s montera batterier")
    _language_zip(tmp_path, "no", "ESCO:s montere batterier")
    source = find_esco(tmp_path)
    assert source is not None and [c for c, _ in source.translations] == ["sv", "no"]
    store = ox.Store()
    store.extend(read_esco(source, ox.NamedNode("urn:g")))
    labels = {
        (q.object.value, q.object.language)
        for q in store.quads_for_pattern(
            ox.NamedNode(ASSEMBLE),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            None,
            None,
        )
        if isinstance(q.object, ox.Literal)
    }
    assert labels == {("ESCO:s montera batterier", "sv"), ("ESCO:s montere batterier", "nb")}
    assert official_labels(source) == {(ASSEMBLE, "sv"), (ASSEMBLE, "nb")}


def _pref_labels(kg: KnowledgeGraph, iri: str, lang: str) -> set[tuple[str, str]]:
    rows = kg.select(
        "SELECT ?s ?lang ?label ?g WHERE { GRAPH ?g { ?s skos:prefLabel ?label } FILTER(LANG(?label) = ?lang) }",
        s=ox.NamedNode(iri),
        lang=ox.Literal(lang),
    )
    return {(r["label"].value, r["g"].value) for r in rows}


def test_escos_label_replaces_battkgs_translation_in_that_language_only(tmp_path: Path) -> None:
    esco = tmp_path / "esco"
    esco.mkdir()
    _zips(esco)
    _language_zip(esco, "sv", "ESCO:s montera batterier")
    kg = KnowledgeGraph(make_settings(tmp_path / "store", esco_dir=esco))
    kg.build()
    sv = _pref_labels(kg, ASSEMBLE, "sv")
    assert {label for label, _ in sv} == {"ESCO:s montera batterier"}
    assert all(graph != OURS for _, graph in sv)
    assert _pref_labels(kg, ASSEMBLE, "fi") == {("koota akkuja", OURS)}
    assert _pref_labels(kg, ASSEMBLE, "nb") == {("montere batterier", OURS)}


def test_every_essential_esco_skill_has_a_label_in_sv_fi_and_nb(
    curated_kg: KnowledgeGraph,
) -> None:
    rows = curated_kg.select(
        """SELECT DISTINCT ?skill ?lang WHERE {
             ?role a bkg:JobRole ; bkg:essentialSkill ?skill .
             FILTER(STRSTARTS(STR(?skill), "http://data.europa.eu/esco/skill/"))
             VALUES ?lang { "sv" "fi" "nb" }
             FILTER NOT EXISTS { ?skill skos:prefLabel ?l FILTER(LANG(?l) = ?lang) }
           }"""
    )
    assert [(r["skill"].value, r["lang"].value) for r in rows] == []
    counts = curated_kg.select(
        """SELECT ?skill (COUNT(?l) AS ?n) WHERE {
             GRAPH <https://w3id.org/battkg/graph/data/translations-esco-skills> {
               ?skill skos:prefLabel ?l }
           } GROUP BY ?skill HAVING (COUNT(?l) != 3)"""
    )
    assert counts == []  # one label per language
