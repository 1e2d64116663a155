"""The ``sco-kg`` command: one verb per pipeline stage, each a thin wrapper over the API.

A user's mistake ends in one line on stderr and exit status 1 (2 for bad usage); never a
traceback. Heavy modules are imported inside the verbs that need them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .core.errors import ScoKgError
from .core.version import __version__

FORMATS = ("table", "markdown", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "jsonld")


class UsageError(ScoKgError):
    """A request the command line cannot serve as given (a format that does not fit the answer,
    a day that is not a day): exit status 2, as argparse uses for bad usage."""


def _day(text: str | None, option: str = "--date") -> str | None:
    """The text of a YYYY-MM-DD day, checked before any work starts, so that a typo never
    quietly answers for some other day."""
    import datetime as dt

    if text is None:
        return None
    try:
        dt.date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        from .core.errors import excerpt

        raise UsageError(f"{option} {excerpt(text)} is not a day like 2025-08-30") from None
    return text


def _params(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ScoKgError(f"--param '{pair}' must look like key=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _ensure_build() -> Path:
    """The default build's TriG file, built first if missing, with one line on stderr saying so
    and where: a question should not leave a new folder behind unannounced."""
    from .core.paths import built_dataset

    dataset = built_dataset()
    if not dataset.exists():
        print(f"sco-kg: no build in {dataset.parent.resolve()}/; building it there now "
              "(set SCO_KG_BUILD_DIR or give --graph to use another)", file=sys.stderr, flush=True)
        from .build.graph import build

        build(out_dir=dataset.parent)
    return dataset


def _open(args: argparse.Namespace):  # noqa: ANN202 - the API type is imported lazily
    from .api import KnowledgeGraph

    if args.graph is None and args.endpoint is None:
        _ensure_build()
    return KnowledgeGraph.open(args.graph, engine=args.engine, endpoint=args.endpoint)


def _emit(result, args: argparse.Namespace) -> None:  # noqa: ANN001 - Result is imported lazily
    """Write an answer in the asked format, or refuse a format that does not fit its kind."""
    fmt = args.format
    if result.graph is not None:
        if fmt not in GRAPH_FORMATS + ("table", "json"):
            raise UsageError(f"--format {fmt} is for SELECT and ASK answers; a graph answers as turtle or jsonld")
        sys.stdout.write(result.serialize("json" if fmt in ("json", "jsonld") else "turtle"))
    elif fmt in GRAPH_FORMATS:
        kind = "an ASK" if result.boolean is not None else "a SELECT"
        raise UsageError(f"--format {fmt} is for CONSTRUCT and DESCRIBE graphs; {kind} answers as "
                         f"{', '.join(FORMATS)}")
    elif fmt == "table":
        sys.stdout.write(result.table(width=args.width, sources=args.sources))
    else:
        sys.stdout.write(result.serialize(fmt))


def _days_line(query, values: dict[str, str]) -> str | None:  # noqa: ANN001 - NamedQuery is lazy
    """One line naming the day(s) an answer is for, when the query takes a date: with the
    default 'today' a reader would otherwise not know which day the table describes."""
    import datetime as dt

    parts = []
    for param in query.params:
        if param.type != "date":
            continue
        value = values.get(param.name, param.default)
        if value is None:
            continue
        text = str(value)
        if text == "today":
            text = f"{dt.date.today().isoformat()} (today, the default; -p {param.name}=YYYY-MM-DD asks another day)"
        parts.append(f"{param.name} {text}")
    return "answer for " + "; ".join(parts) if parts else None


def _unreachable(exc: OSError, endpoint: str) -> ScoKgError:
    """The error of a federated query whose Wikidata endpoint did not answer."""
    reason = getattr(exc, "reason", None) or exc
    return ScoKgError(f"cannot reach the Wikidata endpoint {endpoint} ({reason}); point federated queries at "
                      "another with --wikidata-endpoint URL or $SCO_KG_WIKIDATA_ENDPOINT")


def _malformed(exc: ScoKgError, text: str) -> ScoKgError:
    """A parser's message made into one short line: an undeclared prefix is named, and a
    grammar dump is cut, since neither engine's full message helps a user."""
    import re

    message = str(exc)
    if not message.startswith("malformed SPARQL"):
        return exc
    unknown = re.search(r"Unknown namespace prefix : ([\w.-]*)", message)
    name = (unknown.group(1).replace("None", "") if unknown else None)
    where = re.search(r"error at (\d+):(\d+)", message)
    near = ""
    if where:
        lines = text.splitlines()
        row, col = int(where.group(1)), int(where.group(2))
        before = lines[row - 1][:col - 1] if 0 < row <= len(lines) else ""
        if name is None and "Prefix not found" in message:
            found = re.search(r"([A-Za-z][\w.-]*)?:\S*$", before)
            name = (found.group(1) or "") if found else None
        near = f" after '{before.strip()[-30:]}'" if before.strip() else ""
    if name is not None:
        return ScoKgError(f"malformed SPARQL: unknown prefix '{name}:'; declare it with PREFIX {name}: <...>")
    message = " ".join(message.split())
    if len(message) > 160:
        message = message[:150].rstrip() + "…"
    if near and where:
        message = message.replace(where.group(0), where.group(0) + near, 1)
    return ScoKgError(message)


def cmd_build(args: argparse.Namespace) -> int:
    from .build.graph import build
    from .core.paths import enrichment_dir

    result = build(args.sources or None, Path(args.out) if args.out else None, validate=not args.no_validate,
                   allow_shrink=args.allow_shrink)
    m = result.manifest
    print(f"built {m['triples']} triples in {len(m['graphs'])} named graphs -> {result.out_dir}/")
    if not args.sources and enrichment_dir().is_dir():
        print(f"including the generated sources in {enrichment_dir()}/ (delete them to build without)")
    _print_summary(m["classes"])
    return 0


def _print_summary(classes: dict[str, int]) -> None:
    wanted = [
        ("states", "https://w3id.org/sco-kg/ontology#State"),
        ("status memberships", "https://w3id.org/sco-kg/ontology#StatusMembership"),
        ("office tenures", "https://w3id.org/sco-kg/ontology#Tenure"),
        ("chairmanships", "https://w3id.org/sco-kg/ontology#Chairmanship"),
        ("Shanghai Five meetings", "https://w3id.org/sco-kg/ontology#ShanghaiFiveMeeting"),
        ("SCO summits", "https://w3id.org/sco-kg/ontology#HeadsOfStateSummit"),
        ("heads of government meetings", "https://w3id.org/sco-kg/ontology#HeadsOfGovernmentMeeting"),
        ("foreign ministers meetings", "https://w3id.org/sco-kg/ontology#ForeignMinistersMeeting"),
        ("delegations", "https://w3id.org/sco-kg/ontology#Delegation"),
        ("joint exercises", "https://w3id.org/sco-kg/ontology#Exercise"),
        ("applications", "https://w3id.org/sco-kg/ontology#Application"),
        ("persons", "http://schema.org/Person"),
        ("cities", "http://schema.org/City"),
        ("sources", "http://purl.org/dc/terms/BibliographicResource"),
    ]
    decisions = sum(n for c, n in classes.items() if c.endswith(("Decision", "MemorandumSigning")))
    documents = sum(n for c, n in classes.items() if c.rsplit("#", 1)[-1] in
                    ("Charter", "Declaration", "Treaty", "Convention", "Agreement", "Statement", "Strategy", "Regulation", "Memorandum"))
    parts = [f"{classes.get(iri, 0)} {name}" for name, iri in wanted]
    parts += [f"{decisions} decisions", f"{documents} documents"]
    print("holds: " + ", ".join(parts))


def cmd_validate(args: argparse.Namespace) -> int:
    from .build.validate import mirror_only_facts, validate_dataset, validate_file

    if args.file:
        path = Path(args.file)
        if not path.exists():
            raise ScoKgError(f"{path}: no such file")
        violations = validate_file(path)
    else:
        from .build.graph import build_dataset
        from .build.load import load_sources

        ds = build_dataset(load_sources(args.sources or None))
        violations = validate_dataset(ds)
        weak = mirror_only_facts(ds)
        for line in weak:
            print(f"warning: {line}")
        if weak:
            print(f"{len(weak)} fact(s) rest only on mirrors: each needs a publisher's own page", file=sys.stderr)
    for line in violations:
        print(line)
    if violations:
        print(f"{len(violations)} violation(s)", file=sys.stderr)
        return 1
    print("valid: all SHACL shapes and integrity checks pass")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from .query.registry import catalogue

    if args.list or not args.name:
        for q in sorted(catalogue().values(), key=lambda q: q.name):
            params = ", ".join(
                f"{p.name}:{p.type}" + (f"={p.default}" if p.default is not None else "") + ("!" if p.required else "")
                for p in q.params
            )
            print(f"{q.name:<24} {q.summary}" + (f"\n{'':<24}   params: {params}" if params else ""))
        return 0
    from .query.registry import get_query

    query = get_query(args.name)
    params = _params(args.param)
    kg = _open(args)
    if args.wikidata_endpoint:
        kg.wikidata_endpoint = args.wikidata_endpoint
    try:
        result = kg.query(args.name, **params)
    except OSError as exc:
        if query.service == "wikidata":
            raise _unreachable(exc, kg.wikidata_endpoint) from None
        raise ScoKgError(f"query '{args.name}' failed: {exc}") from None
    _emit(result, args)
    if args.format in ("table", "markdown"):
        line = _days_line(query, params)
        if line:
            print(("\n" if args.format == "markdown" else "") + line)
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    if args.file:
        path = Path(args.file)
        if not path.exists():
            raise ScoKgError(f"{path}: no such file")
        text = path.read_text(encoding="utf-8")
    elif args.query == "-":
        text = sys.stdin.read()
    elif args.query:
        text = args.query
    else:
        raise ScoKgError("give a query as an argument, '-' for standard input, or --file F")
    kg = _open(args)
    try:
        result = kg.sparql(text)
    except ScoKgError as exc:
        raise _malformed(exc, text) from None
    except OSError as exc:
        raise ScoKgError(f"the query could not fetch what it asked for: {exc}") from None
    _emit(result, args)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .core.paths import built_dataset
    from .query.remote import check_published, publish, query_endpoint_of

    trig = Path(args.graph) if args.graph else built_dataset()
    if not trig.exists():
        raise ScoKgError(f"{trig}: no built graph there; run 'sco-kg build' first")
    sent = publish(trig, args.endpoint, default_graph=args.default_graph)
    print(f"published {sum(n for g, n in sent.items() if g != 'default')} triples in "
          f"{len([g for g in sent if g != 'default'])} named graphs to {args.endpoint}")
    query_url = args.query_endpoint or query_endpoint_of(args.endpoint)
    if query_url is None:
        print("not checked what queries see: give --query-endpoint URL to check it", file=sys.stderr)
        return 0
    check_published(query_url, sent)
    print(f"checked: {query_url} shows the published graph in its default graph")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .core.paths import built_dataset, default_build_dir
    from .publish.export import export

    trig = Path(args.graph) if args.graph else built_dataset()
    default = default_build_dir() / ("csv" if args.format == "csv" else f"sco.{args.format}")
    for path in export(trig, args.format, Path(args.out) if args.out else default):
        print(path)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .publish.diff import diff

    changes = diff(Path(args.old), Path(args.new))
    for change in changes:
        print(change)
    print(f"{len(changes)} change(s)", file=sys.stderr)
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from .core.paths import built_dataset
    from .publish.release import release

    folder = release(Path(args.graph) if args.graph else built_dataset(), Path(args.out_dir),
                     Path(args.previous) if args.previous else None, args.base_url, force=args.force)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"released {folder}/ ({size:,} bytes; check with 'sha256sum -c SHA256SUMS' inside it)")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from .publish.pages import write_site

    out = Path(args.out_dir)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise ScoKgError(f"{out}: the folder is not empty; choose another or pass --force to write over it")
    count = write_site(_open(args), out)
    print(f"wrote {count} entity pages, their data and a searchable index to {out}/ (open {out}/index.html; "
          f"w3id.htaccess holds the redirect rules for w3id.org)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .publish.serve import ServeOptions, make_server

    dataset = Path(args.graph) if args.graph else _ensure_build()
    options = ServeOptions(timeout=args.timeout, workers=args.workers, max_answer_bytes=args.max_answer_mb * 1024 * 1024,
                           base_url=args.base_url)
    server = make_server(dataset, args.engine, args.host, args.port, options)
    host, port = server.server_address[:2]
    print(f"serving http://{host}:{port}/ (SPARQL at /sparql, catalogue at /api/queries) with {args.workers} "
          f"query worker(s); Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from .explore.plots import plot

    print(plot(args.kind, _open(args), Path(args.out), args.dpi))
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    from .explore.analytics import paths

    for number, chain in enumerate(paths(_open(args), args.a, args.b, args.limit), 1):
        print(f"chain {number}:")
        for step in chain:
            print(f"  {step.sentence}")
            for url in step.sources:
                print(f"      source: {url}")
    return 0


def cmd_centrality(args: argparse.Namespace) -> int:
    from rdflib import Literal, URIRef

    from .explore.analytics import centrality
    from .query.results import Result

    _day(args.date)
    rows = [(Literal(label), Literal(degree), Literal(round(between, 4)), URIRef(entity))
            for entity, label, degree, between in centrality(_open(args), args.date, args.top)]
    sys.stdout.write(Result(["label", "links", "betweenness", "entity"], rows).table())  # type: ignore[arg-type]
    print(f"answer for {args.date}" if args.date else "answer over all time (--date YYYY-MM-DD for one day)")
    return 0


def cmd_viz(args: argparse.Namespace) -> int:
    from .explore.views import write_view

    _day(args.date)
    print(write_view(_open(args), args.view, Path(args.out), args.date, args.focus, args.depth))
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    try:
        day = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise ScoKgError(f"--date '{args.date}' is not a day like 2025-08-30") from None
    from .link.textcheck import MAX_TEXT_CHARS, check_text

    limit = MAX_TEXT_CHARS if args.max_chars is None else args.max_chars
    if limit < 1:
        raise ScoKgError(f"--max-chars {limit} is not a positive number of characters")
    # Read one character past the limit, never the whole of a huge file, to tell it is too long.
    try:
        if args.file == "-":
            text = sys.stdin.read(limit + 1)
        else:
            with open(args.file, encoding="utf-8") as f:
                text = f.read(limit + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoKgError(f"{args.file}: cannot read the text ({exc.__class__.__name__}: {exc})") from None
    if len(text) > limit:
        size = f" ({Path(args.file).stat().st_size:,} bytes)" if args.file != "-" and Path(args.file).is_file() else ""
        raise ScoKgError(f"{args.file}: the text{size} is longer than check-text's limit of {limit:,} "
                         "characters; split it into articles or raise --max-chars")
    report = check_text(_open(args), text, day, max_chars=limit)
    print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str) if args.format == "json" else report.table())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .link.wikidata import coverage

    kg = _open(args)
    triples = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    print(f"{triples} triples")
    print(f"{'kind':<14} {'entities':>8} {'Wikidata':>9} {'coverage':>9}")
    for kind, total, linked in coverage(kg):
        print(f"{kind:<14} {total:>8} {linked:>9} {linked / total:>9.0%}")
    return 0


def cmd_wikidata(args: argparse.Namespace) -> int:
    from .core.paths import enrichment_dir, wikidata_cache_dir
    from .link.wikidata import check, diff, enrich, write_enrichment
    from .link.wikidata_client import WikidataClient
    from .query.registry import default_wikidata_endpoint

    endpoint = args.wikidata_endpoint or default_wikidata_endpoint()
    cache = None if args.no_cache else Path(args.cache) if args.cache else wikidata_cache_dir()
    client = WikidataClient(endpoint, cache_dir=cache, timeout=args.timeout, refresh=args.refresh)
    kg = _open(args)
    if args.action == "enrich":
        out = write_enrichment(enrich(kg, client), Path(args.out) if args.out else enrichment_dir() / "wikidata.yaml")
        print(f"wrote {out}; the next 'sco-kg build' loads it as the named graph '{out.stem}'")
        return 0
    if args.action == "check":
        findings = check(kg, client)
    else:
        report = diff(kg, client)
        findings = report.findings
        if args.quickstatements:
            Path(args.quickstatements).write_text("\n".join(report.quickstatements) + "\n", encoding="utf-8")
    for finding in findings:
        print(finding.line())
    errors = sum(f.error for f in findings)
    print(f"{errors} problem(s), {len(findings) - errors} note(s) against {endpoint} ({client.requests} request(s) sent)")
    if args.action == "diff":
        print("\nQuickStatements (v1, tab-separated):" if report.quickstatements else "\nno QuickStatements needed")
        for line in report.quickstatements:
            print(line)
        if report.ignored:
            print(f"({report.ignored} deprecated statement(s) ignored)")
    return 1 if errors else 0


def cmd_completion(args: argparse.Namespace) -> int:
    """Print a static completion script (shtab writes it from the parser, so completing costs
    the shell nothing at run time); the catalogue's query names are written into it."""
    import shtab

    from .query.registry import catalogue

    sys.stdout.write(shtab.complete(parser(query_names=sorted(catalogue())), shell=args.shell))
    return 0


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of columns") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is not 0 (no limit) or a number of columns")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 3600 seconds")
    return value


def _graph_option(sp: argparse.ArgumentParser, embedded_only: bool = True) -> None:
    """The ``--graph`` option; commands that only read the embedded default store also get its
    engine and no endpoint."""
    sp.add_argument("--graph", help="built TriG file (default: the build folder's sco.trig)")
    if embedded_only:
        sp.set_defaults(endpoint=None, engine="oxigraph")


def parser(query_names: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, one sub-command per pipeline stage; ``query_names`` (for completion
    scripts) become the choices of ``query NAME``."""
    p = argparse.ArgumentParser(prog="sco-kg", description="The SCO knowledge graph: build, validate and question it.")
    p.add_argument("--version", action="version", version=f"sco-kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the graph from the curated sources (validates first)")
    b.add_argument("--sources", nargs="*", help="source files or folders (default: the package's sources)")
    b.add_argument("--out", help="output folder (default: ./build or $SCO_KG_BUILD_DIR)")
    b.add_argument("--no-validate", action="store_true", help="skip SHACL and integrity checks")
    b.add_argument("--allow-shrink", action="store_true",
                   help="build even if a source file lost more than half of a section's records since the last build")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="run the SHACL shapes and integrity checks")
    v.add_argument("--sources", nargs="*", help="validate a build of these sources")
    v.add_argument("--file", help="validate this TriG/Turtle/N-Quads file instead")
    v.set_defaults(func=cmd_validate)

    def engine_options(sp: argparse.ArgumentParser) -> None:
        _graph_option(sp, embedded_only=False)
        sp.add_argument("--engine", default="oxigraph", choices=("oxigraph", "rdflib"), help="embedded engine")
        sp.add_argument("--endpoint", metavar="URL", help="ask a remote SPARQL 1.1 query endpoint instead")
        sp.add_argument("--format", default="table", choices=FORMATS + GRAPH_FORMATS,
                        help="output format: a table (fits the terminal), markdown, csv, tsv or json for SELECT and ASK; "
                             "turtle or jsonld for CONSTRUCT and DESCRIBE")
        sp.add_argument("--width", type=_width, metavar="COLUMNS",
                        help="table width (default: the terminal's, or $COLUMNS, or 120 when not a terminal; 0 = no limit)")
        sp.add_argument("--sources", action="store_true",
                        help="table: number each row's sources and list them whole below it (default: a count)")

    q = sub.add_parser("query", help="run a named query from the catalogue")
    q.add_argument("name", nargs="?", help="query name (see --list)", choices=query_names)
    q.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE", help="a parameter; repeatable")
    q.add_argument("--list", action="store_true", help="list the catalogue")
    q.add_argument("--wikidata-endpoint", metavar="URL",
                   help="where federated queries send their Wikidata part (default: the Wikidata Query Service, or $SCO_KG_WIKIDATA_ENDPOINT)")
    engine_options(q)
    q.set_defaults(func=cmd_query)

    st = sub.add_parser("stats", help="what the graph holds and how much of it links to Wikidata")
    _graph_option(st)
    st.set_defaults(func=cmd_stats)

    wd = sub.add_parser("wikidata", help="check links against Wikidata, enrich from it, or diff with it")
    wd.add_argument("action", choices=("check", "enrich", "diff"))
    wd.add_argument("--endpoint", dest="wikidata_endpoint", metavar="URL",
                    help="a Wikidata Query Service endpoint (default: the live service, or $SCO_KG_WIKIDATA_ENDPOINT)")
    wd.add_argument("--cache", metavar="DIR", help="keep answers here (default: the build folder's cache/wikidata)")
    wd.add_argument("--no-cache", action="store_true", help="ask the service every time")
    wd.add_argument("--refresh", action="store_true", help="ask again even when an answer is cached")
    wd.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one answer")
    wd.add_argument("--out", help="enrich: the generated source file (default: the build folder's enrichment/wikidata.yaml)")
    wd.add_argument("--quickstatements", metavar="FILE", help="diff: also write the QuickStatements lines to FILE")
    _graph_option(wd)
    wd.set_defaults(func=cmd_wikidata)

    s = sub.add_parser("sparql", help="run raw SPARQL")
    s.add_argument("query", nargs="?", help="the query text, or '-' to read standard input")
    s.add_argument("--file", help="read the query from a file")
    engine_options(s)
    s.set_defaults(func=cmd_sparql)

    pub = sub.add_parser("publish", help="load the built dataset into a SPARQL Graph Store (PUT per named graph)")
    pub.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store")
    _graph_option(pub, embedded_only=False)
    pub.add_argument("--default-graph", action="store_true", help="also put the union into the default graph")
    pub.add_argument("--query-endpoint", help="the server's SPARQL query URL, asked afterwards whether questions see the "
                                              "data (default: the store URL with /store replaced by /query, or Virtuoso's /sparql-graph-crud by /sparql)")
    pub.set_defaults(func=cmd_publish)

    from .publish.export import FORMATS as EXPORT_FORMATS

    e = sub.add_parser("export", help="write the built graph as RDF, GraphML or CSV tables")
    e.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    e.add_argument("--out", help="output file (a folder for csv); default: in the build folder")
    _graph_option(e, embedded_only=False)
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("diff", help="a fact-level changelog between two builds (TriG files)")
    d.add_argument("old")
    d.add_argument("new")
    d.set_defaults(func=cmd_diff)

    st = sub.add_parser("site", help="the entity pages as a static site: one page per IRI, its data, a searchable index")
    st.add_argument("out_dir", help="folder to write")
    st.add_argument("--graph", help="built TriG file (default: the build folder's sco.trig)")
    st.add_argument("--engine", default="oxigraph", choices=("oxigraph", "rdflib"), help="embedded engine")
    st.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    st.set_defaults(func=cmd_site, endpoint=None)
    rl = sub.add_parser("release", help="a versioned release: dumps, checksums, VoID + DCAT, changelog, licence")
    rl.add_argument("out_dir", metavar="OUT_DIR", help="writes OUT_DIR/sco-kg-<version>/")
    rl.add_argument("--previous", metavar="PREV_RELEASE_DIR", help="the previous release's folder, for the changelog")
    rl.add_argument("--base-url", metavar="URL",
                    help="the public URL OUT_DIR is published at, whose /sparql is the endpoint (default: links relative to the folder)")
    rl.add_argument("--force", action="store_true", help="replace a release folder of this version")
    _graph_option(rl, embedded_only=False)
    rl.set_defaults(func=cmd_release)

    sv = sub.add_parser("serve", help="a read-only SPARQL endpoint and a browser page, offline")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--timeout", type=_seconds, default=10.0, help="seconds a query may run before it is stopped")
    sv.add_argument("--workers", type=_positive, default=2, help="query worker processes (default 2)")
    sv.add_argument("--max-answer-mb", type=_positive, default=64, help="size an answer may reach, in MB")
    sv.add_argument("--base-url", help="the public URL of this server, for its descriptions (default http://HOST:PORT)")
    _graph_option(sv, embedded_only=False)
    sv.add_argument("--engine", default="oxigraph", choices=("oxigraph", "rdflib"), help="embedded engine")
    sv.set_defaults(func=cmd_serve, endpoint=None)

    pl = sub.add_parser("plot", help="draw a timeline or growth plot (PNG, SVG or PDF by --out's extension)")
    pl.add_argument("kind", choices=("timeline", "growth"))
    pl.add_argument("--out", required=True, help="output file, .png, .svg or .pdf")
    pl.add_argument("--dpi", type=int, default=110, help="resolution of a PNG (and of images in a PDF), 30-1200")
    _graph_option(pl)
    pl.set_defaults(func=cmd_plot)

    pa = sub.add_parser("path", help="the shortest chains of relationships between two entities, as sentences")
    pa.add_argument("a", help="ISO alpha-3 code, Wikidata QID or label")
    pa.add_argument("b", help="ISO alpha-3 code, Wikidata QID or label")
    pa.add_argument("--limit", type=int, default=3, help="how many chains at most")
    _graph_option(pa)
    pa.set_defaults(func=cmd_path)

    ce = sub.add_parser("centrality", help="the most connected states in the relationship graph, on a date or over all time")
    ce.add_argument("--date", help="only statuses held on this day (YYYY-MM-DD)")
    ce.add_argument("--top", type=int, default=15)
    _graph_option(ce)
    ce.set_defaults(func=cmd_centrality)

    vz = sub.add_parser("viz", help="an interactive view as one self-contained, offline HTML file")
    vz.add_argument("view", choices=("overview", "ego", "evolution"))
    vz.add_argument("--out", required=True, help="output .html file")
    vz.add_argument("--date", help="colour states by their status on this day (default today)")
    vz.add_argument("--focus", help="ego view: ISO alpha-3 code, Wikidata QID or label")
    vz.add_argument("--depth", type=int, default=1, help="ego view: how many steps around the focus")
    _graph_option(vz)
    vz.set_defaults(func=cmd_viz)

    ct = sub.add_parser("check-text", help="which entities a news text mentions and whether its claims agree with the graph")
    ct.add_argument("file", help="a UTF-8 text file, or - for standard input")
    ct.add_argument("--date", help="judge the claims as of this day (default: a date at the head of the text, its dateline, else today); a claim true then and false today is reported outdated")
    ct.add_argument("--format", choices=("table", "json"), default="table")
    ct.add_argument("--max-chars", type=int,
                    help="refuse a text longer than this many characters (default: about 2 MB of English text)")
    _graph_option(ct)
    ct.set_defaults(func=cmd_check_text)

    co = sub.add_parser("completion", help="print a shell completion script: eval \"$(sco-kg completion bash)\"")
    co.add_argument("shell", choices=("bash", "zsh", "tcsh"))
    co.set_defaults(func=cmd_completion)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sco-kg`` console script."""
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"sco-kg: error: {exc}", file=sys.stderr)
        return 2
    except ScoKgError as exc:
        print(f"sco-kg: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
