"""The pathway engine's entry points, shared by the HTTP API and the CLI.

`find_pathways(kg, role, entry, ...)` gives the k best routes (or the reasons there is
none); `pathway_matrix(kg, role, ...)` the best route from every entry profile. The
model is read from the store once per store generation (`kg.derived("pathways")`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import UsageError
from .answer import Describer, Reason, Ref, RouteView
from .bounds import ladder_for
from .closure import filter_index_of, index_of
from .diagnose import no_route_reasons
from .filters import Filters
from .loader import load_model
from .lookup import resolve, resolve_item, resolve_region
from .model import RANKS, PathwayModel
from .search import find_routes

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

LANGS = ("en", "sv", "fi", "nb")
MODES = ("on-site", "online", "blended")
MAX_K = 10


@dataclass
class PathwayAnswer:
    role: Ref
    entry: Ref | None
    rank: str
    k: int
    filters: dict[str, object]
    holds: list[Ref]
    experience_years: float
    found: bool
    routes: list[RouteView]
    reasons: list[Reason] = field(default_factory=list)
    complete: bool = True  # False: the exact search hit its limit; routes are not proven best
    build: str = ""


@dataclass
class MatrixRow:
    entry: Ref
    found: bool
    total_weeks: float | None
    steps: int | None
    courses: list[Ref]
    qualifications_gained: list[Ref]
    reasons: list[Reason]


@dataclass
class MatrixAnswer:
    role: Ref
    rank: str
    filters: dict[str, object]
    rows: list[MatrixRow]
    build: str = ""


def model_of(kg: KnowledgeGraph) -> PathwayModel:
    """The pathway model of the store generation being served (read once per generation)."""
    return kg.derived("pathways", lambda: prepare(load_model(kg)))


def prepare(model: PathwayModel) -> PathwayModel:
    """Build the indexes every query uses (bounds per ranking, closure and filter indexes)
    and what each entry profile can reach without filters."""
    closures = index_of(model)
    allowed = filter_index_of(model).allowed(Filters())
    for rank in RANKS:
        ladder_for(model, rank, Filters(), allowed)
    for profile in model.profiles.values():
        closures.closure(model.start(profile), allowed, Filters())
    return model


def make_filters(
    kg: KnowledgeGraph,
    *,
    countries: Sequence[str] = (),
    regions: Sequence[str] = (),
    languages: Sequence[str] = (),
    modes: Sequence[str] = (),
    max_weeks: float | None = None,
    free_only: bool = False,
) -> Filters:
    """Validated filters from user input (region and country codes, short ids or IRIs)."""
    model = model_of(kg)
    bad_modes = sorted(set(modes) - set(MODES))
    if bad_modes:
        raise UsageError(
            f"unknown mode {', '.join(bad_modes)}",
            fix=f"use {', '.join(MODES)}",
            details={"mode": bad_modes},
        )
    if max_weeks is not None and max_weeks <= 0:
        raise UsageError(
            f"max_weeks={max_weeks:g} is not positive", fix="give a number of weeks above 0"
        )
    bad_langs = [lang for lang in languages if not lang.isalpha() or len(lang) not in (2, 3)]
    if bad_langs:
        raise UsageError(
            f"teaching language {bad_langs[0]!r} is not a language code",
            fix="use ISO 639-1 codes such as sv, fi, nb, en",
        )
    return Filters(
        countries=frozenset(resolve_region(model, kg.iris, c) for c in countries),
        regions=frozenset(resolve_region(model, kg.iris, r) for r in regions),
        languages=frozenset(lang.lower() for lang in languages),
        modes=frozenset(modes),
        max_weeks=max_weeks,
        free_only=free_only,
    )


def _check(k: int, rank: str, lang: str) -> None:
    if not 1 <= k <= MAX_K:
        raise UsageError(f"k={k} is out of range", fix=f"ask for 1 to {MAX_K} routes")
    if rank not in RANKS:
        raise UsageError(f"unknown ranking {rank!r}", fix=f"use {', '.join(RANKS)}")
    if lang not in LANGS:
        raise UsageError(f"unknown label language {lang!r}", fix=f"use {', '.join(LANGS)}")


def find_pathways(
    kg: KnowledgeGraph,
    role: str,
    entry: str | None,
    *,
    k: int = 3,
    rank: str = "duration",
    filters: Filters | None = None,
    lang: str = "en",
    holds: Sequence[str] = (),
    experience: float | None = None,
) -> PathwayAnswer:
    """The k best distinct routes from an entry profile (plus what else the person holds) to a role."""
    _check(k, rank, lang)
    if experience is not None and experience < 0:
        raise UsageError(
            f"experience={experience:g} is negative", fix="give years of experience as 0 or more"
        )
    model = model_of(kg)
    filters = filters or Filters()
    role_node = model.roles[resolve(model, kg.iris, "role", role, lang)]
    profile = (
        model.profiles[resolve(model, kg.iris, "entry-profile", entry, lang)] if entry else None
    )
    extra = [resolve_item(model, kg.iris, h) for h in holds]
    start = model.start(profile, extra, experience)
    d = Describer(model, lang)
    answer = PathwayAnswer(
        role=d.ref(role_node.iri),
        entry=d.ref(profile.iri) if profile else None,
        rank=rank,
        k=k,
        filters=filters.active(),
        holds=d.items(start.held),
        experience_years=start.experience,
        found=False,
        routes=[],
        build=kg.version(),
    )
    if role_node.requirement is not None:
        result = find_routes(model, start, role_node.requirement, filters, k=k, rank=rank)
        answer.routes = [
            d.route(i + 1, r, start, role_node, filters) for i, r in enumerate(result.routes)
        ]
        answer.complete = not result.truncated
    answer.found = bool(answer.routes)
    if not answer.found:
        answer.reasons = no_route_reasons(model, start, role_node, filters, rank, d)
    elif answer.routes[0].steps == []:
        answer.reasons = [
            Reason("already-qualified", "the person already meets the role's requirement")
        ]
    return answer


def pathway_matrix(
    kg: KnowledgeGraph,
    role: str,
    *,
    rank: str = "duration",
    filters: Filters | None = None,
    lang: str = "en",
) -> MatrixAnswer:
    """The best route from each entry profile to one role, in one table."""
    _check(1, rank, lang)
    model = model_of(kg)
    filters = filters or Filters()
    role_iri = resolve(model, kg.iris, "role", role, lang)
    rows = []
    for profile in sorted(
        model.profiles.values(), key=lambda p: (model.level_of(p.qualifications), p.iri)
    ):
        one = find_pathways(kg, role_iri, profile.iri, k=1, rank=rank, filters=filters, lang=lang)
        best = one.routes[0] if one.routes else None
        rows.append(
            MatrixRow(
                entry=one.entry or Ref(profile.iri, profile.iri),
                found=one.found,
                total_weeks=best.total_weeks if best else None,
                steps=len(best.steps) if best else None,
                courses=[s.course for s in best.steps] if best else [],
                qualifications_gained=best.qualifications_gained if best else [],
                reasons=one.reasons,
            )
        )
    d = Describer(model, lang)
    return MatrixAnswer(d.ref(role_iri), rank, filters.active(), rows, kg.version())
