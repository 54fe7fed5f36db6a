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
from .textsearch import index_of as text_index_of
from .textsearch import things_by_kind

KINDS = ("role", "entry-profile", "course", "qualification", "skill")
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
    if kind == "course":
        return model.course_index
    return things_by_kind(model)[kind]


def resolve(
    model: PathwayModel,
    iris: Iris,
    kind: str,
    value: str,
    lang: str = "en",
    *,
    parameter: str | None = None,
) -> str:
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
    closest = search(model, text.rsplit("/", 1)[-1], lang, kinds=(kind,), limit=5)
    name = parameter or kind
    raise NotFoundError(
        f"{name}={value!r}: there is no {kind.replace('-', ' ')} of that IRI, id or label",
        fix=f"give an IRI, a short id or a label; GET /pathways/search?q=...&kind={kind} finds them",
        details={"parameter": name, "closest": [{"id": m.id, "label": m.label} for m in closest]},
    )


def resolve_item(model: PathwayModel, iris: Iris, value: str, lang: str = "en") -> int:
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
    closest = search(
        model, text.rsplit("/", 1)[-1], lang, kinds=("qualification", "skill"), limit=5
    )
    raise NotFoundError(
        f"holds={value!r} is neither a qualification nor a skill in the data",
        fix="give a qualification's or skill's IRI, or qualification/<id> or skill/<id>",
        details={
            "parameter": "holds",
            "closest": [{"id": m.id, "label": m.label} for m in closest],
        },
    )


def resolve_region(model: PathwayModel, iris: Iris, value: str, parameter: str = "region") -> str:
    """A region or country: an IRI, a short id, a NUTS code or a country code such as SE."""
    text = value.strip()
    for iri in (
        [text]
        if _ABSOLUTE.match(text)
        else [iris.thing("region", text), iris.thing("region", text.upper())]
    ):
        if iri in model.region_country:
            return iri
    codes = sorted({c for c in model.region_country.values() if c})
    short = {iri.rsplit("/", 1)[-1]: iri for iri in model.region_country}
    near = difflib.get_close_matches(text.upper(), list(short), n=5, cutoff=0.5)
    raise NotFoundError(
        f"{parameter}={value!r}: there is no region of that code or IRI",
        fix=f"give a NUTS code (e.g. SE331) or a country code ({', '.join(codes) or 'SE, FI, NO'})",
        details={
            "parameter": parameter,
            "closest": [{"id": short[c], "label": model.labels.get(short[c])} for c in near],
        },
    )


def search(
    model: PathwayModel,
    query: str,
    lang: str = "en",
    *,
    kinds: Iterable[str] = KINDS,
    limit: int = 20,
) -> list[Match]:
    """Things whose labels (any language) or short ids best match `query`, best first: an
    exact or prefix match of a label, then by score, then shorter labels (textsearch.py)."""
    found = text_index_of(model).search(query, kinds)
    found.sort(key=lambda m: (-m[0], m[1], m[2].iri))
    return [
        Match(e.iri, e.kind, model.labels.get(e.iri, lang), text, round(score, 3))
        for score, _, e, text in found[:limit]
    ]
