"""The counsellor guide: describe a person and a target role (/guide), read the k best routes
(/guide/routes) and the best route from every entry level (/guide/matrix)."""

from __future__ import annotations

from typing import Annotated, Any

from babel import Locale
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ...errors import UsageError
from ...i18n import N_
from ...pathways.engine import find_pathways, model_of, pathway_matrix
from ...pathways.lookup import search
from ..deps import KGDep
from . import charts
from .context import gettext, lang_of, number, render
from .directory import Directory, Labeller, directory_of, local
from .person import Person, Unknown, check_person, engine_person, filters_for, read_person
from .plan import Mark, Planner

router = APIRouter(tags=["pages"])

# Documented for the OpenAPI contract; the pages read them from the URL themselves so that a
# bad value becomes a page that says so, never a JSON error.
Text = Annotated[str | None, Query(description="see the page's description")]
Many = Annotated[list[str] | None, Query(description="repeatable")]


def _describe_person(
    names: Labeller, directory: Directory, person: Person, _: Any, situation: str | None = None
) -> list[tuple[str, Any]]:
    """What the page was told of the person; `situation` is the one the search used (a
    preset's own when none was chosen, decision 0063)."""
    lines: list[tuple[str, Any]] = []
    if person.home:
        lines.append((_("Lives in"), names(person.home)))
    if person.entry:
        lines.append((_("Has finished"), names(person.entry)))
    for held in person.holds:
        lines.append((_("Also holds"), names(held)))
    if person.experience is not None:
        lines.append((_("Years of experience"), number(person.experience, names.lang)))
    situation = person.situation or situation
    if situation in SITUATION_NAMES:
        lines.append((_("Situation"), _(SITUATION_NAMES[situation])))
    return lines


#: the person's situations as the pages name them (the engine's `situation` values)
SITUATION_NAMES = {
    "employed": N_("employed"),
    "unemployed": N_("registered as unemployed"),
    "in-school": N_("in school"),
}


def _groups(directory: Directory, names: Labeller) -> dict[str, Any]:
    """The pickers of the start page: regions by country, presets and qualifications by
    country, roles by value-chain stage with their demand."""
    countries = directory.countries()
    by_country: list[tuple[str | None, list[str]]] = []
    for country in [*(c.iri for c in countries), None]:
        presets = sorted(
            (p for p, c in directory.profiles.items() if c == country),
            key=lambda p: (directory.profile_order.get(p, ""), names.plain(p)),
        )
        if presets:
            by_country.append((country, presets))
    quals: list[tuple[str | None, list[str]]] = []
    for country in [*(c.iri for c in countries), None]:
        chosen = sorted(
            (q for q, (c, _lv) in directory.qualifications.items() if c == country),
            key=lambda q: names.plain(q).casefold(),
        )
        if chosen:
            quals.append((country, chosen))
    stages = []
    for stage in [*directory.stages, None]:
        roles = sorted(directory.roles_of(stage), key=lambda r: names.plain(r.iri).casefold())
        if roles:
            stages.append((stage, roles))
    return {
        "countries": [(c, directory.within(c.iri)) for c in countries],
        "presets": by_country,
        "quals": quals,
        "stages": stages,
    }


def role_demand(directory: Directory, role: str) -> list[Any]:
    return [e for e in directory.demand.get(role, []) if e.status == "current" and e.count]


def _helpers(request: Request, kg: KGDep) -> tuple[Labeller, Directory, Any]:
    lang = lang_of(request)
    return Labeller(model_of(kg), lang), directory_of(kg), gettext(request)


@router.get(
    "/guide",
    response_class=HTMLResponse,
    summary="The counsellor guide: describe a person and a role",
)
def start(
    request: Request, kg: KGDep, role: Text = None, entry: Text = None, home: Text = None
) -> HTMLResponse:
    """A form (GET, works without JavaScript): where the person lives, what they have finished,
    experience, study languages, online and cross-border; then the target role by value-chain
    stage or by words in any language. It submits to /guide/routes."""
    names, directory, _ = _helpers(request, kg)
    person, unknown = check_person(kg, read_person(request), directory, names)
    return render(
        request,
        "guide.html",
        title=_("Find routes to a job"),
        person=person,
        unknown=unknown,
        names=names,
        demand=lambda r: role_demand(directory, r),
        local=local,
        situations=list(SITUATION_NAMES.items()),
        **_groups(directory, names),
    )


def _not_found(request: Request, unknown: list[Unknown], names: Labeller) -> HTMLResponse:
    _ = gettext(request)
    return render(
        request, "unknown.html", status=404, title=_("Not found"), unknown=unknown, names=names
    )


def _choose_role(request: Request, kg: KGDep, names: Labeller) -> HTMLResponse | None:
    """No role given: find one by the words the person typed (any of the four languages)."""
    words = request.query_params.get("role_q", "").strip()[:200]
    _ = gettext(request)
    matches = search(model_of(kg), words, names.lang, kinds=("role",), limit=8) if words else []
    if len(matches) == 1 or (matches and matches[0].score >= 0.99):
        return None if not words else _redirect_role(request, local(matches[0].id))
    unknown = [Unknown("role", words, [(local(m.id), m.label) for m in matches])]
    return render(
        request,
        "unknown.html",
        status=404 if words else 422,
        title=_("Choose a role"),
        unknown=unknown if words else [Unknown("role", "", [])],
        names=names,
    )


def _redirect_role(request: Request, slug: str) -> HTMLResponse:
    from starlette.responses import RedirectResponse

    from .context import url_with

    return RedirectResponse(url_with(request, role=slug, role_q=None), status_code=303)  # type: ignore[return-value]


@router.get(
    "/guide/routes",
    response_class=HTMLResponse,
    summary="The k best routes for a person, as a page",
)
def routes(
    request: Request,
    kg: KGDep,
    role: Text = None,
    entry: Text = None,
    home: Text = None,
    holds: Many = None,
    experience: Text = None,
    language: Many = None,
    online: Text = None,
    cross_border: Text = None,
    situation: Text = None,
    offer_status: Many = None,
    audience: Many = None,
    k: Text = None,
    rank: Text = None,
    max_weeks: Text = None,
    free_only: Text = None,
    role_q: Text = None,
) -> HTMLResponse:
    """The API's parameters (role, entry, home, holds, experience, language, situation,
    online and cross_border as 0 or 1, offer_status, audience, k, rank, max_weeks, free_only);
    the URL holds the whole state. Routes as cards with every fact's confidence and source, a timeline to scale, the
    role's requirements met and missing and the short courses that fill the skill gap."""
    names, directory, _ = _helpers(request, kg)
    person, unknown = check_person(kg, read_person(request), directory, names)
    if unknown:
        return _not_found(request, unknown, names)
    if not person.role:
        chosen = _choose_role(request, kg, names)
        if chosen is not None:
            return chosen
    model = model_of(kg)
    filters = filters_for(kg, person, directory)
    answer = find_pathways(
        kg,
        person.role,
        person.entry or None,
        k=person.k,
        rank=person.rank,
        filters=filters,
        lang=names.lang,
        holds=person.holds,
        experience=person.experience,
        **engine_person(person),
    )
    profile = model.profiles.get(person.entry) if person.entry else None
    extra = [i for h in person.holds if (i := model.item(h)) is not None]
    country = model.region_country.get(person.home) or None if person.home else None
    begin = model.start(profile, extra, person.experience, country)
    planner = planner_for(request, kg, names, directory)
    role_node = model.roles[person.role]
    plans = [planner.plan(r, begin, role_node.requirement) for r in answer.routes]
    timelines = [
        charts.timeline(
            [charts.Segment(names.plain(s.course), s.weeks, s.weeks_known) for s in p.steps],
            title=_("Route %(n)s drawn to scale") % {"n": p.rank},
            description=(
                _("%(steps)s steps, at least %(weeks)s weeks in all: a step's length is unknown")
                if p.total_weeks_is_lower_bound
                else _("%(steps)s steps, %(weeks)s weeks in all")
            )
            % {"steps": len(p.steps), "weeks": number(p.total_weeks, names.lang)},
            weeks_label=lambda w: _("%(weeks)s wk") % {"weeks": number(w, names.lang)},
            chart_id=f"route-{p.rank}",
            unknown_label=_("duration unknown"),
        )
        for p in plans
    ]
    return render(
        request,
        "routes.html",
        title=_("Routes to %(role)s") % {"role": names.plain(person.role)},
        person=person,
        about=_describe_person(names, directory, person, _, answer.situation),
        answer=answer,
        plans=plans,
        timelines=timelines,
        names=names,
        role_requirement=planner.requirement(role_node.requirement),
        # how sure the role's requirement is: every route, and an answer with no step, rests on it
        requirement_mark=Mark(role_node.requirement_confidence, [], "", False),
        local=local,
    )


def planner_for(request: Request, kg: KGDep, names: Labeller, directory: Directory) -> Planner:
    lang = names.lang
    planner = Planner(model_of(kg), directory, names, gettext(request), kg.iris.base)
    planner.num = lambda value, digits=1: number(value, lang, digits)  # type: ignore[method-assign]
    from .context import day

    planner.day = lambda value: day(value, lang)  # type: ignore[method-assign]
    locale = Locale.parse(lang)
    planner.language_name = lambda code: str(locale.languages.get(code, code))  # type: ignore[method-assign]
    return planner


@router.get(
    "/guide/matrix",
    response_class=HTMLResponse,
    summary="The best route from every entry level, as a chart and a table",
)
def matrix(
    request: Request,
    kg: KGDep,
    role: Text = None,
    home: Text = None,
    language: Many = None,
    online: Text = None,
    cross_border: Text = None,
    situation: Text = None,
    offer_status: Many = None,
    audience: Many = None,
    rank: Text = None,
    max_weeks: Text = None,
    free_only: Text = None,
) -> HTMLResponse:
    """With `home`, the entry levels of the home country (and the country-neutral ones); without
    it, one table per country. The chart is SVG drawn on the server, stacked by step."""
    names, directory, _ = _helpers(request, kg)
    person, unknown = check_person(kg, read_person(request), directory, names)
    if unknown:
        return _not_found(request, unknown, names)
    if not person.role:
        raise UsageError("the matrix needs a role", fix="choose a role on /guide")
    model = model_of(kg)
    answer = pathway_matrix(
        kg,
        person.role,
        rank=person.rank,
        filters=filters_for(kg, person, directory),
        lang=names.lang,
        **engine_person(person),
    )
    home_country = directory.country_of(person.home) if person.home else None
    groups: dict[str | None, list[Any]] = {}
    for row in answer.rows:
        country = directory.profiles.get(row.entry.id)
        if home_country is not None and country not in (None, home_country.iri):
            continue
        groups.setdefault(country, []).append(row)
    order = [c.iri for c in directory.countries()] + [None]
    tables = []
    wl = lambda w: _("%(weeks)s wk") % {"weeks": number(w, names.lang)}  # noqa: E731
    for n, country in enumerate(c for c in order if c in groups):
        rows = groups[country]
        bars = []
        for row in rows:
            steps = [model.courses[model.course_index[c.id]] for c in row.courses]
            segments = [charts.Segment(names.plain(c.iri), c.weeks, c.weeks_known) for c in steps]
            note = "" if row.found else _("no route")
            if row.found and not segments:
                note = _("already qualified")
            bars.append(charts.Bar(names.plain(row.entry.id), segments, note))
        title = _("Weeks to %(role)s from each entry level") % {"role": names.plain(person.role)}
        chart = charts.stacked(
            bars,
            title=title,
            description=_(
                "One bar per entry level, one segment per step; the table below has the same figures."
            ),
            weeks_label=wl,
            chart_id=f"matrix-{n}",
            unknown_label=_("duration unknown"),
        )
        tables.append((country, rows, chart))
    return render(
        request,
        "matrix.html",
        title=_("Paths to %(role)s from every entry level") % {"role": names.plain(person.role)},
        person=person,
        tables=tables,
        names=names,
        local=local,
        model=model,
    )
