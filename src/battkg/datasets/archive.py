"""Where dataset versions are kept: gzipped N-Quads and a JSON manifest per dataset.

<store>/datasets/<name>/v<N>.nq.gz holds version N exactly as loaded;
manifest.json lists the versions (publisher, time, hash, counts) and the loads
and rollbacks. Files are written to a temporary name, synced, then renamed, so a
crash never leaves a half-written file under the real name.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError
from ..kg import KnowledgeGraph
from ..locks import file_lock


def folder(kg: KnowledgeGraph, name: str) -> Path:
    return kg.settings.store / "datasets" / name


def read_manifest(kg: KnowledgeGraph, name: str) -> dict[str, Any]:
    path = folder(kg, name) / "manifest.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"name": name, "versions": [], "events": []}
    except (OSError, ValueError) as exc:
        raise StoreError(f"cannot read the dataset manifest {path}: {exc}") from exc
    return data


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def archive(kg: KnowledgeGraph, name: str, version: int, quads: list[ox.Quad]) -> None:
    buffer = gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", compresslevel=3)
    write_atomic(folder(kg, name) / f"v{version}.nq.gz", buffer)


def unarchive(kg: KnowledgeGraph, name: str, version: int) -> list[ox.Quad]:
    path = folder(kg, name) / f"v{version}.nq.gz"
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise StoreError(
            f"cannot read version {version} of dataset {name!r} ({path}): {exc}"
        ) from exc
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


@contextlib.contextmanager
def dataset_lock(kg: KnowledgeGraph, *, wait: bool = True) -> Iterator[bool]:
    """One dataset write at a time (the store's writer lock then serialises it with builds).

    With wait=False it yields False at once when another process holds the lock.
    """
    root = kg.settings.store / "datasets"
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / "lock", wait=wait) as mine:
        yield mine
