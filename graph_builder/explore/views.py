"""Interactive views (pyvis) that work offline: overview, ego and evolution.

Views come from CONSTRUCT queries in ``queries/views`` (or the whole graph for ``ego``), become a
``networkx.MultiDiGraph`` through the one mapping in ``network.py``, and then pyvis nodes and
edges. The HTML page is our own: vis-network (shipped inside the pyvis package) is inlined, data
is JSON in the page, tooltips are built with DOM text nodes (nothing from the data is parsed as
HTML), and nothing is loaded over the network.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api import KnowledgeGraph
from ..core.errors import ScoKgError
from ..core.keys import ROLE_LABELS
from ..core.memory import paused_gc
from ..core.paths import VIEW_TEMPLATE_FILE
from .plots import ROLE_COLOURS

if TYPE_CHECKING:
    import networkx as nx

VIEWS = ("overview", "ego", "evolution")
NO_ROLE = "#b8c0c8"
KIND_COLOURS = {"organisation": "#0b3d62", "body": "#5b7f99", "other": "#d9dee3"}
LARGE = 300


def view_graph(kg: KnowledgeGraph, view: str, focus: str | None = None, depth: int = 1) -> "nx.MultiDiGraph":
    """The networkx graph a view draws: entities as nodes, relationships as edges.

    >>> g = view_graph(KnowledgeGraph.open(), "overview")
    >>> sum(1 for _, d in g.nodes(data=True) if d.get("type") == "sco:State")
    27
    """
    import networkx as nx

    from .analytics import HUB_TYPES, relationship_graph
    from .network import to_networkx

    if view not in VIEWS:
        raise ScoKgError(f"unknown view '{view}'; expected one of {', '.join(VIEWS)}")
    if view in ("overview", "evolution"):
        g = to_networkx(kg.construct("overview"))
    else:
        if not focus:
            raise ScoKgError("the ego view needs --focus (ISO code, QID or label)")
        full = relationship_graph(kg)
        centre = str(kg.resolve("entity", focus))
        hubs = [n for n, d in full.nodes(data=True) if any(t in str(d.get("type", "")) for t in HUB_TYPES)]
        full.remove_nodes_from(hubs)
        keep = nx.ego_graph(full.to_undirected(as_view=True), centre, radius=depth).nodes
        g = full.subgraph(keep).copy()
        g.graph["focus"] = centre
    g.remove_nodes_from([n for n in list(g.nodes) if n.startswith("https://w3id.org/sco-kg/id/role/")])
    sources = [n for n, d in g.nodes(data=True) if "dcterms:BibliographicResource" in str(d.get("type", ""))]
    g.graph["source_urls"] = {n: g.nodes[n].get("url", n) for n in sources}
    g.graph["source_titles"] = {n: g.nodes[n].get("label", n) for n in sources}
    g.remove_nodes_from(sources)
    return g


def _role_on(g: "nx.MultiDiGraph", node: str, day: str) -> str | None:
    for _, _, d in g.out_edges(node, data=True):
        if d.get("kind") == "membership" and d["start"] <= day and (not d["end"] or day < d["end"]):
            return str(d["role"])
    return None


def _sources(g: "nx.MultiDiGraph", ids: str) -> list[dict[str, str]]:
    urls, titles = g.graph.get("source_urls", {}), g.graph.get("source_titles", {})
    return [{"url": str(urls.get(i, i)), "title": str(titles.get(i, i))}
            for i in sorted(set(ids.replace(" | ", " ").split()))]


def _node_info(g: "nx.MultiDiGraph", node: str, role: str | None) -> dict[str, Any]:
    d = g.nodes[node]
    return {"iri": node, "label": str(d.get("label", node)), "zh": str(d.get("rdfs:label@zh", "")),
            "ru": str(d.get("rdfs:label@ru", "")), "type": str(d.get("type", "")),
            "role": ROLE_LABELS.get(role or "", ""), "wikidata": str(d.get("wikidata", "")),
            "sources": _sources(g, str(d.get("sources", "")))}


class _NodeIds(list):
    """pyvis keeps node ids in a list and looks an id up in it once per node and twice per edge,
    which made a 5,000-node view take seconds; a set beside the list answers in constant time."""

    def __init__(self) -> None:
        super().__init__()
        self._index: set[str] = set()

    def append(self, node: str) -> None:
        super().append(node)
        self._index.add(node)

    def __contains__(self, node: object) -> bool:
        return node in self._index


def to_pyvis(g: "nx.MultiDiGraph", day: str):  # noqa: ANN201 - pyvis has no types
    """pyvis nodes and edges for the graph, coloured by each state's role on ``day``; links carry
    a phrase ("is a body of"), not the property's name."""
    from pyvis.network import Network

    from .analytics import PREDICATE_PHRASES

    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.node_ids = _NodeIds()
    for node in sorted(g.nodes):
        d = g.nodes[node]
        types = str(d.get("type", ""))
        role = _role_on(g, node, day) if "sco:State" in types else None
        if "sco:State" in types:
            colour = ROLE_COLOURS.get(role or "", NO_ROLE)
        elif "org:FormalOrganization" in types:
            colour = KIND_COLOURS["organisation"]
        elif "org:OrganizationalUnit" in types:
            colour = KIND_COLOURS["body"]
        else:
            colour = KIND_COLOURS["other"]
        net.add_node(node, label=str(d.get("label", node)), color=colour, shape="dot",
                     size=22 if node == g.graph.get("focus") else 14, info=_node_info(g, node, role))
    for u, v, key, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        kind = d.get("kind", "link")
        label = (ROLE_LABELS.get(d.get("role", ""), d.get("role", "")) if kind != "link"
                 else PREDICATE_PHRASES.get(d.get("label", ""), d.get("label", "")))
        net.add_edge(u, v, label=label, color=ROLE_COLOURS.get(d.get("role", ""), "#9aa3ad"), arrows="to",
                     start=d.get("start", ""), end=d.get("end", ""), kind=kind,
                     info={"label": label, "start": d.get("start", ""), "end": d.get("end", ""),
                           "sources": _sources(g, d.get("sources", ""))})
    return net


def _layout(g: "nx.MultiDiGraph", day: str) -> dict[str, tuple[float, float]]:
    """Concentric rings, so the kinds of node stand apart: the organisations in the centre, their
    bodies around them, then the states, grouped by their role on ``day`` (members, observers,
    dialogue partners, partners, then those with no status), and outermost everything else
    (meetings, documents, persons). Each ring is wide enough for its nodes to sit about 110 px
    apart, room for a label; linear time (a force layout of 5,000 nodes took 80 s here)."""
    import math

    roles = list(ROLE_COLOURS)

    def place(node: str) -> tuple[int, tuple[Any, ...]]:
        d = g.nodes[node]
        types, label = str(d.get("type", "")), str(d.get("label", node))
        if "org:FormalOrganization" in types:
            return 0, (label,)
        if "org:OrganizationalUnit" in types:
            return 1, (label,)
        if "sco:State" in types:
            role = _role_on(g, node, day)
            return 2, (roles.index(role) if role in roles else len(roles), label)
        return 3, (types, label)

    keyed = sorted((place(n), n) for n in g.nodes)
    rings: list[list[str]] = [[n for (ring, _), n in keyed if ring == i] for i in range(4)]
    positions: dict[str, tuple[float, float]] = {}
    radius = 0.0
    for members in rings:
        if not members:
            continue
        radius = max(radius + 160.0, 110.0 * len(members) / (2 * math.pi)) if positions else (60.0 if len(members) > 1 else 0.0)
        for k, node in enumerate(members):
            angle = 2 * math.pi * k / len(members) - math.pi / 2
            positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def render(g: "nx.MultiDiGraph", view: str, day: str, title: str) -> str:
    """A self-contained HTML page for the view."""
    with paused_gc():
        return _render(g, view, day, title)


def _render(g: "nx.MultiDiGraph", view: str, day: str, title: str) -> str:
    import pyvis

    net = to_pyvis(g, day)
    nodes, edges = net.nodes, net.edges
    # rings for the overview and the evolution view; an ego view stays small, round its focus
    physics = view == "ego" and len(nodes) <= LARGE
    if not physics:
        positions = _layout(g, day)
        for node in nodes:
            node["x"], node["y"] = positions[node["id"]]
    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    data = {"nodes": nodes, "edges": edges, "view": view, "day": day, "physics": physics,
            "legend": [{"role": ROLE_LABELS[r], "colour": c} for r, c in ROLE_COLOURS.items()]
            + [{"role": "no status that day", "colour": NO_ROLE}]}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    template = VIEW_TEMPLATE_FILE.read_text(encoding="utf-8")
    return (template.replace("/*VIS_CSS*/", (lib / "vis-network.css").read_text(encoding="utf-8"))
            .replace("/*VIS_JS*/", (lib / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script"))
            .replace("/*DATA*/null", payload)
            .replace("<!--TITLE-->", title.replace("&", "&amp;").replace("<", "&lt;")))


def _day(date: str | None) -> str:
    """The view's day: the given one, checked, or today."""
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ScoKgError(f"--date: '{day}' is not a date YYYY-MM-DD") from None
    return day


def write_view(kg: KnowledgeGraph, view: str, out: Path, date: str | None = None,
               focus: str | None = None, depth: int = 1) -> Path:
    """Draw a view into a self-contained HTML file."""
    day = _day(date)
    g = view_graph(kg, view, focus, depth)
    titles = {"overview": f"The SCO on {day}", "evolution": "Who held which status, year by year",
              "ego": f"Around {g.nodes[g.graph['focus']].get('label', focus) if 'focus' in g.graph else focus}"}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(g, view, day, titles[view]), encoding="utf-8")
    return out


class NotebookFrame:
    """A view as Jupyter shows it: the self-contained page in an iframe's ``srcdoc``. Jupyter
    asks for ``_repr_html_``; IPython's HTML object would warn about the iframe above every view."""

    def __init__(self, page: str, height: int) -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        import html

        return f'<iframe srcdoc="{html.escape(self.page, quote=True)}" style="width:100%;height:{self.height}px;border:0"></iframe>'


def notebook_view(kg: KnowledgeGraph, view: str, date: str | None = None, focus: str | None = None,
                  depth: int = 1, height: int = 600) -> NotebookFrame:
    """A view for Jupyter: the self-contained page in an iframe (no side file, no network)."""
    day = _day(date)
    g = view_graph(kg, view, focus, depth)
    return NotebookFrame(render(g, view, day, f"{view} {focus or day}"), height)

