"""The person a route starts from, and what their situation means for the search.

A person is an optional preset (entry profile), what else they hold (qualifications and
skills; a job they hold or held counts for its essential skills), years of experience, a
home region (which implies the home country), their situation (employed, registered as
unemployed, in school) and whether online study and moving across a border are
acceptable. Nothing of it is stored; it becomes the search's start and filters here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import UsageError
from .filters import Filters
from .model import PathwayModel, Start

SITUATIONS = ("employed", "unemployed", "in-school")
STATUSES = ("running", "planned", "ended", "unknown")
AUDIENCES = ("anyone", "adults", "youth", "unemployed", "employees", "vocational-teachers")
DEFAULT_STATUSES = frozenset({"running", "planned"})
#: the audiences a situation opens besides "anyone"
SITUATION_AUDIENCES = {"in-school": {"youth"}, "unemployed": {"unemployed"}, "employed": set()}


@dataclass(frozen=True)
class Person:
    profile: str | None = None
    holds: tuple[int, ...] = ()
    experience: float | None = None
    home: str | None = None  # region IRI
    home_country: str | None = None  # country code (SE, FI, NO)
    situation: str | None = None
    online: bool = True
    cross_border: bool = True
    job: str | None = None  # a role or ESCO occupation IRI

    def start(self, model: PathwayModel) -> Start:
        profile = model.profiles.get(self.profile) if self.profile else None
        return model.start(profile, self.holds, self.experience, self.home_country)


def offer_filters(
    statuses: tuple[str, ...] | list[str] = (),
    audiences: tuple[str, ...] | list[str] = (),
    situation: str | None = None,
) -> tuple[frozenset[str], frozenset[str]]:
    """The offer statuses and audiences a search uses: those asked for, else running or
    planned offers open to anyone or to the person's situation."""
    bad = sorted(set(statuses) - set(STATUSES))
    if bad:
        raise UsageError(
            f"unknown offer status {', '.join(bad)}",
            fix=f"use {', '.join(STATUSES)}",
            details={"parameter": "offer_status", "value": bad},
        )
    bad = sorted(set(audiences) - set(AUDIENCES))
    if bad:
        raise UsageError(
            f"unknown audience {', '.join(bad)}",
            fix=f"use {', '.join(AUDIENCES)}",
            details={"parameter": "audience", "value": bad},
        )
    if situation is not None and situation not in SITUATIONS:
        raise UsageError(
            f"unknown situation {situation!r}",
            fix=f"use {', '.join(SITUATIONS)}",
            details={"parameter": "situation", "value": situation},
        )
    chosen_statuses = frozenset(statuses) or DEFAULT_STATUSES
    # adult education is open to everyone but a pupil in school (komvux from the year one
    # turns 20): a pupil choosing a programme is sent to the youth programmes
    adults = () if situation == "in-school" else ("adults",)
    chosen = {"anyone", *adults, *SITUATION_AUDIENCES.get(situation or "", set()), *audiences}
    return chosen_statuses, frozenset(chosen)


def retakes(model: PathwayModel, start: Start) -> frozenset[int]:
    """Steps that award a qualification the person already holds: never part of a route.
    A qualification named only by its kind and level, which programmes of many fields award
    (bkg:awardedAcrossFields: a master's degree, a vocational diploma), does not make another
    such programme a retake: it teaches another field's skills. Routes are minimal, so such a
    programme is in one only when a later step or the role needs what it teaches."""
    courses, out, generic = model.courses, set[int](), model.across_fields
    for item in start.held:
        if item in generic:
            continue
        out.update(c for c in model.awarders.get(item, ()) if item in courses[c].qualifications)
    return frozenset(out)


def person_filters(model: PathwayModel, person: Person, start: Start, base: Filters) -> Filters:
    """The filters a search for `person` uses: the asked ones, no retakes, no online steps
    when online study is not acceptable, no step on site abroad without moving across a
    border."""
    return replace(
        base,
        online=base.online and person.online,
        stay_in=person.home_country if not person.cross_border else base.stay_in,
        exclude=base.exclude | retakes(model, start),
    )


def check_contradictions(model: PathwayModel, person: Person, filters: Filters, rank: str) -> None:
    """Filters that cannot hold together: a 422 naming the parameters and the fix."""
    if filters.free_only and rank == "cost":
        raise UsageError(
            "free_only=true with rank=cost: every route left is free, so ranking by fee orders nothing",
            fix="drop free_only, or rank by duration, steps or confidence",
            details={"parameter": ["free_only", "rank"]},
        )
    if not person.online and filters.modes == frozenset({"online"}):
        raise UsageError(
            "online=false with mode=online leaves no step",
            fix="drop one of online=false and mode=online",
            details={"parameter": ["online", "mode"]},
        )
    if not person.cross_border and person.home_country:
        foreign = sorted(
            r
            for r in filters.regions | filters.countries
            if (model.region_country.get(r) or None) not in (None, person.home_country)
        )
        if foreign:
            raise UsageError(
                f"cross_border=false with a region outside the home country ({', '.join(foreign)})",
                fix="drop cross_border=false, or ask for regions of the home country",
                details={"parameter": ["cross_border", "region"], "value": foreign},
            )
