"""ESCO import: the official CSV layout, read from zips, into ESCO's own model."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.errors import InputError
from battkg.esco import find_esco, read_esco

from .conftest import ESCO_DIR

OCC = "http://data.europa.eu/esco/occupation/o1"
SKILL = "http://data.europa.eu/esco/skill/s1"
SKILL2 = "http://data.europa.eu/esco/skill/s2"


def _zips(folder: Path) -> None:
    occupations = (
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
        "regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
        f'Occupation,{OCC},8212,battery assembler,"cell assembler\nbattery builder",,released,'
        '2016-07-05T13:58:41Z,,,,"http://data.europa.eu/esco/concept-scheme/occupations",'
        "Assembles batteries.,8212.3\n"
    )
    skills = (
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
        "modifiedDate,scopeNote,definition,inScheme,description\n"
        f"KnowledgeSkillCompetence,{SKILL},skill/competence,sector-specific,assemble batteries,,,released,,,,,Build them.\n"
        f"KnowledgeSkillCompetence,{SKILL2},knowledge,cross-sector,battery chemistry,,,released,,,,,Chemistry.\n"
    )
    isco = "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description\n"
    isco += "ISCOGroup,http://data.europa.eu/esco/isco/C8212,8212,Electrical equipment assemblers,released,,,\n"
    groups = "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,inScheme,description,code\n"
    with zipfile.ZipFile(folder / "esco_v1.1.1_classification_en_csv.zip", "w") as z:
        z.writestr("occupations_en.csv", occupations)
        z.writestr("skills_en.csv", skills)
        z.writestr("ISCOGroups_en.csv", isco)
        z.writestr("skillGroups_en.csv", groups)
    with zipfile.ZipFile(folder / "esco_v1.1.1_relations_csv.zip", "w") as z:
        z.writestr(
            "broaderRelationsOccPillar.csv",
            f"conceptType,conceptUri,broaderType,broaderUri\nOccupation,{OCC},ISCOGroup,http://data.europa.eu/esco/isco/C8212\n",
        )
        z.writestr(
            "broaderRelationsSkillPillar.csv", "conceptType,conceptUri,broaderType,broaderUri\n"
        )
        z.writestr(
            "occupationSkillRelations.csv",
            f"occupationUri,relationType,skillType,skillUri\n{OCC},essential,skill/competence,{SKILL}\n{OCC},optional,knowledge,{SKILL2}\n",
        )
        z.writestr(
            "skillSkillRelations.csv",
            "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n",
        )


def test_small_esco_in_escos_own_model(tmp_path: Path) -> None:
    _zips(tmp_path)
    source = find_esco(tmp_path)
    assert source is not None
    store = ox.Store()
    store.extend(read_esco(source, ox.NamedNode("urn:g")))

    def ask(pattern: str) -> bool:
        prefixes = "PREFIX esco: <http://data.europa.eu/esco/model#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
        return bool(store.query(f"{prefixes} ASK {{ GRAPH <urn:g> {{ {pattern} }} }}"))

    assert ask(
        f'<{OCC}> a esco:Occupation ; skos:prefLabel "battery assembler"@en ; skos:altLabel "cell assembler"@en , "battery builder"@en'
    )
    assert ask(
        f'<{OCC}> esco:memberOfISCOGroup <http://data.europa.eu/esco/isco/C8212> ; skos:notation "8212.3"'
    )
    assert ask(
        f"<{OCC}> esco:relatedEssentialSkill <{SKILL}> ; esco:relatedOptionalSkill <{SKILL2}>"
    )
    assert ask(
        f"<{SKILL}> a esco:Skill ; esco:skillType <http://data.europa.eu/esco/skill-type/skill>"
    )
    assert ask(f"<{OCC}> skos:broader <http://data.europa.eu/esco/isco/C8212>")
    assert ask('<http://data.europa.eu/esco/isco/C8212> skos:notation "8212"')


def test_missing_column_is_named(tmp_path: Path) -> None:
    _zips(tmp_path)
    with zipfile.ZipFile(tmp_path / "esco_v1.1.1_classification_en_csv.zip", "w") as z:
        z.writestr("occupations_en.csv", "conceptUri,preferredLabel\nx,y\n")
    source = find_esco(tmp_path)
    assert source is not None
    with pytest.raises(InputError, match=r"occupations_en\.csv lacks the columns code, iscoGroup"):
        list(read_esco(source, ox.NamedNode("urn:g")))


def test_columns_in_any_order_and_short_rows(tmp_path: Path) -> None:
    """Columns are found by their header, wherever they are; a row shorter than the header
    has nothing in the columns it lacks (as csv.DictReader reads it)."""
    _zips(tmp_path)
    with zipfile.ZipFile(tmp_path / "esco_v1.1.1_classification_en_csv.zip", "a") as z:
        z.writestr(
            "extra/skills_en.csv",
            "reuseLevel,preferredLabel,conceptUri,skillType,altLabels,status\n"
            f"transversal,assemble batteries,{SKILL},knowledge,fit cells\n"
            f",battery chemistry,{SKILL2}\n",
        )
    source = find_esco(tmp_path)
    assert source is not None
    quads = list(read_esco(source, ox.NamedNode("urn:g")))  # the later skills_en.csv is read
    skills = {
        (q.subject.value, q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(q.object))
        for q in quads
        if q.subject.value in (SKILL, SKILL2)
    }
    assert skills == {
        (SKILL, "type", "<http://data.europa.eu/esco/model#Skill>"),
        (SKILL, "type", "<http://www.w3.org/2004/02/skos/core#Concept>"),
        (SKILL, "prefLabel", '"assemble batteries"@en'),
        (SKILL, "altLabel", '"fit cells"@en'),
        (SKILL, "skillType", "<http://data.europa.eu/esco/skill-type/knowledge>"),
        (SKILL, "skillReuseLevel", "<http://data.europa.eu/esco/skill-reuse-level/transversal>"),
        (SKILL2, "type", "<http://data.europa.eu/esco/model#Skill>"),
        (SKILL2, "type", "<http://www.w3.org/2004/02/skos/core#Concept>"),
        (SKILL2, "prefLabel", '"battery chemistry"@en'),
    }


def test_directory_without_zips_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="has no file matching"):
        find_esco(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        find_esco(tmp_path / "missing")
    assert find_esco(None) is None


def test_official_zips_read_completely() -> None:
    if not ESCO_DIR.is_dir():
        pytest.skip("../shared/esco is not present")
    source = find_esco(ESCO_DIR)
    assert source is not None
    counts: dict[str, int] = {}
    for quad in read_esco(source, ox.NamedNode("urn:g")):
        key = quad.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        counts[key] = counts.get(key, 0) + 1
    assert counts["relatedEssentialSkill"] + counts["relatedOptionalSkill"] > 120_000
    assert counts["prefLabel"] > 13_000 + 2_900
    assert counts["memberOfISCOGroup"] > 2_900
