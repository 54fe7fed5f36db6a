"""Linked data: /id/... dereferencing, /export (streamed), the ESCO alignment, VoID/DCAT, context."""

from __future__ import annotations

import contextlib
import io
import queue
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Annotated, Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from markupsafe import Markup, escape

from battkg import alignment, jsonld
from battkg.errors import NotFoundError
from battkg.export import ALIASES, FORMATS, ExportFormat, export, export_format
from battkg.kg import KnowledgeGraph
from battkg.linked import describe
from battkg.sparql.negotiation import GRAPH_TYPES, prefers_html, require
from battkg.sparql.void import dataset_iri, describe_dataset
from battkg.web.deps import KGDep
from battkg.web.errors import responses
from battkg.web.media import RDF, export_types, ok
from battkg.web.pages.context import page_language, render
from battkg.web.pages.things import grouped
from battkg.web.public import public_root
from battkg.web.sparql import rdf_response

router = APIRouter(tags=["linked data"])
CONTEXT_FILE = Path(__file__).parent / "static" / "context.jsonld"
ALTERNATES = [("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
              ("application/rdf+xml", "rdfxml"), ("application/ld+json", "jsonld")]  # fmt: skip
_FORMAT_TYPES = {name: media for media, name in ALTERNATES}


def _format_pattern(names: set[str]) -> str:
    """A pattern of the format names (and their aliases) that give one of `names`."""
    words = sorted(names | {a for a, target in ALIASES.items() if target in names})
    return "^(" + "|".join(re.escape(w) for w in words) + ")$"


GraphFormat = Annotated[
    str | None,
    Query(description="turtle, ntriples, rdfxml or jsonld (instead of Accept)",
          pattern=_format_pattern(set(_FORMAT_TYPES))),
]  # fmt: skip


def _root(request: Request) -> str:
    return public_root(request)


def _accept(request: Request, fmt: str | None) -> str | None:
    """The Accept header, or the media type a `format=` parameter names (for links and browsers)."""
    if fmt:
        return _FORMAT_TYPES.get(export_format(fmt).name, "application/x-unknown")
    return request.headers.get("accept")


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset",
    responses={**ok(*RDF), **responses(406)},
)
def void(request: Request, kg: KGDep, format: GraphFormat = None) -> Response:
    return rdf_response(describe_dataset(kg, _root(request)), _accept(request, format), "VoID")


@router.get(
    "/context.jsonld",
    summary="The JSON-LD context of battkg's JSON-LD",
    response_class=Response,
    responses=ok("jsonld"),
)
def context() -> Response:
    return Response(CONTEXT_FILE.read_bytes(), media_type="application/ld+json")


@router.get(
    "/export/sssom",
    summary="The ESCO alignment as an SSSOM mapping set (TSV)",
    response_class=Response,
    responses=ok("tsv"),
)
def sssom(request: Request, kg: KGDep) -> Response:
    text = alignment.sssom_tsv(kg, f"{_root(request)}/export/sssom")
    return Response(text, media_type="text/tab-separated-values; charset=utf-8")


@router.get(
    "/export/skos",
    summary="The ESCO alignment as SKOS mapping triples",
    responses={**ok(*RDF), **responses(406)},
)
def skos(request: Request, kg: KGDep, format: GraphFormat = None) -> Response:
    return rdf_response(alignment.skos_triples(kg), _accept(request, format), "the alignment")


@router.get(
    "/export",
    summary="The whole graph, or one named graph, streamed",
    response_class=Response,
    responses={**ok(*export_types()), **responses(404, 406)},
)
def export_graph(
    request: Request,
    kg: KGDep,
    format: str | None = Query(
        None,
        description="turtle, ntriples, nquads, trig, rdfxml, jsonld",
        pattern=_format_pattern(set(FORMATS)),
    ),
    graph: str | None = Query(None, description="one named graph (default: all)"),
) -> Response:
    if format:
        fmt = export_format(format)
    else:
        offers = {f.media_type: f for f in FORMATS.values()}
        fmt = offers[require(request.headers.get("accept"), list(offers), "the export")]
    if graph is not None and graph not in kg.graph_sizes():
        raise NotFoundError(
            f"there is no graph {graph} in the store",
            fix="GET /health lists the graphs",
            details={"graphs": sorted(kg.graph_sizes())},
        )
    name = f"battkg.{fmt.extension}"
    return StreamingResponse(
        _stream(lambda out: _export(kg, out, fmt, graph)),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'inline; filename="{name}"', "Vary": "Accept"},
    )


def _export(kg: KnowledgeGraph, out: IO[bytes], fmt: ExportFormat, graph: str | None) -> None:
    if fmt.name != "jsonld":
        export(kg, out, fmt, graph)
        return
    node = ox.NamedNode(graph) if graph else None
    jsonld.write(kg.reader().quads_for_pattern(None, None, None, node), out, dataset=graph is None)


class _QueueWriter(io.RawIOBase):
    """A file that hands its bytes, in chunks, to the response's iterator."""

    def __init__(self, chunks: queue.Queue[Any], stop: threading.Event) -> None:
        self._chunks, self._stop, self._buffer = chunks, stop, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self._stop.is_set():
            raise BrokenPipeError("the client went away")
        self._buffer += bytes(b)
        if len(self._buffer) >= 1 << 16:
            self.flush()
        return len(b)

    def flush(self) -> None:
        if self._buffer:
            self._chunks.put(bytes(self._buffer))
            self._buffer.clear()


def _stream(write: Callable[[IO[bytes]], None]) -> Iterator[bytes]:
    """Run `write` in a thread and yield what it writes, with back-pressure (a bounded queue)."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=16)
    stop = threading.Event()

    def run() -> None:
        writer = _QueueWriter(chunks, stop)
        try:
            write(writer)  # type: ignore[arg-type]
            writer.flush()
            chunks.put(None)
        except BaseException as exc:
            chunks.put(exc)

    threading.Thread(target=run, name="battkg-export", daemon=True).start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                chunks.get_nowait()


@router.get(
    "/id/{path:path}",
    summary="Dereference a battkg IRI: HTML or RDF",
    response_class=Response,
    responses={**ok(*RDF, "html"), **responses(406)},
)
def thing(path: str, request: Request, kg: KGDep, format: GraphFormat = None) -> Response:
    iri = f"{kg.iris.id}{path}"
    try:
        ox.NamedNode(iri)
    except ValueError:  # a space, NUL, quote, angle bracket, invalid UTF-8 ... in the path
        raise NotFoundError(
            f"/id/{quote(path)} names no battkg thing: its path is not a valid IRI",
            fix="battkg IRIs are /id/<kind>/<slug> with letters, digits and hyphens; "
            "/sparql can search",
        ) from None
    accept = _accept(request, format)
    wants_html = prefers_html(accept, list(GRAPH_TYPES))
    if iri == dataset_iri(kg):
        return rdf_response(describe_dataset(kg, _root(request)), accept, "the dataset")
    lang = page_language(request).lang
    d = describe(kg, iri, lang=lang)
    if d is None:
        raise NotFoundError(
            f"nothing is known about {iri}", fix="check the IRI; /sparql can search"
        )
    if not wants_html:
        return rdf_response(d.triples, accept, iri)
    base = kg.iris.base

    def local(value: str) -> str:
        return value[len(base) :] if value.startswith(kg.iris.id) else value

    def show(term: Any) -> Markup:
        if isinstance(term, ox.NamedNode):
            text = d.labels.get(term.value) or jsonld.compact(term.value)
            if not linkable(term.value):  # javascript:, data:, ... are shown, never linked
                return Markup('<span class="iri" title="{}">{}</span>').format(term.value, text)
            return Markup('<a href="{}" title="{}">{}</a>').format(
                local(term.value), term.value, text
            )
        if isinstance(term, ox.Literal) and term.language:
            return Markup('{} <span class="lang">@{}</span>').format(term.value, term.language)
        return escape(getattr(term, "value", str(term)))

    kind, _, slug = path.partition("/")
    guide_link = f"/guide/{kind}s/{slug}" if kind in ("role", "course") and "/" not in slug else ""
    return render(
        request,
        "thing.html",
        title=d.label,
        d=d,
        show=show,
        local=local,
        alternates=ALTERNATES,
        inferred=kg.iris.inferred_graph,
        describe_query=f"DESCRIBE <{iri}>",
        guide_link=guide_link,
        **grouped(d, kg.iris.inferred_graph),
        linkable=linkable,
    )


def linkable(iri: str | None) -> bool:
    """Only http(s) IRIs become links on pages (never javascript:, data:, file: ...)."""
    return bool(iri) and iri.lower().startswith(("http://", "https://"))  # type: ignore[union-attr]
