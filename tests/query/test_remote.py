"""A real SPARQL server on 127.0.0.1: publish is idempotent, questions answer as embedded, errors are clear."""

from __future__ import annotations

import pytest

from graph_builder.api import KnowledgeGraph
from graph_builder.build.graph import BuildResult
from graph_builder.core.errors import QueryError, ScoKgError
from graph_builder.core.paths import built_dataset
from graph_builder.query.remote import publish

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_publish_twice_leaves_the_same_data(built: BuildResult, oxigraph_server: str, remote: KnowledgeGraph) -> None:
    before = remote.sparql(COUNT).records()[0].n
    sent = publish(built_dataset(built.out_dir), f"{oxigraph_server}/store")
    assert remote.sparql(COUNT).records()[0].n == before == sum(sent.values()) == built.manifest["triples"]


def test_named_graphs_arrive_as_named_graphs(built: BuildResult, remote: KnowledgeGraph) -> None:
    rows = remote.sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g").records()
    assert [r.g for r in rows] == sorted(built.manifest["graphs"])


def test_remote_answers_like_the_embedded_store(kg: KnowledgeGraph, remote: KnowledgeGraph) -> None:
    for name, params in (("members", {"date": "2017-06-09"}), ("state_history", {"state": "Q668"})):
        assert remote.query(name, **params).to_json() == kg.query(name, **params).to_json()
    assert remote.sparql("ASK { ?s ?p ?o }").boolean is True
    graph = remote.sparql("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5").graph
    assert graph is not None and len(graph) == 5


def test_server_refusing_data_is_one_clear_error(built: BuildResult, oxigraph_server: str) -> None:
    with pytest.raises(ScoKgError, match="refused the data: HTTP 4"):
        publish(built_dataset(built.out_dir), f"{oxigraph_server}/query")


def test_unreachable_endpoint_is_one_clear_error(built: BuildResult) -> None:
    dead = KnowledgeGraph.open(endpoint="http://127.0.0.1:9/query")
    with pytest.raises(ScoKgError, match="cannot reach SPARQL endpoint"):
        dead.sparql("ASK { ?s ?p ?o }")
    with pytest.raises(ScoKgError, match="cannot reach graph store"):
        publish(built_dataset(built.out_dir), "http://127.0.0.1:9/store")


def test_malformed_query_on_the_server(remote: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL"):
        remote.sparql("SELECT * WHERE {")


def test_publish_checks_that_queries_see_the_data(built: BuildResult, plain_oxigraph_server: str, tmp_path) -> None:  # noqa: ANN001
    """A server that keeps the named graphs out of its default graph would answer every question
    with nothing after a 'successful' publish: the CLI says so, with the fix, and fails."""
    import subprocess
    import sys

    trig = str(built_dataset(built.out_dir))
    store = f"{plain_oxigraph_server}/store"
    failed = subprocess.run([sys.executable, "-m", "graph_builder", "publish", "--endpoint", store, "--graph", trig],
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1, failed.stderr
    assert "does not show them in its default graph" in failed.stderr and "--union-default-graph" in failed.stderr
    fixed = subprocess.run([sys.executable, "-m", "graph_builder", "publish", "--endpoint", store, "--graph", trig, "--default-graph"],
                           capture_output=True, text=True, timeout=300)
    assert fixed.returncode == 0 and "checked:" in fixed.stdout, fixed.stderr


def test_virtuoso_publish_twice_leaves_the_same_data(built: BuildResult, virtuoso_server: str,
                                                     virtuoso: KnowledgeGraph) -> None:
    """Virtuoso keeps system graphs of its own; ours arrive whole, once, however often sent."""
    ours = " ".join(f"<{g}>" for g in built.manifest["graphs"])
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {ours} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    before = virtuoso.sparql(count).records()[0].n
    sent = publish(built_dataset(built.out_dir), f"{virtuoso_server}/sparql-graph-crud")
    assert virtuoso.sparql(count).records()[0].n == before == sum(sent.values()) == built.manifest["triples"]


def test_virtuoso_row_cap_is_one_clear_error(virtuoso: KnowledgeGraph) -> None:
    """Virtuoso cuts answers at ResultSetMaxRows (10,000 by Debian's settings) and says so only
    in a header; a cut answer must not pass for a whole one."""
    with pytest.raises(QueryError, match=r"cut the answer at 10000 rows .*ResultSetMaxRows"):
        virtuoso.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(virtuoso.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 9999").rows) == 9999


def test_virtuoso_publish_from_the_command_line_checks_what_queries_see(built: BuildResult,
                                                                        virtuoso_server: str) -> None:
    """The query URL beside Virtuoso's Graph Store is found without being named, and checked."""
    import subprocess
    import sys

    store = f"{virtuoso_server}/sparql-graph-crud"
    done = subprocess.run([sys.executable, "-m", "graph_builder", "publish", "--endpoint", store,
                           "--graph", str(built_dataset(built.out_dir))], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and f"checked: {virtuoso_server}/sparql" in done.stdout, done.stderr


def test_query_endpoint_beside_a_graph_store() -> None:
    from graph_builder.query.remote import query_endpoint_of

    assert query_endpoint_of("http://h:7878/store") == "http://h:7878/query"
    assert query_endpoint_of("http://h:8890/sparql-graph-crud") == "http://h:8890/sparql"
    assert query_endpoint_of("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert query_endpoint_of("http://h:3030/sco/data") is None


def test_ask_on_virtuoso(virtuoso: KnowledgeGraph) -> None:
    """Virtuoso 7.2 answers ASK with a one-column table instead of a boolean."""
    assert virtuoso.sparql("ASK { ?s a <https://w3id.org/sco-kg/ontology#State> }").boolean is True
    assert virtuoso.sparql("ASK { ?s a <https://w3id.org/sco-kg/ontology#NoSuchClass> }").boolean is False


def test_virtuoso_without_the_service_grants_says_which(bare_virtuoso_server: str, wikidata_server: str) -> None:
    """As Debian installs it, Virtuoso refuses SERVICE calls with a security error about an
    internal view; the client names the grants instead."""
    kg = KnowledgeGraph.open(endpoint=f"{bare_virtuoso_server}/sparql")
    with pytest.raises(QueryError, match="may not call other endpoints.*SPARQL_SINV_2.*SPARQL_SINV_IMP"):
        kg.sparql(f"SELECT * WHERE {{ SERVICE <{wikidata_server}> {{ ?s ?p ?o }} }} LIMIT 1")
