"""Which messages each catalogue must hold, and keeping the .po files in step with the code.

A domain's messages are the string literals passed to `gettext(...)`, `ngettext(...)`,
`_(...)`, the engine's formatting `words.text(...)` (engine only) or the no-op marker `N_(...)` in its
source folders (Python files, and Jinja templates for `web`), found
with Babel's extractor. `python -m battkg.i18n.catalogues` adds every new message to
each language's .po file (with an empty translation to fill in) and reports the
messages no language may lack; tests call `missing()`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from . import LANGUAGES, SOURCE_LANGUAGE, catalogue_path

PACKAGE = Path(__file__).parent.parent
#: domain -> the package folders whose marked strings belong to it
DOMAINS: dict[str, tuple[str, ...]] = {"engine": ("pathways",), "web": ("web",), "gaps": ("gaps",)}
KEYWORDS: dict[str, tuple[int, int] | None] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
}
#: keywords only one domain marks with: the engine's `words.text("...", **values)`
DOMAIN_KEYWORDS: dict[str, dict[str, tuple[int, int] | None]] = {"engine": {"text": None}}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]


def extracted(domain: str) -> dict[str, str | None]:
    """msgid -> plural msgid (or None) of every message the domain's sources mark."""
    found: dict[str, str | None] = {}
    for folder in DOMAINS.get(domain, ()):
        root = PACKAGE / folder
        if not root.is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            root,
            METHODS,
            keywords=KEYWORDS | DOMAIN_KEYWORDS.get(domain, {}),
            options_map={"**/templates/**.html": {}},
        ):
            if isinstance(message, tuple):
                found[message[0]] = message[1]
            elif message:
                found[message] = None
    return found


def read(lang: str, domain: str) -> Catalog | None:
    path = catalogue_path(lang, domain)
    if not path.is_file():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=lang, domain=domain)


def missing(domain: str, langs: Iterable[str] = LANGUAGES) -> dict[str, list[str]]:
    """language -> the messages its catalogue lacks or leaves untranslated (or fuzzy)."""
    wanted = extracted(domain)
    out: dict[str, list[str]] = {}
    for lang in langs:
        if lang == SOURCE_LANGUAGE:
            continue
        catalog = read(lang, domain)
        lacking = []
        for msgid in wanted:
            message = catalog.get(msgid) if catalog is not None else None
            text = None if message is None else message.string
            strings = [text] if isinstance(text, str) else list(text or ())
            if message is None or message.fuzzy or not strings or not all(strings):
                lacking.append(msgid)
        if lacking:
            out[lang] = sorted(lacking)
    return out


def update(domain: str) -> dict[str, list[str]]:
    """Add the domain's new messages to every language's catalogue; drop ones no source marks."""
    wanted = extracted(domain)
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        catalog = read(lang, domain) or Catalog(
            locale=lang, domain=domain, project="battkg", copyright_holder="battkg"
        )
        catalog.fuzzy = False
        for msgid, plural in wanted.items():
            if catalog.get(msgid) is None:
                if plural:
                    catalog.add((msgid, plural), ("", ""))
                else:
                    catalog.add(msgid, "")
        for message in list(catalog):
            old = message.id[0] if isinstance(message.id, tuple) else message.id
            if old and old not in wanted:
                catalog.delete(old)
        path = catalogue_path(lang, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, catalog, width=100, sort_output=True, include_lineno=False)
    return missing(domain)


def main(argv: list[str]) -> int:
    domains = argv or list(DOMAINS)
    gaps = {d: update(d) for d in domains}
    for domain, by_lang in gaps.items():
        for lang, ids in by_lang.items():
            print(f"{domain} {lang}: {len(ids)} message(s) to translate")
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
