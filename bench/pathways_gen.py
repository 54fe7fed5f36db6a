"""Generate a synthetic battkg graph of a given size for the pathway benchmark.

The shape follows the curated data: three countries with their languages and NUTS 3
regions; qualifications per country, EQF level and field; long programmes that award
a qualification one level up and need the level below (or a named qualification);
short modules that teach a few skills and need a level, a skill or two, or nothing;
roles that need a level and one or two skills (some accept prior learning); ten entry
profiles from compulsory school to master, country-neutral and one per country.

The model of decision 0050: every course has an offer status (mostly running, some planned,
ended or of unknown status) and an audience (mostly anyone), per-fact confidence marks on
its duration and fee (some durations and fees unknown); qualifications certify three skills
of their field and level and say their country; one step in a hundred is a validation of
prior learning (a RecognitionProcedure) that awards a qualification to experienced people.
Deterministic for a seed.

    python bench/pathways_gen.py --courses 50000 --roles 3000 --skills 15000 -o /tmp/g.nt
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

B = "https://w3id.org/battkg/id/"
ONT = "https://w3id.org/battkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
A = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
ISCED = "http://data.europa.eu/snb/isced-f/"
EQF = "http://data.europa.eu/snb/eqf/"
COUNTRIES = {"SE": "sv", "FI": "fi", "NO": "nb"}
MODES = ["on-site"] * 7 + ["online"] * 2 + ["blended"]
FIELDS = 30
REGIONS_PER_COUNTRY = 8


def _t(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(value: object, dtype: str | None = None, lang: str | None = None) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{text}"@{lang}'
    return f'"{text}"^^<{XSD}{dtype}>' if dtype else f'"{text}"'


def generate(courses: int, roles: int, skills: int, seed: int = 7) -> Iterator[str]:
    rng = random.Random(seed)
    for level in range(1, 9):
        yield _t(f"{EQF}{level}", ONT + "levelNumber", _lit(level, "decimal"))
    regions: dict[str, list[str]] = {}
    for cc in COUNTRIES:
        country = f"{B}region/{cc}"
        yield _t(country, A, _iri(ONT + "Region"))
        yield _t(country, ONT + "countryCode", _lit(cc))
        yield _t(country, SKOS + "prefLabel", _lit(cc, lang="en"))
        regions[cc] = []
        for r in range(REGIONS_PER_COUNTRY):
            region = f"{B}region/{cc}{r:03d}"
            regions[cc].append(region)
            yield _t(region, A, _iri(ONT + "Region"))
            yield _t(region, ONT + "withinRegion", _iri(country))
            yield _t(region, SKOS + "prefLabel", _lit(f"{cc} region {r}", lang="en"))

    def qual(cc: str, level: int, field: int) -> str:
        return f"{B}qualification/{cc.lower()}-l{level}-f{field}"

    # skills: skill i is in field i % FIELDS at tier 2 + (i // FIELDS) % 6
    skill_iris = [f"{B}skill/s{i}" for i in range(skills)]
    by_field_tier: dict[tuple[int, int], list[str]] = {}
    for i, s in enumerate(skill_iris):
        by_field_tier.setdefault((i % FIELDS, 2 + (i // FIELDS) % 6), []).append(s)
        yield _t(s, A, _iri(ONT + "Skill"))
        yield _t(s, SKOS + "prefLabel", _lit(f"skill {i}", lang="en"))

    def some_skills(field: int, tier: int, n: int) -> list[str]:
        pool = by_field_tier.get((field, max(2, min(7, tier))), skill_iris)
        return rng.sample(pool, min(n, len(pool)))

    for cc in COUNTRIES:
        for level in range(2, 9):
            for field in range(FIELDS):
                q = qual(cc, level, field)
                yield _t(q, A, _iri(ONT + "Qualification"))
                yield _t(q, ONT + "eqfLevel", _iri(f"{EQF}{level}"))
                yield _t(q, ONT + "qualificationCountry", _iri(f"{B}region/{cc}"))
                # the field, for the roles that take it in place of their skills (no draw from
                # rng: the graph is the one earlier sessions measured, plus these triples)
                yield _t(q, ONT + "fieldOfStudy", _iri(f"{ISCED}{710 + field:04d}"))
                yield _t(
                    q, SKOS + "prefLabel", _lit(f"{cc} level {level} field {field}", lang="en")
                )
                for s in some_skills(field, level, 3):
                    yield _t(q, ONT + "certifiesSkill", _iri(s))

    for i in range(courses):
        c, req = f"{B}course/c{i}", f"{B}requirement/c{i}"
        cc = rng.choice(list(COUNTRIES))
        field = rng.randrange(FIELDS)
        programme = rng.random() < 0.25
        validation = not programme and rng.random() < 0.01
        tier = rng.randint(3, 8) if programme or validation else rng.randint(2, 7)
        if validation:
            yield _t(c, A, _iri(ONT + "RecognitionProcedure"))
            yield _t(c, ONT + "procedureKind", _iri(f"{B}vocab/procedure-validation"))
        else:
            yield _t(c, A, _iri(ONT + "Course"))
        yield from _offer(c, rng)
        yield _t(c, SKOS + "prefLabel", _lit(f"course {i}", lang="en"))
        yield _t(c, ONT + "entryRequirement", _iri(req))
        yield _t(req, A, _iri(ONT + "EntryRequirement"))
        region = rng.choice(regions[cc])
        yield _t(c, ONT + "locatedIn", _iri(region))
        yield _t(c, ONT + "withinRegion", _iri(region))
        yield _t(c, ONT + "withinRegion", _iri(f"{B}region/{cc}"))
        yield _t(c, ONT + "offeredBy", _iri(f"{B}provider/p{i % 500}"))
        lang = COUNTRIES[cc] if rng.random() < 0.8 else "en"
        yield _t(c, ONT + "teachingLanguage", _lit(lang, "language"))
        yield _t(c, ONT + "mode", _iri(f"{B}vocab/mode-{rng.choice(MODES)}"))
        funded = rng.random() < 0.8
        yield _t(c, ONT + "publiclyFunded", _lit(str(funded).lower(), "boolean"))
        fee_known = funded or rng.random() < 0.9
        if not funded and fee_known:
            yield _t(c, ONT + "tuitionFee", _lit(rng.choice([500, 1500, 4000]), "decimal"))
            yield _t(c, ONT + "currency", _lit("EUR"))
        yield from _mark(
            c, "tuitionFee", "confirmed" if funded else "estimated" if fee_known else "unknown"
        )
        if validation:
            weeks = 8.0
            yield _t(c, ONT + "awardsQualification", _iri(qual(cc, tier, field)))
            yield _t(req, ONT + "priorLearningAccepted", _lit("true", "boolean"))
            yield _t(req, ONT + "minimumExperienceYears", _lit(3, "decimal"))
            required, taught = [], []
        elif programme:
            weeks = float(rng.choice([40, 80, 120, 160]))
            yield _t(c, ONT + "awardsQualification", _iri(qual(cc, tier, field)))
            if rng.random() < 0.3 and tier > 2:
                yield _t(req, ONT + "acceptsQualification", _iri(qual(cc, tier - 1, field)))
            yield _t(req, ONT + "acceptsLevel", _iri(f"{EQF}{tier - 1}"))
            required = some_skills(field, tier - 1, 1) if rng.random() < 0.3 else []
            taught = some_skills(field, tier, 6)
        else:
            weeks = round(rng.uniform(0.5, 20.0), 1)
            if rng.random() < 0.2:
                yield _t(req, ONT + "openEntry", _lit("true", "boolean"))
            else:
                yield _t(req, ONT + "acceptsLevel", _iri(f"{EQF}{tier - 1 if tier > 2 else 2}"))
                if rng.random() < 0.3:
                    yield _t(req, ONT + "priorLearningAccepted", _lit("true", "boolean"))
                    yield _t(
                        req, ONT + "minimumExperienceYears", _lit(rng.randint(0, 5), "decimal")
                    )
            required = some_skills(field, tier - 1, rng.randint(1, 2)) if rng.random() < 0.4 else []
            taught = some_skills(field, tier, 3)
        if validation or rng.random() < 0.97:
            yield _t(c, ONT + "durationWeeks", _lit(weeks, "decimal"))
            yield from _mark(
                c, "durationWeeks", rng.choice(["confirmed", "confirmed", "estimated"])
            )
        else:
            yield from _mark(c, "durationWeeks", "unknown")
        for s in required:
            yield _t(req, ONT + "requiresSkill", _iri(s))
        for s in taught:
            yield _t(c, ONT + "teachesSkill", _iri(s))
    for i in range(roles):
        r, req = f"{B}role/r{i}", f"{B}requirement/role-r{i}"
        field, level = rng.randrange(FIELDS), rng.randint(3, 7)
        yield _t(r, A, _iri(ONT + "JobRole"))
        for lang in ("en", "sv", "fi", "nb"):
            yield _t(r, SKOS + "prefLabel", _lit(f"role {i} {lang}", lang=lang))
        yield _t(r, ONT + "entryRequirement", _iri(req))
        yield _t(req, A, _iri(ONT + "EntryRequirement"))
        yield _t(req, ONT + "acceptsLevel", _iri(f"{EQF}{level}"))
        if rng.random() < 0.3:
            yield _t(req, ONT + "priorLearningAccepted", _lit("true", "boolean"))
            yield _t(req, ONT + "minimumExperienceYears", _lit(rng.randint(0, 3), "decimal"))
        for s in some_skills(field, level, rng.randint(1, 2)):
            yield _t(req, ONT + "requiresSkill", _iri(s))
        if i % 3 == 0:  # a third of the roles take a degree of their field instead (decision 0057)
            yield _t(req, ONT + "skillsMetByField", _iri(f"{ISCED}{710 + field:04d}"))
            yield _t(req, ONT + "skillsMetByFieldLevel", _iri(f"{EQF}{max(level, 6)}"))
        for s in some_skills(field, level, 5):
            yield _t(r, ONT + "essentialSkill", _iri(s))
    for p, level, years in PROFILES:
        iri = f"{B}entry-profile/{p}"
        yield _t(iri, A, _iri(ONT + "EntryProfile"))
        yield _t(iri, SKOS + "prefLabel", _lit(p.replace("-", " "), lang="en"))
        yield _t(iri, ONT + "experienceYears", _lit(years, "decimal"))
        for cc in COUNTRIES:
            field = rng.randrange(FIELDS)
            own = f"{iri}-{cc.lower()}"  # the country-aware preset of the same level
            yield _t(own, A, _iri(ONT + "EntryProfile"))
            yield _t(own, SKOS + "prefLabel", _lit(f"{p.replace('-', ' ')} ({cc})", lang="en"))
            yield _t(own, ONT + "experienceYears", _lit(years, "decimal"))
            yield _t(own, ONT + "profileCountry", _iri(f"{B}region/{cc}"))
            for holder in (iri, own):
                yield _t(holder, ONT + "holdsQualification", _iri(qual(cc, level, field)))
                for s in some_skills(field, level, 3 if level > 2 else 0):
                    yield _t(holder, ONT + "holdsSkill", _iri(s))


_STATUSES = ["running"] * 16 + ["planned"] * 2 + ["ended", "unknown"]
_AUDIENCES = ["anyone"] * 45 + ["unemployed"] * 2 + ["youth", "employees"]
_BLANK = iter(range(10**9))


def _offer(c: str, rng: random.Random) -> Iterator[str]:
    yield _t(
        c,
        ONT + "offerStatus",
        _iri(
            f"{B}vocab/offer-{rng.choice(_STATUSES)}".replace(
                "offer-unknown", "offer-status-unknown"
            )
        ),
    )
    yield _t(c, ONT + "audience", _iri(f"{B}vocab/audience-{rng.choice(_AUDIENCES)}"))
    yield from _mark(c, "offerStatus", "confirmed")


def _mark(c: str, prop: str, confidence: str) -> Iterator[str]:
    node = f"_:f{next(_BLANK)}"
    yield f"<{c}> <{ONT}factConfidence> {node} .\n"
    yield f"{node} <{ONT}aboutProperty> <{ONT}{prop}> .\n"
    yield f"{node} <{ONT}confidence> <{B}vocab/confidence-{confidence}> .\n"


PROFILES = [
    ("compulsory-school-only", 2, 0),
    ("experienced-worker", 2, 5),
    ("general-upper-secondary", 4, 0),
    ("vocational-upper-secondary", 4, 0),
    ("vocational-with-experience", 4, 3),
    ("post-secondary-vocational", 5, 0),
    ("bachelor", 6, 0),
    ("engineering-bachelor", 6, 1),
    ("master", 7, 0),
    ("doctor", 8, 0),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=60)
    parser.add_argument("--skills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    with args.output.open("w", encoding="utf-8") as out:
        out.writelines(generate(args.courses, args.roles, args.skills, args.seed))


if __name__ == "__main__":
    main()


def in_graph(quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """Parsed quads moved into `graph` (for a writer's bulk_extend)."""
    for q in quads:
        yield ox.Quad(q.subject, q.predicate, q.object, graph)
