"""Which courses lead to which roles: the pathway engine's routes, written per data version.

A course *leads to* a role when it is a step of one of the engine's best routes to that role
from no holdings or from some entry profile, searched within each country (so that every
country's own courses are found, not only the best ones anywhere). The links are
written into their own named graph (`<base>/graph/derived/course-role-links`) as
`course bkg:leadsToRole role`, with the data version they were computed from, so that the
named queries (queries/gap-*.rq) read them like any other triple. They are recomputed when
the data version changes (docs/decisions/0052-gap-analysis.md).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import StoreError
from ..namespaces import BKG, DCTERMS, XSD
from ..pathways.engine import model_of
from ..pathways.filters import Filters
from ..pathways.search import find_routes

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

#: routes per (role, entry profile, place filter); a course on any of them leads to the role
ROUTES_PER_SEARCH = 3
#: the exact search's node limit per search (the engine's default is for one person's answer;
#: thousands of searches per data version need less: a truncated search still gives routes)
MAX_NODES = 500
LEADS_TO = BKG + "leadsToRole"
_lock = threading.Lock()
_memory: weakref.WeakKeyDictionary[KnowledgeGraph, Links] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Links:
    version: str
    pairs: frozenset[tuple[str, str]]  # (course IRI, role IRI)
    seconds: float
    stored: bool


def links_graph(kg: KnowledgeGraph) -> str:
    return kg.iris.graph("derived", "course-role-links")


def compute_links(kg: KnowledgeGraph, roles: list[str] | None = None) -> frozenset[tuple[str, str]]:
    """Every (course, role) pair where the course is a step of a best route to the role
    (of every role, or of the roles given)."""
    model = model_of(kg)
    codes = {model.region_country.get(r, "") for c in model.courses for r in c.regions} - {""}
    countries = sorted(kg.iris.thing("region", code) for code in codes)
    # within each country (online offers pass every country filter); a route across a border
    # is not searched for: its courses are found by their own country's searches
    places = [Filters(countries=frozenset({c})) for c in countries] or [Filters()]
    # entry profiles that hold the same things start the same routes: search once for them
    distinct: dict[tuple[object, ...], str] = {}
    for iri in sorted(model.profiles):
        p = model.profiles[iri]
        distinct.setdefault((frozenset(p.qualifications), frozenset(p.skills), p.experience), iri)
    starts = [model.start(None), *(model.start(model.profiles[i]) for i in distinct.values())]
    pairs: set[tuple[str, str]] = set()
    courses = model.courses
    for role in sorted(model.roles) if roles is None else roles:
        goal = model.roles[role].requirement
        if goal is None:
            continue
        for start in starts:
            for filters in places:
                # the engine's own search (find_pathways without the explanations it adds)
                result = find_routes(
                    model, start, goal, filters, k=ROUTES_PER_SEARCH, max_nodes=MAX_NODES
                )
                for route in result.routes:
                    pairs.update((courses[i].iri, role) for i in route.courses)
    return frozenset(pairs)


def stored_version(kg: KnowledgeGraph) -> str | None:
    graph = links_graph(kg)
    rows = kg.select(f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> bkg:buildVersion ?v }} }}")
    return str(rows[0]["v"].value) if rows else None


def write_links(kg: KnowledgeGraph, pairs: frozenset[tuple[str, str]], version: str) -> None:
    graph = ox.NamedNode(links_graph(kg))
    leads = ox.NamedNode(LEADS_TO)
    quads = [ox.Quad(ox.NamedNode(c), leads, ox.NamedNode(r), graph) for c, r in sorted(pairs)]
    quads.append(ox.Quad(graph, ox.NamedNode(BKG + "buildVersion"), ox.Literal(version), graph))
    quads.append(
        ox.Quad(
            graph,
            ox.NamedNode(DCTERMS + "modified"),
            ox.Literal(
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                datatype=ox.NamedNode(XSD + "dateTime"),
            ),
            graph,
        )
    )
    with kg.store.writer() as w:
        if w.contains_named_graph(graph):
            w.remove_graph(graph)
        w.add_graph(graph)
        w.extend(quads)


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
