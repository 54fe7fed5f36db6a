"""Capacity: places per year of running offers, by region, scope (stages or roles) and level.

An offer counts in every region it is placed in and every region those lie within; an offer
placed in several regions counts fully only where all its places lie (elsewhere its places
are not split, so they widen the upper end only). An online offer counts for its country
only, marked online. Unknown places are unknown: the upper end becomes open, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..pathways.model import weakest_mark
from .figures import Range
from .inputs import Inputs, Offer

LISTED_OFFERS = 20
EU = "/region/EU"


@dataclass
class Capacity:
    places_low: int = 0
    places_high: int | None = 0
    offers: int = 0
    unknown_places: int = 0
    split_unknown: int = 0
    online_places: int = 0
    marks: set[str] = field(default_factory=set)
    listed: list[str] = field(default_factory=list)
    #: offers that would count but are not running (planned, ended, status unknown), by status
    not_running: dict[str, int] = field(default_factory=dict)

    def add(self, offer: Offer, full: bool) -> None:
        if not offer.running:
            self.not_running[offer.status] = self.not_running.get(offer.status, 0) + 1
            return
        self.offers += 1
        if len(self.listed) < LISTED_OFFERS:
            self.listed.append(offer.iri)
        if offer.places is None:
            self.unknown_places += 1
            self.places_high = None
            self.marks.add("unknown")
            return
        self.marks.add(offer.places_confidence)
        if not full:
            self.split_unknown += 1
        else:
            self.places_low += offer.places
            if offer.online:
                self.online_places += offer.places
        if self.places_high is not None:
            self.places_high += offer.places

    @property
    def places(self) -> Range:
        return Range(self.places_low, self.places_high)

    @property
    def confidence(self) -> str:
        return weakest_mark(self.marks, default="unknown") if self.offers else "unknown"

    def json(self, source: str) -> dict[str, object]:
        return {
            "kind": "places-per-year",
            "places": self.places.json(),
            "offers": self.offers,
            "offers_with_unknown_places": self.unknown_places,
            "offers_placed_in_several_regions": self.split_unknown,
            "online_places": self.online_places,
            "offers_not_running": dict(sorted(self.not_running.items())),
            "confidence": self.confidence,
            "offers_listed": self.listed,
            "source": source,
        }


class CapacityIndex:
    """The offers each region counts (only running ones add places), with whether all of an
    offer's places lie there."""

    def __init__(self, inputs: Inputs, extra: Iterable[Offer] = ()) -> None:
        self.inputs = inputs
        self.by_region: dict[str, list[tuple[Offer, bool]]] = {}
        for offer in [*inputs.offers, *extra]:
            for region, full in self.regions_of(offer).items():
                self.by_region.setdefault(region, []).append((offer, full))
        self._cache: dict[tuple[str, frozenset[str], frozenset[str], str | None], Capacity] = {}

    def regions_of(self, offer: Offer) -> dict[str, bool]:
        parents, country_of = self.inputs.parents, self.inputs.country_of
        if offer.online:
            countries = {country_of[r] for r in offer.regions if r in country_of}
            return {c: len(countries) == 1 for c in countries}
        covering: list[set[str]] = []
        for region in offer.regions:
            covering.append({region} | set(parents.get(region, ())))
        out: dict[str, bool] = {}
        for region in set().union(*covering) if covering else set():
            if region.endswith(EU):
                continue
            out[region] = all(region in c for c in covering)
        return out

    def offers_in(self, region: str) -> list[tuple[Offer, bool]]:
        return self.by_region.get(region, [])

    def running_in(self, region: str) -> list[Offer]:
        return [o for o, _ in self.by_region.get(region, []) if o.running]

    def capacity(
        self,
        region: str,
        stages: frozenset[str] = frozenset(),
        roles: frozenset[str] = frozenset(),
        level: str | None = None,
    ) -> Capacity:
        """Places of running offers in the region leading to a role of the stages (or the roles)."""
        key = (region, stages, roles, level)
        found = self._cache.get(key)
        if found is not None:
            return found
        cap = Capacity()
        wanted = self.inputs.role_bits(roles)
        for offer, full in self.offers_in(region):
            if level is not None and offer.level != level:
                continue
            if roles:
                if not wanted & offer.role_bits:
                    continue
            elif (stages and stages.isdisjoint(offer.stages)) or not offer.role_bits:
                continue
            cap.add(offer, full)
        self._cache[key] = cap
        return cap


def stage_table(index: CapacityIndex, region: str) -> dict[tuple[str, str | None], Capacity]:
    """Capacity of one region per (stage, level) in one pass; level None is all levels."""
    table: dict[tuple[str, str | None], Capacity] = {}
    for offer, full in index.offers_in(region):
        for stage in offer.stages:
            for level in (None, offer.level):
                cap = table.get((stage, level))
                if cap is None:
                    cap = table[(stage, level)] = Capacity()
                cap.add(offer, full)
                if offer.level is None:
                    break
    return table


def level_table(index: CapacityIndex, region: str) -> dict[str | None, Capacity]:
    """Capacity of one region per level (any battery role); None is offers of unknown level."""
    table: dict[str | None, Capacity] = {}
    for offer, full in index.offers_in(region):
        if offer.role_bits:
            table.setdefault(offer.level, Capacity()).add(offer, full)
    return table
