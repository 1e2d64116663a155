"""Paths and small tools shared by the tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
VALID_SOURCES = FIXTURES / "sources" / "valid"
GOLDEN = Path(__file__).parent / "golden"


def outputs(folder: Path) -> dict[str, bytes]:
    """What a reader of a build folder sees: its visible files, through their links."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def worker_setup(config: str) -> str:
    """A worker's state for pool tests (module-level, so a spawned worker can import it)."""
    return config


def worker_handle(state: str, job: str) -> object:
    """Answers ``ok``, crashes the worker on ``crash`` and stalls on ``sleep``, for pool tests."""
    import os
    import signal
    import time

    from graph_builder.publish.pool import Answer

    if job == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if job == "sleep":
        time.sleep(60)
    return Answer(200, "text/plain", f"{state}:{job}:{os.getpid()}".encode())


def serving(dataset: Path, options: object | None = None, engine: str = "oxigraph") -> Iterator[object]:
    """A running endpoint on a free loopback port (yields the server), stopped afterwards."""
    import threading

    from graph_builder.publish.serve import ServeOptions, make_server

    server = make_server(dataset, engine, "127.0.0.1", 0, options or ServeOptions(workers=1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: object) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request, sent exactly as given (no header is added)."""
    import http.client
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method or ("POST" if data is not None else "GET"), target, body=data, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
