"""Which courses lead to which roles, written into the store with each data version.

A course *leads to* a role when it can be a step of one of the pathway engine's minimal
routes to the role, from no holdings or from some entry profile, within one country (online
offers pass every country filter). Those courses are found once per country and
requirement atom (useful.py), shared by every role and start; tests/test_gap_links.py checks
them against the engine's route lists on the curated graph and on hand-made graphs.

The links are written per requirement atom (atoms.py), never as course x role pairs (56.8
million at 50,000 generated courses): `course bkg:servesAtom atom`, `atom bkg:needsAtom
atom`, `role bkg:needsAtom atom`, so that a course leads to a role exactly when
`role bkg:needsAtom+/^bkg:servesAtom course`; each atom also says the stages of the roles
that need it, directly or through the atoms above it (`bkg:atomForStage`). They go into
their own named graph (`<base>/graph/derived/course-role-links`) with the build version they
were computed from, in the same store generation that a build, a dataset load or a rollback
makes (`relink`), so that no request pays for them and the named queries (queries/gap-*.rq)
read them on any store, remote ones included. A store made before links were written at build
time gets them on its first gap request (`ensure_links`): written if the store can be written,
else held in memory (docs/decisions/0052-gap-analysis.md).
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..backend import ReadableStore, WritableStore
from ..errors import StoreError
from ..kg import KnowledgeGraph
from ..namespaces import BKG, DCTERMS, PROV, RDF, VOID, XSD, Iris
from ..pathways.bitsets import indexes_of as members
from ..pathways.engine import model_of
from ..pathways.filters import Filters
from ..pathways.loader import load_model
from ..pathways.model import PathwayModel, Start
from .atoms import AtomGraph, above_union, atom_graph, compact
from .useful import leading_to_from_each

if TYPE_CHECKING:
    from ..settings import Settings

#: the relation the atoms stand for: course -> role, as the path below (no longer written)
LEADS_TO = BKG + "leadsToRole"
SERVES = BKG + "servesAtom"
NEEDS = BKG + "needsAtom"
ATOM = BKG + "RequirementAtom"
#: the pairs of the links graph, as a researcher reads them (the product: small graphs only)
PAIRS_QUERY = """SELECT DISTINCT ?course ?role WHERE {{ GRAPH <{graph}> {{
  ?role bkg:needsAtom ?first . FILTER NOT EXISTS {{ ?role a bkg:RequirementAtom }}
  ?first bkg:needsAtom* ?atom . ?course bkg:servesAtom ?atom }} }}"""
_lock = threading.Lock()
_memory: weakref.WeakKeyDictionary[KnowledgeGraph, Links] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Links:
    version: str
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
    """Every (course, role) pair where the course can be a step of a minimal route to the role
    (the product the stored atoms avoid: for tests and small graphs)."""
    courses = model.courses
    return frozenset(
        (courses[c].iri, role)
        for role, bits in link_bits(model, iris).items()
        for c in members(bits)
    )


def graph_of(model: PathwayModel, iris: Iris) -> AtomGraph:
    """The links per requirement atom (atoms.py): the same pass as `link_bits`, kept whole."""
    starts, places = starts_and_places(model, iris)
    countries = [next(iter(f.countries)) if f.countries else "" for f in places]
    found = atom_graph(model, starts, places, countries)
    compact(found)
    return found


def role_stages(kg: KnowledgeGraph) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in kg.select("SELECT ?r ?s WHERE { ?r a bkg:JobRole ; bkg:inStage ?s }"):
        found.setdefault(str(row["r"].value), []).append(str(row["s"].value))
    return found


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
    version; the number of triples written."""
    started = time.perf_counter()
    progress("linking courses to roles through requirement atoms (gap analysis)")
    graph = _Writing(settings, store)
    version = graph.version()
    model = load_model(graph)
    atoms = graph_of(model, graph.iris)
    count = write_atoms(store, graph.iris, model, atoms, role_stages(graph), version)
    progress(
        f"{len(atoms.nodes):,} requirement atoms, {count:,} triples, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return count


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


def stored_pairs(kg: KnowledgeGraph) -> frozenset[tuple[str, str]]:
    """The (course, role) pairs the stored atoms stand for, read through the path a
    researcher would write (the product: for tests and small graphs)."""
    rows = kg.select(PAIRS_QUERY.format(graph=links_graph(kg)))
    return frozenset((str(r["course"].value), str(r["role"].value)) for r in rows)


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{float(value):g}", datatype=ox.NamedNode(XSD + "decimal"))


def _quads(
    iris: Iris,
    model: PathwayModel,
    atoms: AtomGraph,
    stages_of: dict[str, list[str]],
    graph: ox.NamedNode,
) -> Iterator[ox.Quad]:
    """The atoms as triples: what each is (a skill, or accepted qualifications, level and
    experience), its country, the atoms it needs, the stages of the roles it serves, the
    courses serving it and the roles needing it."""
    items, courses = model.items, model.courses
    stages = sorted({s for v in stages_of.values() for s in v})
    stage_bit = {s: 1 << i for i, s in enumerate(stages)}
    own = [0] * len(atoms.nodes)
    for role, nodes in atoms.roles.items():
        mask = sum(stage_bit[s] for s in set(stages_of.get(role, ())))
        for n in nodes:
            own[n] |= mask
    needs = [sorted(n.needs) for n in atoms.nodes]
    for_stage = above_union(needs, own)
    names = []
    for i, node in enumerate(atoms.nodes):
        code = node.country.rsplit("/", 1)[-1] if node.country else "any"
        names.append(ox.NamedNode(iris.thing("gap-atom", f"{code}-{i}")))
    kind, serves, needs_p = ox.NamedNode(RDF + "type"), ox.NamedNode(SERVES), ox.NamedNode(NEEDS)
    atom_class = ox.NamedNode(ATOM)
    country_p, skill_p = ox.NamedNode(BKG + "atomCountry"), ox.NamedNode(BKG + "atomSkill")
    qual_p, level_p = (
        ox.NamedNode(BKG + "atomQualification"),
        ox.NamedNode(BKG + "atomMinimumLevel"),
    )
    years_p, stage_p = ox.NamedNode(BKG + "atomExperienceYears"), ox.NamedNode(BKG + "atomForStage")
    stage_nodes = [ox.NamedNode(s) for s in stages]
    for i, node in enumerate(atoms.nodes):
        me = names[i]
        yield ox.Quad(me, kind, atom_class, graph)
        if node.country:
            yield ox.Quad(me, country_p, ox.NamedNode(node.country), graph)
        atom = node.atom
        if atom[0] == "skill":
            yield ox.Quad(me, skill_p, ox.NamedNode(items[int(atom[1])]), graph)  # type: ignore[call-overload]
        else:
            _, accepts, floor, experience = atom
            # by IRI: the item numbers follow the order the store gave its rows in, and the
            # digest of the graph follows the order of its triples
            for q in sorted(items[q] for q in accepts):  # type: ignore[attr-defined]
                yield ox.Quad(me, qual_p, ox.NamedNode(q), graph)
            if floor is not None:
                yield ox.Quad(me, level_p, _decimal(floor), graph)  # type: ignore[arg-type]
            if experience is not None:
                yield ox.Quad(me, years_p, _decimal(experience), graph)  # type: ignore[arg-type]
        for b in needs[i]:
            yield ox.Quad(me, needs_p, names[b], graph)
        mask = for_stage[i]
        for s, stage in enumerate(stage_nodes):
            if mask >> s & 1:
                yield ox.Quad(me, stage_p, stage, graph)
        for c in members(node.serving):
            yield ox.Quad(ox.NamedNode(courses[c].iri), serves, me, graph)
    for role in sorted(atoms.roles):
        subject = ox.NamedNode(role)
        for n in sorted(atoms.roles[role]):
            yield ox.Quad(subject, needs_p, names[n], graph)


def write_atoms(
    store: WritableStore,
    iris: Iris,
    model: PathwayModel,
    atoms: AtomGraph,
    stages_of: dict[str, list[str]],
    version: str,
) -> int:
    """The links graph, and its provenance in the meta graph like every other graph's (kind
    "derived": not part of the build version, which the links are made from); the number of
    triples written."""
    graph = ox.NamedNode(graph_iri(iris))
    meta = ox.NamedNode(iris.meta_graph)
    for old in list(store.quads_for_pattern(graph, None, None, meta)):
        store.remove(old)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.add_graph(graph)
    digest = hashlib.sha256(version.encode())
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        yield ox.Quad(graph, ox.NamedNode(BKG + "buildVersion"), ox.Literal(version), graph)
        for quad in _quads(iris, model, atoms, stages_of, graph):
            count += 1
            digest.update(str(quad).encode())
            yield quad

    store.bulk_extend(counted())
    now = ox.Literal(
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), datatype=ox.NamedNode(XSD + "dateTime")
    )
    facts: list[tuple[str, ox.Literal]] = [
        (BKG + "graphKind", ox.Literal("derived")),
        (BKG + "sha256", ox.Literal(digest.hexdigest())),
        (PROV + "generatedAtTime", now),
        (
            DCTERMS + "title",
            ox.Literal("course-role links of the gap analysis, per requirement atom"),
        ),
        (VOID + "triples", ox.Literal(str(count + 1), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    store.extend([ox.Quad(graph, ox.NamedNode(p), o, meta) for p, o in facts])
    return count + 1


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
            links = Links(version, time.perf_counter() - started, True)
        else:
            model = model_of(kg)
            atoms = graph_of(model, kg.iris)
            stored = True
            try:
                with kg.store.writer() as w:
                    write_atoms(w, kg.iris, model, atoms, role_stages(kg), version)
            except (StoreError, OSError):
                stored = False
            links = Links(version, time.perf_counter() - started, stored)
        _memory[kg] = links
    return links
