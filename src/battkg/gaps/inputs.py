"""The inputs of the gap analysis, read with the named queries queries/gap-*.rq.

The named queries are the data behind the API: a researcher can run and change them.
They are read once per data version (`kg.derived`), after the course-to-role links of
that version are in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import QueryError
from ..pathways.bitsets import indexes_of as members
from ..pathways.model import weakest_mark
from .atoms import above_union
from .links import ensure_links

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

LEVELS = ("upper-secondary", "post-secondary-vocational", "bachelor", "master", "doctorate")
#: the education level of a course from the EQF level of what it awards (EQF 1-4: school level)
LEVEL_OF_EQF = {
    1: "upper-secondary",
    2: "upper-secondary",
    3: "upper-secondary",
    4: "upper-secondary",
    5: "post-secondary-vocational",
    6: "bachelor",
    7: "master",
    8: "doctorate",
}
MEASURES = (
    "headcount",
    "planned-jobs",
    "planned-hires",
    "hires-per-year",
    "jobs-incl-indirect",
    "scenario",
    "people-to-train",
)


@dataclass(frozen=True)
class Estimate:
    iri: str
    label: str
    where: str
    country: str | None
    measure: str
    status: str
    kind: str
    count: int | None
    count_min: int | None
    count_max: int | None
    confidence: str
    year: int | None = None
    period_start: int | None = None
    period_end: int | None = None
    published: str | None = None
    level: str | None = None
    reason: str | None = None
    superseded_by: str | None = None
    stages: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    #: the page that states the figure (the source of its confidence mark), if known
    figure_source: str | None = None

    @property
    def low(self) -> int | None:
        return self.count if self.count is not None else self.count_min

    @property
    def high(self) -> int | None:
        return self.count if self.count is not None else self.count_max

    def years(self) -> tuple[int, ...]:
        if self.period_start is not None and self.period_end is not None:
            return tuple(range(self.period_start, self.period_end + 1))
        return (self.year,) if self.year is not None else ()


@dataclass(frozen=True)
class Offer:
    iri: str
    status: str
    online: bool
    level: str | None
    places: int | None
    places_confidence: str
    regions: tuple[str, ...]
    #: the roles it leads to, as bits of `Inputs.roles` (dense: nearly every role of a country
    #: at 50,000 generated courses, so never a set of IRIs per course)
    role_bits: int
    stages: frozenset[str]
    academic_year: str | None = None
    sources: tuple[str, ...] = ()
    skills: frozenset[str] = frozenset()

    @property
    def running(self) -> bool:
        return self.status == "running"


@dataclass
class Inputs:
    version: str
    estimates: list[Estimate]
    offers: list[Offer]
    #: region -> every region it lies within (not itself)
    parents: dict[str, frozenset[str]]
    #: region -> its country (a country maps to itself)
    country_of: dict[str, str]
    role_stages: dict[str, frozenset[str]]
    role_needs: dict[str, frozenset[str]]
    stages: tuple[str, ...]
    links_stored: bool = True
    links_seconds: float = 0.0
    years: tuple[int, int] | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: every role, in the order of the offers' role bits
    roles: tuple[str, ...] = ()
    _bit: dict[str, int] = field(default_factory=dict, repr=False)
    _by_stage: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._bit = {r: 1 << i for i, r in enumerate(self.roles)}
        for role, stages in self.role_stages.items():
            for stage in stages:
                self._by_stage.setdefault(stage, set()).add(role)

    def roles_in_stages(self, stages: frozenset[str]) -> set[str]:
        """The roles of any of `stages`."""
        return set().union(*(self._by_stage.get(s, ()) for s in stages))

    def role_bits(self, roles: frozenset[str] | set[str]) -> int:
        """`roles` as bits (roles the links do not know have none)."""
        return sum(self._bit.get(r, 0) for r in set(roles))

    def roles_of(self, bits: int) -> list[str]:
        """The roles of `bits`, in the order of `roles` (sorted)."""
        return [self.roles[i] for i in members(bits)]


def _v(row: ox.QuerySolution, name: str) -> str | None:
    term = row[name]
    return None if term is None else str(term.value)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _year(value: str | None) -> int | None:
    return _int(value[:4]) if value else None


def _split(value: str | None) -> list[str]:
    return value.split() if value else []


def _rows(
    kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None
) -> list[ox.QuerySolution]:
    _, result = kg.run_named(name, params or {})
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"the named query {name} must be a SELECT query")
    return list(result)


def read_estimates(kg: KnowledgeGraph, status: str) -> list[Estimate]:
    out = []
    for row in _rows(kg, "gap-demand", {"status": status}):
        marks = _split(_v(row, "confidences"))
        count, low, high = (
            _int(_v(row, "count")),
            _int(_v(row, "countMin")),
            _int(_v(row, "countMax")),
        )
        has_figure = any(v is not None for v in (count, low, high))
        out.append(
            Estimate(
                iri=_v(row, "estimate") or "",
                label=_v(row, "label") or "",
                where=_v(row, "where") or "",
                country=_v(row, "country"),
                measure=_v(row, "measureCode") or "",
                status=_v(row, "statusCode") or "",
                kind=_v(row, "kind") or "",
                count=count,
                count_min=low,
                count_max=high,
                confidence=weakest_mark(marks) if has_figure else "unknown",
                year=_year(_v(row, "year")),
                period_start=_year(_v(row, "periodStart")),
                period_end=_year(_v(row, "periodEnd")),
                published=_v(row, "published"),
                level=_v(row, "levelCode"),
                reason=_v(row, "statusReason"),
                superseded_by=_v(row, "supersededBy"),
                stages=frozenset(_split(_v(row, "stages"))),
                roles=frozenset(_split(_v(row, "roles"))),
                sources=tuple(sorted(_split(_v(row, "sources")))),
                figure_source=_v(row, "figureSource"),
            )
        )
    return out


def read_atoms(kg: KnowledgeGraph, known: set[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """The requirement atoms (gap-atoms) with the roles each leads to (those needing it,
    directly or through the atoms above it) as bits of the roles named there and in `known`,
    and those roles, sorted."""
    rows = _rows(kg, "gap-atoms")
    index = {_v(row, "atom") or "": i for i, row in enumerate(rows)}
    needs = [[index[b] for b in _split(_v(row, "needs")) if b in index] for row in rows]
    direct = [set(_split(_v(row, "roles"))) for row in rows]
    roles = tuple(sorted(known.union(*direct)))
    bit = {r: 1 << i for i, r in enumerate(roles)}
    above = above_union(needs, [sum(bit[r] for r in found) for found in direct])
    return {atom: above[i] for atom, i in index.items()}, roles


def read_offers(
    kg: KnowledgeGraph, teaches: dict[str, set[str]], atom_roles: Callable[[list[str]], int]
) -> list[Offer]:
    out = []
    for row in _rows(kg, "gap-capacity"):
        iri = _v(row, "course") or ""
        level = _v(row, "levelCode")
        if level is None:
            level = LEVEL_OF_EQF.get(_int(_v(row, "eqf")) or 0)
        places = _int(_v(row, "places"))
        mark = _v(row, "placesConfidence")
        out.append(
            Offer(
                iri=iri,
                status=_v(row, "statusCode") or "unknown",
                online=_v(row, "modeCode") == "online",
                level=level,
                places=places,
                places_confidence=mark or ("unknown" if places is None else "estimated"),
                regions=tuple(sorted(_split(_v(row, "regions")))),
                role_bits=atom_roles(_split(_v(row, "atoms"))),
                stages=frozenset(_split(_v(row, "stages"))),
                academic_year=_v(row, "academicYear"),
                sources=tuple(sorted(_split(_v(row, "sources")))),
                skills=frozenset(teaches.get(iri, ())),
            )
        )
    return out


def read_regions(kg: KnowledgeGraph) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    rows = kg.select(
        "SELECT ?r ?p ?code WHERE { ?r a bkg:Region . OPTIONAL { ?r bkg:withinRegion ?p } "
        "OPTIONAL { ?r bkg:countryCode ?code } }"
    )
    parents: dict[str, set[str]] = {}
    countries: set[str] = set()
    for row in rows:
        region = str(row["r"].value)
        parents.setdefault(region, set())
        if "p" in row and str(row["p"].value) != region:
            parents[region].add(str(row["p"].value))
        if "code" in row:
            countries.add(region)
    country_of = {}
    for region, above in parents.items():
        found = [c for c in ({region} | above) if c in countries]
        if found:
            country_of[region] = found[0]
    return {r: frozenset(p) for r, p in parents.items()}, country_of


def load_inputs(kg: KnowledgeGraph) -> Inputs:
    links = ensure_links(kg)
    needs: dict[str, set[str]] = {}
    teaches: dict[str, set[str]] = {}
    role_stages: dict[str, set[str]] = {}
    for row in _rows(kg, "gap-skills"):
        thing, skill = _v(row, "thing") or "", _v(row, "skill") or ""
        if _v(row, "relation") == "needs":
            needs.setdefault(thing, set()).add(skill)
        else:
            teaches.setdefault(thing, set()).add(skill)
    for found in kg.select("SELECT ?r ?s WHERE { ?r a bkg:JobRole ; bkg:inStage ?s }"):
        role_stages.setdefault(str(found["r"].value), set()).add(str(found["s"].value))
    stage_rows = kg.select("SELECT ?s WHERE { ?s a bkg:ValueChainStage }")
    parents, country_of = read_regions(kg)
    estimates = read_estimates(kg, "any")
    known = set(role_stages) | {r for e in estimates for r in e.roles}
    atoms, roles = read_atoms(kg, known)

    def atom_roles(served: list[str]) -> int:
        bits = 0
        for atom in served:
            bits |= atoms.get(atom, 0)
        return bits

    offers = read_offers(kg, teaches, atom_roles)
    years = sorted(
        (
            {y for e in estimates for y in e.years()}
            | {_year(e.published) or 0 for e in estimates if e.published}
            | {_int(o.academic_year[:4]) or 0 for o in offers if o.academic_year}
        )
        - {0}
    )
    return Inputs(
        version=links.version,
        estimates=estimates,
        offers=offers,
        parents=parents,
        country_of=country_of,
        role_stages={r: frozenset(s) for r, s in role_stages.items()},
        role_needs={r: frozenset(s) for r, s in needs.items()},
        stages=tuple(sorted(str(r["s"].value) for r in stage_rows)),
        links_stored=links.stored,
        links_seconds=links.seconds,
        years=(years[0], years[-1]) if years else None,
        roles=roles,
    )
