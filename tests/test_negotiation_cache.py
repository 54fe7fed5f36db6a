"""Content negotiation keeps its choices for short Accept headers only (issue 16)."""

from __future__ import annotations

from battkg.sparql import negotiation
from battkg.sparql.negotiation import CACHED_ACCEPT_CHARS, RESULT_TYPES, choose


def test_a_short_header_is_kept_and_a_long_one_is_worked_out_each_time() -> None:
    offers = list(RESULT_TYPES)
    assert choose("text/csv, application/json;q=0.5", offers) == "text/csv"
    kept = negotiation._chosen.cache_info().currsize
    assert choose("text/csv, application/json;q=0.5", offers) == "text/csv"
    padding = ", ".join(f"x-{n}/y" for n in range(CACHED_ACCEPT_CHARS // 4))
    long_header = f"{padding}, text/tab-separated-values"
    assert len(long_header) > CACHED_ACCEPT_CHARS
    assert choose(long_header, offers) == "text/tab-separated-values"
    assert negotiation._chosen.cache_info().currsize == kept  # the long header was not kept
