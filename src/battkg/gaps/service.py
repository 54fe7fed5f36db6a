"""Entry points of the gap analysis for the API, the CLI and the page, with input checks.

The inputs are read once per data version; each answer is computed from them in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..pathways.labels import Labels
from ..pathways.loader import Lit, parse_term, tsv_lines
from .analysis import GapQuery, analyse
from .inputs import LEVELS, MEASURES, Inputs, load_inputs

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

LANGS = ("en", "sv", "fi", "nb")
#: answers kept per process (by data version, language and filters); bounded so that many
#: distinct hostile queries cannot grow memory
CACHED_REPORTS = 64
_reports: OrderedDict[tuple[int, str, str, object], dict[str, Any]] = OrderedDict()
_reports_lock = threading.Lock()
#: serialised answers kept per process (by data version, language, filters and form), at
#: most this many bytes in all: at 50,000 courses the JSON is megabytes, and serialising it
#: took longer than answering from the cached report
CACHED_BODY_BYTES = 256 * 1024 * 1024
_bodies: OrderedDict[tuple[int, str, str, object, str], bytes] = OrderedDict()


def inputs_of(kg: KnowledgeGraph) -> Inputs:
    found: Inputs = kg.derived("gap-inputs", lambda: load_inputs(kg))
    if found.version != kg.version():  # the links were just written: a new generation
        found = kg.derived("gap-inputs", lambda: load_inputs(kg))
    return found


def labels_of(kg: KnowledgeGraph) -> Labels:
    """The labels of everything, read alone once per store generation: the gap page and
    answers need nothing else of the pathway model, which takes a minute to read at 50,000
    courses (the same query, queries/pathways/labels.rq, so the same labels)."""
    return kg.derived("gap-labels", lambda: _read_labels(kg))


def _read_labels(kg: KnowledgeGraph) -> Labels:
    labels = Labels()
    for line in tsv_lines(kg, "labels"):
        thing, preferred, cell = line.split("\t")
        label, flag = parse_term(cell), parse_term(preferred)
        if isinstance(label, Lit):  # a store may give the boolean as 1 (Virtuoso does)
            chosen = isinstance(flag, Lit) and flag.value in ("true", "1")
            labels.add(thing[1:-1], label.lang, label.value, preferred=chosen)
    return labels


def labeller(kg: KnowledgeGraph, lang: str):  # type: ignore[no-untyped-def]
    labels = labels_of(kg)

    def label(iri: str) -> str:
        return labels.get(iri, lang)

    return label


def resolve_region(kg: KnowledgeGraph, inputs: Inputs, value: str, field: str) -> str:
    iri = value if "://" in value else kg.iris.thing("region", value)
    if iri not in inputs.country_of:
        known = sorted(r.rsplit("/", 1)[-1] for r in inputs.country_of if not r.endswith("/EU"))
        raise UsageError(
            f"{field}={value!r} is not a region battkg knows",
            fix=f"give a NUTS 2021 or country code: {', '.join(known)}",
            details={"field": field, "value": value},
        )
    return iri


def check_level(level: str | None, field: str = "level") -> None:
    if level is not None and level not in LEVELS:
        raise UsageError(
            f"{field}={level!r} is not an education level",
            fix=f"use one of {', '.join(LEVELS)}",
            details={"field": field, "value": level},
        )


def check_year(inputs: Inputs, year: int | None, field: str = "year") -> None:
    if year is None:
        return
    if inputs.years is None or not inputs.years[0] <= year <= inputs.years[1]:
        span = f"{inputs.years[0]}-{inputs.years[1]}" if inputs.years else "none"
        raise UsageError(
            f"{field}={year} is outside the years of the data ({span})",
            fix=f"give a year in {span}",
            details={"field": field, "value": year},
        )


def make_query(
    kg: KnowledgeGraph,
    inputs: Inputs,
    *,
    country: str | None = None,
    region: str | None = None,
    stage: str | None = None,
    level: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    turnover: float | None = None,
) -> GapQuery:
    check_level(level)
    check_year(inputs, year)
    if kind is not None and kind not in MEASURES:
        raise UsageError(
            f"kind={kind!r} is not a demand measure",
            fix=f"use one of {', '.join(MEASURES)}",
            details={"field": "kind", "value": kind},
        )
    if turnover is not None and not 0 < turnover <= 1:
        raise UsageError(
            f"turnover={turnover} is not a yearly rate above 0 and at most 1",
            fix="give the share of staff replaced each year, for example 0.1",
            details={"field": "turnover", "value": turnover},
        )
    stage_iri = None
    if stage is not None:
        stage_iri = stage if "://" in stage else kg.iris.thing("stage", stage)
        if stage_iri not in inputs.stages:
            raise UsageError(
                f"stage={stage!r} is not a value-chain stage",
                fix="give a stage id such as cell-manufacturing (GET /queries/roles-by-stage lists them)",
                details={"field": "stage", "value": stage},
            )
    return GapQuery(
        country=resolve_region(kg, inputs, country, "country") if country else None,
        region=resolve_region(kg, inputs, region, "region") if region else None,
        stage=stage_iri,
        level=level,
        year=year,
        kind=kind,
        turnover=turnover,
    )


def gap_body(
    kg: KnowledgeGraph,
    form: str,
    render: Callable[[dict[str, object]], bytes],
    *,
    lang: str = "en",
    **filters: object,
) -> bytes:
    """The answer as `render` serialises it (`form` names the serialisation: json, csv), made
    once per data version, language and filters like the answer itself."""
    if lang not in LANGS:
        raise UsageError(f"unknown label language {lang!r}", fix=f"use {', '.join(LANGS)}")
    inputs = inputs_of(kg)
    query = make_query(kg, inputs, **filters)  # type: ignore[arg-type]
    key = (id(kg), inputs.version, lang, query, form)
    with _reports_lock:
        found = _bodies.get(key)
        if found is not None:
            _bodies.move_to_end(key)
            return found
    body = render(gap_report(kg, lang=lang, **filters))
    with _reports_lock:
        _bodies[key] = body
        total = sum(len(b) for b in _bodies.values())
        while total > CACHED_BODY_BYTES and len(_bodies) > 1:
            _, dropped = _bodies.popitem(last=False)
            total -= len(dropped)
    return body


def gap_report(kg: KnowledgeGraph, *, lang: str = "en", **filters: object) -> dict[str, object]:
    if lang not in LANGS:
        raise UsageError(f"unknown label language {lang!r}", fix=f"use {', '.join(LANGS)}")
    inputs = inputs_of(kg)
    query = make_query(kg, inputs, **filters)  # type: ignore[arg-type]
    key = (id(kg), inputs.version, lang, query)
    with _reports_lock:
        found = _reports.get(key)
        if found is not None:
            _reports.move_to_end(key)
            return found
    report = analyse(inputs, query, labeller(kg, lang))
    with _reports_lock:
        _reports[key] = report
        while len(_reports) > CACHED_REPORTS:
            _reports.popitem(last=False)
    return report
