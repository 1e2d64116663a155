"""``sco-kg serve``: a read-only SPARQL 1.1 Protocol endpoint, the named catalogue as a JSON
API, a VoID service description, and an offline browser page to use them.

Safe by default: binds to 127.0.0.1, refuses updates, LOAD and SERVICE (it never fetches a URL
for a caller), caps request size, query time and answer size. Standard library HTTP server only.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..api import KnowledgeGraph
from ..core.errors import QueryError, ScoKgError
from ..core.paths import QUERY_PAGE_FILE
from ..query.registry import catalogue, get_query
from ..query.results import Result
from ..query.store import Limits

PAGE = QUERY_PAGE_FILE
MAX_BODY = 100_000

# (media type, format key) for SELECT/ASK answers and for graphs, first is the default.
RESULT_TYPES = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
GRAPH_TYPES = [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
]
_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
          "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
          "nt": "application/n-triples", "json-ld": "application/ld+json"}
_FORMAT_ALIASES = {"jsonld": "json-ld", "ttl": "turtle", "ntriples": "nt"}
_STRIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_FORBIDDEN = re.compile(r"(?<![?$:\w])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD)(?![:\w])", re.IGNORECASE)


class Refused(ScoKgError):
    """A request the endpoint will not serve, with its HTTP status."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        self.status = status
        super().__init__(message)


def check_read_only(query: str) -> None:
    """Refuse SERVICE, LOAD and every update keyword outside strings, IRIs and comments."""
    found = _FORBIDDEN.search(_STRIP.sub(" ", query))
    if found:
        word = found.group(1).upper()
        why = "would fetch a remote URL" if word in ("SERVICE", "LOAD") else "is an update"
        raise Refused(HTTPStatus.FORBIDDEN, f"{word} is not allowed: this endpoint is read-only and {why}")


def negotiate(accept: str, graph: bool, explicit: str | None = None) -> str:
    """The format key for an Accept header (or an explicit ``format`` parameter)."""
    choices = GRAPH_TYPES if graph else RESULT_TYPES
    if explicit:
        key = _FORMAT_ALIASES.get(explicit, explicit)
        if key not in {k for _, k in choices}:
            allowed = ", ".join(sorted({k for _, k in choices}))
            raise Refused(HTTPStatus.NOT_ACCEPTABLE, f"format '{explicit}' is not offered; choose one of {allowed}")
        return key
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, media.strip().lower()))
    for _, _, media in sorted(ranked):
        for offered, key in choices:
            if media in (offered, "*/*", offered.split("/")[0] + "/*"):
                return key
    return choices[0][1]


def render(result: Result, key: str) -> bytes:
    if result.graph is not None:
        return result.graph.serialize(format=key).encode("utf-8")
    return result.serialize(key).encode("utf-8")


def void(base: str, kg: KnowledgeGraph) -> str:
    """A VoID and SPARQL service description of this endpoint, in Turtle."""
    triples = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
    return f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>, <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>, <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>, <http://www.w3.org/ns/formats/JSON-LD> ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultDataset <{base}/void#dataset> .

<{base}/void#dataset> a void:Dataset, sd:Dataset ;
    dcterms:title "sco-kg: the Shanghai Cooperation Organisation knowledge graph" ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "https://w3id.org/sco-kg/id/" ;
    void:vocabulary <https://w3id.org/sco-kg/ontology#>, <http://www.w3.org/ns/org#>, <http://www.w3.org/2006/time#>,
        <http://www.w3.org/ns/prov#>, <http://www.w3.org/2004/02/skos/core#>, <http://schema.org/> ;
    void:triples {triples} .
"""


@dataclass
class Endpoint:
    """The application behind the HTTP handler: routes, limits and the graph."""

    kg: KnowledgeGraph
    limits: Limits = Limits()
    max_body: int = MAX_BODY

    def catalogue_json(self) -> list[dict[str, Any]]:
        return [
            {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                         "description": p.description, "choices": p.choices()} for p in q.params],
             "query": q.text}
            for q in sorted(catalogue().values(), key=lambda q: q.name)
        ]

    def run(self, query: str) -> Result:
        check_read_only(query)
        return self.kg.engine.run(query, self.limits)  # type: ignore[call-arg]

    def named(self, name: str, params: dict[str, str]) -> Result:
        try:
            get_query(name)
        except QueryError as exc:
            raise Refused(HTTPStatus.NOT_FOUND, str(exc)) from None
        return self.run(self.kg.prepare(name, params))


def _handler(app: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "sco-kg"
        timeout = 30

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            return

        def _send(self, status: int, body: bytes, media: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(status, (message + "\n").encode("utf-8"), "text/plain")

        def _answer(self, result: Result, fmt: str | None) -> None:
            key = negotiate(self.headers.get("Accept", ""), result.graph is not None, fmt)
            self._send(HTTPStatus.OK, render(result, key), _MEDIA[key])

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if length > app.max_body:
                raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {app.max_body} bytes")
            return self.rfile.read(length)

        def _dispatch(self, params: dict[str, list[str]], body_query: str | None = None) -> None:
            url = urllib.parse.urlsplit(self.path)
            path = url.path.rstrip("/") or "/"
            fmt = (params.pop("format", [None]) or [None])[0]
            if path == "/":
                self._send(HTTPStatus.OK, PAGE.read_bytes(), "text/html")
            elif path == "/sparql":
                if "update" in params:
                    raise Refused(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
                query = body_query if body_query is not None else (params.get("query") or [None])[0]
                if not query:
                    raise Refused(HTTPStatus.BAD_REQUEST, "no query: send ?query=... (GET) or a form or sparql-query body (POST)")
                self._answer(app.run(query), fmt)
            elif path == "/api/queries":
                self._send(HTTPStatus.OK, json.dumps(app.catalogue_json(), indent=1).encode("utf-8"), "application/json")
            elif path.startswith("/api/queries/"):
                name = urllib.parse.unquote(path.rsplit("/", 1)[1])
                self._answer(app.named(name, {k: v[0] for k, v in params.items()}), fmt)
            elif path in ("/void", "/.well-known/void"):
                base = f"http://{self.headers.get('Host', 'localhost')}"
                self._send(HTTPStatus.OK, void(base, app.kg).encode("utf-8"), "text/turtle")
            else:
                raise Refused(HTTPStatus.NOT_FOUND, f"nothing at {path}; try /, /sparql, /api/queries or /void")

        def _guard(self, work: Any) -> None:
            try:
                work()
            except Refused as exc:
                self._error(exc.status, str(exc))
            except QueryError as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))
            except ScoKgError as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self._guard(lambda: self._dispatch(params))

        do_HEAD = do_GET  # noqa: N815

        def do_POST(self) -> None:  # noqa: N802
            def work() -> None:
                body = self._body()
                media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                if media == "application/sparql-update":
                    raise Refused(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
                if media == "application/sparql-query":
                    self._dispatch(params, body.decode("utf-8"))
                elif media in ("application/x-www-form-urlencoded", ""):
                    params.update(urllib.parse.parse_qs(body.decode("utf-8")))
                    self._dispatch(params)
                else:
                    raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported Content-Type '{media}'")
            self._guard(work)

        def do_PUT(self) -> None:  # noqa: N802
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

    return Handler


def make_server(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 8000,
                limits: Limits | None = None) -> ThreadingHTTPServer:
    """An HTTP server for ``kg`` (not yet serving; call ``serve_forever``)."""
    app = Endpoint(kg, limits or Limits())
    try:
        server = ThreadingHTTPServer((host, port), _handler(app))
    except OSError as exc:
        raise ScoKgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server.daemon_threads = True
    return server
