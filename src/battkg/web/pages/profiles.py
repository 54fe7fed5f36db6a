"""Profile pages: a job role (what it does, stage, EQF level, skills, ESCO alignment, courses
that lead to it, demand) and a course (every fact with its confidence and sources)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ...pathways.engine import model_of
from ...pathways.lookup import search
from ...pathways.model import PathwayModel
from ..deps import KGDep
from .context import gettext, lang_of, render
from .directory import Directory, Fact, Labeller, directory_of, local
from .guide import planner_for
from .person import Unknown
from .plan import Planner

router = APIRouter(tags=["pages"])
MAX_COURSES = 25


def _unknown(request: Request, kg: KGDep, kind: str, slug: str, names: Labeller) -> HTMLResponse:
    _ = gettext(request)
    found = search(model_of(kg), slug.replace("-", " "), names.lang, kinds=(kind,), limit=5)
    closest = [(local(m.id), m.label) for m in found]
    return render(
        request,
        "unknown-profile.html",
        status=404,
        title=_("Not found"),
        unknown=Unknown(kind, slug, closest),
    )


def _profile(
    request: Request, kg: KGDep, kind: str, slug: str
) -> tuple[PathwayModel, Directory, Planner, str]:
    """What a profile page works from: the model, the directory, a planner, the thing's IRI."""
    model, directory = model_of(kg), directory_of(kg)
    planner = planner_for(request, kg, Labeller(model, lang_of(request)), directory)
    return model, directory, planner, kg.iris.thing(kind, slug)


@router.get("/guide/roles/{slug}", response_class=HTMLResponse, summary="A job role's profile page")
def role_page(slug: str, request: Request, kg: KGDep) -> HTMLResponse:
    model, directory, planner, iri = _profile(request, kg, "role", slug)
    names = planner.names
    node = model.roles.get(iri)
    if node is None:
        return _unknown(request, kg, "role", slug, names)
    role = directory.roles.get(iri)
    req = node.requirement
    leads: list[str] = []
    if req is not None:
        for course in model.courses:
            if not course.usable:
                continue
            if not req.accepts.isdisjoint(course.qualifications) or (
                req.min_level is not None and course.award_level >= req.min_level
            ):
                leads.append(course.iri)
    teaches = [
        c.iri
        for c in model.courses
        if c.usable and c.iri not in leads and set(node.essential) & set(c.skills)
    ]
    demand = list(directory.demand.get(iri, []))
    if role and role.stage:
        demand += directory.demand.get(role.stage, [])
    return render(
        request,
        "role.html",
        title=names.plain(iri),
        iri=iri,
        slug=slug,
        role=role,
        names=names,
        requirement=planner.requirement(req),
        essential=[model.items[i] for i in node.essential],
        optional=[model.items[i] for i in node.optional],
        leads=sorted(leads, key=lambda c: names.plain(c).casefold())[:MAX_COURSES],
        teaches=sorted(teaches, key=lambda c: names.plain(c).casefold())[:MAX_COURSES],
        demand=demand,
        sources=directory.sources,
        local=local,
        path=planner.path,
    )


@router.get(
    "/guide/courses/{slug}",
    response_class=HTMLResponse,
    summary="A course's facts, each with its confidence and sources",
)
def course_page(slug: str, request: Request, kg: KGDep) -> HTMLResponse:
    model, directory, planner, iri = _profile(request, kg, "course", slug)
    _ = gettext(request)
    names = planner.names
    idx = model.course_index.get(iri)
    if idx is None:
        return _unknown(request, kg, "course", slug, names)
    course = model.courses[idx]
    facts = planner.facts(course)

    def add(what: str, value: Markup, prop: str, has: bool = True) -> None:
        own = prop in directory.facts.get(iri, {})
        facts.append((what, value, planner.mark(directory.fact(iri, prop, has), own)))

    add(
        _("Places per year"),
        Markup(planner.num(course.places, 0)) if course.places else Markup(_("unknown")),
        "placesPerYear",
        course.places is not None,
    )
    starts = sorted(directory.starts.get(iri, []))
    add(
        _("Start dates"),
        Markup(", ").join(planner.day(d) for d in starts) if starts else Markup(_("unknown")),
        "startDate",
        bool(starts),
    )
    status = directory.status.get(iri)
    add(_("Offer status"), Markup(status or _("unknown")), "offerStatus", status is not None)
    awards = Markup(", ").join(names(model.items[q]) for q in course.qualifications)
    add(_("Awards"), awards or Markup(_("no qualification")), "awardsQualification")
    if course.credits is not None:
        credits = Markup("{} {}").format(
            planner.num(course.credits),
            names.plain(course.credit_system) if course.credit_system else "",
        )
        add(_("Credits"), credits, "credits")
    summary = directory.summary.get(iri, Fact("estimated"))
    return render(
        request,
        "course.html",
        title=names.plain(iri),
        iri=iri,
        names=names,
        facts=facts,
        skills=[model.items[i] for i in course.skills],
        summary=planner.mark(summary, own=False),
        local=local,
        path=planner.path,
    )
