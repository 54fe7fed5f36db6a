"""shapes/*.ttl compiled once for the engine, again only when a file changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..ingest.source import parse_file
from ..namespaces import Iris
from .engine import ShapesGraph

_SHAPES: dict[tuple[Any, ...], ShapesGraph] = {}


def load_shapes(shapes_dir: Path, iris: Iris) -> ShapesGraph:
    """shapes/*.ttl, moved onto the configured base IRI; compiled again only when a file changes."""
    paths = sorted(shapes_dir.glob("*.ttl"))
    key = (iris.base, *((str(p), p.stat().st_mtime_ns) for p in paths))
    if key not in _SHAPES:
        graph = ox.NamedNode(iris.graph("shapes"))
        triples = [
            (q.subject, q.predicate, q.object) for p in paths for q in parse_file(p, graph, iris)
        ]
        _SHAPES.clear()
        _SHAPES[key] = ShapesGraph(triples)  # type: ignore[arg-type]
    return _SHAPES[key]
