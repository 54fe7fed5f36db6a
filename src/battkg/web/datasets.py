"""Partner datasets over HTTP: list, inspect, load (PUT, authenticated) and roll back.

PUT /datasets/{name} takes the file as the body in its own media type and
answers 200 with the new version, or 422 with the validation report (nothing
is stored then). Writes need `Authorization: Bearer <BATTKG_TOKEN>`.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from .. import datasets
from ..errors import InputError, NotConformingError
from ..isolation import run_isolated
from ..uploads import is_empty, load_job
from .deps import KGDep, WriteAuth
from .errors import responses
from .offload import in_lane
from .validate import UPLOAD_STATUSES, FilenameQuery, KindQuery, limits_for, read_request

#: a publisher is a name or an address: printable, without angle brackets, at most 200 characters
PUBLISHER_PATTERN = r"^[^\x00-\x1f\x7f<>]{1,200}$"


def publisher_query(description: str) -> Any:
    """The `publisher` parameter, checked before it is recorded in the provenance."""
    return Query(
        description=f"{description}: a name or an address, printable, up to 200 characters",
        min_length=1,
        max_length=200,
        pattern=PUBLISHER_PATTERN,
    )


router = APIRouter(tags=["partner data"])


@router.get("/datasets", summary="Partner datasets with their provenance and versions")
def list_datasets(kg: KGDep) -> dict[str, Any]:
    return {"datasets": [d.to_dict() for d in datasets.list_datasets(kg)]}


@router.get(
    "/datasets/{name}", summary="One partner dataset: its graphs, current version and history"
)
def get_dataset(name: str, kg: KGDep) -> dict[str, Any]:
    return datasets.get_dataset(kg, name).to_dict()


@router.put(
    "/datasets/{name}",
    summary="Validate a partner file and, if it conforms, make it the new version of the dataset",
    dependencies=[WriteAuth],
    response_model=None,
    responses=responses(*UPLOAD_STATUSES),
)
async def put_dataset(
    name: str,
    request: Request,
    kg: KGDep,
    filename: FilenameQuery = None,
    kind: KindQuery = None,
    publisher: Annotated[str, publisher_query("who publishes the data (recorded)")] = "api client",
    graph: Annotated[
        str | None,
        Query(
            description="named graph for the data, an http(s) IRI (default: the dataset's)",
            pattern=r"^https?://[^\s<>\"{}|\\^`]+$",
        ),
    ] = None,
) -> Any:
    datasets.check_name(name)
    limits = limits_for(kg)
    uploads = await read_request(request, limits, filename or name)
    if is_empty(uploads):
        raise InputError(
            f"the request for dataset {name!r} has an empty body: nothing to load",
            fix=f"send the dataset's file as the body in its media type (e.g. curl -X PUT -H "
            f"'Content-Type: text/csv' --data-binary @courses.csv .../datasets/{name}); an "
            f"upload cannot empty a dataset: to serve an earlier version again, use POST "
            f"/datasets/{name}/rollback",
            details={"dataset": name},
        )
    result, details = await in_lane(
        request,
        "ingest",
        functools.partial(run_isolated, load=True),
        load_job,
        (kg.settings, uploads, kind, name, graph, publisher, limits.max_bytes),
        limits,
    )
    kg.store.written_elsewhere()  # the load ran in a child process: serve what it published
    if not result.loaded:
        raise NotConformingError(
            f"the data for dataset {name!r} does not conform: {len(result.report.faults)} fault(s); nothing was stored",
            "fix the faults listed in details.report and send the file again",
            {"report": result.report.to_dict()},
        )
    return JSONResponse(
        {
            "dataset": name,
            "version": result.version.version if result.version else None,
            "generation": result.generation,
            "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
            "report": result.report.to_dict(),
            "details": details,
        }
    )


@router.post(
    "/datasets/{name}/rollback",
    summary="Serve an earlier version of the dataset again (default: the one before the current)",
    dependencies=[WriteAuth],
)
async def rollback(
    name: str,
    kg: KGDep,
    version: Annotated[int | None, Query(description="the version to restore")] = None,
    publisher: Annotated[
        str, publisher_query("who asks for the rollback (recorded)")
    ] = "api client",
) -> dict[str, Any]:
    dataset = await run_in_threadpool(datasets.rollback, kg, name, version, publisher=publisher)
    return dataset.to_dict()
