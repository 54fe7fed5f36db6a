"""ESCO import: the official ESCO CSV zips, read in place, into ESCO's own RDF model.

Reads the classification zip (occupations, skills, skill groups, ISCO groups) and
the relations zip (occupation-skill, skill-skill and broader relations) straight
from the zip files, and ESCO's own labels in Swedish, Finnish and Norwegian from the
per-language classification zips (`esco_v1.1.1_classification_<lang>_csv.zip`, same
layout; ESCO writes Norwegian `no`, served as `nb`) when they are in the folder. Every concept keeps its ESCO IRI; the vocabulary is ESCO's
(esco:Occupation, esco:Skill, esco:relatedEssentialSkill, esco:memberOfISCOGroup,
skos labels, iso-thes:status). Nothing of ESCO is stored in the repository.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import DCTERMS, ESCO, ISOTHES, RDF, SKOS, XSD

CLASSIFICATION_GLOB = "esco_*_classification_en_csv.zip"
LANGUAGE_GLOB = "esco_*_classification_{code}_csv.zip"
#: ESCO's language code -> the language tag battkg serves
LANGUAGES = {"sv": "sv", "fi": "fi", "no": "nb"}
RELATIONS_GLOB = "esco_*_relations_csv.zip"
ESCO_ISCO = "http://data.europa.eu/esco/isco/C"

_TYPE = ox.NamedNode(RDF + "type")
_PREF = ox.NamedNode(SKOS + "prefLabel")
_ALT = ox.NamedNode(SKOS + "altLabel")
_HIDDEN = ox.NamedNode(SKOS + "hiddenLabel")
_DEFINITION = ox.NamedNode(SKOS + "definition")
_SCOPE = ox.NamedNode(SKOS + "scopeNote")
_NOTATION = ox.NamedNode(SKOS + "notation")
_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
_BROADER = ox.NamedNode(SKOS + "broader")
_CONCEPT = ox.NamedNode(SKOS + "Concept")
_DESCRIPTION = ox.NamedNode(DCTERMS + "description")
_MODIFIED = ox.NamedNode(DCTERMS + "modified")
_STATUS = ox.NamedNode(ISOTHES + "status")
_OCCUPATION = ox.NamedNode(ESCO + "Occupation")
_SKILL = ox.NamedNode(ESCO + "Skill")
_ISCO_MEMBER = ox.NamedNode(ESCO + "memberOfISCOGroup")
_SKILL_TYPE = ox.NamedNode(ESCO + "skillType")
_REUSE = ox.NamedNode(ESCO + "skillReuseLevel")
_ESSENTIAL = ox.NamedNode(ESCO + "relatedEssentialSkill")
_OPTIONAL = ox.NamedNode(ESCO + "relatedOptionalSkill")
_DATETIME = ox.NamedNode(XSD + "dateTime")

_SKILL_TYPES = {
    "skill/competence": "http://data.europa.eu/esco/skill-type/skill",
    "knowledge": "http://data.europa.eu/esco/skill-type/knowledge",
}
_RELATION = {"essential": _ESSENTIAL, "optional": _OPTIONAL}


@dataclass(frozen=True)
class EscoSource:
    classification: Path
    relations: Path
    #: (ESCO language code, zip) of the per-language classification files found
    translations: tuple[tuple[str, Path], ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.classification, self.relations, *(p for _, p in self.translations))

    @functools.cached_property
    def digest(self) -> str:
        return self.sha256()

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.name.encode())
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        return digest.hexdigest()


def find_esco(directory: Path | None) -> EscoSource | None:
    """The two ESCO zips in `directory`, or None when ESCO is not configured."""
    if directory is None:
        return None
    if not directory.is_dir():
        raise InputError(
            f"the ESCO directory {directory} does not exist",
            fix="point BATTKG_ESCO_DIR at the folder holding the ESCO CSV zips, or set it empty to build without ESCO",
        )
    found = []
    for pattern in (CLASSIFICATION_GLOB, RELATIONS_GLOB):
        matches = sorted(directory.glob(pattern))
        if not matches:
            raise InputError(
                f"the ESCO directory {directory} has no file matching {pattern}",
                fix="download the ESCO CSV package (classification, English, and relations) into it, "
                "or set BATTKG_ESCO_DIR empty to build without ESCO",
            )
        found.append(matches[-1])
    translations = []
    for code in LANGUAGES:
        matches = sorted(directory.glob(LANGUAGE_GLOB.format(code=code)))
        if matches:
            translations.append((code, matches[-1]))
    return EscoSource(found[0], found[1], tuple(translations))


def read_esco(source: EscoSource, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """All ESCO quads, in `graph`. Raises InputError naming the zip and member on a bad file."""
    yield from _quads(_classification(source.classification), graph)
    yield from _quads(_relations(source.relations), graph)
    for code, path in source.translations:
        yield from _quads(_translated(path, code), graph)


def _translated(path: Path, code: str) -> Iterator[Triple]:
    """ESCO's own labels of occupations and skills in one more language."""
    lang = LANGUAGES[code]
    for member in (f"occupations_{code}.csv", f"skills_{code}.csv"):
        for row in _rows(path, member, {"conceptUri", "preferredLabel"}):
            s = ox.NamedNode(row["conceptUri"])
            if row.get("preferredLabel"):
                yield s, _PREF, ox.Literal(row["preferredLabel"].strip(), language=lang)
            for column, prop in (("altLabels", _ALT), ("hiddenLabels", _HIDDEN)):
                for label in (row.get(column) or "").split("\n"):
                    if label.strip():
                        yield s, prop, ox.Literal(label.strip(), language=lang)


def official_labels(source: EscoSource) -> set[tuple[str, str]]:
    """(concept IRI, served language) of every preferred label ESCO itself gives in sv, fi, nb."""
    found: set[tuple[str, str]] = set()
    for code, path in source.translations:
        lang = LANGUAGES[code]
        for member in (f"occupations_{code}.csv", f"skills_{code}.csv"):
            for row in _rows(path, member, {"conceptUri", "preferredLabel"}):
                if (row.get("preferredLabel") or "").strip():
                    found.add((row["conceptUri"], lang))
    return found


Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _quads(triples: Iterable[Triple], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for s, p, o in triples:
        yield ox.Quad(s, p, o, graph)


def _rows(zip_path: Path, member: str, required: set[str]) -> Iterator[dict[str, str]]:
    try:
        with zipfile.ZipFile(zip_path) as archive:
            names = {Path(n).name: n for n in archive.namelist()}
            if member not in names:
                raise InputError(
                    f"{zip_path} has no member {member}",
                    fix="use the official ESCO CSV download (it holds that file)",
                )
            with archive.open(names[member]) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.DictReader(text)
                missing = required - set(reader.fieldnames or ())
                if missing:
                    raise InputError(
                        f"{zip_path}:{member} lacks the columns {', '.join(sorted(missing))}",
                        fix="use the official ESCO v1.1 CSV download",
                    )
                yield from reader
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(
            f"{zip_path} is not a readable zip file ({exc})",
            fix="download the ESCO CSV zip again; the file is damaged",
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{zip_path}:{member} cannot be read as UTF-8 CSV ({exc})") from exc
    except OSError as exc:
        raise InputError(
            f"{zip_path} cannot be read ({exc})", fix="check the file and its permissions"
        ) from exc


def _labels(s: ox.NamedNode, row: dict[str, str]) -> Iterator[Triple]:
    if row.get("preferredLabel"):
        yield s, _PREF, ox.Literal(row["preferredLabel"].strip(), language="en")
    for column, prop in (("altLabels", _ALT), ("hiddenLabels", _HIDDEN)):
        for label in (row.get(column) or "").split("\n"):
            if label.strip():
                yield s, prop, ox.Literal(label.strip(), language="en")
    for column, prop in (
        ("definition", _DEFINITION),
        ("scopeNote", _SCOPE),
        ("description", _DESCRIPTION),
    ):
        if (row.get(column) or "").strip():
            yield s, prop, ox.Literal(row[column].strip(), language="en")
    if row.get("status"):
        yield s, _STATUS, ox.Literal(row["status"])
    if row.get("modifiedDate"):
        yield s, _MODIFIED, ox.Literal(row["modifiedDate"], datatype=_DATETIME)
    for scheme in (row.get("inScheme") or "").replace("\n", ",").split(","):
        if scheme.strip():
            yield s, _IN_SCHEME, ox.NamedNode(scheme.strip())


def _classification(path: Path) -> Iterator[Triple]:
    base = {"conceptUri", "preferredLabel"}
    for row in _rows(path, "occupations_en.csv", base | {"iscoGroup", "code"}):
        s = ox.NamedNode(row["conceptUri"])
        yield s, _TYPE, _OCCUPATION
        yield s, _TYPE, _CONCEPT
        yield from _labels(s, row)
        if row["code"]:
            yield s, _NOTATION, ox.Literal(row["code"])
        if row["iscoGroup"]:
            yield s, _ISCO_MEMBER, ox.NamedNode(ESCO_ISCO + row["iscoGroup"])
    for row in _rows(path, "skills_en.csv", base | {"skillType", "reuseLevel"}):
        s = ox.NamedNode(row["conceptUri"])
        yield s, _TYPE, _SKILL
        yield s, _TYPE, _CONCEPT
        yield from _labels(s, row)
        if row["skillType"] in _SKILL_TYPES:
            yield s, _SKILL_TYPE, ox.NamedNode(_SKILL_TYPES[row["skillType"]])
        if row["reuseLevel"]:
            level = row["reuseLevel"].strip().replace(" ", "-")
            yield s, _REUSE, ox.NamedNode(f"http://data.europa.eu/esco/skill-reuse-level/{level}")
    for member in ("ISCOGroups_en.csv", "skillGroups_en.csv"):
        for row in _rows(path, member, base | {"code"}):
            s = ox.NamedNode(row["conceptUri"])
            yield s, _TYPE, _CONCEPT
            yield from _labels(s, row)
            if row["code"]:
                yield s, _NOTATION, ox.Literal(row["code"])


def _relations(path: Path) -> Iterator[Triple]:
    for member in ("broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv"):
        for row in _rows(path, member, {"conceptUri", "broaderUri"}):
            yield ox.NamedNode(row["conceptUri"]), _BROADER, ox.NamedNode(row["broaderUri"])
    for row in _rows(
        path, "occupationSkillRelations.csv", {"occupationUri", "relationType", "skillUri"}
    ):
        prop = _RELATION.get(row["relationType"])
        if prop is not None:
            yield ox.NamedNode(row["occupationUri"]), prop, ox.NamedNode(row["skillUri"])
    for row in _rows(
        path, "skillSkillRelations.csv", {"originalSkillUri", "relationType", "relatedSkillUri"}
    ):
        prop = _RELATION.get(row["relationType"])
        if prop is not None:
            yield ox.NamedNode(row["originalSkillUri"]), prop, ox.NamedNode(row["relatedSkillUri"])
