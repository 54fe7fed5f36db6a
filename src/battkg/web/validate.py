"""POST /validate: check partner files and explain every fault; nothing is written.

The body is the file in its own media type (text/csv, text/turtle,
application/ld+json, ...), or several files as multipart/form-data. The answer
is the validation report as JSON, or as a readable HTML page when the client
asks for text/html. The request is bounded as a whole (bytes, files, rows;
reading stops at the limit) and parsed and validated in a child process with a
memory cap and a time limit (isolation.py), never on the event loop.
"""

from __future__ import annotations

import html
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ..errors import InputError
from ..ingest import InputTooLargeError, too_large
from ..ingest.templates import TEMPLATES
from ..isolation import Upload, run_isolated
from ..kg import KnowledgeGraph
from ..limits import UploadLimits, upload_limits
from ..uploads import check_upload, is_empty, validate_job
from ..validation import ValidationReport
from .accept import wants_html
from .body import read_body
from .deps import KGDep
from .errors import responses
from .offload import in_lane

router = APIRouter(tags=["partner data"])
#: what an upload can be answered with besides 200: unreadable form (400), too large (413),
#: unsafe to parse or a bad parameter (422), no worker free in time or too slow (503)
UPLOAD_STATUSES = (400, 413, 422, 503)

FilenameQuery = Annotated[
    str | None,
    Query(
        description="the file's name, for the report (and its format when the media type is generic)",
        min_length=1,
        max_length=255,
    ),
]
KindQuery = Annotated[
    str | None,
    Query(
        description="CSV template: courses, providers, roles or demand (default: guessed)",
        pattern="^(" + "|".join(sorted(TEMPLATES)) + ")$",
    ),
]
DatasetQuery = Annotated[
    str | None,
    Query(
        description="validate as the next version of this dataset: checked against the store "
        "without the version it would replace",
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
    ),
]


async def _bounded(request: Request, what: str, limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, stopped with 413 as soon as it passes `limit` bytes (nothing is spooled)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(what, limit)
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(what, limit)
        yield chunk


async def read_request(
    request: Request, limits: UploadLimits, filename: str | None
) -> list[Upload]:
    """The files of a request (its body, or each file of a multipart form), within `limits`."""
    media_type = request.headers.get("content-type", "")
    if not media_type.startswith("multipart/form-data"):
        name = filename or "upload"
        body = await read_body(
            request, limits.max_bytes, lambda _size: too_large(name, limits.max_bytes)
        )
        uploads = [Upload(name, media_type, body)]
        check_upload(uploads, limits)
        return uploads
    parser = MultiPartParser(
        request.headers,
        _bounded(request, "the request", limits.max_bytes),
        max_files=limits.max_files,
        max_fields=limits.max_files,
        max_part_size=64 * 1024,
    )
    parser.spool_max_size = (
        limits.max_bytes
    )  # the body is bounded: keep it in memory, never on disk
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        if "Too many files" in str(exc):
            raise InputTooLargeError(
                f"the request carries more than {limits.max_files} files",
                fix="send fewer files per request",
                details={"limit_files": limits.max_files},
            ) from exc
        raise InputError(
            f"the multipart form cannot be read: {exc}",
            fix="send the files as multipart/form-data, or one file as the body in its own media type",
        ) from exc
    try:
        uploads = [
            Upload(value.filename or "upload", value.content_type, await value.read())
            for value in form.values()
            if isinstance(value, UploadFile)
        ]
    finally:
        await form.close()
    check_upload(uploads, limits)
    return uploads


def limits_for(kg: KnowledgeGraph) -> UploadLimits:
    return upload_limits(kg.settings)


@router.post(
    "/validate",
    summary="Validate partner files (CSV, Turtle, JSON-LD, RDF/XML, N-Triples, N-Quads, TriG); writes nothing",
    response_model=None,
    responses=responses(*UPLOAD_STATUSES),
)
async def validate(
    request: Request,
    kg: KGDep,
    filename: FilenameQuery = None,
    kind: KindQuery = None,
    dataset: DatasetQuery = None,
) -> Any:
    limits = limits_for(kg)
    uploads = await read_request(request, limits, filename)
    if is_empty(uploads):  # else an empty request "conforms", with 0 faults in 0 things
        raise InputError(
            "the request has an empty body: nothing to validate",
            fix="send the partner file as the body in its media type (e.g. curl -H "
            "'Content-Type: text/csv' --data-binary @courses.csv .../validate), or its files "
            "as a multipart form; GET /validate has the form and the templates",
        )
    report = await in_lane(
        request,
        "ingest",
        run_isolated,
        validate_job,
        (kg.settings, uploads, kind, dataset, limits.max_bytes),
        limits,
    )
    if wants_html(request):
        return HTMLResponse(report_html(report))
    return JSONResponse(report.to_dict())


def report_html(report: ValidationReport) -> str:
    """The report as a page a partner can read and print."""
    e = html.escape
    verdict = report.verdict
    rows = "".join(
        "<tr>"
        f"<td>{e(str(f.location))}</td><td>{e(f.path.rsplit('#', 1)[-1].rsplit('/', 1)[-1] if f.path else '')}</td>"
        f"<td><code>{e(f.value or '')}</code></td><td>{e(f.message)}</td><td>{e(f.fix)}</td>"
        f"<td><small>{e(f.rule)}</small></td>"
        "</tr>"
        for f in report.faults
    )
    files = "".join(
        f"<li>{e(f.name)} ({e(f.format)}, {f.triples:,} triples)</li>" for f in report.files
    )
    notes = "".join(f"<p class=note>{e(n)}</p>" for n in report.notices)
    table = (
        "<table><thead><tr><th>where</th><th>property</th><th>value</th><th>what is wrong</th>"
        f"<th>how to fix it</th><th>rule</th></tr></thead><tbody>{rows}</tbody></table>"
        if report.faults
        else "<p>No faults: the data can be loaded.</p>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>battkg validation: {verdict}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}}
.bad{{color:#a00}}.ok{{color:#070}}.note{{color:#555}}</style></head>
<body><h1 class="{"ok" if report.conforms else "bad"}">The data {verdict}</h1>
<p>{len(report.faults)} fault(s) in {len(report.files)} file(s), {report.things:,} thing(s) checked.</p>
<ul>{files}</ul>{notes}{table}</body></html>"""
