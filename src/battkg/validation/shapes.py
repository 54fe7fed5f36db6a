"""shapes/*.ttl compiled once for the engine, again only when a file changes."""

from __future__ import annotations

import pyoxigraph as ox

from ..ingest.source import parse_file
from ..kg import KnowledgeGraph
from .engine import ShapesGraph


def load_shapes(kg: KnowledgeGraph) -> ShapesGraph:
    """shapes/*.ttl, moved onto the configured base IRI; compiled once per content of the files
    (kept by `kg`, so concurrent validations compile them once and never see half a cache)."""
    iris = kg.iris
    paths = sorted(kg.settings.shapes_dir.glob("*.ttl"))
    key = (iris.base, *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))

    def compile_shapes() -> ShapesGraph:
        graph = ox.NamedNode(iris.graph("shapes"))
        triples = [
            (q.subject, q.predicate, q.object) for p in paths for q in parse_file(p, graph, iris)
        ]
        return ShapesGraph(triples)  # type: ignore[arg-type]

    return kg.memo("validation:shapes", key, compile_shapes)
