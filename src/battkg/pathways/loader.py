"""Read the pathway model from the store with the SPARQL files in queries/pathways/.

Seven queries: things.rq (what is a course, a role, ...), facts-*.rq (every fact the
engine needs, as plain triple patterns, in four groups of about equal size),
regions.rq and labels.rq. They run concurrently (Oxigraph answers outside the GIL, and
a remote store waits on the network), and results are read as SPARQL TSV, which is
several times faster than building a Python term per cell
(docs/decisions/0012-pathway-loader.md).
"""

from __future__ import annotations

import io
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import BKG
from ..queries import query_file
from .builder import ModelBuilder
from .model import PathwayModel
from .person import SITUATIONS

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph


class Lit(NamedTuple):
    value: str
    datatype: str = ""
    lang: str = ""


Term = str | Lit  # an IRI, or a literal

_COURSE_LISTS = {
    "teachesSkill": "skills",
    "awardsQualification": "qualifications",
    "offeredBy": "providers",
    "teachingLanguage": "languages",
    "locatedIn": "located_in",
    "audience": "audience",
    "startDate": "start_dates",
}
_COURSE_VALUES = {
    "entryRequirement": "requirement",
    "durationWeeks": "weeks",
    "credits": "credits",
    "creditSystem": "credit_system",
    "tuitionFee": "fee",
    "currency": "currency",
    "publiclyFunded": "funded",
    "placesPerYear": "places",
    "mode": "mode",
    "municipality": "municipality",
    "offerStatus": "status",
    "audienceEmployer": "employer",
    "academicYear": "academic_year",
    "endedIn": "ended_in",
    "procedureKind": "kind",
}
#: vocabulary concepts read as their short names (voc:offer-running -> running)
_CONCEPT_PREFIXES = (
    "offer-status-", "offer-", "audience-", "procedure-", "confidence-", "situation-"
)  # fmt: skip
_CONCEPT_VALUED = {"status", "audience", "kind"}
_OLD_MARKS = {"partial": "estimated", "uncertain": "estimated"}
_ROLE_LINKS = {
    "entryRequirement": "requirement",
    "essentialSkill": "essential",
    "optionalSkill": "optional",
}
_PROFILE_LINKS = {"holdsQualification": "qualifications", "holdsSkill": "skills"}


def query_text(kg: KnowledgeGraph, name: str) -> str:
    return query_file(kg.settings.queries_dir, "pathways", name, "the pathway query")


def tsv_lines(kg: KnowledgeGraph, name: str) -> list[str]:
    """The solutions of queries/pathways/<name>.rq as SPARQL TSV lines (header dropped)."""
    result = kg.query(_prefixed(query_text(kg, name)))
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"queries/pathways/{name}.rq is not a SELECT query")
    buffer = io.BytesIO()
    result.serialize(buffer, ox.QueryResultsFormat.TSV)
    return [line for line in buffer.getvalue().decode("utf-8").split("\n")[1:] if line]


def rows(kg: KnowledgeGraph, name: str) -> list[list[Term]]:
    """The solutions of queries/pathways/<name>.rq, each a list of terms in SELECT order."""
    return _parsed(tsv_lines(kg, name))


def _parsed(lines: list[str]) -> list[list[Term]]:
    return [[parse_term(cell) for cell in line.split("\t")] for line in lines]


FACT_QUERIES = ("facts-contents", "facts-offers", "facts-terms", "facts-requirements")
QUERIES = ("things", *FACT_QUERIES, "facts-confidence", "regions", "labels")
STEP_KINDS = ("Course", "RecognitionProcedure", "PathwayStep")
WORKERS = 3


def read_all(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """The TSV lines of every loader query, run concurrently, by query name."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(QUERIES, pool.map(lambda n: tsv_lines(kg, n), QUERIES), strict=True))


def load_model(kg: KnowledgeGraph) -> PathwayModel:
    """Build the model from the current store generation."""
    answers = read_all(kg)
    b = ModelBuilder()
    kinds: dict[str, set[str]] = defaultdict(set)
    for line in answers.pop("things"):
        thing, kind = line.split("\t")
        kinds[kind[len(BKG) + 1 : -1]].add(thing[1:-1])
    facts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    cut = len(BKG) + 1
    for name in FACT_QUERIES:
        for line in answers.pop(name):
            thing, link, value = line.split("\t")
            facts[link[cut:-1]].append((thing[1:-1], value))
    numbers = {s: _num(parse_term(v)) for s, v in facts["levelNumber"]}
    for q, level in facts["eqfLevel"]:
        if q not in kinds["EntryProfile"]:
            b.qualification(q, numbers.get(level[1:-1]))
    for q, field_iri in facts["fieldOfStudy"]:
        if q in b.levels:  # a qualification's field (a course's own is not used here)
            b.field_of(q, field_iri[1:-1])
    for q, v in facts["awardedAcrossFields"]:
        if _py(parse_term(v)) is True:
            b.across_fields(q)
    for q, kind in facts["specialisationOf"]:
        b.specialises(q, kind[1:-1])
    for skill, v in facts["trainedByEmployer"]:
        if _py(parse_term(v)) is True:
            b.trained_by_employer(skill)
    courses = set().union(*(kinds[k] for k in STEP_KINDS))
    for course in courses:
        b.course(course)
    _requirements(b, facts, numbers)
    entries = b.courses
    values: dict[str, object] = {}  # cell -> value: durations, languages, modes repeat a lot
    for link, key in _COURSE_LISTS.items():
        iri_valued = link not in ("teachingLanguage", "startDate")
        for s, v in facts[link]:
            entry = entries.get(s)
            if entry is not None:
                found = v[1:-1] if iri_valued else _cached(values, v)
                entry[key].append(concept(found) if key in _CONCEPT_VALUED else found)  # type: ignore[attr-defined]
    for link, key in _COURSE_VALUES.items():
        for s, v in facts[link]:
            entry = entries.get(s)
            if entry is not None:
                found_value = _cached(values, v)
                entry[key] = concept(found_value) if key in _CONCEPT_VALUED else found_value
    for line in answers.pop("facts-confidence"):
        thing, prop, mark, source = [*line.split("\t"), ""][:4]
        if not prop.startswith(f"<{BKG}"):
            continue
        mark_name = str(concept(mark[1:-1]))
        mark_name = _OLD_MARKS.get(mark_name, mark_name)
        if thing[1:-1] in entries:
            b.mark(
                thing[1:-1],
                prop[cut:-1],
                mark_name,
                source[1:-1] if source.startswith("<") else None,
            )
        elif thing[1:-1] in b.requirements or prop[cut:-1] == "entryRequirement":
            b.requirement_mark(thing[1:-1], mark_name)
    for s, v in facts["certifiesSkill"]:
        b.certified(s, v[1:-1])
    _roles_and_profiles(b, facts, kinds)
    parents: dict[str, set[str]] = defaultdict(set)
    for region, parent, code in _parsed(answers["regions"]):
        if isinstance(parent, str):
            parents[str(region)].add(parent)
        if isinstance(code, Lit) and code.value:
            b.region_country[str(region)] = code.value
    for entry in b.courses.values():
        located = entry["located_in"]
        entry["regions"] = [r for place in located for r in (place, *parents.get(place, ()))]  # type: ignore[attr-defined]
    for region, above in parents.items():
        country = next((b.region_country[p] for p in above if p in b.region_country), None)
        if country and region not in b.region_country:
            b.region_country[region] = country
    for line in answers["regions"]:  # regions in no country stay known, with no code
        b.region_country.setdefault(line.split("\t", 1)[0][1:-1], "")
    b.region_parents = dict(parents)
    for s, v in facts["qualificationCountry"]:
        country_code = b.region_country.get(v[1:-1])
        if country_code:
            b.qualification_country[s] = country_code
    for s, v in facts["profileCountry"]:
        if s in b.profiles:
            b.profile(s, country=b.region_country.get(v[1:-1]))
    for line in answers.pop("labels"):
        thing, preferred, cell = line.split("\t")
        label = parse_term(cell)
        if isinstance(label, Lit):
            b.labels.add(
                thing[1:-1], label.lang, label.value, preferred=_py(parse_term(preferred)) is True
            )
    return b.build()


def _requirements(
    b: ModelBuilder, facts: dict[str, list[tuple[str, str]]], numbers: dict[str, float | None]
) -> None:
    for _s, req in facts["entryRequirement"]:
        b.requirement(req[1:-1])
    known = set(b.requirements)
    for s, v in facts["openEntry"]:
        if s in known and _py(parse_term(v)) is True:
            b.requirement(s).open_entry = True
    for s, v in facts["needsEmployer"]:
        if s in known and _py(parse_term(v)) is True:
            b.requirement(s).employer = True
    for s, v in facts["priorLearningAccepted"]:
        if s in known and _py(parse_term(v)) is True:
            b.requirement(s).prior_learning = True
    for s, v in facts["minimumExperienceYears"]:
        if s in known:
            spec = b.requirement(s)
            spec.min_experience = max(spec.min_experience, _num(parse_term(v)) or 0.0)
    for link in ("acceptsQualification", "acceptsSkill"):  # either alone meets the requirement
        for s, v in facts[link]:
            if s in known:
                b.requirement(s).accepts.add(v[1:-1])
    for s, v in facts["acceptsLevel"]:
        number = numbers.get(v[1:-1])
        if s in known and number is not None:
            b.requirement(s).levels.add(number)
    for link, attr in (("requiresSkill", "skills"), ("skillsMetByField", "stand_in_fields")):
        for s, v in facts[link]:
            if s in known:
                getattr(b.requirement(s), attr).add(v[1:-1])
    for s, v in facts["skillsMetByFieldLevel"]:
        number = numbers.get(v[1:-1])
        if s in known and number is not None:
            spec = b.requirement(s)
            spec.stand_in_level = max(spec.stand_in_level or 0.0, number)


def _roles_and_profiles(
    b: ModelBuilder, facts: dict[str, list[tuple[str, str]]], kinds: dict[str, set[str]]
) -> None:
    roles, profiles = kinds["JobRole"], kinds["EntryProfile"]
    for role in roles:
        b.role(role)
    for link, key in _ROLE_LINKS.items():
        for s, v in facts[link]:
            if s in roles:
                b.role(s, **{key: [v[1:-1]] if key != "requirement" else v[1:-1]})
    for profile in profiles:
        b.profile(profile)
    for link, key in _PROFILE_LINKS.items():
        for s, v in facts[link]:
            if s in profiles:
                b.profile(s, **{key: [v[1:-1]]})
    for s, v in facts["experienceYears"]:
        if s in profiles:
            b.profile(s, experience=_num(parse_term(v)))
    for s, v in facts["profileSituation"]:
        situation = str(concept(v[1:-1]))
        if s in profiles and situation in SITUATIONS:  # another concept is not one the search knows
            b.profile(s, situation=situation)


def concept(value: object) -> object:
    """A vocabulary concept IRI as its short name (voc:audience-youth -> youth)."""
    if not isinstance(value, str) or "/" not in value:
        return value
    name = value.rsplit("/", 1)[-1]
    for prefix in _CONCEPT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _cached(cache: dict[str, object], cell: str) -> object:
    found = cache.get(cell, cache)
    if found is cache:
        found = cache[cell] = cell_value(cell)
    return found


def cell_value(cell: str) -> object:
    """A TSV cell as a Python value: IRIs as strings, literals as bool, float or str."""
    first = cell[:1]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        return _py(parse_term(cell))
    if cell in ("true", "false"):
        return cell == "true"
    try:
        return float(cell)
    except ValueError:
        return cell


def parse_term(cell: str) -> Term:
    """One SPARQL TSV cell: <iri>, "literal"@lang, "literal"^^<datatype>, or a bare number/boolean."""
    if cell.startswith("<"):
        return cell[1:-1]
    if cell.startswith('"'):
        end = cell.rfind('"')
        value = _unescape(cell[1:end])
        rest = cell[end + 1 :]
        if rest.startswith("@"):
            return Lit(value, lang=rest[1:].lower())
        return Lit(value, datatype=rest[3:-1] if rest.startswith("^^<") else "")
    if cell in ("true", "false"):
        return Lit(cell, "boolean")
    return Lit(cell, "decimal" if cell[:1].isdigit() or cell[:1] in "-+." else "")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _num(term: Term | None) -> float | None:
    if not isinstance(term, Lit):
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def _py(term: Term) -> object:
    """A literal as a Python value (booleans, numbers, strings); IRIs as strings."""
    if not isinstance(term, Lit):
        return term
    kind = term.datatype.rsplit("#", 1)[-1]
    if kind == "boolean":
        return term.value in ("true", "1")
    if kind in ("decimal", "double", "float") or kind.endswith(
        ("integer", "Integer", "int", "long")
    ):
        number = float(term.value)
        return int(number) if kind.endswith(("integer", "Integer", "int", "long")) else number
    return term.value


def _prefixed(sparql: str) -> str:
    return (
        f"PREFIX bkg: <{BKG}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f"PREFIX dcterms: <http://purl.org/dc/terms/>\n{sparql}"
    )
