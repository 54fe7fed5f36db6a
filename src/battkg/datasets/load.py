"""Partner datasets: validate, then replace the dataset's named graphs atomically; keep versions.

A dataset is one or more named graphs (<base>/graph/dataset/<name>, or the
graphs an N-Quads or TriG file names). A load validates the files against
shapes/ and the store, and only if they conform writes a new store generation
in which the dataset's graphs are replaced, reasoning is re-run and the meta
graph records the publisher, time, file hashes and counts. The store's writer
makes this all or nothing (a killed load leaves the previous generation
serving) and serialises writers; readers keep reading the previous generation.

Every loaded version is also kept as gzipped N-Quads in
<store>/datasets/<name>/v<N>.nq.gz with a manifest.json, so `rollback` can
restore any of them. The meta graph is the truth about what is served; the
manifest is the history (docs/decisions/0022-dataset-versions.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any

import pyoxigraph as ox

from ..errors import NotFoundError, UsageError
from ..gaps.links import relink
from ..inference import reason_datasets
from ..ingest import Fault, Location, PartnerFile
from ..kg import KnowledgeGraph
from ..limits import may_describe_others
from ..logs import event, logger
from ..namespaces import RDF
from ..validation import ValidationReport, validate_files
from .archive import archive, dataset_lock, folder, read_manifest, unarchive, write_atomic
from .meta import graph_owners, meta_rows, owned_graphs, write_meta
from .recovery import clean_archives

log = logger(__name__)
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass
class DatasetVersion:
    version: int
    publisher: str
    loaded_at: str
    sha256: str
    files: list[str]
    triples: int
    things: dict[str, int]
    graphs: list[str]


@dataclass
class Dataset:
    name: str
    current: int | None
    graphs: list[str]
    versions: list[DatasetVersion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for version in out["versions"]:  # versions recorded before file names were kept bare
            version["files"] = [file_name(f) for f in version["files"]]
        return out


def file_name(path: str) -> str:
    """The file name alone: provenance never publishes the operator's folders."""
    return PurePath(path.replace("\\", "/")).name or path


@dataclass
class LoadResult:
    dataset: str
    loaded: bool
    report: ValidationReport
    version: DatasetVersion | None = None
    generation: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise UsageError(
            f"{name!r} is not a valid dataset name",
            fix="use 1-63 lower-case letters, digits and hyphens, starting with a letter or digit "
            "(no slashes, dots or spaces), e.g. ltu-courses-2026",
            details={"dataset": name},
        )
    return name


def default_name(path: str) -> str:
    """A dataset name from a file name: `LTU Courses 2026.csv` -> `ltu-courses-2026`."""
    stem = Path(path).name.split(".", 1)[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:63] or "dataset"


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- loading -----------------------------------------------------------------------


def _place(
    files: list[PartnerFile], target: str, owners: dict[str, str], name: str
) -> tuple[list[ox.Quad], list[Fault]]:
    """The files' quads in their graphs: the default graph goes to `target`, named graphs stay."""
    quads: list[ox.Quad] = []
    faults: list[Fault] = []
    for pf in files:
        for q in pf.quads:
            graph = q.graph_name if isinstance(q.graph_name, ox.NamedNode) else ox.NamedNode(target)
            owner = owners.get(graph.value)
            if owner is not None and owner != f"dataset {name}":
                faults.append(
                    Fault(
                        Location(pf.name),
                        f"the graph <{graph.value}> belongs to {owner}, not to dataset {name}",
                        "name another graph in the file, or load into the dataset that owns it",
                        "dataset graphs",
                        value=graph.value,
                    )
                )
                return [], faults
            quads.append(ox.Quad(q.subject, q.predicate, q.object, graph))
    return quads, faults


def validate_for(
    kg: KnowledgeGraph,
    files: list[PartnerFile],
    name: str | None = None,
    *,
    engine: str = "fast",
    allow_foreign: bool | None = None,
) -> ValidationReport:
    """Validate `files` as the next version of dataset `name` (or as a new dataset).

    The store is consulted without the version they would replace: references
    into it do not count, and its identifiers are the files' own to reuse.
    """
    replacing: frozenset[str] = frozenset()
    if name is not None:
        check_name(name)
        if kg.store.exists():
            replacing = frozenset(owned_graphs(kg, kg.reader(), name))
    if allow_foreign is None:
        allow_foreign = may_describe_others(kg.settings, name)
    return validate_files(
        kg, files, replacing=replacing, engine=engine, allow_foreign=allow_foreign
    )


def load(
    kg: KnowledgeGraph,
    files: list[PartnerFile],
    name: str,
    *,
    graph: str | None = None,
    publisher: str = "unknown",
    engine: str = "fast",
    allow_foreign: bool | None = None,
) -> LoadResult:
    """Validate `files`; if they conform, make them the new version of dataset `name`.

    `allow_foreign` grants statements about things other graphs describe (by
    default: whether BATTKG_FOREIGN_SUBJECTS names the dataset).
    """
    check_name(name)
    target = graph or kg.iris.dataset_graph(name)
    if not target.startswith(("http://", "https://")):
        raise UsageError(
            f"--graph {target!r} is not an http(s) IRI",
            fix="give a full IRI, e.g. https://example.org/graph/x",
        )
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with dataset_lock(kg):
        clean_archives(kg)  # what a killed load left
        store = kg.reader() if kg.store.exists() else None
        owners = graph_owners(kg, store) if store is not None else {}
        report = validate_for(kg, files, name, engine=engine, allow_foreign=allow_foreign)
        quads, faults = _place(files, target, owners, name)
        report.faults += faults
        if report.conforms and not quads:
            report.faults.append(_nothing_to_load(files, name))
        seconds["validate"] = time.perf_counter() - started
        if not report.conforms:
            event(log, "dataset_refused", dataset=name, publisher=publisher,
                  faults=len(report.faults), files=len(files))  # fmt: skip
            return LoadResult(name, False, report, seconds=seconds)
        manifest = read_manifest(kg, name)
        number = max((v["version"] for v in manifest["versions"]), default=0) + 1
        t0 = time.perf_counter()
        archive(kg, name, number, quads)
        seconds["archive"] = time.perf_counter() - t0
        sha = hashlib.sha256("".join(sorted(f.sha256 for f in files)).encode()).hexdigest()
        things = Counter(_text(q.object) for q in quads if q.predicate.value == RDF + "type")
        version = DatasetVersion(
            number,
            publisher,
            _now(),
            sha,
            [file_name(f.name) for f in files],
            len(quads),
            dict(things),
            sorted({_text(q.graph_name) for q in quads}),
        )
        generation = _replace(kg, name, quads, version, seconds)
        manifest["versions"].append(asdict(version))
        manifest["current"] = number
        manifest["events"].append(
            {"action": "load", "version": number, "at": version.loaded_at, "by": publisher}
        )
        write_atomic(folder(kg, name) / "manifest.json", json.dumps(manifest, indent=2).encode())
    seconds["total"] = time.perf_counter() - started
    event(log, "dataset_loaded", dataset=name, version=number, publisher=publisher,
          triples=len(quads), generation=generation, seconds=round(seconds["total"], 3))  # fmt: skip
    return LoadResult(name, True, report, version, generation, seconds)


def _nothing_to_load(files: list[PartnerFile], name: str) -> Fault:
    """An upload without one statement would leave the dataset empty: refused (issue 14)."""
    return Fault(
        Location(files[0].name if files else name),
        f"the upload holds no statements: loading it would leave dataset {name} empty",
        f"send the dataset's files with their data (PUT /datasets/{name} with the file as the "
        f"body, or battkg load FILE --dataset {name}); an upload cannot empty a dataset: to "
        f"serve an earlier version again, roll back (POST /datasets/{name}/rollback, "
        f"battkg rollback {name})",
        "dataset not empty",
    )


def _replace(
    kg: KnowledgeGraph,
    name: str,
    quads: list[ox.Quad],
    version: DatasetVersion,
    seconds: dict[str, float],
) -> str | None:
    """In a new store generation: the dataset's graphs replaced, reasoning re-run, provenance recorded."""
    iris = kg.iris
    with kg.store.writer() as w:
        t0 = time.perf_counter()
        # by difference: a new version mostly repeats the old one, and Store.remove_graph is
        # about 10x slower than removing quad by quad
        new = set(quads)
        for g in set(owned_graphs(kg, w, name)) | set(version.graphs):
            for quad in list(w.quads_for_pattern(None, None, None, ox.NamedNode(g))):
                if quad not in new:
                    w.remove(quad)
                else:
                    new.discard(quad)
        for g in set(owned_graphs(kg, w, name)) - set(version.graphs):
            w.remove_graph(ox.NamedNode(g))  # emptied above: cheap
        for g in version.graphs:
            w.add_graph(ox.NamedNode(g))
        w.bulk_extend(new)
        seconds["store"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        # Partner graphs are instance data: only what they add to the base entailments is
        # re-derived, into a graph of its own (docs/decisions/0023-reasoning-after-load.md).
        partner = {r["g"] for r in meta_rows(kg, w)} | set(version.graphs)
        present = {g.value for g in w.named_graphs() if isinstance(g, ox.NamedNode)}
        graphs = [ox.NamedNode(g) for g in sorted(partner & present)]
        reason_datasets(w, iris, graphs, schemas=kg.schemas)
        seconds["reasoning"] = time.perf_counter() - t0
        write_meta(kg, w, name, version)
        t0 = time.perf_counter()
        relink(kg.settings, w, lambda _m: None)  # the gap analysis's links of the new version
        seconds["gap links"] = time.perf_counter() - t0
    return kg.store.current_generation()


# -- rollback and listing ------------------------------------------------------------


def rollback(
    kg: KnowledgeGraph, name: str, version: int | None = None, *, publisher: str = "unknown"
) -> Dataset:
    """Serve an earlier version of dataset `name` again (by default the one before the current)."""
    check_name(name)
    with dataset_lock(kg):
        clean_archives(kg)
        current = get_dataset(kg, name)
        numbers = [v.version for v in current.versions]
        if version is None:
            earlier = [n for n in numbers if current.current is None or n < current.current]
            if not earlier:
                raise UsageError(
                    f"dataset {name!r} has no version before {current.current}",
                    fix="load a new version instead, or give --version",
                )
            version = earlier[-1]
        chosen = next((v for v in current.versions if v.version == version), None)
        if chosen is None:
            raise NotFoundError(
                f"dataset {name!r} has no version {version}",
                fix=f"choose one of {', '.join(map(str, numbers))}",
            )
        quads = unarchive(kg, name, version)
        restored = DatasetVersion(**{**asdict(chosen), "loaded_at": _now()})
        _replace(kg, name, quads, restored, {})
        manifest = read_manifest(kg, name)
        manifest["current"] = version
        manifest["events"].append(
            {"action": "rollback", "version": version, "at": restored.loaded_at, "by": publisher}
        )
        write_atomic(folder(kg, name) / "manifest.json", json.dumps(manifest, indent=2).encode())
    event(log, "dataset_rolled_back", dataset=name, version=version, publisher=publisher,
          generation=kg.store.current_generation())  # fmt: skip
    return get_dataset(kg, name)


def list_datasets(kg: KnowledgeGraph) -> list[Dataset]:
    """Every dataset the store serves or has versions of, with its provenance and versions."""
    folder = kg.settings.store / "datasets"
    names = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    rows = meta_rows(kg, kg.reader()) if kg.store.exists() else []
    names |= {r["name"] for r in rows}
    found = [_dataset(kg, n, rows) for n in sorted(names)]
    # a folder a killed load left, with no committed version, is no dataset
    return [d for d in found if d.current is not None or d.versions]


def get_dataset(kg: KnowledgeGraph, name: str) -> Dataset:
    check_name(name)
    rows = meta_rows(kg, kg.reader()) if kg.store.exists() else []
    dataset = _dataset(kg, name, rows)
    if dataset.current is None and not dataset.versions:
        raise NotFoundError(
            f"there is no dataset {name!r}",
            fix="see GET /datasets (or `battkg load`) for the datasets",
        )
    return dataset


def _dataset(kg: KnowledgeGraph, name: str, rows: list[dict[str, Any]]) -> Dataset:
    mine = [r for r in rows if r["name"] == name]
    versions = [DatasetVersion(**v) for v in read_manifest(kg, name)["versions"]]
    current = int(mine[0]["version"]) if mine else None
    if current is not None and all(v.version != current for v in versions):
        # a load killed between publishing and writing the manifest: the store is the truth
        r = mine[0]
        versions.append(DatasetVersion(current, r["publisher"], r["time"], r["sha"], [], int(r["triples"]), {},
                                       sorted(x["g"] for x in mine)))  # fmt: skip
    return Dataset(
        name, current, sorted(r["g"] for r in mine), sorted(versions, key=lambda v: v.version)
    )
