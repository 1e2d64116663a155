"""Views: the networkx graphs they draw, self-contained offline HTML, and the pages in headless
Debian chromium (draw, node count, click, tooltip, slider, zero network requests)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graph_builder.api import KnowledgeGraph
from graph_builder.core.errors import ScoKgError
from graph_builder.explore.plots import ROLE_COLOURS
from graph_builder.explore.views import view_graph, write_view


def test_overview_graph_has_states_bodies_and_membership_edges(kg: KnowledgeGraph) -> None:
    g = view_graph(kg, "overview")
    types = [str(d.get("type", "")) for _, d in g.nodes(data=True)]
    assert sum("sco:State" in t for t in types) == 27
    assert sum("org:OrganizationalUnit" in t for t in types) == 15
    memberships = [d for _, _, d in g.edges(data=True) if d.get("kind") == "membership"]
    assert len(memberships) == 54 and all(d["sources"] for d in memberships)
    assert not any(n.startswith("https://w3id.org/sco-kg/id/source/") for n in g.nodes)


def test_ego_graph_is_the_neighbourhood(kg: KnowledgeGraph) -> None:
    g = view_graph(kg, "ego", focus="India", depth=1)
    assert g.graph["focus"] == "https://w3id.org/sco-kg/id/state/IND"
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    assert {"India", "Shanghai Cooperation Organisation"} <= labels
    with pytest.raises(ScoKgError, match="needs --focus"):
        view_graph(kg, "ego")


@pytest.fixture(scope="module")
def pages(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("views")
    return {
        "overview": write_view(kg, "overview", out / "overview.html", "2010-01-01"),
        "evolution": write_view(kg, "evolution", out / "evolution.html", "2026-11-29"),
        "ego": write_view(kg, "ego", out / "ego.html", "2026-11-29", focus="IND"),
    }


def test_pages_reference_nothing_remote(pages: dict[str, Path]) -> None:
    for path in pages.values():
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?https?:""", html, re.I), path.name
        assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.I), path.name


def test_overview_colours_states_by_role_on_the_day(kg: KnowledgeGraph, pages: dict[str, Path]) -> None:
    html = pages["overview"].read_text(encoding="utf-8")
    assert ROLE_COLOURS["observer"] in html and "The SCO on 2010-01-01" in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def test_views_in_headless_chromium(kg: KnowledgeGraph, pages: dict[str, Path]) -> None:
    assert CHROMIUM, "Debian chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name, path in pages.items():
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                remote: list[str] = []
                page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
                page.goto(path.as_uri())
                page.wait_for_function("window.network !== undefined")
                page.evaluate("window.network.stopSimulation(); window.network.fit()")
                graph = view_graph(kg, name, focus="IND" if name == "ego" else None)
                if name != "evolution":
                    assert page.evaluate("window.nodesView.length") == graph.number_of_nodes()
                node = "https://w3id.org/sco-kg/id/state/IND"
                pos = page.evaluate("id => { const p = window.network.getPositions([id])[id];"
                                    " const d = window.network.canvasToDOM(p); return [d.x, d.y]; }", node)
                box = page.locator("#graph").bounding_box()
                page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
                page.wait_for_selector("div.vis-tooltip", state="visible")
                assert "India" in page.inner_text("div.vis-tooltip")
                page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
                assert page.evaluate("window.network.getSelectedNodes()") == [node]
                if name == "evolution":
                    now = page.evaluate("window.nodesView.length")
                    page.eval_on_selector("#year", "el => { el.value = 2004; el.dispatchEvent(new Event('input')); }")
                    then = page.evaluate("window.nodesView.length")
                    assert then < now and page.inner_text("#year-label") == "2004-12-31"
                    # the tooltip follows the year: India was an observer in 2005, a member in 2020
                    role = ("id => { const t = window.nodesView.get(id).title;"
                            " return [...t.querySelectorAll('div')].map(d => d.textContent).join(' | '); }")
                    page.eval_on_selector("#year", "el => { el.value = 2005; el.dispatchEvent(new Event('input')); }")
                    assert "role: observer state" in page.evaluate(role, node)
                    page.eval_on_selector("#year", "el => { el.value = 2020; el.dispatchEvent(new Event('input')); }")
                    assert "role: member state" in page.evaluate(role, node)
                if name == "overview":
                    # find a node by a label in any of the three languages
                    page.fill("#search", "Индия")
                    assert page.evaluate("window.network.getSelectedNodes()") == [node]
                    # the legend filters: unticking India's status that day hides India and its peers
                    role = page.evaluate("id => window.nodesView.get(id).info.role", node)
                    shown = page.evaluate("window.nodesView.length")
                    page.uncheck(f"#legend input[value='{role}']")
                    assert page.evaluate("id => window.nodesView.get(id)", node) is None
                    assert page.evaluate("window.nodesView.length") < shown - 1
                    page.check(f"#legend input[value='{role}']")
                    assert page.evaluate("window.nodesView.length") == shown
                    # links read as phrases, not property names
                    labels = page.evaluate("window.edgesView.get().map(e => e.label)")
                    assert "is a body of" in labels and not any(str(x).startswith(("org:", "sco:")) for x in labels)
                    # the picture downloads as a PNG drawn in the page
                    with page.expect_download() as download:
                        page.click("#export")
                    assert download.value.suggested_filename == "sco-kg-view.png"
                    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                assert remote == [], remote
                page.close()
        finally:
            browser.close()


def test_notebook_view_is_an_iframe_without_warnings(kg: KnowledgeGraph) -> None:
    import warnings

    from graph_builder.explore.views import notebook_view

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = notebook_view(kg, "ego", focus="IND", height=400)._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "height:400px" in html and "India" in html


def test_rings_keep_the_kinds_apart_and_states_grouped_by_role(kg: KnowledgeGraph) -> None:
    """Organisations in the centre, bodies round them, then the states, each role on one arc."""
    import math

    from graph_builder.explore.views import _layout, _role_on

    g = view_graph(kg, "overview")
    day = "2012-12-31"
    positions = _layout(g, day)
    assert set(positions) == set(g.nodes)

    def kind(node: str) -> int:
        types = str(g.nodes[node].get("type", ""))
        return 0 if "org:FormalOrganization" in types else 1 if "org:OrganizationalUnit" in types else 2

    radius = {k: {round(math.hypot(*positions[n]), 6) for n in g.nodes if kind(n) == k} for k in range(3)}
    assert all(len(r) == 1 for r in radius.values()), radius
    assert max(radius[0]) < min(radius[1]) < min(radius[2])
    states = sorted((n for n in g.nodes if kind(n) == 2),
                    key=lambda n: math.atan2(positions[n][1], positions[n][0]) % (2 * math.pi))
    runs = [role for i, role in enumerate(_role_on(g, n, day) for n in states)
            if i == 0 or role != _role_on(g, states[i - 1], day)]
    wrapped = len(runs) > 1 and runs[0] == runs[-1]
    assert len(set(runs)) == len(runs) - wrapped, runs
