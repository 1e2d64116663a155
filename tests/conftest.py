"""Shared fixtures: the real graph built once per session, opened on the two embedded engines
and on a real Oxigraph server and a real Virtuoso started on 127.0.0.1 and filled with ``publish``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES

from graph_builder.api import KnowledgeGraph
from graph_builder.build.graph import BuildResult, build
from graph_builder.core.paths import built_dataset, default_build_dir
from graph_builder.query.remote import publish


@pytest.fixture(scope="session")
def built() -> BuildResult:
    """The real graph, built and validated into the session's build folder."""
    return build(out_dir=default_build_dir())


@pytest.fixture(scope="session")
def kg(built: BuildResult) -> KnowledgeGraph:
    return KnowledgeGraph.open(built_dataset(built.out_dir))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[str]:
    """Base URL of a fresh in-memory Oxigraph server (PyPI package ``oxigraph``) on loopback."""
    yield from _oxigraph()


@pytest.fixture()
def plain_oxigraph_server() -> Iterator[str]:
    """An Oxigraph server whose default graph is its own, not the union of the named graphs."""
    yield from _oxigraph(union=False)


@pytest.fixture(scope="session")
def wikidata_server() -> Iterator[str]:
    """SPARQL endpoint URL of an Oxigraph server on loopback holding the Wikidata-shaped
    fixture (tests/fixtures/wikidata): the stand-in for the Wikidata Query Service."""
    for base in _oxigraph():
        data = (FIXTURES / "wikidata" / "wikidata.ttl").read_bytes()
        request = urllib.request.Request(f"{base}/store?default", data=data, method="PUT",
                                         headers={"Content-Type": "text/turtle"})
        urllib.request.urlopen(request, timeout=30).read()
        yield f"{base}/query"


def _wait_for(url: str, proc: subprocess.Popen, what: str, seconds: float, log: Path | None = None) -> None:
    """Poll a server just started until it answers, or fail with what it said before dying."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if proc.poll() is not None:
                said = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
                raise RuntimeError(f"{what} stopped at start (exit {proc.returncode}) {said}")
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds} s")


def _oxigraph(union: bool = True) -> Iterator[str]:
    binary = shutil.which("oxigraph")
    assert binary, "the Oxigraph server is missing: pip install oxigraph"
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else []),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/query?query=ASK%7B%7D", proc, "the Oxigraph server", seconds=10)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 8
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""

# What a fresh Virtuoso needs before the Graph Store Protocol accepts data without a login.
VIRTUOSO_GRANTS = """GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
"""


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a fresh Virtuoso (Debian's virtuoso-opensource) on loopback, open to
    ``publish``, with Debian's defaults where they matter here: results capped at 10,000 rows."""
    yield from _virtuoso(tmp_path_factory.mktemp("virtuoso"), VIRTUOSO_GRANTS)


@pytest.fixture()
def bare_virtuoso_server(tmp_path: Path) -> Iterator[str]:
    """A Virtuoso as Debian installs it, with no grants beyond its own."""
    yield from _virtuoso(tmp_path, "")


def _virtuoso(folder: Path, grants: str) -> Iterator[str]:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert binary and isql, "Virtuoso is missing: apt-get install virtuoso-opensource"
    sql_port, http_port = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port), encoding="utf-8")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_for(f"{base}/sparql?query=ASK%7B%7D", proc, "Virtuoso", seconds=30, log=folder / "virtuoso.log")
        if grants:
            (folder / "grants.sql").write_text(grants, encoding="utf-8")
            subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", "grants.sql"], cwd=folder, check=True,
                           stdout=subprocess.DEVNULL, timeout=60)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def virtuoso(built: BuildResult, virtuoso_server: str) -> KnowledgeGraph:
    """The built graph published to Virtuoso, queried over the SPARQL protocol."""
    publish(built_dataset(built.out_dir), f"{virtuoso_server}/sparql-graph-crud")
    return KnowledgeGraph.open(endpoint=f"{virtuoso_server}/sparql")


@pytest.fixture(scope="session")
def remote(built: BuildResult, oxigraph_server: str) -> KnowledgeGraph:
    publish(built_dataset(built.out_dir), f"{oxigraph_server}/store")
    return KnowledgeGraph.open(endpoint=f"{oxigraph_server}/query")


@pytest.fixture(scope="session")
def engines(built: BuildResult, remote: KnowledgeGraph, virtuoso: KnowledgeGraph,
            wikidata_server: str) -> dict[str, KnowledgeGraph]:
    """The engines: the two embedded ones and two servers over the protocol (Oxigraph and
    Virtuoso); federated catalogue queries reach the Wikidata stand-in on loopback."""
    path = built_dataset(built.out_dir)
    local = {name: KnowledgeGraph.open(path, engine=name) for name in ("oxigraph", "rdflib")}
    every = {**local, "remote": remote, "virtuoso": virtuoso}
    for kg in every.values():
        kg.wikidata_endpoint = wikidata_server
    return every
