"""Filters on a search: place, teaching language, mode, length, cost, and what the person's
situation implies (offer status, audience, online study, moving across a border)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .bitsets import bits_of, indexes_of
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
    #: the situation the offer statuses and audiences were made for, and the audiences asked
    #: for besides it (None: not made from a situation, so a preset's situation leaves them);
    #: how the filters came about, not what they keep, so equal filters stay equal (caches)
    situation: str | None = field(default=None, compare=False)
    asked_audiences: frozenset[str] | None = field(default=None, compare=False)

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
_IMPLIED = (
    "statuses", "audiences", "online", "stay_in", "within", "exclude", "situation",
    "asked_audiences",
)  # fmt: skip


def _mode_name(mode_iri: str) -> str:
    """voc:mode-on-site -> on-site."""
    return mode_iri.rsplit("/", 1)[-1].removeprefix("mode-")


class FilterIndex:
    """Bit sets of courses (bit i for course i) by language, mode, place and cost, so that a
    filter is a few operations on whole sets."""

    def __init__(self, courses: list[CourseNode]) -> None:
        self._usable = bits_of(c.idx for c in courses if c.usable)
        self._free = bits_of(c.idx for c in courses if c.free)
        by: dict[str, dict[str | None, list[int]]] = {
            k: {} for k in ("language", "mode", "region", "status", "audience", "country")
        }
        for c in courses:
            by["status"].setdefault(c.status, []).append(c.idx)
            for audience in c.audience:
                by["audience"].setdefault(audience, []).append(c.idx)
            by["country"].setdefault(c.country, []).append(c.idx)
            for lang in c.languages:
                by["language"].setdefault(lang, []).append(c.idx)
            if c.mode:
                by["mode"].setdefault(_mode_name(c.mode), []).append(c.idx)
            for region in c.regions:
                by["region"].setdefault(region, []).append(c.idx)
        self._by = {k: {key: bits_of(v) for key, v in d.items()} for k, d in by.items()}
        self._online = self._by["mode"].get(ONLINE, 0)
        self._from_home = bits_of(c.idx for c in courses if c.studied_from_home)
        self._length_unknown = bits_of(c.idx for c in courses if not c.weeks_known)
        self._masks: dict[Filters, int] = {}
        self._cache: dict[Filters, frozenset[int]] = {}

    def mask(self, filters: Filters) -> int:
        """The courses a route may use under `filters`, as a bit set (cached for the last 256
        filter sets)."""
        found = self._masks.get(filters)
        if found is not None:
            return found
        keep = self._usable
        if filters.languages:
            keep &= self._union("language", filters.languages)
        if filters.modes:
            keep &= self._union("mode", filters.modes)
        if filters.free_only:
            keep &= self._free
        if filters.max_weeks is not None:  # a step of unknown length is not known to fit
            keep &= ~self._length_unknown
        if filters.statuses:
            keep &= self._union("status", filters.statuses)
        if filters.audiences:
            keep &= self._union("audience", filters.audiences)
        if not filters.online:
            keep &= ~self._online
        country, anywhere = self._by["country"], self._by["country"].get(None, 0)
        if filters.stay_in:
            keep &= country.get(filters.stay_in, 0) | anywhere | self._online
        if filters.within:
            keep &= country.get(filters.within, 0) | anywhere | self._from_home
        for idx in filters.exclude:
            keep &= ~(1 << idx)
        for places in (filters.countries, filters.regions):
            if places:
                keep &= self._union("region", places) | self._online
        if len(self._masks) >= 256:
            self._masks.pop(next(iter(self._masks)))
        self._masks[filters] = keep
        return keep

    def allowed(self, filters: Filters) -> frozenset[int]:
        """The courses a route may use under `filters` (cached for the last 256 filter sets)."""
        found = self._cache.get(filters)
        if found is None:
            found = frozenset(indexes_of(self.mask(filters)))
            if len(self._cache) >= 256:
                self._cache.pop(next(iter(self._cache)))
            self._cache[filters] = found
        return found

    def _union(self, kind: str, keys: frozenset[str]) -> int:
        index = self._by[kind]
        out = 0
        for key in keys:
            out |= index.get(key, 0)
        return out
