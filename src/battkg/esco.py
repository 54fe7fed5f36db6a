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
from collections.abc import Iterator
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
    nodes = _Nodes()  # one term per IRI: the relations name the classification's concepts again
    yield from _classification(source.classification, graph, nodes)
    yield from _relations(source.relations, graph, nodes)
    for code, path in source.translations:
        yield from _translated(path, code, graph, nodes)


class _Nodes(dict[str, ox.NamedNode]):
    """IRI -> its NamedNode, made on first use (parsing an IRI costs more than a look-up)."""

    def __missing__(self, iri: str) -> ox.NamedNode:
        node = self[iri] = ox.NamedNode(iri)
        return node


def _translated(path: Path, code: str, g: ox.NamedNode, nodes: _Nodes) -> Iterator[ox.Quad]:
    """ESCO's own labels of occupations and skills in one more language."""
    lang = LANGUAGES[code]
    for member in (f"occupations_{code}.csv", f"skills_{code}.csv"):
        columns = ("conceptUri", "preferredLabel", "altLabels", "hiddenLabels")
        for uri, pref, alt, hidden in _rows(path, member, columns, required=2):
            s = nodes[uri]
            if pref:
                yield ox.Quad(s, _PREF, ox.Literal(pref.strip(), language=lang), g)
            for labels, prop in ((alt, _ALT), (hidden, _HIDDEN)):
                for label in labels.split("\n"):
                    if label.strip():
                        yield ox.Quad(s, prop, ox.Literal(label.strip(), language=lang), g)


def official_labels(source: EscoSource) -> set[tuple[str, str]]:
    """(concept IRI, served language) of every preferred label ESCO itself gives in sv, fi, nb."""
    found: set[tuple[str, str]] = set()
    for code, path in source.translations:
        lang = LANGUAGES[code]
        for member in (f"occupations_{code}.csv", f"skills_{code}.csv"):
            for uri, pref in _rows(path, member, ("conceptUri", "preferredLabel")):
                if pref.strip():
                    found.add((uri, lang))
    return found


def _rows(
    zip_path: Path, member: str, columns: tuple[str, ...], required: int | None = None
) -> Iterator[list[str]]:
    """The values of `columns` in each row of one CSV member ("" where a row or the file has
    none); the first `required` columns (all by default) must be in the header."""
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
                reader = csv.reader(text)
                header = next(reader, [])
                missing = set(columns[:required]) - set(header)
                if missing:
                    raise InputError(
                        f"{zip_path}:{member} lacks the columns {', '.join(sorted(missing))}",
                        fix="use the official ESCO v1.1 CSV download",
                    )
                position = {name: i for i, name in enumerate(header)}  # the last of a repeated name
                wanted = [position.get(name, -1) for name in columns]
                width = len(header)
                for row in reader:
                    if not row:
                        continue  # csv.DictReader's rule: a blank line is no row
                    if len(row) < width:
                        row += [""] * (width - len(row))
                    yield [row[i] if i >= 0 else "" for i in wanted]
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


#: the columns _labels reads, after the concept's IRI
_LABELS = (
    "preferredLabel", "altLabels", "hiddenLabels", "definition", "scopeNote", "description",
    "status", "modifiedDate", "inScheme",
)  # fmt: skip


def _labels(s: ox.NamedNode, row: list[str], g: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads of the _LABELS columns, `row` holding their values in that order."""
    pref, alt, hidden, definition, scope, description, status, modified, schemes = row
    if pref:
        yield ox.Quad(s, _PREF, ox.Literal(pref.strip(), language="en"), g)
    for labels, prop in ((alt, _ALT), (hidden, _HIDDEN)):
        for label in labels.split("\n"):
            if label.strip():
                yield ox.Quad(s, prop, ox.Literal(label.strip(), language="en"), g)
    for value, prop in ((definition, _DEFINITION), (scope, _SCOPE), (description, _DESCRIPTION)):
        if value.strip():
            yield ox.Quad(s, prop, ox.Literal(value.strip(), language="en"), g)
    if status:
        yield ox.Quad(s, _STATUS, ox.Literal(status), g)
    if modified:
        yield ox.Quad(s, _MODIFIED, ox.Literal(modified, datatype=_DATETIME), g)
    for scheme in schemes.replace("\n", ",").split(","):
        if scheme.strip():
            yield ox.Quad(s, _IN_SCHEME, ox.NamedNode(scheme.strip()), g)


def _classification(path: Path, g: ox.NamedNode, nodes: _Nodes) -> Iterator[ox.Quad]:
    occupations = ("conceptUri", "iscoGroup", "code", *_LABELS)
    for uri, isco, code, *row in _rows(path, "occupations_en.csv", occupations, required=4):
        s = nodes[uri]
        yield ox.Quad(s, _TYPE, _OCCUPATION, g)
        yield ox.Quad(s, _TYPE, _CONCEPT, g)
        yield from _labels(s, row, g)
        if code:
            yield ox.Quad(s, _NOTATION, ox.Literal(code), g)
        if isco:
            yield ox.Quad(s, _ISCO_MEMBER, nodes[ESCO_ISCO + isco], g)
    skills = ("conceptUri", "skillType", "reuseLevel", *_LABELS)
    for uri, kind, reuse, *row in _rows(path, "skills_en.csv", skills, required=4):
        s = nodes[uri]
        yield ox.Quad(s, _TYPE, _SKILL, g)
        yield ox.Quad(s, _TYPE, _CONCEPT, g)
        yield from _labels(s, row, g)
        if kind in _SKILL_TYPES:
            yield ox.Quad(s, _SKILL_TYPE, nodes[_SKILL_TYPES[kind]], g)
        if reuse:
            level = reuse.strip().replace(" ", "-")
            yield ox.Quad(
                s, _REUSE, nodes[f"http://data.europa.eu/esco/skill-reuse-level/{level}"], g
            )
    for member in ("ISCOGroups_en.csv", "skillGroups_en.csv"):
        groups = ("conceptUri", "code", *_LABELS)
        for uri, code, *row in _rows(path, member, groups, required=3):
            s = nodes[uri]
            yield ox.Quad(s, _TYPE, _CONCEPT, g)
            yield from _labels(s, row, g)
            if code:
                yield ox.Quad(s, _NOTATION, ox.Literal(code), g)


def _relations(path: Path, g: ox.NamedNode, nodes: _Nodes) -> Iterator[ox.Quad]:
    for member in ("broaderRelationsOccPillar.csv", "broaderRelationsSkillPillar.csv"):
        for uri, broader in _rows(path, member, ("conceptUri", "broaderUri")):
            yield ox.Quad(nodes[uri], _BROADER, nodes[broader], g)
    occupation_skill = ("occupationUri", "relationType", "skillUri")
    for occupation, kind, skill in _rows(path, "occupationSkillRelations.csv", occupation_skill):
        prop = _RELATION.get(kind)
        if prop is not None:
            yield ox.Quad(nodes[occupation], prop, nodes[skill], g)
    skill_skill = ("originalSkillUri", "relationType", "relatedSkillUri")
    for original, kind, related in _rows(path, "skillSkillRelations.csv", skill_skill):
        prop = _RELATION.get(kind)
        if prop is not None:
            yield ox.Quad(nodes[original], prop, nodes[related], g)
