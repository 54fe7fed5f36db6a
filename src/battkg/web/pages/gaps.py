"""/guide/gaps: the gap analysis for planners, with server-drawn charts and a what-if form.

Its texts are the `gaps` message catalogue (battkg/i18n/locale/<lang>/LC_MESSAGES/gaps.po),
falling back to the pages' `web` catalogue for the shared frame (base.html).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from ...errors import BattkgError
from ...gaps.page_data import page_data
from ...gaps.service import gap_report, inputs_of
from ...gaps.whatif import Hypothetical, what_if
from ...i18n import translator
from ..deps import KGDep
from .context import LANGUAGE_NAMES, TEMPLATES, number, page_language, render

router = APIRouter(tags=["pages"])
GAP_TEMPLATES = Path(__file__).parent.parent.parent / "gaps" / "templates"
Text = Annotated[str | None, Query()]


@lru_cache(maxsize=8)
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(GAP_TEMPLATES), jinja2.FileSystemLoader(TEMPLATES)]
        ),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    texts = translator(lang, "gaps")
    web = translator(lang, "web")
    if texts is not web:
        texts.add_fallback(web)
    env.install_gettext_translations(texts, newstyle=True)  # type: ignore[attr-defined]
    env.filters["num"] = lambda v, digits=0: number(v, lang, digits)
    env.globals["lang"] = lang
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def _render(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request, "gaps.html", status=status, environment_for=environment, **context)


def _page(
    request: Request,
    kg: Any,
    filters: dict[str, Any],
    whatif: dict[str, Any] | None = None,
    error: BattkgError | None = None,
    status: int = 200,
) -> HTMLResponse:
    lang = page_language(request).lang
    try:
        report = gap_report(kg, lang=lang, **filters)
    except BattkgError as exc:
        report, error, status, filters = gap_report(kg, lang=lang), exc, 422, {}
    data = page_data(kg, inputs_of(kg), report, lang, translator(lang, "gaps").gettext)
    return _render(
        request, status=status, title=data["title"], data=data, report=report,
        filters=report["filters"], whatif=whatif, error=error,
    )  # fmt: skip


@router.get("/guide/gaps", response_class=HTMLResponse, summary="The gap analysis page")
def gaps_page(
    request: Request,
    kg: KGDep,
    country: Text = None,
    region: Text = None,
    stage: Text = None,
    level: Text = None,
    year: Text = None,
    kind: Text = None,
) -> HTMLResponse:
    """Heat map region x stage, places by level, demand over time per region, the skills no
    course teaches, and the table; every number links to its source. Works without script."""
    filters = {
        "country": country or None, "region": region or None, "stage": stage or None,
        "level": level or None, "year": int(year) if year and year.isdigit() else None,
        "kind": kind or None,
    }  # fmt: skip
    return _page(request, kg, filters)


@router.post(
    "/guide/gaps", response_class=HTMLResponse, summary="The gap page with a what-if course"
)
def gaps_what_if_page(
    request: Request,
    kg: KGDep,
    region: Annotated[str, Form()],
    level: Annotated[str, Form()],
    places: Annotated[str, Form()],
    roles: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    """The form's what-if course (nothing is stored): the rows it changes, before and after."""
    filters = {"region": region}
    try:
        answer = what_if(
            kg,
            Hypothetical(
                region=region, level=level, places=int(places) if places.lstrip("-").isdigit() else -1,
                roles=tuple(roles or ()), lang=page_language(request).lang,
            ),
        )  # fmt: skip
    except BattkgError as exc:
        return _page(request, kg, {}, whatif=None, error=exc, status=422)
    return _page(request, kg, filters, whatif=answer)
