"""Filters on a search: place, teaching language, mode, length, cost, and what the person's
situation implies (offer status, audience, online study, moving across a border)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .model import CourseNode

ONLINE = "online"


@dataclass(frozen=True)
class Filters:
    """Which courses a route may use. Empty sets mean "any".

    Place filters (countries, regions: region IRIs) keep a course located in any of
    them, at any depth; online courses are kept wherever they are run from.
    `max_weeks` keeps routes known to fit (a step of unknown length is left out, as
    `free_only` leaves out a step of unknown fee). `statuses` and `audiences` keep offers of those statuses (running, planned, ended,
    unknown) and open to those audiences (anyone, youth, unemployed, ...). `online=False`
    removes online courses; `stay_in` (a country code) removes steps on site in another
    country (no moving across the border); `within` (a country code) keeps only steps
    the person can take without leaving that country: given there, or a course online from
    anywhere (a recognition, validation or trade test counts only in its own country);
    `exclude` removes single steps (those that would award what the person already holds).
    """

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    max_weeks: float | None = None
    free_only: bool = False
    statuses: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    online: bool = True
    stay_in: str | None = None
    within: str | None = None
    exclude: frozenset[int] = frozenset()

    def allows(self, course: CourseNode) -> bool:
        if not course.usable or course.idx in self.exclude:
            return False
        if self.statuses and course.status not in self.statuses:
            return False
        if self.audiences and self.audiences.isdisjoint(course.audience):
            return False
        if not self.online and course.online:
            return False
        if self.stay_in and not course.online and course.country not in (None, self.stay_in):
            return False
        if (
            self.within
            and not course.studied_from_home
            and course.country not in (None, self.within)
        ):
            return False
        if self.languages and self.languages.isdisjoint(course.languages):
            return False
        if self.modes and not (course.mode and _mode_name(course.mode) in self.modes):
            return False
        if self.free_only and not course.free:
            return False
        if self.max_weeks is not None and not course.weeks_known:
            return False
        if course.mode and _mode_name(course.mode) == ONLINE:
            return True
        if self.countries and self.countries.isdisjoint(course.regions):
            return False
        return not (self.regions and self.regions.isdisjoint(course.regions))

    def active(self) -> dict[str, object]:
        """The filters that are set, by name (for answers and reasons)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, False) or value == frozenset() or f.name in _IMPLIED:
                continue
            out[f.name] = sorted(value) if isinstance(value, frozenset) else value
        return out

    def without(self, name: str) -> Filters:
        """The same filters with one of them (by field name) unset."""
        if name == "max_weeks":
            return replace(self, max_weeks=None)
        if name == "free_only":
            return replace(self, free_only=False)
        if name in ("stay_in", "within"):
            return replace(self, **{name: None})  # type: ignore[arg-type]
        if name == "online":
            return replace(self, online=True)
        if name not in ("countries", "regions", "languages", "modes", "statuses", "audiences"):
            raise ValueError(f"no filter {name}")
        empty: frozenset[str] = frozenset()
        return replace(self, **{name: empty})  # type: ignore[arg-type]


#: filters set by the person's situation rather than asked for (shown as the person, not filters)
_IMPLIED = ("statuses", "audiences", "online", "stay_in", "within", "exclude")


def _mode_name(mode_iri: str) -> str:
    """voc:mode-on-site -> on-site."""
    return mode_iri.rsplit("/", 1)[-1].removeprefix("mode-")


class FilterIndex:
    """Course sets by language, mode, place and cost, so that a filter is a few set operations."""

    def __init__(self, courses: list[CourseNode]) -> None:
        self.usable = frozenset(c.idx for c in courses if c.usable)
        self.free = frozenset(c.idx for c in courses if c.free)
        self.by_language: dict[str, set[int]] = {}
        self.by_mode: dict[str, set[int]] = {}
        self.by_region: dict[str, set[int]] = {}
        self.by_status: dict[str, set[int]] = {}
        self.by_audience: dict[str, set[int]] = {}
        self.by_country: dict[str | None, set[int]] = {}
        for c in courses:
            self.by_status.setdefault(c.status, set()).add(c.idx)
            for audience in c.audience:
                self.by_audience.setdefault(audience, set()).add(c.idx)
            self.by_country.setdefault(c.country, set()).add(c.idx)
            for lang in c.languages:
                self.by_language.setdefault(lang, set()).add(c.idx)
            if c.mode:
                self.by_mode.setdefault(_mode_name(c.mode), set()).add(c.idx)
            for region in c.regions:
                self.by_region.setdefault(region, set()).add(c.idx)
        self.online = frozenset(self.by_mode.get(ONLINE, ()))
        self.from_home = frozenset(c.idx for c in courses if c.studied_from_home)
        self.length_unknown = frozenset(c.idx for c in courses if not c.weeks_known)
        self._cache: dict[Filters, frozenset[int]] = {}

    def allowed(self, filters: Filters) -> frozenset[int]:
        """The courses a route may use under `filters` (cached for the last 256 filter sets)."""
        found = self._cache.get(filters)
        if found is not None:
            return found
        keep = set(self.usable)
        if filters.languages:
            keep &= _union(self.by_language, filters.languages)
        if filters.modes:
            keep &= _union(self.by_mode, filters.modes)
        if filters.free_only:
            keep &= self.free
        if filters.max_weeks is not None:  # a step of unknown length is not known to fit
            keep -= self.length_unknown
        if filters.statuses:
            keep &= _union(self.by_status, filters.statuses)
        if filters.audiences:
            keep &= _union(self.by_audience, filters.audiences)
        if not filters.online:
            keep -= self.online
        if filters.stay_in:
            keep &= (
                self.by_country.get(filters.stay_in, set())
                | self.by_country.get(None, set())
                | self.online
            )
        if filters.within:
            keep &= (
                self.by_country.get(filters.within, set())
                | self.by_country.get(None, set())
                | self.from_home
            )
        keep -= filters.exclude
        for places in (filters.countries, filters.regions):
            if places:
                keep &= _union(self.by_region, places) | self.online
        found = frozenset(keep)
        if len(self._cache) >= 256:
            self._cache.pop(next(iter(self._cache)))
        self._cache[filters] = found
        return found


def _union(
    index: dict[str, set[int]] | dict[str | None, set[int]], keys: frozenset[str]
) -> set[int]:
    out: set[int] = set()
    for key in keys:
        out |= index.get(key, set())
    return out
