"""What a killed load or build leaves behind, removed on the next start or write (issue 14, item 14).

A writer killed with -9 can leave an unpublished store generation (the store
removes those itself: `GenerationalStore.clean_orphans`, and every writer does
it first), a version archive that was never committed, a temporary file, or a
dataset folder with no committed version at all (which `GET /datasets` must not
list). A version is committed when the manifest lists it or the meta graph
serves it (a load killed between publishing and writing the manifest).
"""

from __future__ import annotations

import re
import shutil

from ..kg import KnowledgeGraph
from .archive import dataset_lock, read_manifest
from .meta import meta_rows

ARCHIVE = re.compile(r"v(\d+)\.nq\.gz")


def clean_archives(kg: KnowledgeGraph) -> list[str]:
    """Under the dataset lock: remove archives and folders of versions never committed."""
    root = kg.settings.store / "datasets"
    if not root.is_dir():
        return []
    rows = meta_rows(kg, kg.reader()) if kg.store.exists() else []
    served = {r["name"]: int(r["version"]) for r in rows}
    removed: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        committed = {int(v["version"]) for v in read_manifest(kg, folder.name)["versions"]}
        if folder.name in served:
            committed.add(served[folder.name])
        if not committed:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(f"datasets/{folder.name}/")
            continue
        for path in sorted(folder.iterdir()):
            match = ARCHIVE.fullmatch(path.name)
            orphan = match is not None and int(match.group(1)) not in committed
            if orphan or (path.name.startswith(".") and path.name.endswith(".tmp")):
                path.unlink(missing_ok=True)
                removed.append(f"datasets/{folder.name}/{path.name}")
    return removed


def recover(kg: KnowledgeGraph) -> list[str]:
    """On start-up: orphan generations and archives, unless a writer is at work right now."""
    removed = [f"gens/{name}" for name in kg.store.clean_orphans()]
    with dataset_lock(kg, wait=False) as mine:
        if mine:
            removed += clean_archives(kg)
    return removed
