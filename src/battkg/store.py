"""The embedded store: Oxigraph on disk, in immutable generations.

A store directory holds generations (``gens/gen-000007``), each a complete
Oxigraph database, and a ``CURRENT`` file naming the one being served. Readers
open the current generation read-only. A writer (build, load, rollback) takes
the directory's lock, makes the next generation as a hard-linked backup of the
current one (cheap: Oxigraph's SST files are immutable), changes it, and only
then points ``CURRENT`` at it with an atomic rename. So a failed or killed write
leaves the previous generation serving, untouched; two writers are serialised;
and readers are never blocked by a write. A running service notices the new
``CURRENT`` on its next request and switches without a restart.

See docs/decisions/0002-store-generations.md.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import threading
import time
from collections.abc import Collection, Iterator
from pathlib import Path

import pyoxigraph as ox

from .backend import WritableStore, count_graphs, graph_sizes
from .errors import StoreError
from .locks import file_lock
from .writer_handle import WriterHandle

KEEP_GENERATIONS = 3
#: the triples per named graph of a generation, written by its writer (graph_sizes())
SIZES_FILE = "battkg-graph-sizes.json"


def _wait_closed(path: Path) -> None:
    """Check that nothing in this process still holds the generation open read-write."""
    for _ in range(50):
        try:
            probe = ox.Store(str(path))
        except OSError:
            gc.collect()
            time.sleep(0.02)
            continue
        del probe
        gc.collect()
        return
    raise StoreError(
        f"the new store generation {path} is still open in this process",
        fix="do not keep iterators or results of the writer's store beyond its `with` block",
    )


class GenerationalStore:
    """The embedded store: a `backend.StoreBackend` of Oxigraph generations on disk."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._reader: ox.Store | None = None
        self._reader_gen: str | None = None
        self._current_stamp: tuple[int, int] | None = None

    # -- paths ---------------------------------------------------------------

    @property
    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def _gens(self) -> Path:
        return self.root / "gens"

    def exists(self) -> bool:
        return self._current_file.is_file()

    def current_generation(self) -> str | None:
        try:
            name = self._current_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {self._current_file}: {exc.strerror}") from exc
        return name or None

    # -- reading -------------------------------------------------------------

    def reader(self) -> ox.Store:
        """The current generation, opened read-only; reopened when a writer published a new one."""
        stamp = self._stamp()
        with self._lock:
            if self._reader is not None and stamp == self._current_stamp:
                return self._reader
            gen = self.current_generation()
            if gen is None:
                raise StoreError(
                    f"there is no built store at {self.root}",
                    fix="run `battkg build` (or `battkg load FILE`) first, or point --store/BATTKG_STORE at a built store",
                )
            if gen != self._reader_gen or self._reader is None:
                try:
                    self._reader = ox.Store.read_only(str(self._gens / gen))
                except OSError as exc:
                    raise StoreError(
                        f"cannot open store generation {self._gens / gen}: {exc}"
                    ) from exc
                self._reader_gen = gen
            self._current_stamp = stamp
            return self._reader

    def exact_reader(self) -> ox.Store:
        """The reader: the embedded store holds battkg's graphs only, so any query may use it."""
        return self.reader()

    @property
    def generation(self) -> str | None:
        """The generation the reader serves (after `reader()` was called)."""
        return self._reader_gen

    def generation_address(self, generation: str) -> str:
        """Where a query worker finds `generation`: its directory, opened read-only by the worker."""
        return str(self._gens / generation)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self._current_file.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def close(self) -> None:
        with self._lock:
            self._reader = None
            self._reader_gen = None
            self._current_stamp = None

    # -- writing -------------------------------------------------------------

    @contextlib.contextmanager
    def writer(self, replace: Collection[str] = ()) -> Iterator[WritableStore]:
        """Yield a writable copy of the current generation; publish it if the block succeeds.

        `replace` names graphs the block rewrites whole: it must make each hold exactly its
        new content whether the graph starts out absent or with its old content (replacing
        by difference does both). When they hold most of the store, the new generation is
        not a copy of the old one to delete them from (RocksDB deletes a quad about as slowly
        as it writes several) but a new database the other graphs are copied into.
        """
        self._ensure_root()
        with self._exclusive():
            previous = self.current_generation()
            # named before the prune, so never after an orphan it removes: a folder's name
            # (and, with a reused inode, its identity) stays one generation's only
            name = self._next_name(previous)
            self._prune(keep=previous)  # what a killed writer left behind
            target = self._gens / name
            try:
                store = self._start(previous, target, set(replace))
            except OSError as exc:
                shutil.rmtree(target, ignore_errors=True)
                raise StoreError(f"cannot create store generation {target}: {exc}") from exc
            handle = WriterHandle(store)
            del store
            try:
                yield handle
                handle.flush()
                # here, once, not by the first request to read it
                sizes = _named_graph_sizes(handle)
            except BaseException:
                handle.release()
                shutil.rmtree(target, ignore_errors=True)
                raise
            handle.release()
            _wait_closed(target)
            _write_sizes(target, sizes)
            self._publish(name)
            self._prune(keep=name)

    def _start(self, previous: str | None, target: Path, replace: set[str]) -> ox.Store:
        """The next generation: a hard-linked copy of `previous`, or a new database holding
        what `previous` holds outside `replace` when that is the smaller part."""
        if previous is None:
            return ox.Store(str(target))
        old = ox.Store.read_only(str(self._gens / previous))
        sizes = _previous_sizes(self._gens / previous, old) if replace else {}
        dropped = sum(n for g, n in sizes.items() if g in replace)
        if dropped <= sum(sizes.values()) - dropped:
            old.backup(str(target))
            return ox.Store(str(target))
        store = ox.Store(str(target))
        for graph in old.named_graphs():
            if not (isinstance(graph, ox.NamedNode) and graph.value in replace):
                store.add_graph(graph)
        # through Python terms, not a dump: loading N-Triples would rename blank nodes
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [*old.named_graphs()]
        for source in [*graphs, ox.DefaultGraph()]:
            if _graph_key(source) not in replace and sizes.get(_graph_key(source)):
                store.bulk_extend(old.quads_for_pattern(None, None, None, source))
        return store

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph of the generation `reader()` serves: what its writer
        recorded (a generation written before that was recorded is counted)."""
        reader = self.reader()
        generation = self.generation
        if generation is not None:
            with contextlib.suppress(OSError, ValueError):
                recorded = json.loads((self._gens / generation / SIZES_FILE).read_text("utf-8"))
                return {str(g): int(n) for g, n in recorded.items()}
        return graph_sizes(reader)

    def _ensure_root(self) -> None:
        try:
            self._gens.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-probe"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise StoreError(
                f"the store directory {self.root} is not writable ({exc.strerror})",
                fix="choose a writable directory with --store or BATTKG_STORE, or fix its permissions",
            ) from exc

    @contextlib.contextmanager
    def _exclusive(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the directory's writer lock; with wait=False, yield False if another holds it."""
        with file_lock(self.root / "lock", wait=wait) as mine:
            yield mine

    def written_elsewhere(self) -> None:
        """Nothing to do: every `reader()` checks the `current` file for a new generation."""

    def clean_orphans(self) -> list[str]:
        """Remove the generations a killed build or load left unpublished (on start-up).

        Skipped while a writer holds the lock (its generation is not an orphan);
        every writer also does this first. Returns the names removed.
        """
        if not self._gens.is_dir():
            return []
        with self._exclusive(wait=False) as mine:
            return self._prune(keep=self.current_generation()) if mine else []

    def _next_name(self, previous: str | None) -> str:
        numbers = [
            int(p.name.split("-")[1]) for p in self._gens.glob("gen-*") if p.name[4:].isdigit()
        ]
        if previous and previous[4:].isdigit():
            numbers.append(int(previous[4:]))
        return f"gen-{max(numbers, default=0) + 1:06d}"

    def _publish(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(name + "\n", encoding="ascii")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(self._current_file)
        with (self.root / "HISTORY").open("a", encoding="ascii") as history:
            history.write(name + "\n")

    def published(self) -> list[str]:
        """Generations ever published, oldest first."""
        try:
            return (self.root / "HISTORY").read_text(encoding="ascii").split()
        except FileNotFoundError:
            return []

    def _prune(self, keep: str | None) -> list[str]:
        """Under the lock: drop unpublished leftovers and all but the newest few published generations.

        Readers in other processes may still be on a recent previous generation,
        so the newest few stay on disk.
        """
        recent = set(self.published()[-KEEP_GENERATIONS:]) | ({keep} if keep else set())
        removed = []
        for path in self._gens.glob("gen-*"):
            if path.name not in recent:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return sorted(removed)


def _write_sizes(target: Path, sizes: dict[str, int]) -> None:
    """Record the new generation's graph sizes beside its database files (RocksDB ignores
    files it did not make; a hard-linked copy of the generation leaves them behind)."""
    tmp = target / f"{SIZES_FILE}.tmp"
    tmp.write_text(json.dumps(sizes, sort_keys=True), encoding="utf-8")
    tmp.replace(target / SIZES_FILE)


def _named_graph_sizes(store: WritableStore) -> dict[str, int]:
    """backend.graph_sizes (triples per non-empty named graph), by one COUNT per graph."""
    graphs = list(store.named_graphs())
    if not all(isinstance(g, ox.NamedNode) for g in graphs):
        return graph_sizes(store)  # a blank node names a graph: the general count
    return {g: n for g, n in count_graphs(store, [g.value for g in graphs]).items() if n}


def _graph_key(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return (
        graph.value
        if isinstance(graph, ox.NamedNode)
        else ""
        if isinstance(graph, ox.DefaultGraph)
        else str(graph)
    )


def _previous_sizes(generation: Path, store: ox.Store) -> dict[str, int]:
    """Quads per graph of a published generation (the default graph under ""): the named
    graphs as its writer recorded them (a GROUP BY over a built store takes about 0.3 s),
    the default graph counted; everything counted for a generation without the record."""
    if not all(isinstance(g, ox.NamedNode) for g in store.named_graphs()):
        return _graph_sizes(store)  # the record names a blank node graph otherwise
    try:
        recorded = json.loads((generation / SIZES_FILE).read_text("utf-8"))
        sizes = {str(g): int(n) for g, n in recorded.items()}
    except (OSError, ValueError, AttributeError):
        return _graph_sizes(store)
    default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for row in store.query(default, use_default_graph_as_union=False):  # type: ignore[union-attr]
        sizes[""] = int(row["n"].value)
    return sizes


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    """Quads per graph (the default graph under ""), counted inside Oxigraph."""
    sizes: dict[str, int] = {}
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for row in store.query(query):  # type: ignore[union-attr]
        sizes[_graph_key(row["g"])] = int(row["n"].value)
    default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for row in store.query(default, use_default_graph_as_union=False):  # type: ignore[union-attr]
        sizes[""] = int(row["n"].value)
    return sizes
