"""The `battkg` command line: a thin layer that builds a KnowledgeGraph and calls it.

Exit codes: 0 ok, 1 findings (faults, violations, no route), 2 usage or error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__
from .backend import QueryResult
from .errors import BattkgError, UsageError
from .kg import KnowledgeGraph
from .settings import Settings, cli_help
from .sparql.results import write_boolean, write_graph, write_solutions

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
Handler = Callable[[argparse.Namespace, KnowledgeGraph], int]
_COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _COMMANDS[name] = fn
        return fn

    return register


def _progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- build -------------------------------------------------------------------


@command("build")
def _build(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    report = kg.build(force=args.force, reasoner=args.reasoner, progress=_progress)
    if args.format == "json":
        print(json.dumps({
            "noop": report.noop, "version": report.version, "generation": report.generation,
            "changed": report.changed, "removed": report.removed, "seconds": report.seconds,
            "triples": report.triples,
        }, indent=2))  # fmt: skip
        return EXIT_OK
    if report.noop:
        print(f"up to date (build {report.version}, {report.generation})")
        return EXIT_OK
    print(f"built {report.generation} (build {report.version})")
    for phase, secs in report.seconds.items():
        print(f"  {phase:<16} {secs:8.2f} s")
    for graph, n in sorted(report.triples.items()):
        print(f"  {n:>10,}  {graph}")
    return EXIT_OK


# -- serve -------------------------------------------------------------------


@command("serve")
def _serve(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .web.serving import default_serving_processes, serve

    if not kg.store.exists():
        raise UsageError(
            f"there is no built store at {kg.settings.store}",
            fix="run `battkg build` first (or `battkg load FILE`), or give --store DIR",
        )
    workers = args.workers or default_serving_processes()
    if workers < 1:
        raise UsageError(f"--workers {workers} is not a number of processes", fix="give 1 or more")
    kg.reader()
    from .datasets.recovery import recover

    for left in recover(kg):  # what a killed build or load left behind
        _progress(f"removed {left}, left by an interrupted write")
    plural = "es" if workers > 1 else ""
    _progress(
        f"serving {kg.settings.store} on http://{args.host}:{args.port} ({workers} process{plural})"
    )
    if args.store:  # the serving processes read their settings from the environment
        os.environ["BATTKG_STORE"] = args.store
    app = None
    if workers == 1:
        from .web.app import create_app

        app = create_app(kg=kg, warm_up=True)
    serve(app, host=args.host, port=args.port, log_level=args.log_level, workers=workers)
    return EXIT_OK


# -- query -------------------------------------------------------------------


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                f"--param {pair!r} is not KEY=VALUE", fix="write e.g. --param stage=recycling"
            )
        out[key] = value
    return out


@command("query")
def _query(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    if args.list or not args.name:
        for named in kg.queries.all():
            params = ", ".join(p.name + ("" if p.required else "?") for p in named.params)
            print(f"{named.name:<40} {named.title}" + (f"  [{params}]" if params else ""))
        return EXIT_OK
    given = _params(args.param)
    path = Path(args.name)
    if path.suffix == ".rq" and path.is_file():
        from .queries import parse_query_file

        named = parse_query_file(path)
        result = kg.query(named.text, substitutions=named.bind(given, kg.iris))
    else:
        named, result = kg.run_named(args.name, given)
    write_result(result, args.format, sys.stdout)
    return EXIT_OK


def write_result(result: QueryResult, fmt: str, out: Any) -> None:
    """json and csv by the SPARQL endpoint's own writers (sparql/results.py); table for people."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            out.write(write_boolean(fmt, bool(result)).decode() + "\n")
        else:
            print(str(bool(result)).lower(), file=out)
        return
    if not isinstance(result, ox.QuerySolutions):  # CONSTRUCT or DESCRIBE, from either store
        out.write(write_graph(list(result), "ntriples" if fmt == "csv" else "turtle").decode())
        return
    if fmt in ("json", "csv"):  # csv: formula-like cells neutralised for spreadsheets
        names = [v.value for v in result.variables]
        out.write(write_solutions(fmt, names, [tuple(row) for row in result]).decode())
        if fmt == "json":
            out.write("\n")
        return
    names = [v.value for v in result.variables]
    rows = [[_cell(row[n]) for n in names] for row in result]
    widths = [min(60, max([len(n), *(len(r[i]) for r in rows)])) for i, n in enumerate(names)]
    print("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(c[:w].ljust(w) for c, w in zip(row, widths, strict=True)), file=out)
    print(f"({len(rows)} rows)", file=out)


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term.value)


# -- export ------------------------------------------------------------------


@command("export")
def _export(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    if args.profile == "elm":
        return _export_elm(args, kg)
    from .export import export, export_format

    fmt = export_format(args.format)
    if args.output:
        with Path(args.output).open("wb") as out:
            export(kg, out, fmt, args.graph)
    else:
        export(kg, sys.stdout.buffer, fmt, args.graph)
        sys.stdout.buffer.flush()
    return EXIT_OK


def _export_elm(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    """The ELM v3 view (queries/elm/); what it leaves out goes to standard error."""
    from .elm import elm_export
    from .elm.dcat import dcat_description
    from .elm.serialize import elm_format, write

    if args.graph:
        raise UsageError("--graph does not apply to --profile elm", fix="leave out --graph")
    fmt = elm_format(args.format)
    export = elm_export(kg)
    triples = export.triples
    if args.dcat:
        triples = dcat_description(export, root=kg.iris.base, version=kg.version(), modified=None)
    if args.output:
        with Path(args.output).open("wb") as out:
            write(triples, out, fmt)
    else:
        write(triples, sys.stdout.buffer, fmt)
        sys.stdout.buffer.flush()
    print(
        f"ELM export: {export.count('LearningOpportunity')} learning opportunities, "
        f"{export.count('Organisation')} organisations, {export.count('Qualification')} "
        f"qualifications; {len(export.left_out)} items left out (`battkg check` lists them)",
        file=sys.stderr,
    )
    return EXIT_OK


# -- stats and check ---------------------------------------------------------


@command("stats")
def _stats(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .stats import stats

    data = stats(kg)
    if args.format == "json":
        print(json.dumps(data, indent=2))
        return EXIT_OK
    print(f"build {data['build']} ({data['generation']}), {data['triples']:,} triples")
    print("\ntriples per graph")
    for graph, n in data["graphs"].items():
        print(f"  {n:>10,}  {graph}")
    print("\ninstances per class")
    for cls, n in data["instances"].items():
        print(f"  {n:>10,}  {cls}")
    roles, skills = data["roles_aligned_to_esco"], data["skills_from_esco"]
    print(f"\nroles aligned to ESCO: {roles['aligned']} of {roles['roles']} ({roles['share']:.0%})")
    print(f"skills that are ESCO's: {skills['esco']} of {skills['skills']} ({skills['share']:.0%})")
    return EXIT_OK


@command("check")
def _check(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    faults = 0
    checks = kg.queries.checks()
    for check in checks:
        rows = kg.select(check.text)
        faults += len(rows)
        print(f"{check.name:<50} {'ok' if not rows else f'{len(rows)} fault(s)'}")
        for row in rows[: args.max_rows]:
            print(f"    {_cell(row.get('focus'))}  {_cell(row.get('message'))}")
    from .datasets.integrity import NAME, dangling_references

    rows = dangling_references(kg)  # across partner graphs: not expressible as a checks/ file
    faults += len(rows)
    print(f"{NAME:<50} {'ok' if not rows else f'{len(rows)} fault(s)'}")
    for row in rows[: args.max_rows]:
        print(f"    {_cell(row.get('focus'))}  {_cell(row.get('message'))}")
    print(f"\n{len(checks) + 1} checks, {faults} fault(s)")
    _list_elm_left_out(kg, args.max_rows)
    return EXIT_FINDINGS if faults else EXIT_OK


def _list_elm_left_out(kg: KnowledgeGraph, max_rows: int) -> None:
    """What the ELM export leaves out: not faults, but facts a curator or provider can add."""
    from .elm.export import left_out

    missing = left_out(kg)
    print(f"\nELM export: {len(missing)} item(s) left out for want of a fact LOQ requires")
    for entry in missing[:max_rows]:
        print(f"    {entry.kind} {_cell(ox.NamedNode(entry.item))}: {'; '.join(entry.missing)}")


# -- partner data: validate, load, rollback ----------------------------------


@command("validate")
def _validate(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .datasets import validate_for
    from .ingest import read_path

    files = [read_path(Path(f), kg.iris, kind=args.template) for f in args.files]
    report = validate_for(
        kg, files, args.dataset, engine=args.engine, allow_foreign=args.allow_foreign_subjects
    )
    text = report.to_text(limit=args.max_faults)
    print(json.dumps(report.to_dict(), indent=2) if args.format == "json" else text)
    return EXIT_OK if report.conforms else EXIT_FINDINGS if report.readable else EXIT_ERROR


@command("load")
def _load(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .datasets import default_name, load
    from .ingest import read_path

    name = args.dataset or default_name(args.files[0])
    files = [read_path(Path(f), kg.iris, kind=args.template) for f in args.files]
    result = load(
        kg,
        files,
        name,
        graph=args.graph,
        publisher=args.publisher,
        allow_foreign=args.allow_foreign_subjects,
    )
    if not result.loaded or result.version is None:
        print(result.report.to_text(limit=args.max_faults))
        print(f"nothing was stored: dataset {name} still serves its previous version")
        return EXIT_FINDINGS if result.report.readable else EXIT_ERROR
    v = result.version
    graphs = ", ".join(v.graphs)
    print(f"loaded dataset {name} version {v.version}: {v.triples:,} triples in {graphs}")
    print("  " + ", ".join(f"{k} {s:.1f} s" for k, s in result.seconds.items()))
    return EXIT_OK


@command("rollback")
def _rollback(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .datasets import rollback

    dataset = rollback(kg, args.name, args.version, publisher=args.publisher)
    print(f"dataset {dataset.name} now serves version {dataset.current}")
    return EXIT_OK


# -- pathway -----------------------------------------------------------------


@command("pathway")
def _pathway(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    import dataclasses

    from .pathways import engine, lookup, text

    def emit(answer: Any, as_text: str) -> None:
        data = (
            [dataclasses.asdict(a) for a in answer]
            if isinstance(answer, list)
            else dataclasses.asdict(answer)
        )
        as_json = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        sys.stdout.write(as_json if args.format == "json" else as_text)

    if args.find:
        matches = lookup.search(engine.model_of(kg), args.find, args.lang, limit=20)
        emit(matches, "".join(f"{m.kind:<14} {m.id}  {m.label}\n" for m in matches))
        return EXIT_OK if matches else EXIT_FINDINGS
    filters = engine.make_filters(
        kg, countries=args.country, regions=args.region, languages=args.language, modes=args.mode,
        max_weeks=args.max_weeks, free_only=args.free_only, offer_status=args.offer_status,
        audience=args.audience, situation=args.situation,
    )  # fmt: skip
    if args.from_job and not args.role:
        from .pathways.moves import lateral_moves

        found = lateral_moves(
            kg, args.from_job, lang=args.lang, limit=args.k, filters=filters, home=args.home,
            situation=args.situation, entry=args.entry,
        )  # fmt: skip
        emit(found, text.render_moves(found))
        return EXIT_OK if found.moves else EXIT_FINDINGS
    if not args.role or not (args.entry or args.matrix or args.holds or args.from_job):
        raise UsageError(
            "pathway needs --role and a start (--entry, --holds or --from-job), --role and "
            "--matrix, or --from-job alone for lateral moves",
            fix="e.g. battkg pathway --role cell-assembly-operator --entry compulsory-school-only --home SE331",
        )
    if args.matrix:
        matrix = engine.pathway_matrix(
            kg, args.role, rank=args.rank, filters=filters, lang=args.lang, home=args.home,
            situation=args.situation, online=not args.no_online,
            cross_border=not args.no_cross_border,
        )  # fmt: skip
        emit(matrix, text.render_matrix(matrix))
        return EXIT_OK if any(r.found for r in matrix.rows) else EXIT_FINDINGS
    answer = engine.find_pathways(
        kg, args.role, args.entry, k=args.k, rank=args.rank, filters=filters, lang=args.lang,
        holds=args.holds, experience=args.experience, home=args.home, situation=args.situation,
        online=not args.no_online, cross_border=not args.no_cross_border, job=args.from_job,
    )  # fmt: skip
    emit(answer, text.render_answer(answer))
    return EXIT_OK if answer.found else EXIT_FINDINGS


@command("gaps")
def _gaps(args: argparse.Namespace, kg: KnowledgeGraph) -> int:
    from .gaps.csvout import rows_csv
    from .gaps.service import gap_report
    from .gaps.text import render_report

    report = gap_report(
        kg, lang=args.lang, country=args.country, region=args.region, stage=args.stage,
        level=args.level, year=args.year, kind=args.kind, turnover=args.turnover,
    )  # fmt: skip
    if args.format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(rows_csv(report))
    else:
        sys.stdout.write(render_report(report))
    return EXIT_OK


# -- parser ------------------------------------------------------------------


FOREIGN: dict[str, Any] = {
    "action": "store_const",
    "const": True,
    "default": None,
    "help": "operator's grant: the files may describe things other graphs describe "
    "(default: BATTKG_FOREIGN_SUBJECTS)",
}


def build_parser() -> argparse.ArgumentParser:
    settings_help = cli_help()
    parser = argparse.ArgumentParser(
        prog="battkg",
        description="The Nordic battery-industry knowledge graph: build, serve, query, export.",
        epilog=f"settings (environment):\n{settings_help}\n\nexit codes: 0 ok, 1 findings, 2 usage or error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"battkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--store", metavar="DIR", help="store directory (default: $BATTKG_STORE or var/store)"
        )
        return p

    p = add(
        "build",
        "Load ontology/, data/ and ESCO into the store and reason; a no-op when nothing changed.",
    )
    p.add_argument("--force", action="store_true", help="rebuild every graph even if unchanged")
    p.add_argument(
        "--reasoner",
        choices=("reasonable", "owlrl"),
        default="reasonable",
        help="OWL RL engine for the local graphs",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = add("serve", "Serve the built store over HTTP (SPARQL endpoint, API, pages).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="serving processes over the same store (default: the number of CPUs)",
    )

    p = add("query", "Run a named query from queries/ or a .rq file.")
    p.add_argument("name", nargs="?", help="a named query (see --list) or a path to a .rq file")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="bind a parameter (repeatable)",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--list", action="store_true", help="list the named queries")

    p = add("export", "Write the whole graph or one named graph as RDF, or the ELM v3 view.")
    p.add_argument(
        "--profile",
        choices=("battkg", "elm"),
        default="battkg",
        help="battkg: the graph as stored; elm: the training offer in ELM v3 (LOQ profile)",
    )
    p.add_argument("--dcat", action="store_true", help="with --profile elm: the DCAT description")
    p.add_argument(
        "--format", default="turtle", help="turtle, ntriples, nquads, trig, rdfxml or jsonld"
    )
    p.add_argument("--graph", metavar="IRI", help="one named graph (default: all)")
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )

    p = add("stats", "Triples per graph, instances per class, ESCO coverage.")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = add("check", "Run every queries/checks/*-violation.rq; exit 1 if any finds a fault.")
    p.add_argument("--max-rows", type=int, default=20, help="faults shown per check")

    p = add("validate", "Validate partner files against shapes/ and the store; writes nothing.")
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV, Turtle, JSON-LD, RDF/XML, ...")
    p.add_argument("--template", choices=("courses", "providers", "roles", "demand"))
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--engine", choices=("fast", "pyshacl"), default="fast", help="SHACL engine")
    p.add_argument("--max-faults", type=int, default=200, help="faults shown in text")
    p.add_argument(
        "--dataset",
        metavar="NAME",
        help="validate as the next version of this dataset (without the version it replaces)",
    )
    p.add_argument("--allow-foreign-subjects", **FOREIGN)
    for name in ("load", "rollback"):
        p = add(name, f"{name.capitalize()} a partner dataset (validated first; all or nothing).")
        user = os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
        p.add_argument("--publisher", default=user, help="who publishes (default: $USER)")
        if name == "rollback":
            p.add_argument("name", help="the dataset")
            p.add_argument("--version", type=int, help="version to restore (default: previous)")
            continue
        p.add_argument("files", nargs="+", metavar="FILE")
        p.add_argument("--dataset", metavar="NAME", help="dataset name (default: from FILE)")
        p.add_argument("--graph", metavar="IRI", help="named graph (default: the dataset's)")
        p.add_argument("--template", choices=("courses", "providers", "roles", "demand"))
        p.add_argument("--max-faults", type=int, default=200, help="faults shown in text")
        p.add_argument("--allow-foreign-subjects", **FOREIGN)

    p = add(
        "gaps",
        "The gap per region and stage: current demand estimates against places of running offers.",
    )
    p.add_argument("--country", help="a country code: SE, FI, NO")
    p.add_argument("--region", help="a NUTS 2021 region or country code")
    p.add_argument("--stage", help="a value-chain stage id")
    p.add_argument(
        "--level",
        choices=("upper-secondary", "post-secondary-vocational", "bachelor", "master", "doctorate"),
    )
    p.add_argument("--year", type=int, help="a year the estimates are for")
    p.add_argument("--kind", help="a demand measure, e.g. planned-hires")
    p.add_argument("--turnover", type=float, help="yearly turnover rate for headcounts, e.g. 0.1")
    p.add_argument("--lang", default="en", choices=("en", "sv", "fi", "nb"))
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p = add(
        "pathway",
        "The shortest routes of courses from an entry profile to a job role; exit 1 if none.",
    )
    p.add_argument("--role", help="the role: IRI, short id or label")
    p.add_argument("--entry", help="the entry profile: IRI, short id or label")
    p.add_argument("--matrix", action="store_true", help="the best route from every entry profile")
    p.add_argument(
        "--find", metavar="TEXT", help="search roles, entry profiles and courses by label"
    )
    p.add_argument("--k", type=int, default=3, help="how many distinct routes (1-10)")
    p.add_argument(
        "--rank", choices=("duration", "steps", "cost", "confidence"), default="duration"
    )
    p.add_argument("--home", help="where the person lives: NUTS code (SE331) or region IRI")
    p.add_argument("--situation", choices=("employed", "unemployed", "in-school"))
    p.add_argument(
        "--from-job",
        metavar="JOB",
        help="a job held (role or ESCO occupation); alone: lateral moves from it",
    )
    p.add_argument("--no-online", action="store_true", help="online study is not acceptable")
    p.add_argument(
        "--no-cross-border", action="store_true", help="moving across a border is not acceptable"
    )
    p.add_argument(
        "--offer-status",
        action="append",
        default=[],
        choices=("running", "planned", "ended", "unknown"),
        help="offer statuses to use (repeatable; default running and planned)",
    )
    p.add_argument(
        "--audience",
        action="append",
        default=[],
        choices=("anyone", "adults", "youth", "unemployed", "employees", "vocational-teachers"),
        help="audiences to use besides anyone and the situation's (repeatable)",
    )
    p.add_argument(
        "--country", action="append", default=[], help="country code, e.g. SE (repeatable)"
    )
    p.add_argument(
        "--region", action="append", default=[], help="NUTS code, e.g. SE331 (repeatable)"
    )
    p.add_argument(
        "--language", action="append", default=[], help="teaching language, e.g. sv (repeatable)"
    )
    p.add_argument("--mode", action="append", default=[], choices=("on-site", "online", "blended"))
    p.add_argument("--max-weeks", type=float, help="longest total duration in weeks")
    p.add_argument("--free-only", action="store_true", help="only free or publicly funded courses")
    p.add_argument(
        "--holds",
        action="append",
        default=[],
        metavar="ID",
        help="a further qualification or skill held",
    )
    p.add_argument("--experience", type=float, help="years of experience (default: the profile's)")
    p.add_argument(
        "--lang", choices=("en", "sv", "fi", "nb"), default="en", help="language of the labels"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    try:
        overrides: dict[str, Any] = {}
        env: dict[str, str] | None = None
        if getattr(args, "store", None):  # a folder, or sparql+http://... for a remote server
            env = {**os.environ, "BATTKG_STORE": args.store}
        kg = KnowledgeGraph(Settings.from_env(env, **overrides))
        return _COMMANDS[args.command](args, kg)
    except BattkgError as exc:
        print(f"battkg {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
