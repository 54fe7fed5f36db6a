"""What if: a course that does not exist yet, added to one request and never stored.

The planner gives its region, level and places per year, and the roles it leads to or the
skills it teaches; the answer is the gap of that region (and the regions it lies within)
before and after, with the rows that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UsageError
from .analysis import GapQuery, analyse
from .inputs import Offer
from .service import check_level, check_year, inputs_of, labeller, resolve_region

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

MAX_PLACES = 100_000
MAX_ITEMS = 200
HYPOTHETICAL = "urn:battkg:what-if:course"


@dataclass(frozen=True)
class Hypothetical:
    region: str
    level: str
    places: int
    roles: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    online: bool = False
    year: int | None = None
    turnover: float | None = None
    lang: str = "en"


def _resolve_all(
    kg: KnowledgeGraph, values: tuple[str, ...], kind: str, known: set[str], field: str
) -> frozenset[str]:
    out = set()
    for value in values:
        iri = value if "://" in value else kg.iris.thing(kind, value)
        if iri not in known:
            raise UsageError(
                f"{field}: {value!r} is not a {kind} battkg knows",
                fix=f"give {kind} ids (GET /queries lists the named queries that list them)",
                details={"field": field, "value": value},
            )
        out.add(iri)
    return frozenset(out)


def what_if(kg: KnowledgeGraph, h: Hypothetical) -> dict[str, object]:
    inputs = inputs_of(kg)
    region = resolve_region(kg, inputs, h.region, "region")
    if h.level is None:
        raise UsageError(
            "level is missing", fix="give the course's education level", details={"field": "level"}
        )
    check_level(h.level)
    check_year(inputs, h.year)
    if not 0 <= h.places <= MAX_PLACES:
        raise UsageError(
            f"places={h.places} is out of range",
            fix=f"give places per year from 0 to {MAX_PLACES}",
            details={"field": "places", "value": h.places},
        )
    if not h.roles and not h.skills:
        raise UsageError(
            "the course needs roles or skills",
            fix="give the roles it leads to (roles) or the skills it teaches (skills), or both",
            details={"field": "roles"},
        )
    if len(h.roles) > MAX_ITEMS or len(h.skills) > MAX_ITEMS:
        raise UsageError(
            f"at most {MAX_ITEMS} roles and {MAX_ITEMS} skills",
            fix="give fewer",
            details={"field": "roles" if len(h.roles) > MAX_ITEMS else "skills"},
        )
    roles = _resolve_all(kg, h.roles, "role", set(inputs.role_stages), "roles")
    known_skills = set().union(*inputs.role_needs.values(), *(o.skills for o in inputs.offers))
    skills = frozenset(s if "://" in s else kg.iris.thing("skill", s) for s in h.skills)
    unknown = sorted(s for s in skills if s not in known_skills)
    if unknown:
        raise UsageError(
            f"skills: {unknown[0]!r} is not a skill any role needs or any course teaches",
            fix="give the IRIs of ESCO skills or battkg skill ids",
            details={"field": "skills", "value": unknown[0]},
        )
    offer = Offer(
        iri=HYPOTHETICAL,
        status="running",
        online=h.online,
        level=h.level,
        places=h.places,
        places_confidence="estimated",
        regions=(region,),
        role_bits=inputs.role_bits(roles),
        stages=frozenset().union(*(inputs.role_stages.get(r, frozenset()) for r in roles)),
        skills=skills,
    )
    label = labeller(kg, h.lang)
    scope = {region} | set(inputs.parents.get(region, ()))
    before, after = [], []
    for place in sorted(r for r in scope if r in inputs.country_of and not r.endswith("/EU")):
        query = GapQuery(region=place, year=h.year, turnover=h.turnover)
        before.append(analyse(inputs, query, label))
        after.append(analyse(inputs, query, label, extra=[offer]))
    changed = []
    for old, new in zip(before, after, strict=True):
        old_rows = {_key(r): r for r in old["rows"]}  # type: ignore[attr-defined]
        for row in new["rows"]:  # type: ignore[attr-defined]
            previous = old_rows.get(_key(row))
            if previous is None or previous["capacity"] != row["capacity"]:
                changed.append({"before": previous, "after": row})
    return {
        "course": {
            "region": region,
            "level": h.level,
            "places": h.places,
            "online": h.online,
            "roles": sorted(roles),
            "skills": sorted(skills),
            "stored": False,
        },
        "changed_rows": changed,
        "regions_before": [r["regions"][0] for r in before if r["regions"]],  # type: ignore[index]
        "regions_after": [r["regions"][0] for r in after if r["regions"]],  # type: ignore[index]
    }


def _key(row: dict[str, object]) -> tuple[object, ...]:
    demand = row.get("demand")
    return (
        row["region"]["id"],  # type: ignore[index]
        row["stage"]["id"],  # type: ignore[index]
        row.get("level"),
        demand["id"] if isinstance(demand, dict) else None,
    )
