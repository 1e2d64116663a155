"""Shared fixtures: the real graph built once per session, opened on the two embedded engines
and on a real Oxigraph server started on 127.0.0.1 and filled with ``publish``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator

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


def _oxigraph(union: bool = True) -> Iterator[str]:
    binary = shutil.which("oxigraph")
    assert binary, "the Oxigraph server is missing: pip install oxigraph"
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"] + (["--union-default-graph"] if union else []),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the Oxigraph server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def remote(built: BuildResult, oxigraph_server: str) -> KnowledgeGraph:
    publish(built_dataset(built.out_dir), f"{oxigraph_server}/store")
    return KnowledgeGraph.open(endpoint=f"{oxigraph_server}/query")


@pytest.fixture(scope="session")
def engines(built: BuildResult, remote: KnowledgeGraph, wikidata_server: str) -> dict[str, KnowledgeGraph]:
    """The three engines; federated catalogue queries reach the Wikidata stand-in on loopback."""
    path = built_dataset(built.out_dir)
    local = {name: KnowledgeGraph.open(path, engine=name) for name in ("oxigraph", "rdflib")}
    every = {**local, "remote": remote}
    for kg in every.values():
        kg.wikidata_endpoint = wikidata_server
    return every
