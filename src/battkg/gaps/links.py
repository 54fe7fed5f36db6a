"""Which courses lead to which roles, written into the store with each data version.

A course *leads to* a role when it can be a step of one of the pathway engine's minimal
routes to the role, from no holdings or from some entry profile, within one country (online
offers pass every country filter). Those courses are found once per country and
requirement atom (useful.py), shared by every role and start; tests/test_gap_links.py checks
them against the engine's route lists on the curated graph and on hand-made graphs.

The links are written into their own named graph (`<base>/graph/derived/course-role-links`)
as `course bkg:leadsToRole role`, with the build version they were computed from, in the
same store generation that a build, a dataset load or a rollback makes (`relink`), so that
no request pays for them and the named queries (queries/gap-*.rq) read them on any store,
remote ones included. A store made before links were written at build time gets them on
its first gap request (`ensure_links`): written if the store can be written, else held in
memory (docs/decisions/0052-gap-analysis.md).
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..backend import ReadableStore, WritableStore
from ..errors import StoreError
from ..kg import KnowledgeGraph
from ..namespaces import BKG, DCTERMS, PROV, VOID, XSD, Iris
from ..pathways.engine import model_of
from ..pathways.filters import Filters
from ..pathways.loader import load_model
from ..pathways.model import PathwayModel, Start
from .useful import leading_to_from_each, members

if TYPE_CHECKING:
    from ..settings import Settings

LEADS_TO = BKG + "leadsToRole"
_lock = threading.Lock()
_memory: weakref.WeakKeyDictionary[KnowledgeGraph, Links] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Links:
    version: str
    pairs: frozenset[tuple[str, str]]  # (course IRI, role IRI)
    seconds: float
    stored: bool


def graph_iri(iris: Iris) -> str:
    return iris.graph("derived", "course-role-links")


def links_graph(kg: KnowledgeGraph) -> str:
    return graph_iri(kg.iris)


def starts_and_places(model: PathwayModel, iris: Iris) -> tuple[list[Start], list[Filters]]:
    """Where routes start (no holdings, and each distinct entry profile) and the place filters
    they are searched under (each country)."""
    codes = {model.region_country.get(r, "") for c in model.courses for r in c.regions} - {""}
    countries = sorted(iris.thing("region", code) for code in codes)
    # within each country (online offers pass every country filter); a route across a border
    # is not searched for: its courses are found by their own country's searches
    places = [Filters(countries=frozenset({c})) for c in countries] or [Filters()]
    # entry profiles that hold the same things start the same routes: one start for them
    distinct: dict[tuple[object, ...], str] = {}
    for iri in sorted(model.profiles):
        p = model.profiles[iri]
        distinct.setdefault((frozenset(p.qualifications), frozenset(p.skills), p.experience), iri)
    starts = [model.start(None), *(model.start(model.profiles[i]) for i in distinct.values())]
    return starts, places


def link_bits(model: PathwayModel, iris: Iris) -> dict[str, int]:
    """For each role, the courses that lead to it in some country, as a bit set of indexes."""
    starts, places = starts_and_places(model, iris)
    roles = [(r, req) for r in sorted(model.roles) if (req := model.roles[r].requirement)]
    found = dict.fromkeys((r for r, _ in roles), 0)
    requirements = [q for _, q in roles]
    # each start alone: shared by several starts, a chain of atoms could join a course one
    # start enters by experience with a programme another enters by its level, which no
    # person's route holds (470 such links on the curated graph, decision 0052); what does not
    # depend on the start is made once per country (useful.leading_to_from_each)
    for filters in places:
        each = leading_to_from_each(model, starts, filters, requirements)
        for (role, _), bits in zip(roles, each, strict=True):
            found[role] |= bits
    return found


def links_of(model: PathwayModel, iris: Iris) -> frozenset[tuple[str, str]]:
    """Every (course, role) pair where the course can be a step of a minimal route to the role."""
    courses = model.courses
    return frozenset(
        (courses[c].iri, role)
        for role, bits in link_bits(model, iris).items()
        for c in members(bits)
    )


def compute_links(kg: KnowledgeGraph) -> frozenset[tuple[str, str]]:
    """The links of the store generation being served."""
    return links_of(model_of(kg), kg.iris)


class _Writing(KnowledgeGraph):
    """The knowledge graph over a store generation being written (not yet published), so that
    the pathway loader reads the data the new generation will serve."""

    def __init__(self, settings: Settings, store: WritableStore) -> None:
        super().__init__(settings)
        self._writing = store

    def reader(self) -> ReadableStore:
        return self._writing


def relink(settings: Settings, store: WritableStore, progress: Callable[[str], None]) -> int:
    """Write the links of the data in `store` (a generation being made), with its build
    version; the number of links."""
    started = time.perf_counter()
    progress("linking courses to roles (gap analysis)")
    graph = _Writing(settings, store)
    version = graph.version()
    pairs = links_of(load_model(graph), graph.iris)
    _write(store, graph.iris, pairs, version)
    progress(f"{len(pairs):,} course-role links in {time.perf_counter() - started:.1f} s")
    return len(pairs)


def drop_links(store: WritableStore, iris: Iris) -> None:
    """Remove the links before a build reasons, so that links of the data being replaced
    (courses removed since) are never reasoned over."""
    graph = ox.NamedNode(graph_iri(iris))
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    meta = ox.NamedNode(iris.meta_graph)
    for old in list(store.quads_for_pattern(graph, None, None, meta)):
        store.remove(old)


def stored_version(kg: KnowledgeGraph) -> str | None:
    graph = links_graph(kg)
    rows = kg.select(f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> bkg:buildVersion ?v }} }}")
    return str(rows[0]["v"].value) if rows else None


def write_links(kg: KnowledgeGraph, pairs: frozenset[tuple[str, str]], version: str) -> None:
    """Write `pairs` as the links of `version`, in a new store generation."""
    with kg.store.writer() as w:
        _write(w, kg.iris, pairs, version)


def _write(
    store: WritableStore, iris: Iris, pairs: frozenset[tuple[str, str]], version: str
) -> None:
    """The links graph, and its provenance in the meta graph like every other graph's (kind
    "derived": not part of the build version, which the links are made from)."""
    graph = ox.NamedNode(graph_iri(iris))
    meta = ox.NamedNode(iris.meta_graph)
    leads = ox.NamedNode(LEADS_TO)
    ordered = sorted(pairs)
    quads = [ox.Quad(ox.NamedNode(c), leads, ox.NamedNode(r), graph) for c, r in ordered]
    now = ox.Literal(
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), datatype=ox.NamedNode(XSD + "dateTime")
    )
    quads.append(ox.Quad(graph, ox.NamedNode(BKG + "buildVersion"), ox.Literal(version), graph))
    digest = hashlib.sha256(version.encode())
    for c, r in ordered:
        digest.update(f"{c} {r}\n".encode())
    facts: list[tuple[str, ox.Literal]] = [
        (BKG + "graphKind", ox.Literal("derived")),
        (BKG + "sha256", ox.Literal(digest.hexdigest())),
        (PROV + "generatedAtTime", now),
        (DCTERMS + "title", ox.Literal("course-role links of the gap analysis")),
        (VOID + "triples", ox.Literal(str(len(quads)), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    for old in list(store.quads_for_pattern(graph, None, None, meta)):
        store.remove(old)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.add_graph(graph)
    store.extend(quads + [ox.Quad(graph, ox.NamedNode(p), o, meta) for p, o in facts])


def ensure_links(kg: KnowledgeGraph) -> Links:
    """The links of the data version being served: read from the store, or computed and written.

    A store that cannot be written (a read-only remote) still gets links, held in memory only;
    `stored` says which.
    """
    version = kg.version()
    known = _memory.get(kg)
    if known is not None and known.version == version:
        return known
    with _lock:
        known = _memory.get(kg)
        if known is not None and known.version == version:
            return known
        started = time.perf_counter()
        if stored_version(kg) == version:
            links = Links(version, _read_pairs(kg), time.perf_counter() - started, True)
        else:
            pairs = compute_links(kg)
            stored = True
            try:
                write_links(kg, pairs, version)
            except (StoreError, OSError):
                stored = False
            links = Links(version, pairs, time.perf_counter() - started, stored)
        _memory[kg] = links
    return links


def _read_pairs(kg: KnowledgeGraph) -> frozenset[tuple[str, str]]:
    graph = links_graph(kg)
    rows = kg.select(f"SELECT ?c ?r WHERE {{ GRAPH <{graph}> {{ ?c bkg:leadsToRole ?r }} }}")
    return frozenset((str(r["c"].value), str(r["r"].value)) for r in rows)
