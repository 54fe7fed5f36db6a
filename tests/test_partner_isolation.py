"""Partner isolation and replacement (issue 14, items 8 and 9), through validation and loads.

A partner file may describe only the things it owns: statements about curated
things or other partners' things are faults naming the statement, in every
format, unless the operator grants it; ESCO descriptions are read as
references. A new version of a dataset is validated against the store without
the version it replaces.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg import datasets
from battkg.cli import main
from battkg.ingest import PartnerFile, read_partner_file
from battkg.kg import KnowledgeGraph

from .attacks import curated_rewrite_turtle
from .conftest import make_settings

ROLE = "https://w3id.org/battkg/id/role/automation-technician"
PWNED = f"ASK {{ <{ROLE}> ?p ?l FILTER(STR(?l) = 'pwned role') }}"
PROVIDERS = "id,name_en,type,region\nisolation-academy,Isolation Academy,komvux,SE331\n"
COURSES = (
    "id,name_en,provider,region,languages,mode,duration_weeks,credit_system,skills_taught,"
    "entry_open\nisolation-course,Isolation course,isolation-academy,SE331,sv,on-site,10,none,"
    "electrode-slurry-mixing,true\n"
)
FORMATS = {
    "rewrite.ttl": ox.RdfFormat.TURTLE,
    "rewrite.nt": ox.RdfFormat.N_TRIPLES,
    "rewrite.nq": ox.RdfFormat.N_QUADS,
    "rewrite.trig": ox.RdfFormat.TRIG,
    "rewrite.jsonld": ox.RdfFormat.JSON_LD,
    "rewrite.rdf": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("isolation") / "store"
    KnowledgeGraph(make_settings(store)).build()
    return store


@pytest.fixture
def kg(built: Path, tmp_path: Path) -> KnowledgeGraph:
    shutil.copytree(built, tmp_path / "store")
    return KnowledgeGraph(make_settings(tmp_path / "store", token="test-token"))


def rewrite_in(name: str) -> bytes:
    """The curated-role rewrite in the format of `name` (N-Quads in the default graph)."""
    triples = list(ox.parse(curated_rewrite_turtle(), format=ox.RdfFormat.TURTLE))
    return ox.serialize(triples, format=FORMATS[name]) or b""


def partner(kg: KnowledgeGraph, name: str, text: str | bytes) -> PartnerFile:
    data = text.encode() if isinstance(text, str) else text
    return read_partner_file(data, name, kg.iris)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_statements_about_a_curated_role_are_refused_in_every_rdf_format(
    kg: KnowledgeGraph, name: str
) -> None:
    result = datasets.load(kg, [partner(kg, name, rewrite_in(name))], "intruder")
    assert not result.loaded
    faults = [f for f in result.report.faults if f.rule == "partner isolation"]
    assert {f.path for f in faults} == {
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "https://w3id.org/battkg/ontology#essentialSkill",
    }
    label = next(f for f in faults if f.path and f.path.endswith("prefLabel"))
    assert "role/automation-technician" in label.message and '"pwned role"@en' in label.message
    assert "curated data" in label.message or "data graph" in label.message
    assert not kg.query(PWNED)


def test_a_csv_row_with_a_curated_id_is_refused(kg: KnowledgeGraph) -> None:
    roles = (
        "id,name_en,stages,eqf_level,isco_group,essential_skills\n"
        "automation-technician,pwned role,cell-manufacturing,4,8131,electrode-slurry-mixing\n"
    )
    result = datasets.load(kg, [partner(kg, "roles.csv", roles)], "intruder")
    assert not result.loaded
    fault = next(f for f in result.report.faults if f.rule == "partner isolation")
    assert fault.location.row == 2 and "already used in battkg" in fault.message
    assert not kg.query(PWNED)


def test_another_partners_things_are_theirs(kg: KnowledgeGraph) -> None:
    assert datasets.load(kg, [partner(kg, "providers.csv", PROVIDERS)], "first").loaded
    taken = PROVIDERS.replace("Isolation Academy", "Renamed by another partner")
    result = datasets.load(kg, [partner(kg, "providers.csv", taken)], "second")
    assert not result.loaded
    assert any(
        f.rule == "partner isolation" and "dataset first" in f.message for f in result.report.faults
    )
    # the owner itself may publish a new version with the same identifiers
    report = datasets.validate_for(kg, [partner(kg, "providers.csv", taken)], "first")
    assert report.conforms, report.to_text()
    assert datasets.load(kg, [partner(kg, "providers.csv", taken)], "first").loaded


def test_the_operator_can_grant_statements_about_others_things(kg: KnowledgeGraph) -> None:
    files = [partner(kg, "rewrite.ttl", curated_rewrite_turtle())]
    assert datasets.load(kg, files, "granted", allow_foreign=True).loaded
    assert kg.query(PWNED)
    by_setting = KnowledgeGraph(kg.settings.with_(foreign_subjects=("other", "granted")))
    report = datasets.validate_for(by_setting, files, "granted")
    assert not [f for f in report.faults if f.rule == "partner isolation"]
    refused = datasets.validate_for(by_setting, files, "nope").faults
    assert any(f.rule == "partner isolation" for f in refused)


def test_esco_descriptions_are_read_as_references_not_stored(kg: KnowledgeGraph) -> None:
    skill = "http://data.europa.eu/esco/skill/f83e61e0-cb73-4a6a-b266-c4be03fb30eb"
    ttl = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{skill}> skos:prefLabel "a label the partner's export carries"@en .
"""
    files = [partner(kg, "providers.csv", PROVIDERS), partner(kg, "esco.ttl", ttl)]
    result = datasets.load(kg, files, "with-references")
    assert result.loaded, result.report.to_text()
    assert any("read as references" in n for n in result.report.notices)
    assert not kg.query(f'ASK {{ <{skill}> ?p "a label the partner\'s export carries"@en }}')


def test_a_replacement_is_validated_without_the_version_it_replaces(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    both = [partner(kg, "providers.csv", PROVIDERS), partner(kg, "courses.csv", COURSES)]
    assert datasets.load(kg, both, "academy").loaded
    only_courses = [partner(kg, "courses.csv", COURSES)]
    result = datasets.load(kg, only_courses, "academy")
    assert not result.loaded
    assert [f.value for f in result.report.faults] == ["isolation-academy"]
    assert datasets.get_dataset(kg, "academy").current == 1
    # validating the same files as a new version of one's own dataset is clean
    assert datasets.validate_for(kg, both, "academy").conforms
    path = tmp_path / "providers.csv"
    path.write_text(PROVIDERS)
    store = str(kg.settings.store)
    assert main(["validate", str(path), "--dataset", "academy", "--store", store]) == 0
    assert main(["validate", str(path), "--store", store]) == 1  # as a new dataset: taken


def test_check_reports_references_left_dangling_in_partner_graphs(
    kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(kg.settings.store)
    assert datasets.load(kg, [partner(kg, "providers.csv", PROVIDERS)], "hosts").loaded
    assert datasets.load(kg, [partner(kg, "courses.csv", COURSES)], "guests").loaded
    other = "id,name_en,type,region\nsomeone-else,Someone,komvux,SE331\n"
    assert datasets.load(kg, [partner(kg, "providers.csv", other)], "hosts").loaded
    capsys.readouterr()
    assert main(["check", "--store", store]) == 1
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("partner-dangling-reference"))
    assert line.endswith("1 fault(s)"), out
    assert "provider/isolation-academy" in out and "partner graph" in out
