"""The SPARQL 1.1 Protocol, clause by clause (the recommendation's section numbers), and the
SPARQL 1.1 Service Description, on both embedded engines; the cases follow the W3C Protocol test
suite's names where it has one."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from collections.abc import Iterator

import pytest
from helpers import http, serving, url_of
from rdflib import Graph, Namespace, URIRef

from graph_builder.build.graph import BuildResult
from graph_builder.core.paths import built_dataset

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
G = "https://w3id.org/sco-kg/id/graph/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def endpoint(request: pytest.FixtureRequest, built: BuildResult) -> Iterator[str]:
    for server in serving(built_dataset(built.out_dir), engine=request.param):
        yield f"{url_of(server)}/sparql"


@pytest.fixture(scope="module")
def graph_sizes(built: BuildResult) -> dict[str, int]:
    return built.manifest["graphs"]


def _q(query: str, **extra: str | list[str]) -> str:
    pairs: list[tuple[str, str]] = [("query", query)]
    for name, value in extra.items():
        for v in value if isinstance(value, list) else [value]:
            pairs.append((name.replace("_", "-"), v))
    return urllib.parse.urlencode(pairs)


def _count(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# 2.1.1-2.1.3: the three ways to send a query.

def test_query_get(endpoint: str, graph_sizes: dict[str, int]) -> None:
    status, headers, body = http(f"{endpoint}?{_q(COUNT)}")
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert _count(body) == sum(graph_sizes.values())


def test_query_post_form(endpoint: str, graph_sizes: dict[str, int]) -> None:
    status, _, body = http(endpoint, _q(COUNT).encode(), {"Content-Type": FORM})
    assert status == 200 and _count(body) == sum(graph_sizes.values())


def test_query_post_direct(endpoint: str, graph_sizes: dict[str, int]) -> None:
    status, _, body = http(endpoint, COUNT.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and _count(body) == sum(graph_sizes.values())


# 2.1.4: the request's dataset replaces the query's; graphs come only from the store.

def test_query_dataset_default_graph(endpoint: str, graph_sizes: dict[str, int]) -> None:
    status, _, body = http(f"{endpoint}?{_q(COUNT, default_graph_uri=G + 'states')}")
    assert status == 200 and _count(body) == graph_sizes[G + "states"]


def test_query_dataset_default_graphs_post(endpoint: str, graph_sizes: dict[str, int]) -> None:
    data = _q(COUNT, default_graph_uri=[G + "states", G + "places"]).encode()
    status, _, body = http(endpoint, data, {"Content-Type": FORM})
    assert status == 200 and _count(body) == graph_sizes[G + "states"] + graph_sizes[G + "places"]


def test_query_dataset_named_graphs(endpoint: str, graph_sizes: dict[str, int]) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    status, _, body = http(f"{endpoint}?{_q(query, named_graph_uri=[G + 'states', G + 'places'])}")
    rows = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]}
    assert status == 200 and rows == {G + "states": graph_sizes[G + "states"], G + "places": graph_sizes[G + "places"]}
    # With only named graphs given, the default graph is empty.
    status, _, body = http(f"{endpoint}?{_q(COUNT, named_graph_uri=G + 'states')}")
    assert status == 200 and _count(body) == 0


def test_query_dataset_full_overrides_the_query(endpoint: str, graph_sizes: dict[str, int]) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G}bibliography> WHERE {{ ?s ?p ?o }}"
    status, _, body = http(f"{endpoint}?{_q(query)}")
    assert status == 200 and _count(body) == graph_sizes[G + "bibliography"]
    status, _, body = http(f"{endpoint}?{_q(query, default_graph_uri=G + 'states')}")
    assert status == 200 and _count(body) == graph_sizes[G + "states"]


def test_a_graph_not_in_the_store_is_empty(endpoint: str) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/nothing.ttl> WHERE { ?s ?p ?o }"
    status, _, body = http(f"{endpoint}?{_q(query)}")
    assert status == 200 and _count(body) == 0


# 2.1.5-2.1.6: response formats for every query form, by Accept and by ``format``.

@pytest.mark.parametrize(("accept", "check"), [
    ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"]) == 3),
    ("application/sparql-results+xml", lambda b: b.count(b"<result>") == 3),
    ("text/csv", lambda b: len(list(csv.reader(io.StringIO(b.decode())))) == 4),
    ("text/tab-separated-values", lambda b: len(b.decode().splitlines()) == 4),
])
def test_query_content_type_select(endpoint: str, accept: str, check: object) -> None:
    status, headers, body = http(f"{endpoint}?{_q('SELECT ?s WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> } LIMIT 3')}",
                                 headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept) and check(body)  # type: ignore[operator]


def test_query_content_type_ask(endpoint: str) -> None:
    status, headers, body = http(f"{endpoint}?{_q('ASK { ?s ?p ?o }')}", headers={"Accept": "application/sparql-results+xml"})
    assert status == 200 and b"<boolean>true</boolean>" in body


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
])
def test_query_content_type_construct_and_describe(endpoint: str, accept: str, fmt: str) -> None:
    for query in ("CONSTRUCT { ?s a ?c } WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> ; a ?c }",
                  "DESCRIBE <https://w3id.org/sco-kg/id/state/IND>"):
        status, headers, body = http(f"{endpoint}?{_q(query)}", headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert len(Graph().parse(data=body, format=fmt)) > 0


def test_format_xml_on_construct_is_rdf_xml(endpoint: str) -> None:
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> ; a ?c }"
    status, headers, body = http(f"{endpoint}?{_q(query, format='xml', output='xml', results='xml')}")
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=body, format="xml")) == 27


def test_tsv_escapes_tabs_and_newlines(endpoint: str) -> None:
    query = 'SELECT ?x ?y WHERE { BIND("a\\tb\\nc\\r" AS ?x) BIND(<http://e/x> AS ?y) }'
    status, _, body = http(f"{endpoint}?{_q(query)}", headers={"Accept": "text/tab-separated-values"})
    lines = body.decode().splitlines()
    assert status == 200 and len(lines) == 2
    assert lines[1].split("\t") == ['"a\\tb\\nc\\r"', "<http://e/x>"]


def test_relative_iris_resolve_against_the_endpoint(endpoint: str) -> None:
    query = "CONSTRUCT { <rel> <p> <o> } WHERE { }"
    status, _, body = http(f"{endpoint}?{_q(query)}", headers={"Accept": "application/n-triples"})
    base = endpoint.rsplit("/", 1)[0]
    assert status == 200 and body.decode().strip() == f"<{base}/rel> <{base}/p> <{base}/o> ."


# 2.1.7 and the W3C suite's bad_* cases: failures are 4xx with one line.

@pytest.mark.parametrize(("method", "data", "headers", "status"), [
    ("PUT", COUNT.encode(), {"Content-Type": "application/sparql-query"}, 405),  # bad_query_method
    ("GET", None, {}, 400),  # bad_multiple_queries (URL built below)
    ("POST", COUNT.encode(), {"Content-Type": "text/plain"}, 415),  # bad_query_wrong_media_type
    ("POST", _q(COUNT).encode(), {}, 415),  # bad_query_missing_form_type
    ("POST", COUNT.encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415),  # bad_query_non_utf8
    ("POST", b"query=SELECT+*+WHERE+%7B", {"Content-Type": FORM}, 400),  # bad_query_syntax
    ("POST", b"update=CLEAR+ALL", {"Content-Type": FORM}, 403),  # bad_update_*: no update here
    ("POST", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 403),
    ("POST", b"query=CLEAR+ALL", {"Content-Type": FORM}, 403),
])
def test_bad_requests(endpoint: str, method: str, data: bytes | None, headers: dict[str, str], status: int) -> None:
    url = f"{endpoint}?query=ASK%7B%7D&query=ASK%7B%7D" if data is None else endpoint
    got, response_headers, body = http(url, data, headers, method)
    assert got == status and response_headers["Content-Type"].startswith("text/plain")
    assert body.decode().count("\n") <= 1 or got == 405


def test_two_query_parameters_across_url_and_body_are_refused(endpoint: str) -> None:
    status, _, body = http(f"{endpoint}?query=ASK%7B%7D", b"ASK {}", {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"more than one 'query'" in body


# The Service Description (SPARQL 1.1 Service Description, section 2: at the endpoint URL).

@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/rdf+xml", "xml"),
                                              ("application/ld+json", "json-ld")])
def test_service_description_at_the_endpoint(endpoint: str, accept: str, fmt: str, graph_sizes: dict[str, int]) -> None:
    status, _, body = http(endpoint, headers={"Accept": accept})
    description = Graph().parse(data=body, format=fmt)
    service = URIRef(endpoint)
    assert status == 200 and (service, SD.endpoint, service) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    names = set(description.objects(None, SD.name))
    assert names == {URIRef(g) for g in graph_sizes}


def test_head_and_options(endpoint: str) -> None:
    status, headers, body = http(f"{endpoint}?{_q('ASK {}')}", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    status, headers, _ = http(endpoint, method="OPTIONS", headers={"Origin": "http://127.0.0.1:1",
                                                                 "Access-Control-Request-Method": "POST"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*" and "POST" in headers["Allow"]
