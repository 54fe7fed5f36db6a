"""Labels of everything the engine names, by IRI and language, with fallback."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Labels:
    """Preferred and alternative labels by IRI and language, with fallback."""

    pref: dict[str, dict[str, str]] = field(default_factory=dict)
    alt: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, iri: str, lang: str, text: str, *, preferred: bool = True) -> None:
        if preferred:
            self.pref.setdefault(iri, {}).setdefault(lang, text)
        else:
            self.alt.setdefault(iri, []).append((lang, text))

    def get(self, iri: str, lang: str = "en") -> str:
        return self.get_with_lang(iri, lang)[0]

    def get_with_lang(self, iri: str, lang: str = "en") -> tuple[str, str | None]:
        """The label in `lang`, else in English (then sv, fi, nb), with its language (None:
        no label, the IRI's last segment)."""
        by_lang = self.pref.get(iri)
        if by_lang:
            for candidate in (lang, "en", "sv", "fi", "nb", ""):
                if candidate in by_lang:
                    return by_lang[candidate], candidate or None
            first = next(iter(by_lang.items()))
            return first[1], first[0] or None
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1], None

    def all_texts(self, iri: str) -> list[tuple[str, str]]:
        """Every (language, label) of a thing, preferred first."""
        return list(self.pref.get(iri, {}).items()) + self.alt.get(iri, [])
