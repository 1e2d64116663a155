"""The WDQS client against scripted HTTP servers on 127.0.0.1: it retries politely, caches,
identifies itself, and every failure is one WikidataError line; never the internet."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from graph_builder.core.errors import ScoKgError
from graph_builder.link.wikidata_client import (
    MAX_WAIT_S,
    USER_AGENT,
    WDQS_URL,
    WikidataClient,
    WikidataError,
)

QUERY = "SELECT ?item ?label WHERE { ?item rdfs:label ?label } LIMIT 2"
ROWS = {"head": {"vars": ["item", "label"]}, "results": {"bindings": [
    {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q148"},
     "label": {"type": "literal", "xml:lang": "en", "value": "China"}},
    {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q159"}},
]}}
OK = (200, {"Content-Type": "application/sparql-results+json"}, json.dumps(ROWS).encode())
HANG = (0, {}, b"")
DROP = (-1, {}, b"")
# Slow drips: a valid answer sent one byte a second, from its status line or after its headers;
# a dozen bytes, then silence, so a client with only a per-read timeout gives up after ~13 s.
DRIP_HEAD = (-2, {}, b"")
DRIP_BODY = (-3, {}, b"")
DRIP_BYTES = 12

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Seen:
    method: str
    headers: dict[str, str]
    body: str


@dataclass
class Script:
    """A server that gives its replies in order, repeating the last, and records what it got."""

    replies: list[Reply]
    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                script.seen.append(Seen("POST", dict(self.headers), body))
                status, headers, payload = script.replies[min(len(script.seen), len(script.replies)) - 1]
                if status == HANG[0]:
                    script.release.wait(5)
                    return
                if status == DROP[0]:
                    self.close_connection = True
                    return
                if status in (DRIP_HEAD[0], DRIP_BODY[0]):
                    self.drip(status == DRIP_BODY[0])
                    return
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(payload))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def drip(self, headers_at_once: bool) -> None:
                head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(OK[2]))
                if headers_at_once:
                    self.wfile.write(head)
                data = OK[2] if headers_at_once else head + OK[2]
                for byte in data[:DRIP_BYTES]:
                    self.wfile.write(bytes([byte]))
                    if script.release.wait(1):
                        return
                script.release.wait(30)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def serve() -> Iterator[Callable[..., Script]]:
    """Start scripted servers on free loopback ports; all are stopped after the test."""
    running: list[tuple[Script, ThreadingHTTPServer]] = []

    def start(*replies: Reply) -> Script:
        script = Script(list(replies))
        server = ThreadingHTTPServer(("127.0.0.1", 0), script.handler())
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        script.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        running.append((script, server))
        return script

    yield start
    for script, server in running:
        script.release.set()
        server.shutdown()
        server.server_close()


def client(url: str, **options: Any) -> WikidataClient:
    """A client that records its pauses instead of sleeping, so retry tests take no time."""
    return WikidataClient(url, sleep=lambda seconds: None, **options)


def error(status: int, body: bytes = b"", **headers: str) -> Reply:
    return (status, {"Content-Type": "text/plain", **{k.replace("_", "-"): v for k, v in headers.items()}}, body)


def one_line(exc: pytest.ExceptionInfo[WikidataError]) -> str:
    message = str(exc.value)
    assert "\n" not in message and isinstance(exc.value, ScoKgError)
    return message


def test_rows_are_variable_to_value_with_unbound_variables_absent(serve: Callable[..., Script]) -> None:
    server = serve(OK)
    assert client(server.url).select(QUERY) == [
        {"item": "http://www.wikidata.org/entity/Q148", "label": "China"},
        {"item": "http://www.wikidata.org/entity/Q159"},
    ]


def test_429_honours_retry_after(serve: Callable[..., Script]) -> None:
    server = serve(error(429, b"slow down", Retry_After="1"), OK)
    slept: list[float] = []
    wd = WikidataClient(server.url, sleep=slept.append)
    assert len(wd.select(QUERY)) == 2
    assert wd.requests == len(server.seen) == 2
    assert wd.waits == slept == [1.0]


def test_retry_after_as_http_date(serve: Callable[..., Script]) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server = serve(error(429, Retry_After=soon), OK)
    wd = client(server.url)
    assert len(wd.select(QUERY)) == 2 and 25 <= wd.waits[0] <= 30


@pytest.mark.parametrize("after, waits", [("3600", []), ("120", []), ("25", [25.0, 25.0])])
def test_pauses_of_a_query_stop_at_its_budget(serve: Callable[..., Script], after: str, waits: list[float]) -> None:
    """Retry-After is honoured, never shortened; a query that would pause longer than
    MAX_WAIT_S in all gives up instead (four 120 s pauses used to be taken)."""
    server = serve(error(429, b"Too many requests", Retry_After=after))
    wd = client(server.url)
    with pytest.raises(WikidataError) as exc:
        wd.select(QUERY)
    message = one_line(exc)
    assert wd.waits == waits and sum(wd.waits) <= MAX_WAIT_S and wd.requests == len(server.seen) == len(waits) + 1
    assert f"(HTTP 429 Too many requests); waiting {after} s more as it asks" in message and f"{MAX_WAIT_S:g} s" in message


def test_503_without_retry_after_backs_off_exponentially(serve: Callable[..., Script]) -> None:
    server = serve(error(503), error(503), OK)
    wd = client(server.url, backoff=2.0)
    assert len(wd.select(QUERY)) == 2
    assert wd.waits == [2.0, 4.0] and wd.requests == 3


def test_dropped_connection_is_retried(serve: Callable[..., Script]) -> None:
    server = serve(DROP, OK)
    wd = client(server.url, backoff=0.5)
    assert len(wd.select(QUERY)) == 2
    assert wd.waits == [0.5] and len(server.seen) == 2


def test_persistent_500_gives_up_after_the_retries(serve: Callable[..., Script]) -> None:
    server = serve(error(500, b"Internal failure\n\tat some.Java(Frame.java:1)"))
    wd = client(server.url, retries=2, backoff=1.0)
    with pytest.raises(WikidataError) as exc:
        wd.select(QUERY)
    message = one_line(exc)
    assert server.url in message and "HTTP 500 Internal failure" in message and "3 attempts" in message
    assert wd.requests == 3 and wd.waits == [1.0, 2.0]


def test_server_side_query_timeout_is_not_retried(serve: Callable[..., Script]) -> None:
    server = serve(error(500, b"SPARQL-QUERY: queryStr=SELECT\njava.util.concurrent.TimeoutException\n\tat x"))
    wd = client(server.url)
    with pytest.raises(WikidataError, match="time limit"):
        wd.select(QUERY)
    assert wd.requests == 1


def test_silent_server_times_out_quickly(serve: Callable[..., Script]) -> None:
    server = serve(HANG)
    wd = client(server.url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(WikidataError) as exc:
        wd.select(QUERY)
    assert time.monotonic() - started < 3
    assert "timed out after 0.5 s" in one_line(exc) and wd.requests == 1


@pytest.mark.parametrize("drip", [DRIP_HEAD, DRIP_BODY], ids=["from-the-status-line", "after-the-headers"])
def test_slow_drip_is_cut_at_the_timeout(serve: Callable[..., Script], drip: Reply) -> None:
    """The timeout bounds the whole request: a byte a second keeps a per-read timeout from
    ever firing, so such a server once held a client with a 3 s timeout for 82 s."""
    server = serve(drip)
    wd = client(server.url, timeout=1.5)
    started = time.monotonic()
    with pytest.raises(WikidataError) as exc:
        wd.select(QUERY)
    assert time.monotonic() - started < 6
    assert "timed out after 1.5 s" in one_line(exc) and wd.requests == 1


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    wd = client(f"http://127.0.0.1:{port}/sparql", timeout=2)
    with pytest.raises(WikidataError) as exc:
        wd.select(QUERY)
    message = one_line(exc)
    assert "unreachable" in message and "network access" in message and "--endpoint" in message
    assert wd.waits == []


def test_bad_query_is_not_retried(serve: Callable[..., Script]) -> None:
    server = serve(error(400, b"Encountered \"<EOF>\" at line 1, column 17.\nWas expecting one of: ..."))
    wd = client(server.url)
    with pytest.raises(WikidataError) as exc:
        wd.select("SELECT * WHERE {")
    message = one_line(exc)
    assert 'Encountered "<EOF>" at line 1, column 17.' in message and "Was expecting" not in message
    assert wd.requests == 1 and wd.waits == []


def test_blazegraph_error_shows_the_exception_message_not_the_echoed_query(serve: Callable[..., Script]) -> None:
    body = (b"SPARQL-QUERY: queryStr=SELECT * WHERE {\njava.util.concurrent.ExecutionException: "
            b"org.openrdf.query.MalformedQueryException: Encountered \"<EOF>\"\n\tat java.util.X(X.java:1)")
    server = serve(error(400, body))
    with pytest.raises(WikidataError, match=r'malformed: Encountered "<EOF>"$'):
        client(server.url).select("SELECT * WHERE {")


def test_forbidden_is_not_retried(serve: Callable[..., Script]) -> None:
    server = serve(error(403, b"Please set a user-agent"))
    wd = client(server.url)
    with pytest.raises(WikidataError, match="HTTP 403 Please set a user-agent"):
        wd.select(QUERY)
    assert wd.requests == 1


def test_cache_spares_the_server_until_refreshed(serve: Callable[..., Script], tmp_path: Path) -> None:
    server = serve(OK)
    first = client(server.url, cache_dir=tmp_path)
    rows = first.select(QUERY)
    again = client(server.url, cache_dir=tmp_path)
    assert again.select("# same question\n" + QUERY + "\n") == rows and again.requests == 0
    refreshed = client(server.url, cache_dir=tmp_path, refresh=True)
    assert refreshed.select(QUERY) == rows and refreshed.requests == 1
    assert len(server.seen) == 2
    (cached,) = tmp_path.iterdir()
    assert cached == first.cache_file(QUERY) and json.loads(cached.read_text()) == ROWS


def test_cache_is_per_endpoint(serve: Callable[..., Script], tmp_path: Path) -> None:
    one, two = serve(OK), serve(OK)
    client(one.url, cache_dir=tmp_path).select(QUERY)
    other = client(two.url, cache_dir=tmp_path)
    other.select(QUERY)
    assert other.requests == 1 and len(list(tmp_path.iterdir())) == 2


def test_failures_are_not_cached(serve: Callable[..., Script], tmp_path: Path) -> None:
    server = serve(error(400, b"bad"))
    with pytest.raises(WikidataError):
        client(server.url, cache_dir=tmp_path).select(QUERY)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("malformed", [
    b"{}",
    b'{"head": {"vars": ["item"]}}',
    b'{"head": {"vars": ["item"]}, "results": {"bindings": {}}}',
    b'{"head": {"vars": ["item"]}, "results": {"bindings": [{"item": "Q148"}]}}',
], ids=["empty", "no-results", "bindings-not-a-list", "row-not-terms"])
def test_malformed_answer_is_refused_and_never_cached(serve: Callable[..., Script], tmp_path: Path, malformed: bytes) -> None:
    server = serve((200, {"Content-Type": "application/sparql-results+json"}, malformed), OK)
    with pytest.raises(WikidataError) as exc:
        client(server.url, cache_dir=tmp_path).select(QUERY)
    assert "SPARQL JSON" in one_line(exc) and list(tmp_path.iterdir()) == []
    again = client(server.url, cache_dir=tmp_path)
    assert len(again.select(QUERY)) == 2 and again.requests == 1


def test_an_invalid_cached_answer_is_asked_again(serve: Callable[..., Script], tmp_path: Path) -> None:
    """A cache written before answers were checked may hold ``{}``; it is replaced, not replayed."""
    server = serve(OK)
    wd = client(server.url, cache_dir=tmp_path)
    path = wd.cache_file(QUERY)
    assert path is not None
    path.write_text("{}", encoding="utf-8")
    assert len(wd.select(QUERY)) == 2 and wd.requests == 1 and json.loads(path.read_text()) == ROWS


def test_only_http_endpoints_are_asked() -> None:
    wd = client("file:///etc/passwd")
    with pytest.raises(WikidataError, match="not a usable endpoint URL: it must start with http"):
        wd.select(QUERY)
    assert wd.requests == 1


def test_user_agent_follows_the_wikimedia_policy(serve: Callable[..., Script]) -> None:
    server = serve(OK)
    client(server.url).select(QUERY)
    agent = server.seen[0].headers["User-Agent"]
    assert agent == USER_AGENT and agent.startswith("sco-kg/") and "https://w3id.org/sco-kg" in agent


def test_query_is_a_url_encoded_post_without_comment_lines(serve: Callable[..., Script]) -> None:
    server = serve(OK)
    client(server.url).select("# lists states; DELETE nothing\n" + QUERY)
    (seen,) = server.seen
    assert seen.method == "POST"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.body.startswith("query=") or "&query=" in seen.body
    assert urllib.parse.parse_qs(seen.body)["query"] == [QUERY]
    assert "sparql-results+json" in seen.headers["Accept"]


def test_ask_returns_a_boolean(serve: Callable[..., Script]) -> None:
    server = serve((200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{}, "boolean": true}'))
    assert client(server.url).ask("ASK { wd:Q148 ?p ?o }") is True


def test_wrong_query_form_is_refused_before_sending(serve: Callable[..., Script]) -> None:
    server = serve(OK)
    wd = client(server.url)
    with pytest.raises(WikidataError, match=r"ask\(\) sends only ASK queries to .*, not SELECT$"):
        wd.ask(QUERY)
    assert wd.requests == 0


def test_answer_that_is_not_json_is_one_line(serve: Callable[..., Script]) -> None:
    server = serve((200, {"Content-Type": "text/html"}, b"<html>\nmaintenance</html>"))
    with pytest.raises(WikidataError, match="other than SPARQL JSON: <html>$"):
        client(server.url).select(QUERY)


def test_default_endpoint_is_the_live_service_but_nothing_is_sent_on_creation() -> None:
    wd = WikidataClient()
    assert wd.endpoint == WDQS_URL and wd.requests == 0 and wd.waits == []
