"""Content negotiation: the client's Accept header (q-values, wildcards) against what we can give.

`choose(accept, offers)` returns the offer the client prefers most, ties broken by
the order of `offers` (the server's preference), or None when nothing is acceptable.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from battkg.errors import BattkgError

HTML = "text/html"
#: SELECT and ASK results: media type -> format key (first one is the default for */*).
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: CONSTRUCT and DESCRIBE results (and any RDF document): media type -> format key.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
#: The media type a response in each format is sent with.
CONTENT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "html": "text/html; charset=utf-8",
}


class NotAcceptableError(BattkgError):
    """The Accept header names nothing the service can give."""

    code = "not_acceptable"
    status = 406


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches: 2 exact, 1 type/*, 0 */*, -1 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        main, _, sub = fields[0].lower().partition("/")
        if not main:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub or "*", q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives `media_type`: that of the most specific matching range."""
    best, best_q = -1, 0.0
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best:
            best, best_q = specificity, r.q
    return best_q if best >= 0 else 0.0


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer with the highest q-value (> 0); among equals the first offer.

    A request negotiates several times (page or results, then which results), and most
    clients send one of a few Accept headers: the choice for a short header is kept
    (`_chosen`, bounded), a long one is worked out each time so it cannot fill the cache."""
    if accept is None or len(accept) <= CACHED_ACCEPT_CHARS:
        return _chosen(accept, tuple(offers))
    return _choose(accept, offers)


#: the longest Accept header whose choices are kept (a browser's is about 100-200 characters)
CACHED_ACCEPT_CHARS = 512


@functools.lru_cache(maxsize=512)
def _chosen(accept: str | None, offers: tuple[str, ...]) -> str | None:
    return _choose(accept, offers)


def _choose(accept: str | None, offers: Sequence[str]) -> str | None:
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def prefers_html(accept: str | None, offers: Sequence[str]) -> bool:
    """Does the client (a browser) prefer an HTML page to every one of `offers`?"""
    return choose(accept, [*offers, HTML]) == HTML


def require(accept: str | None, offers: Sequence[str], what: str) -> str:
    """Like `choose`, but a 406 error naming what can be given when nothing fits."""
    chosen = choose(accept, offers)
    if chosen is None:
        raise NotAcceptableError(
            f"cannot give {what} in any media type the Accept header allows ({accept})",
            fix=f"accept one of {', '.join(offers)}",
            details={"accept": accept, "available": offers},
        )
    return chosen
