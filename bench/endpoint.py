"""The endpoint under load, under injection and under faults, measured in one run.

    python bench/endpoint.py                     # real graph, 8 and 30 clients
    python bench/endpoint.py --requests 100      # requests per client

Load: ``sco-kg serve`` and ``oxigraph serve-read-only`` (the baseline, same data, union default
graph) answer the same queries from the same number of client threads, all on 127.0.0.1; the
script prints rate, p50, p99 and errors for each and the ratio of rates. Injection: hostile
parameter values go through every catalogue query's parameters, and the prepared query's algebra
is compared with the algebra for a harmless value; a changed shape is counted. Faults: attacks
that once stopped or misled the server are sent, and it must still answer afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from graph_builder.api import KnowledgeGraph, list_queries
from graph_builder.build.graph import build
from graph_builder.core.errors import QueryError
from graph_builder.query.store import load_on_disk

QUERIES = {
    "members (SELECT)": "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?s ?o WHERE { ?m org:member ?s ; org:organization ?o }",
    "states (CONSTRUCT)": "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> ; ?p ?o }",
}
HOSTILE = [
    '" } ; DROP ALL ; #', "> } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #", "\\\" . ?s ?p ?o . #",
    "India\nSERVICE <http://127.0.0.1:9/>", "<http://127.0.0.1:9/>", "?s", "'", "Q668 } UNION { ?a ?b ?c",
    "\u0000", "x" * 5000, "2020-01-01\"^^<http://x>", "}}}}", "%7D%20SERVICE", "IND\r\nSERVICE <x> {}",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listened on 127.0.0.1:{port} within {seconds:g} s")


def _request(port: int, path: str, query: str, accept: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"{path}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, path: str, query: str, accept: str, clients: int, per_client: int) -> dict[str, float]:
    """``clients`` threads each sending ``per_client`` requests; rate, latency percentiles, errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                ok = _request(port, path, query, accept) == 200
            except OSError:
                ok = False
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {"requests": len(latencies), "rate": len(latencies) / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(0.99 * (len(latencies) - 1))] * 1000, "errors": errors[0]}


def _shape(text: str) -> str:
    """A prepared query's algebra with every constant replaced, so only its structure remains."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    algebra = str(translateQuery(parseQuery(text)).algebra)
    return re.sub(r"rdflib\.term\.(Literal|URIRef)\((?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")[^)]*\)", "TERM", algebra)


def injection(kg: KnowledgeGraph) -> tuple[int, int, int]:
    """Cases tried, cases refused with a clear error, cases whose query shape changed."""
    tried = refused = changed = 0
    for query in list_queries():
        if query.service:
            continue
        for param in query.params:
            if param.type not in ("string", "state", "entity", "iri"):
                continue
            benign = {"state": "IND", "entity": "India", "iri": "https://w3id.org/sco-kg/id/state/IND"}.get(param.type, "x")
            try:
                base = _shape(kg.prepare(query.name, {param.name: benign}))
            except QueryError:  # the query needs other parameters first; its own cases say so
                continue
            for value in HOSTILE:
                tried += 1
                try:
                    text = kg.prepare(query.name, {param.name: value})
                except QueryError:
                    refused += 1
                    continue
                changed += _shape(text) != base
    return tried, refused, changed


FAULTS = {
    "SERVICE hidden after a carriage return": "SELECT * WHERE { # x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "3,000 nested groups": "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000,
    "a triple cross product (stopped by the time limit)": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "FROM a URL": "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
}


def faults(port: int) -> list[tuple[str, int, bool]]:
    out = []
    for name, query in FAULTS.items():
        status = _request(port, "/sparql", query, "application/sparql-results+json")
        alive = _request(port, "/sparql", "ASK { ?s ?p ?o }", "application/sparql-results+json") == 200
        out.append((name, status, alive))
    raw = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: -1\r\nConnection: close\r\n\r\nASK {}"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        status = int(sock.recv(1024).split(b" ", 2)[1])
    out.append(("Content-Length: -1", status, _request(port, "/sparql", "ASK {}", "application/sparql-results+json") == 200))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="requests per client")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 30])
    args = parser.parse_args()
    print(f"# endpoint benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="sco-kg-bench-endpoint-"))
    processes: list[subprocess.Popen] = []
    try:
        result = build(out_dir=work / "build")
        dataset = work / "build" / "sco.trig"
        kg = KnowledgeGraph.open(dataset)
        tried, refused, changed = injection(kg)
        print(f"injection: {tried} cases tried, {refused} refused with a clear error, {changed} changed a query's shape")

        ours, theirs = _free_port(), _free_port()
        load_on_disk(dataset, work / "oxigraph")
        processes.append(subprocess.Popen([sys.executable, "-m", "graph_builder", "serve", "--graph", str(dataset),
                                           "--port", str(ours), "--timeout", "3"], stdout=subprocess.DEVNULL))
        oxigraph = shutil.which("oxigraph")
        if oxigraph:
            processes.append(subprocess.Popen([oxigraph, "serve-read-only", "-l", str(work / "oxigraph"), "-b",
                                               f"127.0.0.1:{theirs}", "--union-default-graph", "--timeout-s", "3"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(ours)
        if oxigraph:
            _wait(theirs)
        print(f"graph: {result.manifest['triples']} triples; sco-kg serve with 2 query workers")
        print("| query | clients | server | requests | rate/s | p50 ms | p99 ms | errors | rate vs oxigraph |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, query in QUERIES.items():
            accept = "text/turtle" if "CONSTRUCT" in name else "application/sparql-results+json"
            for clients in args.clients:
                mine = load(ours, "/sparql", query, accept, clients, args.requests)
                base = load(theirs, "/query", query, accept, clients, args.requests) if oxigraph else None
                for label, figures in (("sco-kg", mine), ("oxigraph", base)):
                    if figures is None:
                        continue
                    ratio = f"{mine['rate'] / base['rate']:.2f}x" if base and label == "sco-kg" else ""
                    print(f"| {name} | {clients} | {label} | {figures['requests']:.0f} | {figures['rate']:.0f} | "
                          f"{figures['p50']:.1f} | {figures['p99']:.1f} | {figures['errors']:.0f} | {ratio} |")
        survived = faults(ours)
        print(f"faults: {sum(alive for _, _, alive in survived)} of {len(survived)} survived")
        for name, status, alive in survived:
            print(f"  {name}: HTTP {status}, server {'answering' if alive else 'DOWN'} afterwards")
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
