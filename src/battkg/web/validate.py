"""POST /validate: check partner files and explain every fault; nothing is written.

The body is the file in its own media type (text/csv, text/turtle,
application/ld+json, ...), or several files as multipart/form-data. The answer
is the validation report as JSON, or as a readable HTML page when the client
asks for text/html.
"""

from __future__ import annotations

import html
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.datastructures import UploadFile

from ..ingest import MAX_BYTES, PartnerFile, read_partner_file, too_large
from ..kg import KnowledgeGraph
from ..validation import ValidationReport, validate_files
from .accept import wants_html
from .body import read_body
from .deps import KGDep
from .errors import responses

router = APIRouter(tags=["partner data"])

FilenameQuery = Annotated[
    str | None,
    Query(
        description="the file's name, for the report (and its format when the media type is generic)"
    ),
]
KindQuery = Annotated[
    str | None,
    Query(description="CSV template: courses, providers, roles or demand (default: guessed)"),
]


def max_bytes(kg: KnowledgeGraph) -> int:
    return int(kg.settings.extra.get("BATTKG_MAX_UPLOAD_BYTES", MAX_BYTES))


async def read_files(
    request: Request, kg: KnowledgeGraph, filename: str | None, kind: str | None
) -> list[PartnerFile]:
    """The partner files of a request: the body, or each file of a multipart form."""
    limit = max_bytes(kg)
    media_type = request.headers.get("content-type", "")
    if media_type.startswith("multipart/form-data"):
        form = await request.form(max_part_size=limit)
        files = []
        for value in form.values():
            if isinstance(value, UploadFile):
                data = await value.read(limit + 1)
                name = value.filename or "upload"
                if len(data) > limit:
                    raise too_large(name, limit)
                files.append(
                    read_partner_file(data, name, kg.iris, media_type=value.content_type, kind=kind)
                )
        return files
    name = filename or "upload"
    data = await read_body(request, limit, lambda _size: too_large(name, limit))
    return [
        read_partner_file(data, name, kg.iris, media_type=media_type, kind=kind, max_bytes=limit)
    ]


@router.post(
    "/validate",
    summary="Validate partner files (CSV, Turtle, JSON-LD, RDF/XML, N-Triples, N-Quads, TriG); writes nothing",
    response_model=None,
    responses=responses(413),
)
async def validate(
    request: Request, kg: KGDep, filename: FilenameQuery = None, kind: KindQuery = None
) -> Any:
    files = await read_files(request, kg, filename, kind)
    report = await run_in_threadpool(validate_files, kg, files)
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
