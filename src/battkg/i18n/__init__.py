"""Texts in the person's language: gettext message catalogues (Babel .po files) per domain.

    from battkg.i18n import translator, negotiate
    _ = translator("sv", "engine").gettext
    _("fee unknown")                          # -> "avgift okänd"
    _("{weeks} weeks").format(weeks=12)

Each *domain* is one catalogue: `engine` holds the pathway engine's reasons and
explanations, `web` the pages' texts. The catalogues are the committed
`locale/<lang>/LC_MESSAGES/<domain>.po` files beside this module, read once per
process (no compiled .mo files to keep in step). English is the source language: its
messages are the msgids, so `en` needs no catalogue. The messages a domain must have
are those its source files mark (see catalogues.py); a test fails when a language lacks
one.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

#: The languages battkg answers in; the first is the source language of the catalogues.
LANGUAGES = ("en", "sv", "fi", "nb")
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
#: Tags that mean one of LANGUAGES (Norwegian is served as bokmål).
_ALIASES = {"no": "nb", "nn": "nb", "se": "sv", "sw": "sv"}


def N_(message: str) -> str:  # noqa: N802 (gettext's name for the marker)
    """Mark a message for the catalogues where it is defined; translate it where it is shown."""
    return message


def catalogue_path(lang: str, domain: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=32)
def translator(lang: str, domain: str = "engine") -> gettext.NullTranslations:
    """The translations of one domain into one of LANGUAGES (`gettext`, `ngettext`).

    English, an unknown language or a missing catalogue give the source texts."""
    lang = normalise(lang) or SOURCE_LANGUAGE
    path = catalogue_path(lang, domain)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalise(tag: str | None) -> str | None:
    """`sv-SE` -> sv, `no`/`nn` -> nb, `FI` -> fi; None when it is none of LANGUAGES."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    primary = _ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def negotiate(requested: str | None = None, accept_language: str | None = None) -> str:
    """The language to answer in: an explicit `requested` language (a `lang=` parameter),
    else the best of an Accept-Language header, else English."""
    chosen = normalise(requested)
    if chosen:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = normalise(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else SOURCE_LANGUAGE
