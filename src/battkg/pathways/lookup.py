"""Find roles, entry profiles, courses, regions and holdings by IRI, short id or label.

An unknown role or profile is a NotFoundError whose details list the closest matches
by label in any language (difflib ratio on preferred and alternative labels).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import NotFoundError
from ..namespaces import Iris
from .model import PathwayModel

KINDS = ("role", "entry-profile", "course")
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class Match:
    id: str
    kind: str
    label: str
    matched: str
    score: float


def things(model: PathwayModel, kind: str) -> Iterable[str]:
    if kind == "role":
        return model.roles
    if kind == "entry-profile":
        return model.profiles
    return model.course_index


def resolve(model: PathwayModel, iris: Iris, kind: str, value: str, lang: str = "en") -> str:
    """The IRI of a role, entry profile or course given as IRI, short id or exact label."""
    known = things(model, kind)
    text = value.strip()
    candidates = (
        [text]
        if _ABSOLUTE.match(text)
        else [iris.thing(kind, text), iris.thing(kind, text.lower())]
    )
    for iri in candidates:
        if iri in known:
            return iri
    folded = text.casefold()
    for iri in known:
        if any(label.casefold() == folded for _, label in model.labels.all_texts(iri)):
            return iri
    closest = search(model, text, lang, kinds=(kind,), limit=5)
    raise NotFoundError(
        f"there is no {kind.replace('-', ' ')} {value!r}",
        fix=f"give an IRI, a short id or a label; GET /pathways/search?q=...&kind={kind} finds them",
        details={"closest": [{"id": m.id, "label": m.label} for m in closest]},
    )


def resolve_item(model: PathwayModel, iris: Iris, value: str) -> int:
    """A qualification or skill the person already holds: an IRI or qualification/<id>, skill/<id>."""
    text = value.strip()
    candidates = [text] if _ABSOLUTE.match(text) else []
    kind, _, slug = text.partition("/")
    if slug:
        candidates.append(iris.thing(kind, slug))
    candidates += [iris.thing("qualification", text), iris.thing("skill", text)]
    for iri in candidates:
        found = model.item(iri)
        if found is not None:
            return found
    raise NotFoundError(
        f"there is no qualification or skill {value!r} in the data",
        fix="give its IRI, or qualification/<id> or skill/<id>",
    )


def resolve_region(model: PathwayModel, iris: Iris, value: str) -> str:
    """A region or country: an IRI, a short id, a NUTS code or a country code such as SE."""
    text = value.strip()
    for iri in (
        [text]
        if _ABSOLUTE.match(text)
        else [iris.thing("region", text), iris.thing("region", text.upper())]
    ):
        if iri in model.region_country:
            return iri
    codes = sorted(set(model.region_country.values()))
    raise NotFoundError(
        f"there is no region {value!r}",
        fix=f"give a NUTS code (e.g. SE331) or a country code ({', '.join(codes) or 'SE, FI, NO'})",
    )


def search(
    model: PathwayModel,
    query: str,
    lang: str = "en",
    *,
    kinds: Iterable[str] = KINDS,
    limit: int = 20,
) -> list[Match]:
    """Things whose labels (any language) or short ids best match `query`, best first."""
    folded = query.casefold().strip()
    if not folded:
        return []
    matches: list[Match] = []
    for kind in kinds:
        for iri in things(model, kind):
            best, matched = 0.0, ""
            texts = [text for _, text in model.labels.all_texts(iri)] + [
                iri.rsplit("/", 1)[-1].replace("-", " ")
            ]
            for text in texts:
                score = _score(folded, text.casefold())
                if score > best:
                    best, matched = score, text
            if best >= 0.45:
                matches.append(
                    Match(iri, kind, model.labels.get(iri, lang), matched, round(best, 3))
                )
    matches.sort(key=lambda m: (-m.score, m.label))
    return matches[:limit]


def _score(query: str, text: str) -> float:
    if query == text:
        return 1.0
    if query in text:
        return 0.9 if text.startswith(query) else 0.8
    matcher = difflib.SequenceMatcher(None, query, text, autojunk=False)
    if matcher.real_quick_ratio() < 0.45 or matcher.quick_ratio() < 0.45:
        return 0.0
    words = max(
        (difflib.SequenceMatcher(None, query, w).ratio() for w in text.split()), default=0.0
    )
    return max(matcher.ratio(), 0.95 * words)
