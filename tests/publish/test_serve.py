"""The SPARQL endpoint with real clients (SPARQLWrapper, rdflib), its refusals and limits, and
its page in headless Debian chromium with no request leaving 127.0.0.1."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import VALID_SOURCES, http, serving, url_of
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from graph_builder.api import KnowledgeGraph
from graph_builder.build.graph import BuildResult
from graph_builder.core.paths import built_dataset
from graph_builder.publish.serve import ServeOptions, make_server, negotiate


@pytest.fixture(scope="module")
def base(built: BuildResult) -> Iterator[str]:
    for server in serving(built_dataset(built.out_dir)):
        yield url_of(server)


def _get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode("utf-8")


def _post(url: str, body: bytes, media: str, method: str = "POST") -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": media})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _sorted_sources(answer: dict) -> dict:
    """Raw SPARQL answers list a GROUP_CONCAT in the engine's order; the API sorts the list."""
    for row in answer["results"]["bindings"]:
        if "sources" in row:
            row["sources"]["value"] = " ".join(sorted(row["sources"]["value"].split()))
    return answer


def test_sparqlwrapper_get_and_post_in_every_format(base: str, kg: KnowledgeGraph) -> None:
    from SPARQLWrapper import CSV, GET, JSON, POST, TSV, XML, SPARQLWrapper

    query = kg.prepare("members", {"date": "2017-06-09", "role": "member"})
    expected = kg.query("members", date="2017-06-09", role="member").to_json()
    for method in (GET, POST):
        client = SPARQLWrapper(f"{base}/sparql")
        client.setMethod(method)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        assert _sorted_sources(client.query().convert()) == _sorted_sources(expected)
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 8
    for fmt, first in ((CSV, b"state,stateLabel"), (TSV, b"?state\t?stateLabel")):
        client.setReturnFormat(fmt)
        assert client.query().convert().startswith(first)


def test_rdflib_as_a_client(base: str) -> None:
    store = SPARQLStore(f"{base}/sparql", returnFormat="json")
    rows = list(Graph(store=store).query(
        "SELECT ?n WHERE { <https://w3id.org/sco-kg/id/state/IND> <http://www.w3.org/2000/01/rdf-schema#label> ?n }"))
    assert sorted(str(r[0]) for r in rows) == ["India", "Индия", "印度"]


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
])
def test_construct_content_negotiation(base: str, accept: str, fmt: str) -> None:
    query = urllib.parse.quote("CONSTRUCT { ?s a ?c } WHERE { ?s a <https://w3id.org/sco-kg/ontology#State> ; a ?c }")
    status, content_type, body = _get(f"{base}/sparql?query={query}", accept)
    assert status == 200 and content_type.startswith(accept)
    assert len(Graph().parse(data=body, format=fmt)) == 27


def test_named_catalogue_api(base: str, kg: KnowledgeGraph) -> None:
    import json

    status, _, body = _get(f"{base}/api/queries")
    names = [q["name"] for q in json.loads(body)]
    assert status == 200 and {"members", "state_history", "summits"} <= set(names)
    status, _, body = _get(f"{base}/api/queries/state_history?state=India")
    assert json.loads(body) == kg.query("state_history", state="India").to_json()
    assert _get(f"{base}/api/queries/nosuch")[0] == 404
    status, _, body = _get(f"{base}/api/queries/members?date=someday")
    assert status == 400 and "is not a date" in body


def test_void_description(base: str) -> None:
    status, media, body = _get(f"{base}/void")
    graph = Graph().parse(data=body, format="turtle")
    assert status == 200 and media.startswith("text/turtle") and len(graph) > 10


@pytest.mark.parametrize(("body", "media", "code", "message"), [
    (b"update=DROP+ALL", "application/x-www-form-urlencoded", 403, "updates are not allowed"),
    (b"INSERT DATA { <a:b> <a:c> <a:d> }", "application/sparql-update", 403, "updates are not allowed"),
    (b"query=" + urllib.parse.quote_plus("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").encode(),
     "application/x-www-form-urlencoded", 403, "SERVICE is not allowed"),
    (b"query=LOAD+%3Chttp%3A%2F%2Fexample.org%2Fdata.ttl%3E", "application/x-www-form-urlencoded", 403, "updates are not allowed"),
    (b"query=" + b"x" * 200_000, "application/x-www-form-urlencoded", 413, "exceeds max_body of 100000"),
    (b"query=SELECT+*+WHERE+%7B", "application/x-www-form-urlencoded", 400, "malformed SPARQL"),
])
def test_refusals(base: str, body: bytes, media: str, code: int, message: str) -> None:
    status, text = _post(f"{base}/sparql", body, media)
    assert status == code and message in text


def test_writes_are_refused(base: str) -> None:
    assert _post(f"{base}/sparql", b"", "text/turtle", method="PUT")[0] == 405


def test_accept_header_negotiation() -> None:
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", graph=False) == "xml"
    assert negotiate("*/*", graph=True) == "turtle"
    assert negotiate("", graph=False) == "json"
    assert negotiate("application/sparql-results+json;q=0, text/csv", graph=False) == "csv"
    assert negotiate("", graph=True, explicit="xml") == "rdfxml"


def test_answer_size_cap(built: BuildResult) -> None:
    everything = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    for server in serving(built_dataset(built.out_dir), ServeOptions(workers=1, max_answer_bytes=2_000)):
        url = url_of(server)
        status, _, body = _get(f"{url}/sparql?query={everything}")
        assert status == 400 and "the answer is over 2,000 bytes" in body
        assert _get(f"{url}/sparql?query={urllib.parse.quote('ASK { ?s ?p ?o }')}")[0] == 200


def test_binds_to_loopback_by_default(built: BuildResult) -> None:
    server = make_server(built_dataset(built.out_dir), port=0, options=ServeOptions(workers=1))
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def test_page_in_headless_chromium(base: str, kg: KnowledgeGraph) -> None:
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/")
            page.wait_for_selector("#catalogue button[data-name=members]")
            page.click("#catalogue button[data-name=members]")
            page.fill("input[name=date]", "2017-06-09")
            page.select_option("select[name=role]", "member")
            page.click("#run-named")
            page.wait_for_selector("#result-table td")
            rows = page.locator("#result-table tr").count() - 1
            assert rows == len(kg.query("members", date="2017-06-09", role="member"))
            assert "India" in page.inner_text("#result-table")
            assert page.locator("#result-table a[href='https://w3id.org/sco-kg/id/state/IND']").count() == 1
            page.fill("#query", "ASK { ?s ?p ?o }")
            page.click("#run")
            page.wait_for_selector("#boolean")
            assert page.inner_text("#boolean") == "true"
            page.fill("#query", "SELECT * WHERE {")
            page.click("#run")
            page.wait_for_selector("#status.error")
            assert "malformed SPARQL" in page.inner_text("#status")
        finally:
            browser.close()
    assert requests and all(url.startswith(base) for url in requests), requests


def test_serve_says_when_it_answers_from_an_older_build(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from graph_builder.build.graph import build

    build([VALID_SOURCES], tmp_path)
    for server in serving(tmp_path / "sco.trig"):
        status, headers, _ = http(f"{url_of(server)}/sparql?query=ASK%7B%7D")
        assert status == 200 and "x-sco-kg-build" not in {k.lower() for k in headers}
        build([VALID_SOURCES], tmp_path)
        time.sleep(1.1)  # the server looks at the build folder at most once a second
        status, headers, _ = http(f"{url_of(server)}/sparql?query=ASK%7B%7D")
        assert status == 200 and {k.lower(): v for k, v in headers.items()}["x-sco-kg-build"].startswith("stale")
    assert "restart it to serve the new one" in capfd.readouterr().err


# --- entity pages: the graph's IRIs answer for themselves ---------------------------------------

def test_entity_iri_gives_turtle_that_parses(base: str) -> None:
    status, media, body = _get(f"{base}/id/state/IND", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    india = "https://w3id.org/sco-kg/id/state/IND"
    labels = {str(o) for s, p, o in g if str(s) == india and str(p).endswith("#label")}
    assert {"India", "印度", "Индия"} <= labels
    # what points at India comes too: its memberships
    assert any(str(o) == india and "membership/IND-sco-member-2017-06-09" in str(s) for s, _, o in g)


@pytest.mark.parametrize("accept, fmt, parse", [
    ("application/n-triples", None, "nt"), ("application/ld+json", None, "json-ld"),
    ("text/html", "turtle", "turtle"), ("*/*", None, "turtle")])
def test_entity_formats_follow_accept_or_the_format_parameter(base: str, accept: str, fmt: str | None, parse: str) -> None:
    status, media, body = _get(f"{base}/id/person/narendra-modi" + (f"?format={fmt}" if fmt else ""), accept)
    assert status == 200
    assert len(Graph().parse(data=body, format=parse)) > 5


def test_entity_page_shows_the_dated_history_with_sources(base: str) -> None:
    status, media, body = _get(f"{base}/id/state/IND", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and media.startswith("text/html")
    assert "<h1>India</h1>" in body and "印度" in body and "Индия" in body
    assert "http://www.wikidata.org/entity/Q668" in body
    # both statuses, dated, with a source each
    assert "2005-07-05" in body and "2017-06-09" in body and "https://worldjpn.net/documents/texts/SCO/20050705.D1E.html" in body
    # links to the graph's other entities stay on this server
    assert 'href="/id/summit/sco-2017-astana"' in body
    # a small picture of what is next to it, drawn in the page (SVG, each neighbour a link)
    svg = body[body.index("<svg"):body.index("</svg>")]
    assert svg.count("<circle") > 10 and 'href="/id/membership/IND-sco-member-2017-06-09"' in svg


def test_entity_iri_that_names_nothing_is_a_404_line(base: str) -> None:
    for path in ("/id/state/XXX", "/id/state/IND%3E%20%3Fs%20%3Fp", "/id/%20"):
        status, media, body = _get(f"{base}{path}", "text/turtle")
        assert status == 404 and media.startswith("text/plain") and body.count("\n") == 1, (path, body)
    status, _, body = _get(f"{base}/id/state/IND?format=pdf")
    assert status == 400 and "not offered" in body


def test_ontology_iri_answers(base: str) -> None:
    status, media, body = _get(f"{base}/ontology", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    assert len(Graph().parse(data=body, format="turtle")) > 0


def test_entity_page_in_headless_chromium(base: str) -> None:
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/id/state/IND")
            assert page.inner_text("h1") == "India"
            history = page.locator("h2", has_text="Statuses").locator("xpath=following-sibling::table[1]")
            assert "2017-06-09" in history.inner_text() and "member" in history.inner_text()
            page.click("a[href='/id/summit/sco-2017-astana']")
            page.wait_for_selector("h1")
            assert "Astana" in page.inner_text("h1")
        finally:
            browser.close()
    assert requests and all(url.startswith(base) for url in requests), requests


# --- the editor: YASGUI from the package, catalogue queries with their parameters bound ---------

def test_catalogue_query_text_with_parameters_bound_runs_as_it_is(base: str, kg: KnowledgeGraph) -> None:
    status, media, text = _get(f"{base}/api/queries/members/sparql?date=2017-06-09&role=member")
    assert status == 200 and media.startswith("application/sparql-query") and '"2017-06-09"' in text
    status, _, answer = _get(f"{base}/sparql?" + urllib.parse.urlencode({"query": text}), "text/csv")
    assert status == 200 and len(answer.strip().splitlines()) - 1 == len(kg.query("members", date="2017-06-09", role="member"))
    assert _get(f"{base}/api/queries/members/other")[0] == 404
    assert _get(f"{base}/api/queries/members/sparql?date=notaday")[0] == 400


def test_editor_and_its_files_are_served_from_the_package(base: str) -> None:
    status, media, page = _get(f"{base}/editor")
    assert status == 200 and media.startswith("text/html") and "/static/yasgui.min.js" in page
    for name, media_type in (("yasgui.min.js", "application/javascript"), ("yasgui.min.css", "text/css")):
        status, media, _ = _get(f"{base}/static/{name}")
        assert status == 200 and media.startswith(media_type)
    assert _get(f"{base}/static/other.js")[0] == 404


def test_editor_runs_a_catalogue_query_in_headless_chromium(base: str, kg: KnowledgeGraph) -> None:
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    expected = len(kg.query("members", date="2017-06-09", role="member"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/")
            page.click("#catalogue button[data-name=members]")
            page.fill("input[name=date]", "2017-06-09")
            page.select_option("select[name=role]", "member")
            for _ in range(100):  # the page asks the server for the bound text (no eval: the page's CSP forbids it)
                if "2017-06-09" in page.input_value("#query"):
                    break
                page.wait_for_timeout(50)
            page.click("#open-editor")
            page.wait_for_selector(".yasqe_queryButton")
            assert "2017-06-09" in page.evaluate("window.sparqlEditor.getTab().getQuery()")
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table tbody tr")
            assert f"{expected} results" in page.inner_text(".yasr")
            assert "query=" in page.url  # the query is in the address: a permalink
        finally:
            browser.close()
    assert requests and all(url.startswith(base) for url in requests), requests


def test_editor_charts_numeric_columns_offline(base: str, kg: KnowledgeGraph) -> None:
    """The Chart view draws one bar per row and series of a counting query, in the page."""
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    assert _get(f"{base}/static/chart.js")[0] == 200
    query = ("SELECT ?role (COUNT(DISTINCT ?state) AS ?states) WHERE { ?m a <https://w3id.org/sco-kg/ontology#StatusMembership> ; "
             "<http://www.w3.org/ns/org#member> ?state ; <http://www.w3.org/ns/org#role>/<http://www.w3.org/2004/02/skos/core#notation> ?role } "
             "GROUP BY ?role ORDER BY ?role")
    roles = len(kg.sparql(query).rows)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{base}/editor?" + urllib.parse.urlencode({"query": query}))
            page.wait_for_selector(".yasqe_queryButton")
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table tbody tr")
            page.click(".yasr .select_chart")
            page.wait_for_selector("svg.sco-chart")
            assert page.locator("svg.sco-chart rect.sco-bar").count() == roles >= 3
            assert "states by role" in page.inner_text(".sco-chart-box")
        finally:
            browser.close()
    assert requests and all(url.startswith(base) for url in requests), requests
