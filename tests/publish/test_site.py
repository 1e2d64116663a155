"""The static site: every entity a page with its data, relative links that work from disk, a
search box over three languages, and the w3id.org rules; checked in headless chromium from
file:// with no request leaving the folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from graph_builder.api import KnowledgeGraph
from graph_builder.publish.pages import write_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    assert write_site(kg, out) > 1000
    return out


def test_every_state_and_person_has_a_page_and_data_that_parses(site: Path, kg: KnowledgeGraph) -> None:
    states = [r.state for r in kg.query("state_labels").records()]
    assert states and all((site / "id/state" / str(s).rsplit("/", 1)[1] / "index.html").is_file() for s in states)
    india = site / "id/state/IND"
    assert "<h1>India</h1>" in (india / "index.html").read_text(encoding="utf-8")
    for name, fmt in (("data.ttl", "turtle"), ("data.nt", "nt"), ("data.jsonld", "json-ld")):
        assert len(Graph().parse(india / name, format=fmt)) > 20
    assert (site / "ontology/index.html").is_file() and "RewriteRule" in (site / "w3id.htaccess").read_text()


def test_the_ontology_page_documents_every_class_and_property(site: Path) -> None:
    """The site's ontology page is generated documentation, not a bare list of triples."""
    from rdflib import OWL, RDF

    from graph_builder.core.paths import ONTOLOGY_FILE

    html = (site / "ontology/index.html").read_text(encoding="utf-8")
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    terms = [str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith("https://w3id.org/sco-kg/ontology#")]
    assert len(terms) > 30
    missing = [iri for iri in terms if f"<code>{iri}</code>" not in html]
    assert not missing, missing
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="https?://', html)


def test_relative_links_all_land_on_files(site: Path) -> None:
    pages = sorted(site.glob("id/*/*/index.html"))[::20] + [site / "id/state/IND/index.html", site / "index.html"]
    checked = 0
    for page in pages:
        for href in re.findall(r'href="([^"#?]+)"', page.read_text(encoding="utf-8")):
            if href.startswith(("http://", "https://")):
                continue
            assert (page.parent / href).resolve().is_file(), (page, href)
            checked += 1
    assert checked > 100


def test_site_from_disk_in_headless_chromium(site: Path) -> None:
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto((site / "index.html").as_uri())
            page.fill("#q", "印度")
            page.wait_for_selector("#hits a")
            assert page.locator("#hits li").count() == 1
            page.click("#hits a")
            page.wait_for_selector("h1")
            assert page.inner_text("h1") == "India"
            assert "2017-06-09" in page.inner_text("body")
            page.click("a[href$='summit/sco-2017-astana/index.html']")
            page.wait_for_selector("h1")
            assert "Astana" in page.inner_text("h1")
            page.goto((site / "ontology/index.html").as_uri())
            assert page.inner_text("h1") == "sco-kg ontology: the Shanghai Cooperation Organisation"
            assert "https://w3id.org/sco-kg/ontology#StatusMembership" in page.inner_text("#statusmembership")
        finally:
            browser.close()
    assert requests and all(url.startswith("file://") for url in requests), requests
