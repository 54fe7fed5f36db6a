"""What every page needs: the visitor's language, its message catalogue, locale formats, links.

The language is `?lang=`, then the `battkg_lang` cookie, then Accept-Language, then
English. An unsupported `?lang=` is answered in English with a notice. One Jinja
environment per language holds that language's `web` catalogue (gettext, new style), so
templates say `{{ _("Routes to %(role)s", role=...) }}` and nothing is shared between
requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from ...i18n import LANGUAGES, negotiate, normalise, translator

TEMPLATES = Path(__file__).parent.parent / "templates"
LANG_COOKIE = "battkg_lang"
#: the names of the languages, each in itself, for the switch
LANGUAGE_NAMES = {"sv": "Svenska", "fi": "Suomi", "nb": "Norsk (bokmål)", "en": "English"}


@dataclass(frozen=True)
class PageLanguage:
    lang: str
    #: the `lang=` the visitor asked for when it is not one battkg speaks
    unsupported: str | None = None
    #: set the cookie: the visitor chose the language with `?lang=`
    chosen: bool = False


def page_language(request: Request) -> PageLanguage:
    asked = request.query_params.get("lang")
    if asked:
        found = normalise(asked)
        if found:
            return PageLanguage(found, chosen=True)
        return PageLanguage("en", unsupported=asked[:20])
    cookie = normalise(request.cookies.get(LANG_COOKIE))
    if cookie:
        return PageLanguage(cookie)
    return PageLanguage(negotiate(None, request.headers.get("accept-language")))


def number(value: float | int | None, lang: str, digits: int = 1) -> str:
    """A number in the locale's format (decimal comma, grouping), trailing zeros dropped."""
    if value is None:
        return ""
    return _number(float(value), lang, digits)


@lru_cache(maxsize=4096)
def _number(value: float, lang: str, digits: int) -> str:
    """Babel parses the pattern and the locale on every call: the answers are kept instead."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=lang))


def day(value: date | str | None, lang: str) -> str:
    """A date in the locale's medium format."""
    if not value:
        return ""
    when = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return str(format_date(when, format="medium", locale=lang))


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translator(lang, "web"), newstyle=True)  # type: ignore[attr-defined]
    env.filters["num"] = lambda v, digits=1: number(v, lang, digits)
    env.filters["day"] = lambda v: day(v, lang)
    env.globals["lang"] = lang
    env.globals["language_names"] = LANGUAGE_NAMES
    return env


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """This page's URL (or `path`) with some parameters replaced; None removes one."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            items += [(key, str(v)) for v in value]
        else:
            items.append((key, str(value)))
    query = urlencode(items)
    return (path or request.url.path) + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    title: str = "",
    environment_for: Callable[[str], jinja2.Environment] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page in the visitor's language, with the language switch keeping the page's state.

    `environment_for`: the Jinja environment for a language (default: the web pages' own)."""
    language = page_language(request)
    env = (environment_for or environment)(language.lang)
    switch = [
        (code, LANGUAGE_NAMES[code], url_with(request, lang=code), code == language.lang)
        for code in ("sv", "fi", "nb", "en")
    ]
    html = env.get_template(template).render(
        request=request,
        page=language,
        switch=switch,
        title=title,
        url_with=lambda path=None, **changes: url_with(request, path, **changes),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Language"] = language.lang
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    if language.chosen:
        response.set_cookie(
            LANG_COOKIE, language.lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response


def lang_of(request: Request) -> str:
    return page_language(request).lang


def gettext(request: Request) -> Any:
    """The page language's `gettext`, for texts made in Python (chart labels, notices)."""
    return translator(lang_of(request), "web").gettext


def marked(text: str, text_lang: str, lang: str) -> Markup:
    """A data label; when it is in another language than the page's, say which."""
    if not text_lang or text_lang == lang:
        return Markup("{}").format(text)
    return Markup(
        '<span lang="{0}">{1}</span> <abbr class="fallback" title="{0}">({0})</abbr>'
    ).format(text_lang, text)
