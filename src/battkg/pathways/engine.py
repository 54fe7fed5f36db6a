"""The pathway engine's entry points, shared by the HTTP API and the CLI.

`find_pathways(kg, role, entry, ...)` gives the k best routes for a person (or the reasons
there is none); `pathway_matrix(kg, role, ...)` the best route from every preset. The
model is read from the store once per store generation (`kg.derived("pathways")`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..errors import UsageError
from .answer import Describer
from .bounds import ladder_for
from .budget import answer_budget, part_budget, past, shared_budget
from .closure import filter_index_of, index_of
from .diagnose import home_route_of_unknown_status, nearest_without, no_route_reasons
from .filters import Filters
from .loader import load_model
from .lookup import resolve, resolve_region
from .model import RANKS, PathwayModel
from .person import check_contradictions, offer_filters, person_filters
from .person_input import make_person
from .proximity import ranked_routes
from .views import Reason, Ref, RouteView

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

LANGS = ("en", "sv", "fi", "nb")
MODES = ("on-site", "online", "blended")
MAX_K = 10


@dataclass
class NearestRoute:
    """The best route without the filter (or offer rule) that blocks every route."""

    without: str  # the parameter to drop or change
    route: RouteView


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
    home: Ref | None = None
    home_country: str | None = None
    situation: str | None = None  # the one the search used: asked for, else the preset's (0063)
    job: Ref | None = None
    online: bool = True
    cross_border: bool = True
    offer_status: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nearest: NearestRoute | None = None


@dataclass
class MatrixRow:
    entry: Ref
    country: str | None
    found: bool
    total_weeks: float | None
    total_weeks_is_lower_bound: bool
    total_fee_eur: float | None
    steps: int | None
    courses: list[Ref]
    qualifications_gained: list[Ref]
    confidence: str | None
    explanation: list[str]
    reasons: list[Reason]
    #: False: the row's search stopped at a limit (the node limit, or its share of the
    #: matrix's time budget, decision 0064): its route is not proven best, or its lack of one
    complete: bool = True


@dataclass
class MatrixTable:
    country: str | None  # None: country-neutral presets
    rows: list[MatrixRow]


@dataclass
class MatrixAnswer:
    role: Ref
    rank: str
    filters: dict[str, object]
    rows: list[MatrixRow]
    tables: list[MatrixTable] = field(default_factory=list)
    home: Ref | None = None
    build: str = ""
    complete: bool = True  # every row is complete


def model_of(kg: KnowledgeGraph) -> PathwayModel:
    """The pathway model of the store generation being served (read once per generation)."""
    return kg.derived("pathways", lambda: prepare(load_model(kg)))


def prepare(model: PathwayModel) -> PathwayModel:
    """Build the indexes every query uses (bounds per ranking, closure and filter indexes)
    and what each entry profile can reach without filters."""
    closures = index_of(model)
    allowed = filter_index_of(model).allowed(Filters())
    requirements = [c.requirement for c in model.courses] + [
        r.requirement for r in model.roles.values()
    ]
    levels = {r.min_level for r in requirements if r is not None and r.min_level is not None}
    for rank in RANKS:
        ladder_for(model, rank, Filters(), allowed)
        model.position(rank)
        for level in levels:
            model.supporters_at(level, rank)
    for profile in model.profiles.values():
        closures.closure(model.start(profile), Filters())
    return model


#: the situations whose filter sets the warm-up prepares (the default, and a job seeker's)
WARM_SITUATIONS: tuple[str | None, ...] = (None, "unemployed")


def warm_up(kg: KnowledgeGraph) -> int:
    """Prepare what the first person of each home country would otherwise wait for: the
    closures of the country's presets under the filters a request with that home uses, for
    the default situation and a job seeker's (the matrix of one role, one table per country).
    Measured at 50,000 courses, the first person query per home country and filter set spent
    40-60 ms growing those closures. Returns the rows answered."""
    model = model_of(kg)
    if not model.roles:
        return 0
    role = min(model.roles)
    rows = 0
    for situation in WARM_SITUATIONS:
        answer = pathway_matrix(
            kg, role, filters=make_filters(kg, situation=situation), situation=situation
        )
        rows += len(answer.rows)
    return rows


def make_filters(
    kg: KnowledgeGraph,
    *,
    countries: Sequence[str] = (),
    regions: Sequence[str] = (),
    languages: Sequence[str] = (),
    modes: Sequence[str] = (),
    max_weeks: float | None = None,
    free_only: bool = False,
    offer_status: Sequence[str] = (),
    audience: Sequence[str] = (),
    situation: str | None = None,
) -> Filters:
    """Validated filters from user input (region and country codes, short ids or IRIs); by
    default only running or planned offers open to anyone or to the person's situation."""
    model = model_of(kg)
    bad_modes = sorted(set(modes) - set(MODES))
    if bad_modes:
        raise UsageError(
            f"unknown mode {', '.join(bad_modes)}",
            fix=f"use {', '.join(MODES)}",
            details={"parameter": "mode", "mode": bad_modes},
        )
    if max_weeks is not None and max_weeks <= 0:
        raise UsageError(
            f"max_weeks={max_weeks:g} is not positive",
            fix="give a number of weeks above 0",
            details={"parameter": "max_weeks"},
        )
    bad_langs = [lang for lang in languages if not lang.isalpha() or len(lang) not in (2, 3)]
    if bad_langs:
        raise UsageError(
            f"teaching language {bad_langs[0]!r} is not a language code",
            fix="use ISO 639-1 codes such as sv, fi, nb, en",
            details={"parameter": "language"},
        )
    statuses, audiences = offer_filters(list(offer_status), list(audience), situation)
    return Filters(
        countries=frozenset(resolve_region(model, kg.iris, c, "country") for c in countries),
        regions=frozenset(resolve_region(model, kg.iris, r, "region") for r in regions),
        languages=frozenset(lang.lower() for lang in languages),
        modes=frozenset(modes),
        max_weeks=max_weeks,
        free_only=free_only,
        statuses=statuses,
        audiences=audiences,
        situation=situation,
        asked_audiences=frozenset(audience),
    )


def _check(k: int, rank: str, lang: str) -> None:
    if not 1 <= k <= MAX_K:
        raise UsageError(
            f"k={k} is out of range", fix=f"ask for 1 to {MAX_K} routes", details={"parameter": "k"}
        )
    if rank not in RANKS:
        raise UsageError(
            f"unknown ranking {rank!r}",
            fix=f"use {', '.join(RANKS)}",
            details={"parameter": "rank"},
        )
    if lang not in LANGS:
        raise UsageError(
            f"unknown label language {lang!r}",
            fix=f"use {', '.join(LANGS)}",
            details={"parameter": "lang"},
        )


def find_pathways(
    kg: KnowledgeGraph,
    role: str,
    entry: str | None = None,
    *,
    k: int = 3,
    rank: str = "duration",
    filters: Filters | None = None,
    lang: str = "en",
    holds: Sequence[str] = (),
    experience: float | None = None,
    home: str | None = None,
    situation: str | None = None,
    online: bool = True,
    cross_border: bool = True,
    job: str | None = None,
) -> PathwayAnswer:
    """The k best distinct routes for a person (a preset, what else they hold, their home
    and situation) to a role, within the answer's time budget (`BATTKG_PATHWAY_TIMEOUT`)."""
    _check(k, rank, lang)
    with answer_budget(kg.settings.pathway_timeout):
        return _answer(kg, role, entry, k, rank, filters, lang, holds, experience, home,
                       situation, online, cross_border, job)  # fmt: skip


def _answer(
    kg: KnowledgeGraph,
    role: str,
    entry: str | None,
    k: int,
    rank: str,
    filters: Filters | None,
    lang: str,
    holds: Sequence[str],
    experience: float | None,
    home: str | None,
    situation: str | None,
    online: bool,
    cross_border: bool,
    job: str | None,
) -> PathwayAnswer:
    model = model_of(kg)
    role_node = model.roles[resolve(model, kg.iris, "role", role, lang, parameter="role")]
    person = make_person(
        kg,
        model,
        entry=entry,
        holds=holds,
        experience=experience,
        home=home,
        situation=situation,
        online=online,
        cross_border=cross_border,
        job=job,
        lang=lang,
    )
    preset = model.profiles.get(person.profile) if person.profile else None
    if situation is None and preset is not None and preset.situation:
        # the preset's situation when none is asked for: a pupil is in school (decision 0063)
        situation = preset.situation
        person = replace(person, situation=situation)
        if (
            filters is not None
            and filters.situation is None
            and filters.asked_audiences is not None
        ):
            _, audiences = offer_filters((), tuple(filters.asked_audiences), situation)
            filters = replace(filters, audiences=audiences, situation=situation)
    if filters is None:
        statuses, audiences = offer_filters((), (), situation)
        filters = Filters(statuses=statuses, audiences=audiences, situation=situation)
    check_contradictions(model, person, filters, rank)
    start = person.start(model)
    search_filters = person_filters(model, person, start, filters)
    d = Describer(model, lang, person.home, person.home_country)
    answer = PathwayAnswer(
        role=d.ref(role_node.iri),
        entry=d.ref(person.profile) if person.profile else None,
        rank=rank,
        k=k,
        filters=filters.active(),
        holds=d.items(start.held),
        experience_years=start.experience,
        found=False,
        routes=[],
        build=kg.version(),
        home=d.ref(person.home) if person.home else None,
        home_country=person.home_country,
        situation=situation,
        job=d.ref(person.job) if person.job else None,
        online=online,
        cross_border=cross_border,
        offer_status=sorted(filters.statuses),
        audience=sorted(filters.audiences),
    )
    if not person.home_country:
        answer.notes.append(
            d.words.text(
                "Not tied to a country: without a home region the routes may mix the systems of Sweden, Finland and Norway."
            )
        )
    if role_node.requirement is not None:
        routes, complete = ranked_routes(
            model, start, role_node.requirement, search_filters, k, rank, d
        )
        # each explanation is a few ms; past the budget only the first route is explained
        shown = [r for i, r in enumerate(routes) if i == 0 or not past(exact=False)]
        answer.routes = [
            d.route(i + 1, r, start, role_node, search_filters) for i, r in enumerate(shown)
        ]
        answer.complete = complete and len(shown) == len(routes)
    answer.found = bool(answer.routes)
    if answer.found and person.home_country and not answer.routes[0].in_home_country:
        answer.notes.append(
            d.words.text(
                "No route stays in the home country under these filters; the routes below have a step abroad."
            )
        )
    if not answer.found:
        with answer_budget(kg.settings.pathway_timeout, fresh=True):
            answer.reasons = no_route_reasons(model, start, role_node, search_filters, rank, d)
            nearest = nearest_without(model, start, role_node, search_filters, rank, d)
        if nearest is not None:
            answer.nearest = NearestRoute(*nearest)
    elif answer.routes[0].steps == []:
        held = {  # by id: one holding may meet several clauses, and is named once
            c.holding.id: c.holding.label
            for c in answer.routes[0].explanation.requirement
            if c.holding is not None
        }
        answer.reasons = [
            Reason(
                "already-qualified",
                d.words.text(
                    "The person already meets the role's requirement through {holdings}.",
                    holdings=", ".join(held.values()) or d.words.text("open entry"),
                )
                if held
                else d.words.text("The person already meets the role's requirement."),
                {"holdings": list(held)},
            )
        ]
    if person.home_country and role_node.requirement is not None:
        abroad = answer.found and not answer.routes[0].in_home_country
        if abroad or (
            not answer.found
            and (answer.nearest is None or not answer.nearest.route.in_home_country)
        ):
            home_route = home_route_of_unknown_status(
                model, start, role_node, search_filters, rank, d
            )
            if home_route is not None:
                answer.nearest = NearestRoute("offer_status", home_route)
                answer.notes.append(
                    d.words.text(
                        "A route that stays in the home country exists through offers of unknown status (nearest); check them with the provider, or ask with offer_status=unknown."
                    )
                )
    return answer


def presets_of(model: PathwayModel, country: str | None) -> list[str]:
    """The presets of a country (country-neutral ones when the data has none for it)."""
    chosen = [p.iri for p in model.profiles.values() if p.country == country]
    if not chosen and country is not None:
        chosen = [p.iri for p in model.profiles.values() if p.country is None]
    return sorted(chosen, key=lambda iri: (model.level_of(model.profiles[iri].qualifications), iri))


def pathway_matrix(
    kg: KnowledgeGraph,
    role: str,
    *,
    rank: str = "duration",
    filters: Filters | None = None,
    lang: str = "en",
    home: str | None = None,
    situation: str | None = None,
    online: bool = True,
    cross_border: bool = True,
) -> MatrixAnswer:
    """The best route to one role from each preset: of the home country with `home`, else
    one table per country (and one of country-neutral presets)."""
    _check(1, rank, lang)
    model = model_of(kg)
    role_iri = resolve(model, kg.iris, "role", role, lang, parameter="role")
    home_iri = resolve_region(model, kg.iris, home, "home") if home else None
    if home_iri is not None:
        home_country = model.region_country.get(home_iri) or None
        groups = [(home_country, presets_of(model, home_country))]
    else:
        countries = sorted({p.country for p in model.profiles.values() if p.country})
        groups = [(c, presets_of(model, c)) for c in countries]
        neutral = presets_of(model, None)
        if neutral or not groups:
            groups.append((None, neutral))
    tables = []
    left = sum(len(presets) for _, presets in groups)
    # one time budget for the whole matrix, as much as one answer and its diagnosis may take,
    # shared out among the rows (decision 0064)
    with shared_budget(2 * kg.settings.pathway_timeout, left):
        for country, presets in groups:
            rows = []
            for preset in presets:
                with part_budget(left):
                    one = find_pathways(
                        kg,
                        role_iri,
                        preset,
                        k=1,
                        rank=rank,
                        filters=filters,
                        lang=lang,
                        home=home_iri or (_country_region(model, country) if country else None),
                        situation=situation,
                        online=online,
                        cross_border=cross_border,
                    )
                left -= 1
                rows.append(_row(one, country))
            tables.append(MatrixTable(country, rows))
    d = Describer(model, lang)
    return MatrixAnswer(
        d.ref(role_iri),
        rank,
        (filters or Filters()).active(),
        [row for t in tables for row in t.rows],
        tables,
        d.ref(home_iri) if home_iri else None,
        kg.version(),
        all(row.complete for t in tables for row in t.rows),
    )


def _country_region(model: PathwayModel, code: str) -> str | None:
    return next(
        (
            r
            for r, cc in model.region_country.items()
            if cc == code and r.rsplit("/", 1)[-1] == code
        ),
        None,
    )


def _row(one: PathwayAnswer, country: str | None) -> MatrixRow:
    best = one.routes[0] if one.routes else None
    return MatrixRow(
        entry=one.entry or Ref("", ""),
        country=country,
        found=one.found,
        total_weeks=best.total_weeks if best else None,
        total_weeks_is_lower_bound=best.total_weeks_is_lower_bound if best else False,
        total_fee_eur=best.total_fee_eur if best else None,
        steps=len(best.steps) if best else None,
        courses=[s.course for s in best.steps] if best else [],
        qualifications_gained=best.qualifications_gained if best else [],
        confidence=best.confidence if best else None,
        explanation=best.explanation.text if best else [r.message for r in one.reasons],
        reasons=one.reasons,
        complete=in_full(one),
    )


def in_full(answer: PathwayAnswer) -> bool:
    """The search ran to its end: its best route is proven, or its lack of one (no search
    stopped at its limit, decision 0064)."""
    return answer.complete and not any(r.code == "search-limit" for r in answer.reasons)
