"""The remote store on Virtuoso 7 (Debian's package, where installed): the curated build is
published and exported exactly, and its answers differ from SPARQL 1.1 in the listed ways only.

The comparisons are those of test_remote.py (kept in a file of their own so that the two test
workers can share the remote tests); the tests skip with the reason where Virtuoso is missing.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import model_of
from battkg.remote import is_remote

from .remote_servers import Server, virtuoso_server
from .test_remote import W3C_DIR, _w3c_outcomes, assert_same_exports, built_on, different_answers

__all__ = ["virtuoso_server"]


VIRTUOSO_BOOLEANS = "Virtuoso 7 returns xsd:boolean values as 1/0 (and EXISTS as an integer)"
VIRTUOSO_JOIN = (
    "Virtuoso 7 does not join a sub-SELECT's unbound variable with the bound outer value "
    "(SPARQL says they are compatible), so rows are lost"
)
VIRTUOSO_EMPTY_CONCAT = 'Virtuoso 7\'s GROUP_CONCAT over no values gives "", not unbound'
#: named queries whose answers on Virtuoso 7.2.5 differ from SPARQL 1.1 (and Oxigraph), and
#: why: the cause where one was isolated, else what the rows show (measured 2026-12-01)
VIRTUOSO_DIFFERENCES = {
    "course-details": VIRTUOSO_BOOLEANS,
    "role-entry-requirements": VIRTUOSO_BOOLEANS,
    "role-essential-skills": VIRTUOSO_BOOLEANS + "; some runs it refuses the query instead "
    "(error 42000: its estimate of the execution time exceeds its 400 s limit)",
    "demand-estimates": VIRTUOSO_JOIN,
    "providers-by-region": VIRTUOSO_JOIN,
    "graphs-and-provenance": VIRTUOSO_EMPTY_CONCAT,
    "gap-capacity": VIRTUOSO_EMPTY_CONCAT + " (a course that leads to no role)",
    "gap-demand": VIRTUOSO_EMPTY_CONCAT + " (an estimate for stages only has no roles)",
    "roles-by-stage": "Virtuoso 7 evaluates the zero-or-one path `bkg:stage?` with an extra row",
    "roles-without-course-in-region": (
        "Virtuoso 7 evaluates FILTER NOT EXISTS over the region's sub-places differently"
    ),
    "gap-missing-skills": (
        "Virtuoso 7 keeps rows that OPTIONAL { ... } FILTER(!BOUND(?taught)) drops: the optional "
        "part does not see the outer region and skill (112 rows against 77)"
    ),
    "gap-roles-without-course": "Virtuoso 7 refuses it: SQ156, an internal compiler error",
    "gap-skills": (
        "since its optional stage filter became FILTER(IF(COALESCE(?stage, ?thing) = ?thing, true, "
        "EXISTS {...})) (2026-12-01), Virtuoso 7 answers it differently or refuses it (not isolated)"
    ),
    "course-offer-coverage": (
        "the fact counts come out about four times larger: Virtuoso 7 repeats solutions of the "
        "zero-or-more path bkg:withinRegion* (the likely cause; not isolated)"
    ),
    "cross-border-offers": (
        "Virtuoso 7 joins the three sub-SELECTs to other destination countries (1,255 rows "
        "against 1,437; cause not isolated)"
    ),
    "demand-vs-places": (
        "the known places per estimate differ (a SUM over an OPTIONAL inside a sub-SELECT; "
        "cause not isolated)"
    ),
}


XSD = "http://www.w3.org/2001/XMLSchema#"


def as_virtuoso_keeps(triple: ox.Triple) -> ox.Triple:
    """The triple as Virtuoso 7.2.5 gives it back: every other triple is kept exactly (blank
    nodes relabelled), but a January xsd:gYearMonth comes back as its year ("2023-01" as
    "2023"^^xsd:gYear), a loss of the month in Virtuoso."""
    o = triple.object
    if (
        isinstance(o, ox.Literal)
        and o.datatype.value == XSD + "gYearMonth"
        and o.value[-3:] == "-01"
    ):
        year = ox.Literal(o.value[:-3], datatype=ox.NamedNode(XSD + "gYear"))
        return ox.Triple(triple.subject, triple.predicate, year)
    return triple


@pytest.fixture(scope="module")
def on_virtuoso(
    virtuoso_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> KnowledgeGraph:
    return built_on(virtuoso_server, tmp_path_factory)


def test_virtuoso_serves_the_same_graph(
    curated_kg: KnowledgeGraph, on_virtuoso: KnowledgeGraph
) -> None:
    """Build, publish and export work on Virtuoso: every graph comes back exactly."""
    assert is_remote(on_virtuoso.store)
    assert_same_exports(curated_kg, on_virtuoso, as_virtuoso_keeps)


def test_virtuoso_dialect_differences_are_the_listed_ones(
    curated_kg: KnowledgeGraph, on_virtuoso: KnowledgeGraph
) -> None:
    differ = different_answers(curated_kg, on_virtuoso, refusals=True)
    assert sorted(differ) == sorted(VIRTUOSO_DIFFERENCES), differ
    # The pathway model holds the same things, but routes and labels differ: its queries bind
    # and read xsd:boolean values (`BIND(true AS ?preferred)`), which Virtuoso turns into 1/0.
    mine, theirs = model_of(curated_kg), model_of(on_virtuoso)
    assert sorted(theirs.roles) == sorted(mine.roles)
    assert sorted(theirs.profiles) == sorted(mine.profiles)


V_ANSWER = "Virtuoso 7 answers differently: numeric and string datatypes, language tags, or rows"
V_RUNTIME = (
    "Virtuoso 7 stops with an SQL error (HTTP 500: 22003, 22012, 22023, 07S01 and others) where "
    "SPARQL 1.1 gives an answer or leaves a value unbound"
)
V_PARSER = "Virtuoso 7's parser refuses valid SPARQL 1.1 (SP030, SP031)"
V_LENIENT = "Virtuoso 7 runs a query SPARQL 1.1 forbids (a negative syntax test)"
V_RESULT = "Virtuoso 7's answer is not what was asked for, or holds a term RDF does not allow"
V_CONSTRUCT_WHERE = "Virtuoso 7 fails the short form CONSTRUCT WHERE { ... } (HTTP 500)"
#: the W3C tests that fail through battkg in front of Virtuoso 7.2.5, and why (measured
#: 2026-12-01: 124 of 195 pass, the same set in repeated runs); the embedded store's own
#: failures are among them
VIRTUOSO_W3C_FAILURES: dict[str, str] = {
    **dict.fromkeys(
        (
            "aggregates/agg-avg-02",
            "aggregates/agg-avg-03",
            "aggregates/agg-avg-distinct",
            "aggregates/agg-err-02",
            "aggregates/agg-group-builtin",
            "aggregates/agg-min-01",
            "aggregates/agg-min-02",
            "aggregates/agg-min-distinct",
            "aggregates/agg-sum-02",
            "bind/bind10",
            "exists/exists-graph-variable",
            "functions/concat02",
            "functions/md5-02",
            "functions/plus-1-corrected",
            "functions/replace01",
            "functions/seconds",
            "functions/sha1-02",
            "functions/sha256-02",
            "functions/sha384-02",
            "functions/sha512-02",
            "functions/strafter02",
            "functions/strbefore02",
            "functions/strdt01",
            "functions/strdt03-rdf11",
            "functions/strlang01",
            "functions/strlang03-rdf11",
            "functions/uuid02",
        ),
        V_ANSWER,
    ),
    **dict.fromkeys(
        (
            "aggregates/agg-err-01",
            "aggregates/agg-groupconcat-01",
            "aggregates/agg-groupconcat-02",
            "aggregates/agg-groupconcat-05",
            "aggregates/agg-groupconcat-distinct",
            "functions/coalesce01",
            "functions/ends01",
            "functions/if02",
            "functions/notin02",
            "functions/strafter01a",
            "functions/strbefore01a",
            "functions/timezone",
        ),
        V_RUNTIME,
    ),
    **dict.fromkeys(
        (
            "aggregates/agg06",
            "construct/constructwhere04",
            "exists/exists03",
            "functions/bnode02",
            "functions/if01",
            "functions/iri01",
            "functions/iri02",
        ),
        V_PARSER,
    ),
    **dict.fromkeys(
        (
            "aggregates/agg08",
            "aggregates/agg10",
            "aggregates/agg12",
            "construct/constructwhere05",
            "grouping/group06",
            "grouping/group07",
        ),
        V_LENIENT,
    ),
    **dict.fromkeys(
        (
            "construct/constructlist",
            "protocol/query_content_type_construct",
            "protocol/query_content_type_describe",
        ),
        V_RESULT,
    ),
    **dict.fromkeys(
        ("construct/constructwhere01", "construct/constructwhere02", "construct/constructwhere03"),
        V_CONSTRUCT_WHERE,
    ),
}


@pytest.mark.slow
@pytest.mark.w3c
@pytest.mark.skipif(not W3C_DIR.is_dir(), reason="no W3C tests in ../shared/w3c")
def test_w3c_through_battkg_in_front_of_virtuoso(virtuoso_server: Server, tmp_path: Path) -> None:
    """Virtuoso's dialect fails many W3C tests: exactly the listed ones (docs/remote.md)."""
    from .test_w3c import KNOWN_FAILURES

    outcomes = _w3c_outcomes(virtuoso_server, tmp_path)
    failed = {k: why for k, (ok, why) in outcomes.items() if not ok}
    print(
        f"\nW3C SPARQL 1.1 through battkg + Virtuoso: {len(outcomes) - len(failed)} of {len(outcomes)} passed"
    )
    expected = set(VIRTUOSO_W3C_FAILURES) | set(KNOWN_FAILURES)
    assert len(outcomes) == 195
    assert not set(failed) - expected, {k: failed[k] for k in set(failed) - expected}
    assert not expected - set(failed), f"now passing, remove: {sorted(expected - set(failed))}"
