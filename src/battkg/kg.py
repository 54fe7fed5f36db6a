"""The one core object: the knowledge graph over its store.

The CLI, the HTTP app and the tests all build a `KnowledgeGraph` and nothing
else holds state. It opens nothing heavy until first used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pyoxigraph as ox

from .backend import QueryResult, ReadableStore, StoreBackend
from .build import BuildReport, Progress, build
from .errors import QueryError, StoreError, from_query_failure
from .namespaces import BKG, PREFIXES, Iris
from .queries import NamedQuery, QueryRegistry
from .reasoning import SchemaCache
from .remote import open_store
from .settings import Settings

T = TypeVar("T")


class KnowledgeGraph:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.store: StoreBackend = open_store(settings)
        self.queries = QueryRegistry(settings.queries_dir)
        #: name -> (key, value): one value per name, for the key it was computed for
        self._memo: dict[str, tuple[object, Any]] = {}
        self._memo_locks: dict[str, threading.Lock] = {}
        self._memo_lock = threading.Lock()
        #: the compiled ontology schema, reused by every dataset load (reasoning.SchemaCache)
        self.schemas = SchemaCache()

    # -- building ------------------------------------------------------------

    def build(
        self, *, force: bool = False, reasoner: str = "reasonable", progress: Progress | None = None
    ) -> BuildReport:
        return build(
            self.settings,
            self.store,
            force=force,
            reasoner=reasoner,
            progress=progress or (lambda _m: None),
            schemas=self.schemas,
        )

    # -- reading -------------------------------------------------------------

    def reader(self) -> ReadableStore:
        return self.store.reader()

    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[ox.Variable, Any] | None = None,
        default_graph: Any = None,
        named_graphs: Any = None,
    ) -> QueryResult:
        """Run a SPARQL query; by default the default graph is the union of all graphs."""
        store = self.reader()
        try:
            return store.query(
                sparql,
                use_default_graph_as_union=default_graph is None,
                default_graph=default_graph,
                named_graphs=named_graphs,
                substitutions=substitutions,
                prefixes=None,
            )
        except (SyntaxError, RuntimeError, ValueError, OSError) as exc:
            raise from_query_failure(exc) from exc

    def select(self, sparql: str, **bindings: Any) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of pyoxigraph terms (unbound variables left out)."""
        subs = {ox.Variable(k): v for k, v in bindings.items() if v is not None}
        result = self.query(_with_prefixes(sparql), substitutions=subs or None)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def run_named(self, name: str, params: dict[str, str]) -> tuple[NamedQuery, QueryResult]:
        from .known_iris import check_known

        named = self.queries.get(name)
        bound = named.bind(params, self.iris)
        check_known(self, named, bound)
        return named, self.query(named.text, substitutions=bound)

    # -- versions and caches -------------------------------------------------

    def version(self) -> str:
        """The build version of the store being served (changes with any change of content)."""
        return self.derived("version", self._read_version)

    def _read_version(self) -> str:
        rows = self.select(
            f"SELECT ?v WHERE {{ GRAPH <{self.iris.meta_graph}> {{ ?b <{BKG}buildVersion> ?v }} }}"
        )
        return str(rows[0]["v"].value) if rows else "unbuilt"

    def derived(self, key: str, factory: Callable[[], T]) -> T:
        """A value computed from the store, cached until the store's generation changes."""
        self.reader()
        return self.memo(f"derived:{key}", self.store.generation or "", factory)

    def memo(self, name: str, key: object, factory: Callable[[], T]) -> T:
        """The value `name` for `key`, computed by `factory` once, even when many threads ask at
        once (the others wait for it); a new key replaces the value kept for the old one."""
        with self._memo_lock:
            cached = self._memo.get(name)
            if cached is not None and cached[0] == key:
                return cached[1]  # type: ignore[no-any-return]
            lock = self._memo_locks.setdefault(name, threading.Lock())
        with lock:
            with self._memo_lock:
                cached = self._memo.get(name)
            if cached is not None and cached[0] == key:
                return cached[1]  # type: ignore[no-any-return]
            value = factory()
            with self._memo_lock:
                self._memo[name] = (key, value)
            return value

    def graph_sizes(self) -> dict[str, int]:
        return self.derived("graph_sizes", self.store.graph_sizes)

    def ready(self) -> bool:
        try:
            self.reader()
        except StoreError:
            return False
        return True


def _with_prefixes(sparql: str) -> str:
    head = "".join(
        f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if f"PREFIX {p}:" not in sparql
    )
    return head + sparql
