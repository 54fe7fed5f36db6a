"""The build: ontology/, data/ and ESCO into the store, one named graph each, then reasoning.

Every input unit (one Turtle file, or the pair of ESCO zips) becomes one named
graph whose provenance (source files, SHA-256, time of load, triple count) is
recorded in the meta graph. A build compares the hashes with what the store
records: unchanged inputs are a no-op; a changed input replaces its own graph
and re-runs reasoning, which depends on everything. All inputs are parsed
before the store is touched, and the store is written as a new generation, so
a bad input leaves the previous store serving as it was.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .backend import StoreBackend, WritableStore, count_graphs
from .errors import InputError
from .esco import EscoSource, find_esco, official_labels, read_esco
from .inference import dataset_graphs, reason_base, reason_datasets
from .ingest.source import parse_file
from .loading import BackgroundLoad
from .logs import event, logger
from .namespaces import BKG, DCTERMS, PROV, RDF, VOID, XSD, Iris
from .reasoning import ReasoningReport, SchemaCache
from .settings import Settings

#: Bump when the build or reasoning changes what it writes for the same inputs.
BUILD_FORMAT = "1"

Progress = Callable[[str], None]
log = logger(__name__)


#: data/translations/*.ttl: battkg's own translations of ESCO labels, each in its own graph;
#: a label ESCO itself gives in that language replaces battkg's (one prefLabel per language)
TRANSLATIONS = "translations"
_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


@dataclass(frozen=True)
class Unit:
    """One input unit: the files that make one named graph."""

    graph: str
    kind: str  # ontology | data | esco
    files: tuple[Path, ...]
    sha256: str
    label: str
    esco: EscoSource | None = None
    #: for battkg's translations of ESCO labels: the ESCO whose official labels replace them
    official: EscoSource | None = None


@dataclass
class BuildReport:
    changed: list[str]
    removed: list[str]
    unchanged: list[str]
    version: str
    generation: str | None
    seconds: dict[str, float] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    reasoning: ReasoningReport | None = None

    @property
    def noop(self) -> bool:
        return not self.changed and not self.removed


def _sha256_files(files: tuple[Path, ...], salt: str, root: Path) -> str:
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(_relative(path, root).encode())
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    return digest.hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def plan(settings: Settings) -> list[Unit]:
    """The input units of a build, with their hashes."""
    iris = Iris(settings.base_iri)
    salt = f"{BUILD_FORMAT}|{settings.base_iri}"
    units: list[Unit] = []
    esco = find_esco(settings.esco_dir)
    for kind, folder in (("ontology", settings.ontology_dir), ("data", settings.data_dir)):
        if not folder.is_dir():
            if kind == "ontology":
                raise InputError(
                    f"the ontology folder {folder} is missing",
                    fix="run from a battkg checkout or set BATTKG_HOME",
                )
            continue
        for path in sorted(folder.rglob("*.ttl")):
            stem = _relative(path, folder).removesuffix(".ttl").replace("/", "-")
            graph = iris.ontology_graph(stem) if kind == "ontology" else iris.data_graph(stem)
            files = (path,)
            translations = kind == "data" and stem.startswith(TRANSLATIONS + "-")
            official = esco if translations and esco and esco.translations else None
            units.append(
                Unit(
                    graph,
                    kind,
                    files,
                    _sha256_files(
                        files, salt + (f"|{official.digest}" if official else ""), settings.home
                    ),
                    _relative(path, settings.home),
                    official=official,
                )
            )
    if esco is not None:
        units.append(
            Unit(iris.esco_graph, "esco", esco.files, f"{salt}|{esco.digest}", "ESCO", esco=esco)
        )
    return units


def read_unit(unit: Unit, iris: Iris) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(unit.graph)
    if unit.esco is not None:
        yield from read_esco(unit.esco, graph)
        return
    (path,) = unit.files
    if unit.official is None:
        yield from parse_file(path, graph, iris)
        return
    official = official_labels(unit.official)
    for quad in parse_file(path, graph, iris):
        obj = quad.object
        if (
            quad.predicate == _PREF_LABEL
            and isinstance(obj, ox.Literal)
            and isinstance(quad.subject, ox.NamedNode)
            and (quad.subject.value, obj.language or "") in official
        ):
            continue  # ESCO's own label in that language is published instead
        yield quad


def recorded_hashes(store: StoreBackend, iris: Iris) -> dict[str, tuple[str, str]]:
    """graph IRI -> (kind, sha256) as the current generation records them."""
    if not store.exists():
        return {}
    query = (
        f"SELECT ?g ?kind ?sha WHERE {{ GRAPH <{iris.meta_graph}> {{ "
        f"?g <{BKG}graphKind> ?kind ; <{BKG}sha256> ?sha }} }}"
    )
    return {s["g"].value: (s["kind"].value, s["sha"].value) for s in store.reader().query(query)}  # type: ignore[union-attr]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a block that allocates millions of objects.

    A build holds a million tuples and terms at once (quads, fact pairs): every few thousand
    allocations the collector walks them all again, about 15% of a build's CPU time, and
    finds almost nothing (sets of tuples of terms hold no cycles). Explicit collections (the
    writer's, before it publishes: writer_handle.release) still run.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def build(
    settings: Settings,
    store: StoreBackend,
    *,
    force: bool = False,
    reasoner: str = "reasonable",
    progress: Progress = lambda _msg: None,
    schemas: SchemaCache | None = None,
) -> BuildReport:
    with collector_paused():
        return _build(settings, store, force, reasoner, progress, schemas)


def _build(
    settings: Settings,
    store: StoreBackend,
    force: bool,
    reasoner: str,
    progress: Progress,
    schemas: SchemaCache | None,
) -> BuildReport:
    iris = Iris(settings.base_iri)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    progress("hashing inputs")
    units = plan(settings)
    seconds["plan"] = time.perf_counter() - started
    recorded = recorded_hashes(store, iris)
    inferred_sha = _inferred_key(units, reasoner)
    managed = {g for g, (kind, _) in recorded.items() if kind in ("ontology", "data", "esco")}
    changed = [u for u in units if force or recorded.get(u.graph, ("", ""))[1] != u.sha256]
    removed = sorted(managed - {u.graph for u in units})
    unchanged = [u.graph for u in units if u not in changed]
    if (
        not changed
        and not removed
        and recorded.get(iris.inferred_graph, ("", ""))[1] == inferred_sha
    ):
        progress("store is up to date: nothing to do")
        return BuildReport(
            [], [], unchanged, build_version(recorded), store.current_generation(), seconds
        )

    # Parse everything first: a bad input must stop the build before the store is touched.
    parsed: dict[str, list[ox.Quad]] = {}
    for unit in changed:
        t0 = time.perf_counter()
        progress(f"reading {unit.label}")
        parsed[unit.graph] = list(read_unit(unit, iris))
        seconds[f"read {unit.kind}"] = (
            seconds.get(f"read {unit.kind}", 0.0) + time.perf_counter() - t0
        )

    now = datetime.now(UTC).replace(microsecond=0)
    from .gaps.links import drop_links, graph_iri, relink

    # Everything rewritten whole: when that is most of the store (a forced build, new ESCO), the
    # new generation starts empty instead of deleting it from a copy of the old one (store.py).
    links = graph_iri(iris)
    rewritten = [*removed, *parsed, iris.inferred_graph, iris.datasets_inferred_graph, links]
    t0 = time.perf_counter()
    with store.writer(replace=rewritten) as w:
        drop_links(w, iris)  # derived from the data being replaced: never reasoned over
        for graph in removed:
            _replace_graph(w, ox.NamedNode(graph), [])
            w.remove_graph(ox.NamedNode(graph))  # empty by now: cheap
        fresh = _store_known_graphs(w, parsed, progress)
        seconds["store"] = time.perf_counter() - t0

        # the new graphs loaded on a second thread while reasoning reads their parsed quads
        # (loading.py); nothing else writes the store until the load has ended
        t0 = time.perf_counter()
        loading = None
        if fresh:
            progress(f"storing {sum(map(len, fresh)):,} triples in {len(fresh)} new graphs")
            loading = BackgroundLoad(w, fresh)
        progress(f"reasoning ({reasoner})")
        try:
            report = reason_base(w, iris, engine=reasoner, written=parsed, settle=_waiter(loading))
        finally:
            if loading is not None:
                loading.wait()  # the load's error, if any, fails the build (generation discarded)
                seconds["store, waited"] = loading.waited
        # the parsed quads are read no more: freed now, not after the writer's collections
        # (half a million tracked objects made each of them take about 0.2 s)
        del parsed, fresh, loading
        if dataset_graphs(w, iris):
            progress("reasoning over partner datasets")
            reason_datasets(w, iris, schemas=schemas)
        seconds["reasoning"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        hashes = {u.graph: (u.kind, u.sha256) for u in units} | {
            iris.inferred_graph: ("inferred", inferred_sha)
        }
        keep = {g: v for g, v in recorded.items() if v[0] == "dataset"}
        version = build_version(hashes | keep)
        write_meta(
            w,
            iris,
            units,
            changed=[u.graph for u in changed],
            now=now,
            inferred_sha=inferred_sha,
            version=version,
        )
        seconds["meta"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        relink(settings, w, progress)  # the gap analysis's links, with their provenance in meta
        seconds["gap links"] = time.perf_counter() - t0
    # counted once, by the writer as it publishes (the embedded store records them)
    triples = store.graph_sizes()
    seconds["total"] = time.perf_counter() - started
    progress(f"built generation {store.current_generation()} in {seconds['total']:.1f} s")
    event(log, "built", generation=store.current_generation(), version=version,
          changed=len(changed), removed=len(removed), seconds=round(seconds["total"], 3))  # fmt: skip
    return BuildReport(
        [u.graph for u in changed],
        removed,
        unchanged,
        version,
        store.current_generation(),
        seconds,
        triples,
        report,
    )


def _store_known_graphs(
    store: WritableStore, parsed: dict[str, list[ox.Quad]], progress: Progress
) -> list[list[ox.Quad]]:
    """Replace the parsed graphs the new generation has (an incremental build); the others,
    which it does not have yet, are returned for one bulk load of them all (each load has a
    fixed cost, about the time of a few thousand quads)."""
    fresh: list[list[ox.Quad]] = []
    for graph, quads in parsed.items():
        node = ox.NamedNode(graph)
        if store.contains_named_graph(node):
            progress(f"storing {len(quads):,} triples in {graph}")
            _replace_graph(store, node, quads)
        else:
            store.add_graph(node)
            fresh.append(quads)
    return fresh


def _waiter(loading: BackgroundLoad | None) -> Callable[[], None]:
    return loading.wait if loading is not None else lambda: None


def _replace_graph(store: WritableStore, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
    """Make `graph` hold exactly `quads`: written straight into a graph the new generation does
    not have, else by difference (Store.remove_graph is slow on a big graph)."""
    if store.contains_named_graph(graph):
        new = set(quads)
        for quad in list(store.quads_for_pattern(None, None, None, graph)):
            if quad in new:
                new.discard(quad)
            else:
                store.remove(quad)
        quads = list(new)
    store.add_graph(graph)
    if quads:
        store.bulk_extend(quads)


def _inferred_key(units: list[Unit], reasoner: str) -> str:
    digest = hashlib.sha256(reasoner.encode())
    for unit in units:
        digest.update(unit.sha256.encode())
    return digest.hexdigest()


def build_version(hashes: dict[str, tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for graph in sorted(hashes):
        digest.update(f"{graph}={hashes[graph][1]}".encode())
    return digest.hexdigest()[:16]


def write_meta(
    store: WritableStore,
    iris: Iris,
    units: list[Unit],
    *,
    changed: list[str],
    now: datetime,
    inferred_sha: str,
    version: str,
) -> None:
    """Record each managed graph's provenance; keep the entries of graphs a build does not manage."""
    meta = ox.NamedNode(iris.meta_graph)
    sizes = count_graphs(store, [*(u.graph for u in units), iris.inferred_graph])
    previous_times = {
        s["g"].value: s["t"]
        for s in store.query(  # type: ignore[union-attr]
            f"SELECT ?g ?t WHERE {{ GRAPH <{meta.value}> {{ ?g <{PROV}generatedAtTime> ?t }} }}"
        )
    }
    managed = {u.graph for u in units} | {iris.inferred_graph, iris.meta_graph}
    recorded = {
        s["g"].value
        for s in store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH <{meta.value}> {{ ?g <{BKG}graphKind> ?k }} }}"
        )  # type: ignore[union-attr]
    }
    for graph in recorded & managed:
        for quad in list(store.quads_for_pattern(ox.NamedNode(graph), None, None, meta)):
            store.remove(quad)
    stamp = ox.Literal(
        now.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(XSD + "dateTime")
    )
    quads: list[ox.Quad] = []

    def describe(
        graph: str, kind: str, sha: str, files: tuple[str, ...], when: ox.Literal, label: str
    ) -> None:
        g = ox.NamedNode(graph)
        quads.extend(
            [
                ox.Quad(g, ox.NamedNode(RDF + "type"), ox.NamedNode(VOID + "Dataset"), meta),
                ox.Quad(g, ox.NamedNode(RDF + "type"), ox.NamedNode(PROV + "Entity"), meta),
                ox.Quad(g, ox.NamedNode(BKG + "graphKind"), ox.Literal(kind), meta),
                ox.Quad(g, ox.NamedNode(BKG + "sha256"), ox.Literal(sha), meta),
                ox.Quad(g, ox.NamedNode(PROV + "generatedAtTime"), when, meta),
                ox.Quad(g, ox.NamedNode(DCTERMS + "title"), ox.Literal(label), meta),
                ox.Quad(
                    g,
                    ox.NamedNode(VOID + "triples"),
                    ox.Literal(str(sizes.get(graph, 0)), datatype=ox.NamedNode(XSD + "integer")),
                    meta,
                ),
            ]
        )
        quads.extend(
            ox.Quad(g, ox.NamedNode(BKG + "sourceFile"), ox.Literal(f), meta) for f in files
        )

    for unit in units:
        when = stamp if unit.graph in changed else previous_times.get(unit.graph, stamp)
        files = tuple(p.name if unit.kind == "esco" else unit.label for p in unit.files)
        describe(unit.graph, unit.kind, unit.sha256, files, when, unit.label)
    describe(iris.inferred_graph, "inferred", inferred_sha, (), stamp, "OWL RL entailments")
    build_node = ox.NamedNode(iris.graph("meta") + "#build")
    for quad in list(store.quads_for_pattern(build_node, None, None, meta)):
        store.remove(quad)
    quads.append(ox.Quad(build_node, ox.NamedNode(BKG + "buildVersion"), ox.Literal(version), meta))
    quads.append(ox.Quad(build_node, ox.NamedNode(PROV + "endedAtTime"), stamp, meta))
    store.extend(quads)
