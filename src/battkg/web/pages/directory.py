"""What the guide's pickers and profiles show beside the pathway model: value-chain stages and
their roles, regions by country, country-aware entry profiles, demand, and how sure each
course fact is. Read with queries/guide/*.rq once per store generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ...pathways.engine import model_of
from ...pathways.model import PathwayModel
from ...queries import query_file
from .context import marked

if TYPE_CHECKING:
    from ...kg import KnowledgeGraph

QUERIES = (
    "roles",
    "stages",
    "regions",
    "profiles",
    "qualifications",
    "demand",
    "facts",
    "course-extra",
)
_MARKS = {"confirmed": "confirmed", "partial": "estimated", "uncertain": "estimated"}


def local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class Role:
    iri: str
    stage: str | None = None
    eqf: float | None = None
    definition: str = ""
    esco: list[tuple[str, str]] = field(default_factory=list)  # (match kind, occupation IRI)

    @property
    def slug(self) -> str:
        return local(self.iri)


@dataclass
class Region:
    iri: str
    code: str
    parent: str | None
    country_code: str | None


@dataclass
class Demand:
    iri: str
    region: str | None
    year: str
    count: float | None
    measure: str
    status: str
    sources: list[str]


@dataclass
class Fact:
    confidence: str  # confirmed, estimated or unknown
    sources: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Directory:
    stages: list[str] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    profiles: dict[str, str | None] = field(default_factory=dict)  # profile -> country IRI
    profile_order: dict[str, str] = field(default_factory=dict)
    #: qualification -> (country IRI or None, EQF level or None)
    qualifications: dict[str, tuple[str | None, float | None]] = field(default_factory=dict)
    demand: dict[str, list[Demand]] = field(default_factory=dict)  # role or stage -> estimates
    facts: dict[str, dict[str, Fact]] = field(default_factory=dict)  # course -> property -> mark
    summary: dict[str, Fact] = field(default_factory=dict)  # course -> its own mark and sources
    starts: dict[str, list[date]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # iri -> (label, url)

    def roles_of(self, stage: str | None) -> list[Role]:
        return [r for r in self.roles.values() if r.stage == stage]

    def countries(self) -> list[Region]:
        return sorted(
            (r for r in self.regions.values() if r.country_code and r.parent), key=lambda r: r.code
        )

    def country_of(self, region: str) -> Region | None:
        seen = set()
        current: str | None = region
        while current and current not in seen:
            seen.add(current)
            found = self.regions.get(current)
            if found is None:
                return None
            if found.country_code:
                return found
            current = found.parent
        return None

    def within(self, country: str) -> list[Region]:
        """The regions of a country, NUTS code order."""
        inside = [r for r in self.regions.values() if not r.country_code]
        chosen = [r for r in inside if (c := self.country_of(r.iri)) and c.iri == country]
        return sorted(chosen, key=lambda r: r.code)

    def fact(self, course: str, prop: str, has_value: bool) -> Fact:
        """How sure a course's fact is: its own mark, else the decision-0050 rule (a given
        value without a mark is estimated, a missing one unknown), with the course's sources."""
        mark = self.facts.get(course, {}).get(prop)
        if mark is not None:
            return mark
        summary = self.summary.get(course, Fact("estimated"))
        if not has_value:
            return Fact("unknown", summary.sources)
        if summary.confidence == "confirmed":
            return Fact("confirmed", summary.sources)
        return Fact("estimated", summary.sources, summary.note)

    def next_start(self, course: str, today: date) -> date | None:
        return min((d for d in self.starts.get(course, []) if d >= today), default=None)


def directory_of(kg: KnowledgeGraph) -> Directory:
    return kg.derived("guide-directory", lambda: load_directory(kg))


def _rows(kg: KnowledgeGraph, name: str) -> list[dict[str, Any]]:
    text = query_file(kg.settings.queries_dir, "guide", name, "the guide query")
    return [{k: v.value for k, v in row.items()} for row in kg.select(text)]


def _mark(iri: str | None) -> str:
    name = local(iri or "").removeprefix("confidence-")
    return _MARKS.get(name, "unknown" if name == "unknown" else "estimated")


def load_directory(kg: KnowledgeGraph) -> Directory:
    d = Directory()
    rows = {name: _rows(kg, name) for name in QUERIES}
    for row in sorted(rows["stages"], key=lambda r: (r.get("notation", "99"), r["stage"])):
        if row["stage"] not in d.stages:
            d.stages.append(row["stage"])
    for row in rows["roles"]:
        role = d.roles.setdefault(row["role"], Role(row["role"]))
        role.stage = role.stage or row.get("stage")
        if "eqf" in row:
            role.eqf = float(local(row["eqf"])) if local(row["eqf"]).isdigit() else role.eqf
        role.definition = role.definition or row.get("definition", "")
        if "esco" in row and (local(row["match"]), row["esco"]) not in role.esco:
            role.esco.append((local(row["match"]), row["esco"]))
    for row in rows["regions"]:
        region = d.regions.get(row["region"])
        if region is None:
            code = row.get("nuts") or local(row["region"])
            region = d.regions[row["region"]] = Region(row["region"], code, None, None)
        region.parent = region.parent or row.get("parent")
        region.country_code = region.country_code or row.get("country")
    for row in rows["profiles"]:
        d.profiles[row["profile"]] = d.profiles.get(row["profile"]) or row.get("country")
        d.profile_order[row["profile"]] = row.get("notation", "")
    for row in rows["qualifications"]:
        eqf = local(row.get("eqf", ""))
        d.qualifications[row["qualification"]] = (
            row.get("country"),
            float(eqf) if eqf.isdigit() else None,
        )
    for row in rows["demand"]:
        for_ = row["for"]
        estimates = d.demand.setdefault(for_, [])
        found = next((e for e in estimates if e.iri == row["estimate"]), None)
        if found is None:
            found = Demand(
                row["estimate"],
                row.get("region"),
                str(row.get("year", "")),
                float(row["count"]) if "count" in row else None,
                local(row.get("measure", "")) or str(row.get("kind", "")),
                local(row.get("status", "")) or "current",
                [],
            )
            estimates.append(found)
        if row.get("source") and row["source"] not in found.sources:
            found.sources.append(row["source"])
    for row in rows["facts"]:
        course = row["course"]
        if "property" in row:
            fact = d.facts.setdefault(course, {}).setdefault(
                local(row["property"]), Fact(_mark(row.get("confidence")))
            )
        else:
            fact = d.summary.setdefault(course, Fact(_mark(row.get("confidence"))))
        if row.get("source") and row["source"] not in fact.sources:
            fact.sources.append(row["source"])
        fact.note = fact.note or row.get("note", "")
    for row in rows["course-extra"]:
        thing = row["thing"]
        if "start" in row:
            day = date.fromisoformat(str(row["start"])[:10])
            if day not in d.starts.setdefault(thing, []):
                d.starts[thing].append(day)
        if "status" in row:
            d.status[thing] = local(row["status"]).removeprefix("offer-")
        if "url" in row or "label" in row:
            d.sources[thing] = (row.get("label", local(thing)), row.get("url", ""))
    return d


class Labeller:
    """Data labels in the page's language, marked where they fall back to another."""

    def __init__(self, model: PathwayModel, lang: str) -> None:
        self.model, self.lang = model, lang

    def text(self, iri: str) -> tuple[str, str]:
        by_lang = self.model.labels.pref.get(iri)
        if by_lang:
            for candidate in (self.lang, "en", "sv", "fi", "nb", ""):
                if candidate in by_lang:
                    return by_lang[candidate], candidate
            first = next(iter(by_lang.items()))
            return first[1], first[0]
        return local(iri).replace("-", " "), ""

    def __call__(self, iri: str | None) -> Markup:
        if not iri:
            return Markup("")
        text, text_lang = self.text(iri)
        return marked(text, text_lang, self.lang)

    def plain(self, iri: str) -> str:
        return self.text(iri)[0]


def labeller(kg: KnowledgeGraph, lang: str) -> Labeller:
    return Labeller(model_of(kg), lang)
