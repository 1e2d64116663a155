"""The endpoint under attack, loopback only and bounded: it never fetches a URL for a caller,
one request cannot stop it for everyone, the time limit holds, malformed HTTP gets a 4xx with one
line, and nothing from a request is written into a description."""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import http, serving, url_of, worker_handle, worker_setup
from rdflib import Graph

from graph_builder.build.graph import BuildResult
from graph_builder.core.paths import built_dataset
from graph_builder.publish.pool import WorkerPool
from graph_builder.publish.serve import ServeOptions, Server


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def server(request: pytest.FixtureRequest, built: BuildResult) -> Iterator[Server]:
    options = ServeOptions(workers=2, timeout=3.0)
    yield from serving(built_dataset(built.out_dir), options, engine=request.param)  # type: ignore[misc]


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets: the endpoint must send none."""
    seen: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()
            self.wfile.write(b"<http://evil/s> <http://evil/p> <http://evil/o> .\n")

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _get(server: Server, query: str, **extra: str) -> tuple[int, bytes]:
    params = urllib.parse.urlencode({"query": query, **{k.replace("_", "-"): v for k, v in extra.items()}})
    status, _, body = http(f"{url_of(server)}/sparql?{params}")
    return status, body


def _alive(server: Server) -> bool:
    status, body = _get(server, "ASK { ?s ?p ?o }")
    return status == 200 and b"true" in body


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # hidden\rSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # hidden\r\n SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "LOAD <{url}/data.ttl>",
])
def test_no_query_makes_the_endpoint_fetch_a_url(server: Server, listener: tuple[str, list[str]], template: str) -> None:
    url, seen = listener
    status, body = _get(server, template.format(url=url))
    assert status in (200, 403) and b"evil" not in body
    assert seen == []


def test_request_dataset_parameters_never_fetch(server: Server, listener: tuple[str, list[str]]) -> None:
    url, seen = listener
    status, body = _get(server, "SELECT * WHERE { ?s ?p ?o }", default_graph_uri=f"{url}/data.ttl")
    assert status == 200 and b"evil" not in body and seen == []
    status, _ = _get(server, "SELECT * WHERE { ?s ?p ?o }", named_graph_uri="not an iri")
    assert status == 400


def test_deep_nesting_is_refused_and_the_server_stays_up(server: Server) -> None:
    status, body = _get(server, "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000)
    assert status == 400 and b"deep" in body
    status, body = _get(server, "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }")
    assert status == 400
    assert _alive(server)


def test_a_query_past_the_time_limit_is_stopped(server: Server) -> None:
    started = time.monotonic()
    status, body = _get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    took = time.monotonic() - started
    assert status == 503 and b"ran longer than 3 s" in body
    assert took < 30
    assert _alive(server)
    assert server.pool.restarts >= 1


def _raw(server: Server, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


@pytest.mark.parametrize("headers", [
    b"Content-Length: -1\r\n",
    b"Content-Length: abc\r\n",
    b"Content-Length: 400000000\r\n",
    b"Content-Length: 5\r\nContent-Length: 7\r\n",
])
def test_bad_content_lengths_get_a_4xx(server: Server, headers: bytes) -> None:
    answer = _raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  + headers + b"Connection: close\r\n\r\nASK {}")
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500
    assert _alive(server)


def test_non_utf8_and_malformed_parameters_get_a_4xx(server: Server) -> None:
    base = url_of(server)
    assert http(f"{base}/sparql", b"ASK {\xff}", {"Content-Type": "application/sparql-query"})[0] == 400
    assert http(f"{base}/sparql", b"query=%ff%fe", {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert http(f"{base}/sparql?query=%ff")[0] == 400
    assert http(f"{base}/api/queries/members?date=%3Chttp%3A%2F%2Fx%3E")[0] == 400
    assert http(f"{base}/api/queries/state_history?state=%3Cjavascript%3Aalert(1)%3E")[0] in (400, 404)
    assert _alive(server)


def test_the_host_header_never_reaches_a_description(server: Server) -> None:
    plain = http(f"{url_of(server)}/void")[2]
    injected = http(f"{url_of(server)}/void", headers={"Host": 'evil> . <x> <y> "z'})[2]
    assert injected == plain and b"evil" not in injected
    assert len(Graph().parse(data=plain, format="turtle")) > 10


def test_a_crashed_engine_takes_down_only_its_worker() -> None:
    pool = WorkerPool(worker_setup, worker_handle, "state", size=1, timeout=5.0)
    pool.start()
    try:
        first = pool.run("ok").body
        assert pool.run("crash").status == 500
        after = pool.run("ok")
        assert after.status == 200 and after.body != first and pool.restarts == 1
        assert pool.run("sleep").status == 503
        assert pool.run("ok").status == 200 and pool.restarts == 2
    finally:
        pool.close()


def test_many_clients_at_once_get_answers(server: Server) -> None:
    """30 clients, 10 requests each, all on loopback: every one answered."""
    failures: list[int] = []
    query = urllib.parse.quote("SELECT ?s WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> }")

    def client() -> None:
        for _ in range(10):
            status = http(f"{url_of(server)}/sparql?query={query}")[0]
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
