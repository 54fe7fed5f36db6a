"""Assemble a PathwayModel from IRIs: used by the store loader, the tests and the benchmark."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import CourseNode, EntryProfile, Labels, PathwayModel, Requirement, RoleNode


@dataclass
class RequirementSpec:
    open_entry: bool = False
    accepts: set[str] = field(default_factory=set)
    levels: set[float] = field(default_factory=set)
    prior_learning: bool = False
    min_experience: float = 0.0
    skills: set[str] = field(default_factory=set)


_NONE: frozenset[int] = frozenset()
COURSE_LISTS = ("qualifications", "skills", "languages", "regions", "located_in", "providers")


class ModelBuilder:
    """Collect things by IRI, in any order; `build()` interns them and makes the indexes."""

    def __init__(self) -> None:
        self.levels: dict[str, float] = {}
        self.requirements: dict[str, RequirementSpec] = {}
        self.courses: dict[str, dict[str, object]] = {}
        self.roles: dict[str, dict[str, object]] = {}
        self.profiles: dict[str, dict[str, object]] = {}
        self.labels = Labels()
        self.region_country: dict[str, str] = {}
        self._items: dict[str, int] = {}
        self._item_list: list[str] = []

    def item(self, iri: str) -> int:
        found = self._items.get(iri)
        if found is None:
            found = self._items[iri] = len(self._item_list)
            self._item_list.append(iri)
        return found

    def qualification(self, iri: str, level: float | None) -> None:
        self.item(iri)
        if level is not None:
            self.levels[iri] = max(level, self.levels.get(iri, 0.0))

    def requirement(self, iri: str) -> RequirementSpec:
        return self.requirements.setdefault(iri, RequirementSpec())

    def course(self, iri: str, **values: object) -> dict[str, object]:
        """Record (or update) a course; list-valued keys are extended."""
        entry = self.courses.setdefault(
            iri,
            {
                "qualifications": [],
                "skills": [],
                "languages": [],
                "regions": [],
                "located_in": [],
                "providers": [],
            },
        )
        _merge(entry, values)
        return entry

    def role(self, iri: str, **values: object) -> dict[str, object]:
        entry = self.roles.setdefault(iri, {"essential": [], "optional": []})
        _merge(entry, values)
        return entry

    def profile(self, iri: str, **values: object) -> dict[str, object]:
        entry = self.profiles.setdefault(iri, {"qualifications": [], "skills": []})
        _merge(entry, values)
        return entry

    # -- building --------------------------------------------------------------

    def _requirement(self, iri: object) -> Requirement | None:
        if not isinstance(iri, str) or iri not in self.requirements:
            return None
        spec = self.requirements[iri]
        return Requirement(
            iri=iri,
            open_entry=spec.open_entry,
            accepts=frozenset(map(self.item, spec.accepts)) if spec.accepts else _NONE,
            levels=tuple(sorted(spec.levels)),
            prior_learning=spec.prior_learning,
            min_experience=spec.min_experience,
            skills=frozenset(map(self.item, spec.skills)) if spec.skills else _NONE,
        )

    def _items_of(self, iris: object) -> tuple[int, ...]:
        values = iris if isinstance(iris, list) else _strings(iris)
        items, out = self._items, []
        for iri in values:
            found = items.get(iri)
            if found is None:
                found = self.item(iri)
            if found not in out:
                out.append(found)
        return tuple(out)

    def build(self) -> PathwayModel:
        courses: list[CourseNode] = []
        for idx, (iri, c) in enumerate(sorted(self.courses.items())):
            quals = self._items_of(c["qualifications"])
            skills = self._items_of(c["skills"])
            courses.append(
                CourseNode(
                    idx=idx,
                    iri=iri,
                    requirement=self._requirement(c.get("requirement")),
                    qualifications=quals,
                    skills=skills,
                    award_level=max(
                        (self.levels.get(self._item_list[q], 0.0) for q in quals), default=0.0
                    ),
                    weeks=float(c.get("weeks") or 0.0),  # type: ignore[arg-type]
                    credits=_opt_float(c.get("credits")),
                    credit_system=_opt_str(c.get("credit_system")),
                    fee=_opt_float(c.get("fee")),
                    currency=_opt_str(c.get("currency")),
                    funded=c.get("funded") if isinstance(c.get("funded"), bool) else None,  # type: ignore[arg-type]
                    places=int(c["places"]) if c.get("places") is not None else None,  # type: ignore[call-overload]
                    mode=_opt_str(c.get("mode")),
                    municipality=_opt_str(c.get("municipality")),
                    languages=frozenset(_strings(c["languages"])),
                    regions=frozenset(c["regions"] + c["located_in"]),  # type: ignore[operator]
                    located_in=_unique(c["located_in"]),
                    providers=_unique(c["providers"]),
                    awards=frozenset(quals) | frozenset(skills),
                )
            )
        roles = {
            iri: RoleNode(
                iri,
                self._requirement(r.get("requirement")),
                self._items_of(r["essential"]),
                self._items_of(r["optional"]),
            )
            for iri, r in self.roles.items()
        }
        profiles = {
            iri: EntryProfile(
                iri,
                self._items_of(p["qualifications"]),
                self._items_of(p["skills"]),
                float(p.get("experience") or 0.0),  # type: ignore[arg-type]
            )
            for iri, p in self.profiles.items()
        }
        levels = {self._items[q]: lvl for q, lvl in self.levels.items()}
        return PathwayModel(
            items=list(self._item_list),
            item_index=dict(self._items),
            qualification_level=levels,
            courses=courses,
            roles=roles,
            profiles=profiles,
            labels=self.labels,
            region_country=dict(self.region_country),
        )


def _merge(entry: dict[str, object], values: dict[str, object]) -> None:
    for key, value in values.items():
        current = entry.get(key)
        if isinstance(current, list):
            current.extend(_strings(value))
        elif value is not None:
            entry[key] = value


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _unique(values: object) -> tuple[str, ...]:
    assert isinstance(values, list)
    return tuple(values) if len(values) < 2 else tuple(dict.fromkeys(values))


def _opt_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
