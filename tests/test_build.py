"""The build: one named graph per input with provenance, no-op rebuilds, and bad input that changes nothing."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.errors import InputError, StoreError
from battkg.kg import KnowledgeGraph
from battkg.namespaces import BKG, PROV
from battkg.settings import PROJECT_ROOT, Settings

from .conftest import ESCO_DIR


def _home(tmp_path: Path) -> Path:
    """A private copy of ontology/ and data/ that a test may break."""
    home = tmp_path / "home"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(PROJECT_ROOT / folder, home / folder)
    return home


def _kg(tmp_path: Path, home: Path, esco: Path | None = None) -> KnowledgeGraph:
    env = {
        "BATTKG_STORE": str(tmp_path / "store"),
        "BATTKG_HOME": str(home),
        "BATTKG_ESCO_DIR": str(esco or ""),
    }
    return KnowledgeGraph(Settings.from_env(env))


def test_each_input_is_a_named_graph_with_its_provenance(curated_kg: KnowledgeGraph) -> None:
    sizes = curated_kg.graph_sizes()
    iris = curated_kg.iris
    for path in sorted((PROJECT_ROOT / "data").glob("*.ttl")):
        assert sizes[iris.data_graph(path.stem)] > 0
    assert sizes[iris.ontology_graph("battkg")] > 0
    assert sizes[iris.inferred_graph] > 0
    rows = curated_kg.select(
        f"SELECT ?g ?sha ?t ?file WHERE {{ GRAPH <{iris.meta_graph}> {{ ?g <{BKG}sha256> ?sha ; "
        f"<{PROV}generatedAtTime> ?t . OPTIONAL {{ ?g <{BKG}sourceFile> ?file }} }} }}"
    )
    recorded = {r["g"].value: r for r in rows}
    roles = recorded[iris.data_graph("roles")]
    assert roles["file"].value == "data/roles.ttl"
    assert len(roles["sha"].value) == 64
    assert set(recorded) >= {g for g in sizes if g != iris.meta_graph}


def test_union_default_graph_sees_every_graph(curated_kg: KnowledgeGraph) -> None:
    rows = curated_kg.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{BKG}JobRole> ; a <https://schema.org/Occupation> }}"
    )
    assert (
        int(rows[0]["n"].value) >= 30
    )  # asserted type in data/, aligned type in the inferred graph


def test_rebuild_of_unchanged_inputs_is_a_noop(tmp_path: Path) -> None:
    kg = _kg(tmp_path, _home(tmp_path))
    first = kg.build()
    again = kg.build()
    assert not first.noop and again.noop
    assert kg.store.current_generation() == first.generation


def test_changed_input_rebuilds_its_graph_and_reasoning(tmp_path: Path) -> None:
    home = _home(tmp_path)
    kg = _kg(tmp_path, home)
    kg.build()
    before = kg.version()
    extra = home / "data" / "extra.ttl"
    extra.write_text(
        "@prefix bkg: <https://w3id.org/battkg/ontology#> .\n"
        "<https://w3id.org/battkg/id/role/test-role> a bkg:JobRole .\n",
        encoding="utf-8",
    )
    report = kg.build()
    assert report.changed == [kg.iris.data_graph("extra")]
    assert kg.version() != before
    assert bool(
        kg.query(
            "ASK { <https://w3id.org/battkg/id/role/test-role> a <https://schema.org/Occupation> }"
        )
    )
    extra.unlink()
    report = kg.build()
    assert report.removed == [kg.iris.data_graph("extra")]
    assert not bool(kg.query("ASK { <https://w3id.org/battkg/id/role/test-role> ?p ?o }"))


def test_malformed_turtle_names_file_and_line_and_keeps_the_store(tmp_path: Path) -> None:
    home = _home(tmp_path)
    kg = _kg(tmp_path, home)
    kg.build()
    generation, version = kg.store.current_generation(), kg.version()
    bad = home / "data" / "roles.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(10, 'bkg:broken bkg:x "unterminated .')
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        kg.build()
    message = str(caught.value)
    assert "roles.ttl" in message and "line 11" in message
    assert kg.store.current_generation() == generation
    assert kg.version() == version


def test_missing_or_corrupt_esco_zip_is_named(tmp_path: Path) -> None:
    home = _home(tmp_path)
    esco = tmp_path / "esco"
    esco.mkdir()
    kg = _kg(tmp_path, home, esco)
    with pytest.raises(InputError, match=r"classification_en_csv\.zip"):
        kg.build()
    (esco / "esco_v1.1.1_classification_en_csv.zip").write_bytes(b"not a zip at all")
    with zipfile.ZipFile(esco / "esco_v1.1.1_relations_csv.zip", "w") as z:
        z.writestr("broaderRelationsOccPillar.csv", "conceptUri,broaderUri\n")
    with pytest.raises(
        InputError, match=r"esco_v1\.1\.1_classification_en_csv\.zip is not a readable zip"
    ):
        kg.build()
    assert not kg.store.exists()


def test_store_path_that_is_a_file_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    blocker = tmp_path / "store"
    blocker.write_text("a file where the store should be", encoding="utf-8")
    kg = _kg(tmp_path, _home(tmp_path))
    with pytest.raises(StoreError, match="not writable"):
        kg.build()
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_bad_input_while_serving_leaves_the_reader_on_the_old_generation(tmp_path: Path) -> None:
    home = _home(tmp_path)
    kg = _kg(tmp_path, home)
    kg.build()
    count = len(kg.select("SELECT ?r WHERE { ?r a <https://w3id.org/battkg/ontology#JobRole> }"))
    (home / "data" / "broken.ttl").write_text("@prefix : <x> .\n:a :b", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.ttl"):
        kg.build()
    assert (
        len(kg.select("SELECT ?r WHERE { ?r a <https://w3id.org/battkg/ontology#JobRole> }"))
        == count
    )


@pytest.mark.slow
def test_full_build_with_esco(full_kg: KnowledgeGraph) -> None:
    sizes = full_kg.graph_sizes()
    assert sizes[full_kg.iris.esco_graph] > 400_000
    rows = full_kg.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?o a <http://data.europa.eu/esco/model#Occupation> }"
    )
    assert int(rows[0]["n"].value) > 2900
    # ESCO inverse and transitive entailments are in the inferred graph
    assert bool(
        full_kg.query(
            "ASK { GRAPH <https://w3id.org/battkg/graph/inferred> { ?s <http://data.europa.eu/esco/model#isEssentialSkillFor> ?o } }"
        )
    )
    assert ESCO_DIR.is_dir()
    assert isinstance(full_kg.reader(), ox.Store)
