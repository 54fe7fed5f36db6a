"""Per region: the roles demanded there with no running course, the skills those roles need
that no running course in the region teaches (ranked by how many demanded roles need them),
and overlaps (courses placed in the region at the same level leading to the same roles and
sharing most of what they teach)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from typing import TYPE_CHECKING

from ..pathways.bitsets import indexes_of as bit_indexes
from .inputs import Estimate, Inputs, Offer

if TYPE_CHECKING:
    from .capacity import CapacityIndex

Label = Callable[[str], str]
#: groups larger than this are reported, not compared pair by pair (bounded work per request)
MAX_GROUP = 200
TOP_SKILLS = 25


def demanded_roles(inputs: Inputs, region: str, current: list[Estimate]) -> set[str]:
    """Roles of the current estimates placed in the region, within it, or in a region above it
    (a country's estimate concerns its regions too; the EU's does not)."""
    above = inputs.parents.get(region, frozenset())
    roles: set[str] = set()
    for e in current:
        if e.where.endswith("/region/EU"):
            continue
        if e.where == region or e.where in above or region in inputs.parents.get(e.where, ()):
            if e.roles:
                roles |= e.roles
            else:
                roles |= inputs.roles_in_stages(e.stages)
    return roles


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def overlaps(
    inputs: Inputs, offers: list[Offer], region: str, threshold: float, label: Label
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    groups: dict[tuple[str | None, int], list[Offer]] = {}
    for offer in offers:
        if region in offer.regions and offer.role_bits and offer.skills:
            groups.setdefault((offer.level, offer.role_bits), []).append(offer)
    found: list[dict[str, object]] = []
    too_large: list[dict[str, object]] = []
    # ordered as the sorted role lists they stand for (bit i is the i-th role, sorted); a
    # course alone in its group overlaps nothing, so only groups of two or more are ordered
    pairs = [(key, found) for key, found in groups.items() if len(found) >= 2]
    for (level, bits), members in sorted(pairs, key=lambda kv: (kv[0][0] or "", _order(kv[0][1]))):
        if len(members) > MAX_GROUP:
            too_large.append({"level": level, "roles": bits.bit_count(), "courses": len(members)})
            continue
        roles = inputs.roles_of(bits)
        for a, b in combinations(sorted(members, key=lambda o: o.iri), 2):
            share = jaccard(a.skills, b.skills)
            if share >= threshold:
                found.append(
                    {
                        "courses": [
                            {"id": a.iri, "label": label(a.iri), "places": a.places},
                            {"id": b.iri, "label": label(b.iri), "places": b.places},
                        ],
                        "level": level,
                        "roles": [{"id": r, "label": label(r)} for r in roles],
                        "shared_skills": len(a.skills & b.skills),
                        "skills_taught": len(a.skills | b.skills),
                        "share": round(share, 3),
                    }
                )
    return found, too_large


def _order(bits: int) -> list[int]:
    """A key that sorts role bits as the sorted lists of their roles' IRIs."""
    return list(bit_indexes(bits))


def regional_parts(
    inputs: Inputs,
    index: CapacityIndex,
    region: str,
    current: list[Estimate],
    label: Label,
    threshold: float,
) -> dict[str, object]:
    offers = index.running_in(region)
    roles = demanded_roles(inputs, region, current)
    bits = 0
    for offer in offers:
        bits |= offer.role_bits
    reached = set(inputs.roles_of(bits & inputs.role_bits(roles)))
    taught = set().union(*(o.skills for o in offers)) if offers else set()
    need_count: dict[str, list[str]] = {}
    for role in roles:
        for skill in inputs.role_needs.get(role, ()):
            if skill not in taught:
                need_count.setdefault(skill, []).append(role)
    ranked = sorted(need_count.items(), key=lambda kv: (-len(kv[1]), label(kv[0])))
    found, too_large = overlaps(inputs, offers, region, threshold, label)
    return {
        "demanded_roles": len(roles),
        "roles_without_course": [
            {"id": r, "label": label(r)} for r in sorted(roles - reached, key=label)
        ],
        "missing_skills": [
            {"id": s, "label": label(s), "roles_needing": len(rs), "roles": sorted(rs)}
            for s, rs in ranked[:TOP_SKILLS]
        ],
        "missing_skills_total": len(ranked),
        "overlaps": found,
        "overlap_groups_not_compared": too_large,
    }
