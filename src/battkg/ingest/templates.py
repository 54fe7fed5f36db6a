"""The CSV templates partners fill in: one per kind of thing, column by column.

Each column says which property it fills, how a cell becomes an RDF term
(`convert`), whether it may hold several values (separated by `|`) and whether
it belongs to the row's thing or to its entry requirement. docs/partner-data.md
documents the same columns; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from battkg.namespaces import BKG, DCTERMS, RDFS, SCHEMA, SKOS

MULTI_SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    name: str
    prop: str
    convert: str  # see convert.CONVERTERS
    required: bool = False
    multi: bool = False
    on_requirement: bool = False
    help: str = ""


@dataclass(frozen=True)
class Template:
    kind: str  # the file's kind: courses, providers, roles, demand
    cls: str  # the class of each row's thing
    id_kind: str  # <base>/id/<id_kind>/<id>
    columns: tuple[Column, ...]
    requirement_prefix: str | None = (
        None  # rows get an entry requirement <base>/id/requirement/<prefix><id>
    )

    @property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def column_for(self, prop: str, on_requirement: bool) -> str | None:
        for c in self.columns:
            if c.prop == prop and c.on_requirement == on_requirement:
                return c.name
        return None


def _names(kind_help: str) -> tuple[Column, ...]:
    return tuple(
        Column(
            f"name_{lang}",
            SKOS + "prefLabel",
            f"text@{lang}",
            help=f"the name in {label}{kind_help}",
        )
        for lang, label in (
            ("en", "English"),
            ("sv", "Swedish"),
            ("fi", "Finnish"),
            ("nb", "Norwegian bokmål"),
        )
    )


ID = Column("id", "", "id", required=True, help="short id: lower-case letters, digits and hyphens")

ENTRY = (
    Column(
        "entry_open",
        BKG + "openEntry",
        "boolean",
        on_requirement=True,
        help="true if anyone may enter",
    ),
    Column(
        "entry_qualifications",
        BKG + "acceptsQualification",
        "ref:qualification",
        multi=True,
        on_requirement=True,
        help="qualifications that give entry (any one is enough)",
    ),
    Column(
        "entry_eqf_level",
        BKG + "acceptsLevel",
        "eqf",
        on_requirement=True,
        help="any qualification at this EQF level (1-8) or above gives entry",
    ),
    Column(
        "entry_skills",
        BKG + "requiresSkill",
        "ref:skill",
        multi=True,
        on_requirement=True,
        help="skills needed (all of them)",
    ),
    Column(
        "entry_prior_learning",
        BKG + "priorLearningAccepted",
        "boolean",
        on_requirement=True,
        help="true if validation of prior learning can stand in for the qualification",
    ),
    Column(
        "entry_min_experience_years",
        BKG + "minimumExperienceYears",
        "decimal",
        on_requirement=True,
        help="years of work experience needed when prior learning stands in",
    ),
)

COURSES = Template(
    "courses",
    BKG + "Course",
    "course",
    (
        ID,
        *_names(" (at least one name)"),
        Column(
            "provider",
            BKG + "offeredBy",
            "ref:provider",
            required=True,
            multi=True,
            help="provider id (from providers.csv or battkg) or IRI",
        ),
        Column(
            "region",
            BKG + "locatedIn",
            "ref:region",
            required=True,
            help="NUTS 2021 code, e.g. SE331",
        ),
        Column("municipality", BKG + "municipality", "text"),
        Column(
            "languages",
            BKG + "teachingLanguage",
            "language",
            required=True,
            multi=True,
            help="ISO 639-1 codes, e.g. sv|en",
        ),
        Column(
            "mode", BKG + "mode", "vocab:mode", required=True, help="on-site, online or blended"
        ),
        Column(
            "duration_weeks", BKG + "durationWeeks", "decimal", required=True, help="weeks, > 0"
        ),
        Column("credits", BKG + "credits", "decimal", help="credits in the credit system"),
        Column(
            "credit_system",
            BKG + "creditSystem",
            "vocab:credits",
            required=True,
            help="yh, ects, osp, fagskolepoeng, gymnasiepoang or none",
        ),
        Column("places_per_year", BKG + "placesPerYear", "integer", help="whole number > 0"),
        Column(
            "tuition_fee", BKG + "tuitionFee", "decimal", help="fee for the whole course, 0 if free"
        ),
        Column("currency", BKG + "currency", "text", help="ISO 4217 code, e.g. SEK"),
        Column("publicly_funded", BKG + "publiclyFunded", "boolean"),
        Column("start_dates", BKG + "startDate", "date", multi=True, help="YYYY-MM-DD"),
        Column(
            "skills_taught",
            BKG + "teachesSkill",
            "ref:skill",
            required=True,
            multi=True,
            help="ESCO skill IRIs or UUIDs, or battkg skill ids",
        ),
        Column(
            "qualification",
            BKG + "awardsQualification",
            "ref:qualification",
            help="qualification id or IRI",
        ),
        *ENTRY,
        Column(
            "entry_needs_employer",
            BKG + "needsEmployer",
            "boolean",
            on_requirement=True,
            help="true if the person must also have an employer who takes them on "
            "(an apprenticeship or employment contract)",
        ),
        Column("url", SCHEMA + "url", "url"),
        Column("note", RDFS + "comment", "text@en", help="a remark in English"),
    ),
    requirement_prefix="",
)

PROVIDERS = Template(
    "providers",
    BKG + "Provider",
    "provider",
    (
        ID,
        *_names(" (at least one name)"),
        Column(
            "type",
            BKG + "providerType",
            "vocab:provider-type",
            required=True,
            help="komvux, yrkeshogskola, upper-secondary, vet-provider, uas, university, fagskole, "
            "company-academy, labour-market-training or apprenticeship",
        ),
        Column("region", BKG + "locatedIn", "ref:region", required=True, help="NUTS 2021 code"),
        Column("municipality", BKG + "municipality", "text"),
        Column("country", BKG + "countryCode", "country", help="ISO 3166-1 alpha-2 code, e.g. SE"),
        Column("url", SCHEMA + "url", "url"),
    ),
)

ROLES = Template(
    "roles",
    BKG + "JobRole",
    "role",
    (
        ID,
        *_names(" (at least one name)"),
        Column(
            "definition_en",
            SKOS + "definition",
            "text@en",
            required=True,
            help="what the role does",
        ),
        Column(
            "stages",
            BKG + "inStage",
            "ref:stage",
            required=True,
            multi=True,
            help="value-chain stage ids",
        ),
        Column("eqf_level", BKG + "typicalEqfLevel", "eqf", required=True, help="1-8"),
        Column(
            "isco_group", BKG + "iscoGroup", "isco", required=True, help="four-digit ISCO-08 code"
        ),
        Column(
            "esco_exact", SKOS + "exactMatch", "ref:occupation", multi=True, help="ESCO occupations"
        ),
        Column(
            "esco_close", SKOS + "closeMatch", "ref:occupation", multi=True, help="ESCO occupations"
        ),
        Column(
            "esco_broad", SKOS + "broadMatch", "ref:occupation", multi=True, help="ESCO occupations"
        ),
        Column("essential_skills", BKG + "essentialSkill", "ref:skill", required=True, multi=True),
        Column("optional_skills", BKG + "optionalSkill", "ref:skill", multi=True),
        *ENTRY,
    ),
    requirement_prefix="role-",
)

DEMAND = Template(
    "demand",
    BKG + "DemandEstimate",
    "demand",
    (
        ID,
        Column("label_en", RDFS + "label", "text@en", required=True, help="a short title"),
        Column("roles", BKG + "demandFor", "ref:role", multi=True, help="job role ids"),
        Column("stages", BKG + "demandFor", "ref:stage", multi=True, help="value-chain stage ids"),
        Column(
            "region", BKG + "locatedIn", "ref:region", required=True, help="NUTS 2021 code or EU"
        ),
        Column("year", BKG + "year", "year", help="four digits"),
        Column("count", BKG + "count", "integer", help="number of people"),
        Column("count_min", BKG + "countMin", "integer", help="low end of a range"),
        Column("count_max", BKG + "countMax", "integer", help="high end of a range"),
        Column("kind", BKG + "demandKind", "text", required=True, help="direct jobs, hires, ..."),
        Column("source", DCTERMS + "source", "iri", help="web address of the source"),
    ),
)

TEMPLATES: dict[str, Template] = {t.kind: t for t in (COURSES, PROVIDERS, ROLES, DEMAND)}
