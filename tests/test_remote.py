"""The remote store: configuration, query text, and the same answers as the embedded store.

The parity checks run the curated build into real servers (the Oxigraph server from
PyPI, and Virtuoso 7 where installed) and compare named queries, exports and
pathways with the embedded store built from the same files.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from battkg.errors import QueryError, StoreError, UsageError
from battkg.export import export, export_format
from battkg.kg import KnowledgeGraph
from battkg.pathways.engine import model_of, pathway_matrix
from battkg.remote import is_remote
from battkg.remote.config import remote_from_env
from battkg.remote.dataset import Dataset, dataset_clause
from battkg.remote.sparqltext import where_brace, with_values
from battkg.settings import Settings

from .conftest import ESCO_DIR, SHARED
from .remote_servers import Server, oxigraph_server, start_oxigraph, virtuoso_server

__all__ = ["oxigraph_server", "virtuoso_server"]


def remote_settings(server: Server, local: Path, *, esco: bool = False, **env: str) -> Settings:
    return Settings.from_env(
        {
            "BATTKG_STORE": server.store,
            "BATTKG_ESCO_DIR": str(ESCO_DIR) if esco else "",
            "BATTKG_TOKEN": "test-token",
            **env,
        }
    ).with_(store=local)


# -- configuration ----------------------------------------------------------------------


def test_store_url_conventions() -> None:
    ox_ = remote_from_env({"BATTKG_STORE": "sparql+http://h:7878/query"})
    assert ox_ is not None
    assert (ox_.query_url, ox_.update_url, ox_.gsp_url, ox_.dataset) == (
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store", "union",
    )  # fmt: skip
    virt = remote_from_env({"BATTKG_STORE": "sparql+https://u:p%40ss@h/sparql"})
    assert virt is not None
    assert (virt.query_url, virt.update_url, virt.gsp_url, virt.dataset) == (
        "https://h/sparql", "https://h/sparql", "https://h/sparql-graph-crud", "explicit",
    )  # fmt: skip
    assert (virt.user, virt.password) == ("u", "p@ss")
    fuseki = remote_from_env(
        {
            "BATTKG_STORE": "sparql+http://h:3030/ds",
            "BATTKG_SPARQL_GSP_URL": "http://h:3030/ds/data",
        }
    )
    assert fuseki is not None
    assert (fuseki.update_url, fuseki.gsp_url) == ("http://h:3030/ds", "http://h:3030/ds/data")
    assert remote_from_env({"BATTKG_STORE": "/var/battkg"}) is None


def test_settings_keep_a_local_folder_for_a_remote_store(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"BATTKG_STORE": "sparql+http://h:1/query", "BATTKG_HOME": str(tmp_path)}
    )
    assert settings.remote is not None and settings.store == tmp_path / "var" / "store"
    assert is_remote(KnowledgeGraph(settings).store)
    assert not is_remote(KnowledgeGraph(settings.with_(remote=None)).store)


@pytest.mark.parametrize(
    ("env", "word"),
    [
        ({"BATTKG_STORE": "sparql+ftp://h/x"}, "http"),
        ({"BATTKG_STORE": "sparql+http://h/query", "BATTKG_SPARQL_DATASET": "all"}, "union"),
        ({"BATTKG_STORE": "sparql+http://h/query", "BATTKG_SPARQL_BATCH": "0"}, "BATCH"),
    ],
)
def test_bad_remote_settings_say_what_to_set(env: dict[str, str], word: str) -> None:
    with pytest.raises(UsageError) as caught:
        remote_from_env(env)
    assert word in str(caught.value)


# -- bound parameters as VALUES -------------------------------------------------------------


def test_values_open_the_where_group_not_a_construct_template() -> None:
    query = 'PREFIX x: <http://e/{}>\n# WHERE { in a comment\nCONSTRUCT { ?s x:p "WHERE {" } WHERE { ?s ?p ?o }'
    at = where_brace(query)
    assert query[at - 6 : at + 1] == "WHERE {" and query[at + 1 :].startswith(" ?s ?p ?o")
    select = "SELECT ?s { ?s ?p ?lang }"
    assert where_brace(select) == select.index("{")


def test_values_are_serialised_terms_never_pasted_text() -> None:
    nasty = ox.Literal('x" } ; DROP ALL ; #', language="en")
    text = with_values(
        "SELECT ?lang ?o WHERE { ?s ?p ?o }",
        {ox.Variable("lang"): nasty, ox.Variable("o"): ox.NamedNode("http://e/a")},
    )
    result = ox.Store().query(text)
    assert isinstance(result, ox.QuerySolutions)  # it parses: the value stayed a literal
    assert 'VALUES (?lang ?o) { ("x\\" } ; DROP ALL ; #"@en <http://e/a>) }' in text
    with pytest.raises(QueryError):
        with_values("SELECT * WHERE { ?s ?p ?o }", {ox.Variable("s"): ox.BlankNode()})


def test_values_see_optional_filters_like_substitution() -> None:
    store = ox.Store()
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/label")
    store.extend(
        [
            ox.Quad(s, p, ox.Literal("hej", language="sv")),
            ox.Quad(s, p, ox.Literal("hi", language="en")),
        ]
    )
    query = "SELECT ?s ?l ?lang WHERE { ?s ?x ?y OPTIONAL { ?s <http://e/label> ?l FILTER(LANG(?l) = ?lang) } }"
    subs = {ox.Variable("lang"): ox.Literal("sv")}
    embedded = [str(r["l"]) for r in store.query(query, substitutions=subs)]  # type: ignore[union-attr]
    remote = [str(r["l"]) for r in store.query(with_values(query, subs))]  # type: ignore[union-attr]
    assert sorted(embedded) == sorted(remote) == ['"hej"@sv', '"hej"@sv']


def test_a_query_s_own_dataset_is_read_as_the_parser_reads_it() -> None:
    query = """BASE <http://a/b/> PREFIX ex: <http://e/>  # FROM <nope>
    CONSTRUCT { ?s ex:p "FROM <x>" } FROM ex:g\\-1 FROM NAMED <c> FROM NAMED ex:
    WHERE { ?s ?p ?o { SELECT ?o WHERE { ?o ?q ?r } } }"""
    assert dataset_clause(query) == Dataset(("http://e/g-1",), ("http://a/b/c", "http://e/"))
    assert dataset_clause("CONSTRUCT FROM <data.ttl> WHERE { }", "http://t/x.rq") == Dataset(
        ("http://t/data.ttl",), ()
    )
    assert dataset_clause("SELECT * WHERE { ?s <http://e/from> ?o }") is None
    with pytest.raises(QueryError) as caught:
        dataset_clause("SELECT * FROM nope:g WHERE { ?s ?p ?o }")
    assert "nope:" in str(caught.value)


# -- parity with the embedded store ---------------------------------------------------------


DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def _cell(term: Any, separator: str | None = None) -> str:
    """A result cell to compare: blank nodes and times of load (which differ by design) masked,
    the parts of a GROUP_CONCAT (whose order SPARQL leaves open) sorted."""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype == DATETIME:
        return "<time>"
    if separator and isinstance(term, ox.Literal):
        parts = " ".join(sorted(term.value.split(separator)))
        return f"{parts!r} {term.language or term.datatype}"
    return str(term)


#: `GROUP_CONCAT(...; separator="x") AS ?name` in a query's text
_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)',
    re.IGNORECASE,
)


def concatenated(query: str) -> dict[str, str]:
    """The variables a query fills by GROUP_CONCAT, with their separators."""
    return {name: separator for separator, name in _CONCAT.findall(query)}


def _rows(result: Any, concat: dict[str, str] | None = None) -> Counter[tuple[str, ...]]:
    if isinstance(result, ox.QueryBoolean):
        return Counter([(str(bool(result)),)])
    names = [v.value for v in result.variables]
    seps = concat or {}
    return Counter(tuple(_cell(row[n], seps.get(n)) for n in names) for row in result)


def sample_params(kg: KnowledgeGraph, name: str) -> dict[str, str]:
    """Values for a named query's required parameters, taken from the data."""
    params: dict[str, str] = {}
    for param in kg.queries.get(name).params:
        if not param.required:
            continue
        kind = param.kind.partition(":")[2] or "role"
        prefix = f"{kg.iris.base}/id/{kind}/"
        rows = kg.select(
            "SELECT ?x ?prefix WHERE { ?x a ?c FILTER(STRSTARTS(STR(?x), ?prefix)) } ORDER BY ?x LIMIT 1",
            prefix=ox.Literal(prefix),
        )
        params[param.name] = rows[0]["x"].value if rows else "x"
    return params


def different_answers(
    embedded: KnowledgeGraph, remote: KnowledgeGraph, *, refusals: bool = False
) -> list[str]:
    """The named queries whose answers differ between the two stores; with `refusals`, a
    query the remote server refuses (an SQL error of its dialect) counts as one that differs,
    else it fails the test."""
    assert remote.version() == embedded.version()
    assert remote.graph_sizes() == embedded.graph_sizes()
    differ = []
    for named in embedded.queries.all():
        params = sample_params(embedded, named.name)
        _, mine = embedded.run_named(named.name, params)
        try:
            _, theirs = remote.run_named(named.name, params)
        except (QueryError, StoreError):
            if not refusals:
                raise
            differ.append(named.name)
            continue
        concat = concatenated(named.text)
        if _rows(theirs, concat) != _rows(mine, concat):
            differ.append(named.name)
    return differ


def assert_same_answers(embedded: KnowledgeGraph, remote: KnowledgeGraph) -> None:
    assert different_answers(embedded, remote) == []


def canonical(data: bytes) -> set[ox.Quad]:
    """The triples of an N-Triples document with canonical blank-node labels.

    Equal results mean isomorphic graphs (the canonical form is a relabelling of the
    graph), so comparing them is an exact check; blank nodes (per-fact confidence marks,
    steps, recognition procedures: decision 0050) may carry any label on either side.
    Oxigraph's canonicalisation runs in well under a second where rdflib's `isomorphic`
    took minutes on these graphs.
    """
    dataset = ox.Dataset(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def assert_same_exports(
    embedded: KnowledgeGraph,
    remote: KnowledgeGraph,
    stored: Callable[[ox.Triple], ox.Triple] = lambda t: t,
) -> None:
    """Every graph but meta exports the same graph, up to blank-node labels; `stored` turns an
    embedded triple into the form the server is known to keep it in."""
    nt = export_format("nt")
    for graph in sorted(embedded.graph_sizes()):
        if graph == embedded.iris.meta_graph:  # times of load differ by design
            continue
        mine, theirs = io.BytesIO(), io.BytesIO()
        export(embedded, mine, nt, graph=graph)
        export(remote, theirs, nt, graph=graph)
        kept = [stored(t) for t in ox.parse(mine.getvalue(), ox.RdfFormat.N_TRIPLES)]
        a = canonical(ox.serialize(kept, None, ox.RdfFormat.N_TRIPLES) or b"")
        b = canonical(theirs.getvalue())
        assert a == b, (graph, sorted(map(str, a - b))[:5], sorted(map(str, b - a))[:5])


def assert_same_pathways(embedded: KnowledgeGraph, remote: KnowledgeGraph) -> None:
    """The same matrices from both stores. Compared without the answers' wall-clock budget
    (BATTKG_PATHWAY_TIMEOUT): a search that meets it on a loaded machine turns greedy at
    another node in each run; the node limits alone make the answers deterministic."""
    roles = sorted(model_of(embedded).roles)
    assert roles == sorted(model_of(remote).roles)
    kept = embedded.settings, remote.settings
    for kg in (embedded, remote):
        kg.settings = kg.settings.with_(pathway_timeout=3600.0)
    try:
        for role in roles[:: max(1, len(roles) // 8)]:
            mine, theirs = pathway_matrix(embedded, role), pathway_matrix(remote, role)
            assert asdict(theirs) == asdict(mine), role
    finally:
        embedded.settings, remote.settings = kept


def built_on(server: Server, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The curated graph built into `server`, with a local folder of its own."""
    kg = KnowledgeGraph(remote_settings(server, tmp_path_factory.mktemp("local")))
    kg.build()
    return kg


@pytest.fixture(scope="module")
def on_oxigraph(
    oxigraph_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> KnowledgeGraph:
    return built_on(oxigraph_server, tmp_path_factory)


def test_oxigraph_server_gives_the_embedded_answers(
    curated_kg: KnowledgeGraph, on_oxigraph: KnowledgeGraph
) -> None:
    assert is_remote(on_oxigraph.store)
    assert_same_answers(curated_kg, on_oxigraph)
    assert_same_exports(curated_kg, on_oxigraph)
    assert_same_pathways(curated_kg, on_oxigraph)


def test_rebuild_with_unchanged_inputs_is_a_noop(on_oxigraph: KnowledgeGraph) -> None:
    before = on_oxigraph.store.current_generation()
    assert on_oxigraph.build().noop
    assert on_oxigraph.store.current_generation() == before


def test_oxigraph_server_in_explicit_dataset_mode(
    curated_kg: KnowledgeGraph, oxigraph_server: Server, on_oxigraph: KnowledgeGraph, tmp_path: Path
) -> None:
    kg = KnowledgeGraph(
        remote_settings(oxigraph_server, tmp_path, BATTKG_SPARQL_DATASET="explicit")
    )
    assert_same_answers(curated_kg, kg)


def test_a_query_naming_its_dataset_sees_those_graphs_and_no_others(
    curated_kg: KnowledgeGraph, on_oxigraph: KnowledgeGraph
) -> None:
    """FROM / FROM NAMED reach the server as the protocol's dataset (as pyoxigraph honours
    them); a graph battkg has not published, such as its control graph, is empty."""
    roles = curated_kg.iris.data_graph("roles")
    control = on_oxigraph.iris.graph("store")
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ {} }}"
    cases = [
        (f"FROM <{roles}>", "?s ?p ?o"),
        (f"FROM NAMED <{roles}>", "GRAPH ?g { ?s ?p ?o }"),
        (f"FROM NAMED <{roles}>", "?s ?p ?o"),  # nothing in the default graph
        (f"FROM <{control}>", "?s ?p ?o"),
        (f"FROM NAMED <{control}> FROM NAMED <{roles}>", "GRAPH ?g { ?s ?p ?o }"),
    ]
    reader = on_oxigraph.store.exact_reader()  # type: ignore[attr-defined]
    counts = []
    for dataset, pattern in cases:
        query = count.format(dataset, pattern)
        mine = [int(row["n"].value) for row in curated_kg.reader().query(query)]
        theirs = [int(row["n"].value) for row in reader.query(query)]
        assert theirs == mine, query
        counts += theirs
    size = curated_kg.graph_sizes()[roles]
    assert counts == [size, size, 0, 0, size]


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


@pytest.mark.slow
def test_full_esco_build_into_oxigraph_server(
    full_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-esco"))
    try:
        kg = KnowledgeGraph(remote_settings(server, tmp_path_factory.mktemp("local"), esco=True))
        kg.build()
        assert_same_answers(full_kg, kg)
        assert_same_pathways(full_kg, kg)
    finally:
        server.stop()


W3C_DIR = SHARED / "w3c" / "sparql11"
#: W3C tests that fail through a remote Oxigraph server but not on the embedded store, and why
REMOTE_W3C_FAILURES: dict[str, str] = {}


def _w3c_outcomes(server: Server, local: Path) -> dict[str, tuple[bool, str]]:
    from fastapi.testclient import TestClient

    from battkg.web.app import create_app

    from .test_w3c import run_all

    kg = KnowledgeGraph(remote_settings(server, local))
    kg.store.ttl = 0.0  # type: ignore[attr-defined]  # each case's data is served at once
    with TestClient(create_app(kg=kg)) as client:
        return run_all(kg, client)


@pytest.mark.slow
@pytest.mark.w3c
@pytest.mark.skipif(not W3C_DIR.is_dir(), reason="no W3C tests in ../shared/w3c")
def test_w3c_through_battkg_in_front_of_oxigraph_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from .test_w3c import KNOWN_FAILURES

    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-w3c"))
    try:
        outcomes = _w3c_outcomes(server, tmp_path_factory.mktemp("local"))
    finally:
        server.stop()
    failed = {k: why for k, (ok, why) in outcomes.items() if not ok}
    print(
        f"\nW3C SPARQL 1.1 through battkg + Oxigraph server: {len(outcomes) - len(failed)} of {len(outcomes)} passed"
    )
    expected = set(KNOWN_FAILURES) | set(REMOTE_W3C_FAILURES)
    assert not set(failed) - expected, {k: failed[k] for k in set(failed) - expected}
    assert not expected - set(failed), sorted(expected - set(failed))


V_ANSWER = "Virtuoso 7 answers differently: numeric and string datatypes, language tags, or rows"
V_RUNTIME = (
    "Virtuoso 7 stops with an SQL error (HTTP 500: 22003, 22012, 22023, 07S01 and others) where "
    "SPARQL 1.1 gives an answer or leaves a value unbound"
)
V_PARSER = "Virtuoso 7's parser refuses valid SPARQL 1.1 (SP030, SP031)"
V_LENIENT = "Virtuoso 7 runs a query SPARQL 1.1 forbids (a negative syntax test)"
V_RESULT = "Virtuoso 7's answer is not what was asked for, or holds a term RDF does not allow"
V_CONSTRUCT_WHERE = "Virtuoso 7 fails the short form CONSTRUCT WHERE { ... } (HTTP 500)"
#: W3C tests that Virtuoso 7.2.5 answers right in some runs and refuses in others, and why:
#: either outcome passes (every other test must pass or fail as listed)
VIRTUOSO_W3C_SOMETIMES: dict[str, str] = {
    "aggregates/agg-sum-distinct": "SUM(DISTINCT ?o) over groups that mix numbers with other "
    "terms: passed in the fresh-clone CIs of 2026-12-01 and 2026-12-02 08:48, refused in the one "
    "of 09:00 the same day with a Virtuoso error about a non-numeric argument to '+' (503 "
    "store_error), on the same data and query",
}

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
    unexpected = set(failed) - expected - set(VIRTUOSO_W3C_SOMETIMES)
    assert not unexpected, {k: failed[k] for k in unexpected}
    assert not expected - set(failed), f"now passing, remove: {sorted(expected - set(failed))}"
