"""``sco-kg serve``: a read-only SPARQL 1.1 Protocol endpoint with a Service Description, the
named catalogue as a JSON API, a VoID description, and an offline page to use them.

Safe by default, and decided on structure: requests are parsed by waitress (a well-kept HTTP
server with a real listen backlog, body and header caps, and slow-client timeouts); queries are
inspected as SPARQL algebra (``query.guard``) and refused when they are updates or would fetch a
URL; the dataset of a query is chosen among graphs already in the store; and every query runs in
a worker process that is killed when it passes the time limit (``publish.pool``). Nothing a
request carries is written into a description: those come from configuration.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from ..core.errors import QueryError, RefusedQuery, ScoKgError
from ..core.paths import QUERY_PAGE_FILE
from ..query.guard import GraphSelection, check_shape, inspect
from ..query.registry import catalogue, get_query
from .pool import Answer, WorkerPool

MAX_BODY = 100_000
MAX_ANSWER_BYTES = 64 * 1024 * 1024
SD = "http://www.w3.org/ns/sparql-service-description#"

# (media type, format key) for SELECT/ASK answers and for graphs; the first is the default.
RESULT_TYPES = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
GRAPH_TYPES = [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "json-ld"), ("application/xml", "rdfxml"), ("text/plain", "nt"),
]
_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
          "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
          "nt": "application/n-triples", "rdfxml": "application/rdf+xml", "json-ld": "application/ld+json"}
# A ``format`` (or ``output``) parameter names a format loosely; clients such as SPARQLWrapper
# send ``xml`` or ``json`` whatever the query form, so each name has a meaning for graphs too.
_FORMAT_NAMES = {
    False: {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "srj": "json", "srx": "xml"},
    True: {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
           "xml": "rdfxml", "rdfxml": "rdfxml", "rdf": "rdfxml", "json": "json-ld", "json-ld": "json-ld",
           "jsonld": "json-ld"},
}
_FORMAT_PARAMS = ("format", "output", "results")
# The editor's script and style, vendored in the package (publish/static), by path.
_STATIC = {"/static/yasgui.min.js": "application/javascript", "/static/yasgui.min.css": "text/css",
           "/static/chart.js": "application/javascript"}
_RDFLIB_GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "rdfxml": "xml", "json-ld": "json-ld"}
_SECURITY_HEADERS = [("X-Content-Type-Options", "nosniff"),
                     ("Content-Security-Policy",
                      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'")]
_CORS = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
         ("Access-Control-Allow-Headers", "Accept, Content-Type"), ("Access-Control-Max-Age", "86400")]


class Refused(ScoKgError):
    """A request the endpoint will not serve, with its HTTP status."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        self.status = status
        super().__init__(message)


def negotiate(accept: str, graph: bool, explicit: tuple[str, ...] | str = ()) -> str:
    """The format key for an Accept header, or for explicit ``format`` parameters (the first
    one offered wins).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", graph=False)
    'xml'
    >>> negotiate("application/sparql-results+xml", graph=True, explicit="xml")
    'rdfxml'
    """
    choices = GRAPH_TYPES if graph else RESULT_TYPES
    names = (explicit,) if isinstance(explicit, str) else explicit
    for name in names:
        key = _FORMAT_NAMES[graph].get(name.lower()) or next((k for m, k in choices if m == name.lower()), None)
        if key is not None:
            return key
    if names:
        allowed = ", ".join(sorted(_FORMAT_NAMES[graph]))
        raise Refused(HTTPStatus.NOT_ACCEPTABLE, f"format '{names[0][:40]}' is not offered; choose one of {allowed}")
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.strip().lower()))
    for _, _, media in sorted(ranked):
        for offered, key in choices:
            if media in (offered, "*/*", offered.split("/")[0] + "/*"):
                return key
    return choices[0][1]


# --- what a worker does -------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkerConfig:
    """What each worker loads: the built dataset, with the engine and (for pyoxigraph) a shared
    read-only store on disk."""

    dataset: Path
    engine: str
    store_dir: Path | None
    max_answer_bytes: int = MAX_ANSWER_BYTES


@dataclass(frozen=True)
class Job:
    """One query for a worker: raw SPARQL (``text``) or a catalogue query (``name``, ``params``)."""

    accept: str
    fmt: tuple[str, ...]
    base_iri: str
    text: str | None = None
    dataset: GraphSelection | None = None
    name: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    entity: str | None = None
    prepare_only: bool = False


def open_worker(config: WorkerConfig) -> Any:
    """Load the graph in a worker (called once per worker process)."""
    from ..api import KnowledgeGraph
    from ..query.store import OxigraphEngine, open_engine

    if config.engine == "oxigraph" and config.store_dir is not None:
        return KnowledgeGraph(OxigraphEngine.on_disk(config.store_dir)), config
    return KnowledgeGraph(open_engine(config.dataset, config.engine)), config


def answer_job(state: Any, job: Job) -> Answer:
    """Run one job in a worker: inspect, choose the dataset, run, write the negotiated format."""
    kg, config = state
    try:
        if job.name is not None and job.prepare_only:
            text = kg.prepare(job.name, dict(job.params))
            check_shape(text)
            return Answer(200, "application/sparql-query", text.encode("utf-8"))
        if job.name is not None:
            return _named(kg, config, job)
        if job.entity is not None:
            return _entity(kg, job)
        inspected = inspect(job.text or "", job.base_iri)
        key = negotiate(job.accept, inspected.is_graph, job.fmt)
        dataset = job.dataset if job.dataset is not None else inspected.dataset
        out = _CappedBuffer(config.max_answer_bytes)
        if hasattr(kg.engine, "write_answer"):
            kg.engine.write_answer(job.text, key, out, dataset, job.base_iri)
        else:
            result = kg.engine.run(job.text, None, dataset, job.base_iri)
            out.write(_render(result, key))
        return Answer(200, _MEDIA[key], out.value())
    except Refused as exc:
        return _plain(exc.status, str(exc))
    except RefusedQuery as exc:
        return _plain(HTTPStatus.FORBIDDEN, str(exc))
    except ScoKgError as exc:
        return _plain(HTTPStatus.BAD_REQUEST, str(exc))
    except _AnswerTooLarge:
        return _plain(HTTPStatus.BAD_REQUEST, f"the answer is over {config.max_answer_bytes:,} bytes; add a LIMIT")


def _named(kg: Any, config: WorkerConfig, job: Job) -> Answer:
    """A catalogue query, written by pyoxigraph's own serialisers where the engine has them (a
    CONSTRUCT through rdflib terms and an rdflib Graph was fifty times slower)."""
    text = kg.prepare(job.name, dict(job.params))
    check_shape(text)
    key = negotiate(job.accept, _GRAPH_FORM.search(get_query(job.name or "").text) is not None, job.fmt)
    out = _CappedBuffer(config.max_answer_bytes)
    if hasattr(kg.engine, "write_answer"):
        kg.engine.write_answer(text, key, out)
    else:
        out.write(_render(kg.engine.run(text), key))
    return Answer(200, _MEDIA[key], out.value())


# A catalogue query's form, from its own file (trusted text): CONSTRUCT and DESCRIBE answer graphs.
_GRAPH_FORM = re.compile(r"^\s*(?:CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


def _entity(kg: Any, job: Job) -> Answer:
    """An entity IRI: its page or its description in RDF, whichever the client asked for."""
    from .pages import MEDIA, describe, entity_format

    key = entity_format(job.accept, job.fmt)
    body = describe(kg, job.entity or "", key)
    if body is None:
        return _plain(HTTPStatus.NOT_FOUND, f"the graph says nothing about {(job.entity or '')[:120]}")
    return Answer(200, MEDIA[key], body)


def _render(result: Any, key: str) -> bytes:
    if result.graph is not None:
        return result.graph.serialize(format=_RDFLIB_GRAPH_FORMATS[key]).encode("utf-8")
    return result.serialize(key).encode("utf-8")


class _AnswerTooLarge(Exception):
    """Raised by the answer buffer once an answer passes the size cap."""


class _CappedBuffer:
    """A binary sink that refuses to grow past its cap, so an answer's size is bounded while it
    is being written rather than after."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _AnswerTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def value(self) -> bytes:
        return b"".join(self.parts)


def _plain(status: int, message: str) -> Answer:
    return Answer(int(status), "text/plain", (message.splitlines()[0][:500] + "\n").encode("utf-8"))


# --- descriptions, from configuration only --------------------------------------------------------

def _iri(text: str) -> str:
    """``text`` as a Turtle IRI reference; refuses what could break out of the brackets."""
    if any(c in text for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in text):
        raise ScoKgError(f"'{text[:80]}' is not an IRI that can be written into a description")
    return f"<{text}>"


def describe(base: str, manifest: dict[str, Any]) -> str:
    """The SPARQL 1.1 Service Description and VoID description of this endpoint, in Turtle,
    from the configured base URL and the build's manifest (never from a request)."""
    endpoint = _iri(f"{base}/sparql")
    dataset = _iri(f"{base}/void#dataset")
    graphs = manifest.get("graphs", {})
    named = "".join(
        f"""    sd:namedGraph [ a sd:NamedGraph ; sd:name {_iri(name)} ;
        sd:graph [ a sd:Graph, void:Dataset ; void:triples {int(count)} ] ] ;\n"""
        for name, count in sorted(graphs.items()))
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in (
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
        "Turtle", "N-Triples", "RDF_XML", "JSON-LD"))
    return f"""@prefix sd: <{SD}> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

{endpoint} a sd:Service ;
    sd:endpoint {endpoint} ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat {formats} ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;
    sd:defaultDataset {dataset} .

{dataset} a sd:Dataset, void:Dataset ;
    dcterms:title "sco-kg: the Shanghai Cooperation Organisation knowledge graph" ;
    void:sparqlEndpoint {endpoint} ;
    void:uriSpace "https://w3id.org/sco-kg/id/" ;
    void:vocabulary <https://w3id.org/sco-kg/ontology#>, <http://www.w3.org/ns/org#>, <http://www.w3.org/2006/time#>,
        <http://www.w3.org/ns/prov#>, <http://www.w3.org/2004/02/skos/core#>, <http://schema.org/> ;
    void:triples {int(manifest.get("triples", 0))} ;
{named}    sd:defaultGraph [ a sd:Graph ; void:triples {int(manifest.get("triples", 0))} ] .
"""


# --- the HTTP application -------------------------------------------------------------------------

@dataclass
class Endpoint:
    """The WSGI application: routes, the Protocol's parameter rules, and the worker pool."""

    pool: WorkerPool
    base: str
    description: str
    dataset: Path
    max_body: int = MAX_BODY
    _built: tuple[int, int] = field(default=(0, 0), init=False)
    _checked: float = field(default=0.0, init=False)
    stale: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._built = _stamp(self.dataset)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            self._notice_new_build()
            status, media, body, extra = self._route(method, environ)
        except Refused as exc:
            status, media, body, extra = int(exc.status), "text/plain", _line(str(exc)), []
        except RefusedQuery as exc:
            status, media, body, extra = 403, "text/plain", _line(str(exc)), []
        except ScoKgError as exc:
            status, media, body, extra = 400, "text/plain", _line(str(exc)), []
        except Exception as exc:  # one line for the client and the log, never a traceback
            print(f"sco-kg serve: {method} {environ.get('PATH_INFO', '')[:80]}: {type(exc).__name__}: {exc}",
                  file=sys.stderr, flush=True)
            status, media, body, extra = 500, "text/plain", b"the server could not answer this request\n", []
        headers = [("Content-Type", _content_type(media)), ("Content-Length", str(len(body))),
                   ("Vary", "Accept"), *_SECURITY_HEADERS, *_CORS, *extra]
        if self.stale:
            headers.append(("X-SCO-KG-Build", "stale: a newer build exists; restart serve to answer from it"))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [] if method == "HEAD" else [body]

    def _notice_new_build(self) -> None:
        """Say so, once, when the build folder holds a newer graph than the one being served."""
        now = time.monotonic()
        if self.stale or now - self._checked < 1.0:
            return
        self._checked = now
        if _stamp(self.dataset) != self._built:
            self.stale = True
            print(f"a new build is in {self.dataset.parent}/; this server still answers from the one it "
                  "started with: restart it to serve the new one", file=sys.stderr, flush=True)

    def _route(self, method: str, environ: dict[str, Any]) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        path = environ.get("PATH_INFO", "/").rstrip("/") or "/"
        if method == "OPTIONS":
            return 204, "text/plain", b"", [("Allow", "GET, HEAD, POST, OPTIONS")]
        if method not in ("GET", "HEAD", "POST"):
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"{method[:20]} is not allowed: this endpoint is read-only")
        if path != "/sparql" and method == "POST":
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"POST is only taken at /sparql, not {path[:80]}")
        url_params = _params(environ.get("QUERY_STRING", ""), "the URL's query string")
        if path == "/":
            return 200, "text/html", QUERY_PAGE_FILE.read_bytes(), []
        if path == "/editor":
            return 200, "text/html", (QUERY_PAGE_FILE.parent / "editor.html").read_bytes(), []
        if path in _STATIC:
            return 200, _STATIC[path], (QUERY_PAGE_FILE.parent / "static" / path.rsplit("/", 1)[1]).read_bytes(), \
                [("Cache-Control", "max-age=86400")]
        if path == "/sparql":
            return self._sparql(method, environ, url_params)
        if path == "/api/queries":
            return 200, "application/json", json.dumps(catalogue_json(), indent=1).encode("utf-8"), []
        if path.startswith("/api/queries/"):
            return self._named(environ, path, url_params)
        if path.startswith("/id/") or path == "/ontology":
            return self._entity(environ, path, url_params)
        if path in ("/void", "/.well-known/void"):
            return 200, "text/turtle", self.description.encode("utf-8"), []
        raise Refused(HTTPStatus.NOT_FOUND, f"nothing at {path[:80]}; try /, /sparql, /api/queries, /id/... or /void")

    def _sparql(self, method: str, environ: dict[str, Any],
                params: list[tuple[str, str]]) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        media, _, options = (environ.get("CONTENT_TYPE") or "").partition(";")
        media = media.strip().lower()
        if method == "POST":
            charset = next((v.strip().strip('"').lower() for k, _, v in (o.partition("=") for o in options.split(";"))
                            if k.strip().lower() == "charset"), "utf-8")
            if charset not in ("utf-8", "utf8"):
                raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"charset '{charset[:20]}' is not accepted; send UTF-8")
            body = self._body(environ)
            if media == "application/x-www-form-urlencoded":
                params = params + _params(_utf8(body, "the form body"), "the form body")
            elif media == "application/sparql-query":
                params = params + [("query", _utf8(body, "the query body"))]
            elif media == "application/sparql-update":
                raise RefusedQuery("updates are not allowed: this endpoint is read-only")
            elif not media:
                raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "a POST needs a Content-Type: "
                              "application/x-www-form-urlencoded or application/sparql-query")
            else:
                raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type '{media[:60]}'; use "
                              "application/x-www-form-urlencoded or application/sparql-query")
        if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
            raise RefusedQuery("updates are not allowed: this endpoint is read-only")
        queries = [value for name, value in params if name == "query"]
        if len(queries) > 1:
            raise Refused(HTTPStatus.BAD_REQUEST, "the request has more than one 'query' parameter; send exactly one")
        if not queries:
            if method == "POST":
                raise Refused(HTTPStatus.BAD_REQUEST, "no query: send a 'query' parameter or a sparql-query body")
            key = negotiate(environ.get("HTTP_ACCEPT", ""), True, _formats(params))
            return 200, _MEDIA[key], _graph_text(self.description, key), []
        job = Job(accept=environ.get("HTTP_ACCEPT", ""), fmt=_formats(params),
                  base_iri=f"{self.base}/sparql", text=queries[0], dataset=_protocol_dataset(params))
        return self._ask(job)

    def _named(self, environ: dict[str, Any], path: str,
               params: list[tuple[str, str]]) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        """``/api/queries/NAME`` runs a catalogue query; ``/api/queries/NAME/sparql`` gives its
        SPARQL with the parameters bound, to edit and run as it is (in the editor, say)."""
        parts = path.removeprefix("/api/queries/").split("/")
        if len(parts) > 2 or len(parts) == 2 and parts[1] != "sparql":
            raise Refused(HTTPStatus.NOT_FOUND, f"nothing at {path[:80]}; try /api/queries/NAME or /api/queries/NAME/sparql")
        name = urllib.parse.unquote(parts[0])
        try:
            query = get_query(name)
        except QueryError as exc:
            raise Refused(HTTPStatus.NOT_FOUND, str(exc)) from None
        if query.service:
            raise RefusedQuery(f"'{name}' asks {query.service} through SERVICE; this endpoint never fetches a URL "
                               "for a caller: run it with 'sco-kg query' instead")
        fmt = _formats(params)
        values = tuple((k, v) for k, v in params if k not in _FORMAT_PARAMS)
        if len({k for k, _ in values}) != len(values):
            raise Refused(HTTPStatus.BAD_REQUEST, "a parameter is given twice; give each once")
        return self._ask(Job(accept=environ.get("HTTP_ACCEPT", ""), fmt=fmt, base_iri=f"{self.base}/sparql",
                             name=name, params=values, prepare_only=len(parts) == 2))

    def _entity(self, environ: dict[str, Any], path: str,
                params: list[tuple[str, str]]) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        """The graph's own IRIs (``https://w3id.org/sco-kg`` + path) answered here directly."""
        from .pages import IRI_BASE

        iri = IRI_BASE + urllib.parse.quote(urllib.parse.unquote(path), safe="/-._~")
        _check_iri(iri)
        return self._ask(Job(accept=environ.get("HTTP_ACCEPT", ""), fmt=_formats(params),
                             base_iri=f"{self.base}/sparql", entity=iri))

    def _ask(self, job: Job) -> tuple[int, str, bytes, list[tuple[str, str]]]:
        answer = self.pool.run(job)
        return answer.status, answer.media, answer.body, list(answer.headers)

    def _body(self, environ: dict[str, Any]) -> bytes:
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit():
            raise Refused(HTTPStatus.BAD_REQUEST, "Content-Length must be a number of bytes")
        if int(length) > self.max_body:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {self.max_body} bytes")
        return environ["wsgi.input"].read(int(length))


def catalogue_json() -> list[dict[str, Any]]:
    """The catalogue as the page and other clients read it."""
    return [
        {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
         "params": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                     "description": p.description, "choices": p.choices()} for p in q.params],
         "query": q.text, "federated": bool(q.service)}
        for q in sorted(catalogue().values(), key=lambda q: q.name)
    ]


def _params(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                                      encoding="utf-8", errors="strict", max_num_fields=200)
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, f"{where} is not UTF-8 after percent-decoding") from None
    except ValueError as exc:
        raise Refused(HTTPStatus.BAD_REQUEST, f"{where}: {exc}") from None


def _utf8(body: bytes, where: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, f"{where} is not UTF-8") from None


def _formats(params: list[tuple[str, str]]) -> tuple[str, ...]:
    """Every format a request names: clients spell it several ways at once (SPARQLWrapper sends
    ``format``, ``output`` and ``results``, as a media type and as a name); the first the
    endpoint offers is used."""
    return tuple(v for k, v in params if k in _FORMAT_PARAMS)


def _protocol_dataset(params: list[tuple[str, str]]) -> GraphSelection | None:
    """The Protocol's ``default-graph-uri``/``named-graph-uri``: when either is given, together
    they replace the dataset the query names."""
    default = tuple(v for k, v in params if k == "default-graph-uri")
    named = tuple(v for k, v in params if k == "named-graph-uri")
    for iri in default + named:
        _check_iri(iri)
    if not default and not named:
        return None
    return GraphSelection(default, named)


def _check_iri(text: str) -> None:
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, f"'{text[:80]}' is not an absolute IRI") from None


def _graph_text(turtle: str, key: str) -> bytes:
    if key == "turtle":
        return turtle.encode("utf-8")
    from rdflib import Graph

    return Graph().parse(data=turtle, format="turtle").serialize(format=_RDFLIB_GRAPH_FORMATS[key]).encode("utf-8")


def _line(message: str) -> bytes:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    return (first[:500] + "\n").encode("utf-8")


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else media


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


# --- the server -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServeOptions:
    """Limits and sizes of a server."""

    timeout: float = 10.0
    workers: int = 2
    threads: int = 8
    max_body: int = MAX_BODY
    max_answer_bytes: int = MAX_ANSWER_BYTES
    backlog: int = 1024
    base_url: str | None = None


class Server:
    """The endpoint on waitress: ``serve_forever`` in one thread, ``shutdown`` from another."""

    def __init__(self, dataset: Path, engine: str, host: str, port: int, options: ServeOptions) -> None:
        from waitress.server import create_server

        # A full queue is the backlog doing its job under load, not news for the console.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        if not dataset.exists():
            raise ScoKgError(f"{dataset}: no built graph there; run 'sco-kg build' first")
        manifest_file = dataset.parent / "manifest.json"
        manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
        self._store_dir: Path | None = None
        if engine == "oxigraph":
            from ..query.store import load_on_disk

            self._store_dir = Path(tempfile.mkdtemp(prefix="sco-kg-serve-"))
            load_on_disk(dataset, self._store_dir)
        self.pool = WorkerPool(open_worker, answer_job,
                               WorkerConfig(dataset, engine, self._store_dir, options.max_answer_bytes),
                               size=options.workers, timeout=options.timeout)
        try:
            self.pool.start()
            self._front = _Deferred()
            self._server = create_server(
                self._front, host=host, port=port, threads=options.threads, backlog=options.backlog,
                max_request_body_size=options.max_body, max_request_header_size=64 * 1024,
                channel_timeout=30, connection_limit=512, expose_tracebacks=False, ident="sco-kg",
                clear_untrusted_proxy_headers=True)
        except OSError as exc:
            self.server_close()
            raise ScoKgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        except BaseException:
            self.server_close()
            raise
        self.server_address = (host, self._server.effective_port)
        base = (options.base_url or f"http://{_host_for_url(host)}:{self._server.effective_port}").rstrip("/")
        self.app = Endpoint(self.pool, base, describe(base, manifest), dataset, options.max_body)
        self._front.app = self.app
        self._stop = threading.Event()
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        from waitress import wasyncore

        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=0.2, map=self._server._map, count=1)
        finally:
            self._server.close()
            self._server.task_dispatcher.shutdown()
            self._stopped.set()

    def shutdown(self) -> None:
        self._stop.set()
        self._stopped.wait(10)

    def server_close(self) -> None:
        self.pool.close()
        if self._store_dir is not None:
            shutil.rmtree(self._store_dir, ignore_errors=True)
            self._store_dir = None


class _Deferred:
    """The WSGI callable waitress is created with (the port it binds is known only then),
    pointing at the endpoint once that exists."""

    def __init__(self) -> None:
        self.app: Endpoint | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"the endpoint is starting\n"]
        return self.app(environ, start_response)


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def make_server(dataset: Path, engine: str = "oxigraph", host: str = "127.0.0.1", port: int = 8000,
                options: ServeOptions | None = None) -> Server:
    """A server for the built ``dataset`` (not yet serving; call ``serve_forever``)."""
    options = options or ServeOptions(workers=max(1, min(4, os.cpu_count() or 1)))
    return Server(Path(dataset), engine, host, port, options)


__all__ = ["Endpoint", "Job", "Refused", "ServeOptions", "Server", "answer_job", "describe", "make_server", "negotiate"]
