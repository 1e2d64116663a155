"""Entity pages: every IRI of the graph answers for itself, as HTML for people and RDF for machines.

``/id/state/IND`` on ``serve`` is the page of ``https://w3id.org/sco-kg/id/state/IND``: content
negotiation picks Turtle, N-Triples, JSON-LD or RDF/XML from the Accept header (or a ``format``
parameter), else an HTML page with the entity's labels, its Wikidata link, its dated and sourced
history (statuses for a state, offices and delegations for a person) and every statement about it
and pointing to it. The IRIs are served directly with ``Vary: Accept``, one of the two ways the W3C
"Cool URIs for the Semantic Web" note describes. The page loads nothing: no script, font or image.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import ScoKgError

IRI_BASE = "https://w3id.org/sco-kg"
ID_PREFIX = f"{IRI_BASE}/id/"
# What an entity IRI can be asked for; the first offered type wins for */*.
ENTITY_TYPES = [("text/turtle", "turtle"), ("text/html", "html"), ("application/xhtml+xml", "html"),
                ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
                ("application/rdf+xml", "rdfxml"), ("text/plain", "nt")]
ENTITY_FORMATS = {"turtle": "turtle", "ttl": "turtle", "html": "html", "nt": "nt", "ntriples": "nt",
                  "json-ld": "json-ld", "jsonld": "json-ld", "rdfxml": "rdfxml", "xml": "rdfxml"}
_RDFLIB = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld", "rdfxml": "xml"}
MEDIA = {"turtle": "text/turtle", "html": "text/html", "nt": "application/n-triples",
         "json-ld": "application/ld+json", "rdfxml": "application/rdf+xml"}

_DESCRIBE = """
CONSTRUCT { <%(iri)s> ?p ?o . ?s ?q <%(iri)s> . ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol .
            ?s <http://www.w3.org/2000/01/rdf-schema#label> ?sl . }
WHERE {
  { <%(iri)s> ?p ?o OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol } }
  UNION { ?s ?q <%(iri)s> OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?sl } }
}
"""

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72em; padding: 1em 1.5em; color: #1d2430; }
header a { color: #1d4f91; text-decoration: none; font-weight: 600; }
h1 { margin: .4em 0 .1em; } .iri { color: #555; font-family: monospace; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; font-size: 14px; }
th, td { border-bottom: 1px solid #dde3ea; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f3f6fa; } td.src a { display: inline-block; margin-right: .6em; }
.formats a { margin-right: .8em; }
"""


def entity_format(accept: str, explicit: tuple[str, ...]) -> str:
    """The format key for an entity request: an explicit ``format`` parameter, else the Accept
    header's best offered type (quality values respected), else Turtle."""
    for name in explicit:
        key = ENTITY_FORMATS.get(name.lower())
        if key is None:
            raise ScoKgError(f"format '{name[:40]}' is not offered for an entity; choose one of "
                             f"{', '.join(sorted(ENTITY_FORMATS))}")
        return key
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and media.strip():
            ranked.append((-q, i, media.strip().lower()))
    for _, _, media in sorted(ranked):
        for offered, key in ENTITY_TYPES:
            if media in (offered, "*/*", offered.split("/")[0] + "/*"):
                return key
    return "turtle"


# Where a page points for one of the graph's IRIs, as a page (format None) or as data ("turtle").
Link = Callable[[str, "str | None"], str]


def server_link(iri: str, fmt: str | None = None) -> str:
    """Where one of the graph's IRIs is served: its path on the same server."""
    return iri.removeprefix(IRI_BASE) + (f"?format={fmt}" if fmt else "")


def describe(kg: Any, iri: str, key: str, link: Link = server_link) -> bytes | None:
    """The entity in the format ``key``, or None when the graph says nothing about it; ``link``
    says where the page points for another of the graph's IRIs."""
    result = kg.engine.run(_DESCRIBE % {"iri": iri})
    graph = result.graph
    if graph is None or not len(graph):
        return None
    if key != "html":
        return graph.serialize(format=_RDFLIB[key]).encode("utf-8")
    if iri == f"{IRI_BASE}/ontology":  # people reading the ontology want its documentation
        from .ontodoc import ontology_page

        return ontology_page()
    return _page(kg, iri, graph, link).encode("utf-8")


def _page(kg: Any, iri: str, graph: Any, link: Link) -> str:
    from rdflib import RDFS, URIRef

    from ..core.vocab import SKOS

    node = URIRef(iri)
    labels = {lit.language or "": str(lit) for lit in graph.objects(node, RDFS.label)}
    title = labels.get("en") or next(iter(labels.values()), iri.rsplit("/", 1)[-1])
    wikidata = [str(o) for o in graph.objects(node, SKOS.exactMatch) if "wikidata.org" in str(o)]
    home = link(IRI_BASE + "/", None)
    parts = [f"<header><a href=\"{_e(home)}\">SCO knowledge graph</a></header>",
             f"<h1>{_e(title)}</h1>", f"<p class=\"iri\">{_e(iri)}</p>",
             "<p class=\"formats\">As data: " + " ".join(
                 f"<a href=\"{_e(link(iri, k))}\">{n}</a>" for k, n in (("turtle", "Turtle"), ("nt", "N-Triples"),
                                                                              ("json-ld", "JSON-LD"))) + "</p>"]
    if labels:
        parts.append("<table class=\"labels\"><tr><th>language</th><th>label</th></tr>" + "".join(
            f"<tr><td>{_e(lang or '-')}</td><td lang=\"{_e(lang)}\">{_e(text)}</td></tr>"
            for lang, text in sorted(labels.items())) + "</table>")
    if wikidata:
        parts.append("<p>Wikidata: " + ", ".join(f"<a href=\"{_e(q)}\">{_e(q.rsplit('/', 1)[-1])}</a>"
                                                 for q in wikidata) + "</p>")
    ego = _ego(graph, node, title, link)
    if ego:
        parts.append("<h2>Around it</h2>" + ego)
    for heading, rows in _histories(kg, iri):
        parts.append(f"<h2>{_e(heading)}</h2>" + _table(rows, link))
    statements = _records(kg, "entity_profile", entity=iri)
    if statements:
        parts.append("<h2>Statements</h2>" + _table(
            [{"property": r.get("predicateLabel") or r.get("predicate"), "value": r.get("value"),
              "valueLabel": r.get("valueLabel")} for r in statements], link))
        sources = sorted({u for r in statements for u in str(r.get("sources", "")).split()})
        parts.append("<h2>Sources</h2>" + _table([{"sources": " ".join(sources)}], link))
    incoming = sorted({(str(s), str(p)) for s, p, _ in graph.triples((None, None, node))})
    if incoming:
        parts.append("<h2>Referred to by</h2>" + _table(
            [{"subject": s, "label": str(graph.value(URIRef(s), RDFS.label) or ""), "property": p}
             for s, p in incoming], link))
    body = "\n".join(parts)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)} - SCO knowledge "
            f"graph</title><style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


# Colours of the kinds of entity in the small picture around an entity (the views' palette).
_KIND_COLOURS = {"state": "#1f5fa8", "org": "#5d7b93", "person": "#8e44ad", "summit": "#e08a1e", "meeting": "#e0a95e",
                 "membership": "#2e9e5b", "tenure": "#2e9e5b", "delegation": "#c0392b", "document": "#7f8c99",
                 "decision": "#7f8c99", "place": "#16a085"}
EGO_LIMIT = 24


def _english(graph: Any, node: Any) -> str | None:
    from rdflib import RDFS

    names = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label)}
    return names.get("en") or next(iter(names.values()), None)


def _ego(graph: Any, node: Any, title: str, link: Link) -> str:
    """The entity and the graph's entities next to it, as an SVG drawn here (no script, nothing
    loaded): a ring of at most EGO_LIMIT neighbours, each a link to its own page."""
    from rdflib import URIRef

    def shown_kind(iri: str) -> bool:  # sources are listed below the picture, not drawn in it
        return iri.startswith(ID_PREFIX) and not iri.startswith(ID_PREFIX + "source/")

    neighbours = sorted({str(o) for _, _, o in graph.triples((node, None, None))
                         if isinstance(o, URIRef) and shown_kind(str(o)) and o != node}
                        | {str(s) for s, _, _ in graph.triples((None, None, node)) if shown_kind(str(s))})
    if not neighbours:
        return ""
    # Every kind of neighbour gets a place before any kind gets a second one (a state has dozens
    # of delegations but few statuses).
    by_kind: dict[str, list[str]] = {}
    for target in neighbours:
        by_kind.setdefault(target.removeprefix(ID_PREFIX).split("/", 1)[0], []).append(target)
    queues = list(by_kind.values())
    shown: list[str] = []
    while len(shown) < min(EGO_LIMIT, len(neighbours)):
        for queue in queues:
            if queue and len(shown) < EGO_LIMIT:
                shown.append(queue.pop(0))
    shown.sort()
    size, cx, radius = 560, 280, 200
    items = [f'<line x1="{cx}" y1="{cx}" x2="{x:.0f}" y2="{y:.0f}" stroke="#c5ced8"/>'
             for x, y in (_point(cx, radius, i, len(shown)) for i in range(len(shown)))]
    for i, target in enumerate(shown):
        x, y = _point(cx, radius, i, len(shown))
        kind = target.removeprefix(ID_PREFIX).split("/", 1)[0]
        name = _english(graph, URIRef(target)) or target.rsplit("/", 1)[-1]
        items.append(f'<a href="{_e(link(target, None))}"><circle cx="{x:.0f}" cy="{y:.0f}" r="7" '
                     f'fill="{_KIND_COLOURS.get(kind, "#9aa3ad")}"><title>{_e(kind)}: {_e(name)}</title></circle>'
                     f'<text x="{x:.0f}" y="{y + 18:.0f}" text-anchor="middle" font-size="10">{_e(name[:28])}</text></a>')
    items.append(f'<circle cx="{cx}" cy="{cx}" r="11" fill="#0b3d62"/>'
                 f'<text x="{cx}" y="{cx - 16}" text-anchor="middle" font-size="12" font-weight="600">{_e(title[:40])}</text>')
    more = f"<p>and {len(neighbours) - EGO_LIMIT} more, listed below</p>" if len(neighbours) > EGO_LIMIT else ""
    return (f'<svg class="ego" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" '
            f'height="{size}" role="img" aria-label="entities next to this one">' + "".join(items) + "</svg>" + more)


def _point(centre: int, radius: int, i: int, count: int) -> tuple[float, float]:
    import math

    angle = 2 * math.pi * i / max(count, 1) - math.pi / 2
    return centre + radius * math.cos(angle), centre + radius * math.sin(angle)


def _histories(kg: Any, iri: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """The dated, sourced history an entity of this kind has: statuses of a state, offices and
    delegations of a person, meetings a state hosted."""
    kind, _, key = iri.removeprefix(ID_PREFIX).partition("/")
    if kind == "state":
        return [("Statuses in the SCO and the Shanghai Five", _records(kg, "state_history", state=key)),
                ("Delegations at summits", [r for r in _records(kg, "delegations") if r.get("state") == iri])]
    if kind == "person":
        return [("Offices and delegations", _records(kg, "person_profile", person=iri))]
    if kind == "summit":
        return [("Delegations", _records(kg, "delegations", meeting=iri))]
    return []


def _records(kg: Any, name: str, **params: str) -> list[dict[str, Any]]:
    try:
        return [{k: v for k, v in r._asdict().items() if v is not None} for r in kg.query(name, **params).records()]
    except ScoKgError:
        return []


def _table(rows: list[dict[str, Any]], link: Link) -> str:
    if not rows:
        return "<p>none recorded</p>"
    columns = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(c, r.get(c), link) for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(column: str, value: Any, link: Link) -> str:
    if value is None:
        return "<td></td>"
    text = str(value)
    if column == "sources":
        return "<td class=\"src\">" + "".join(f"<a href=\"{_e(u)}\">{_e(_short(u))}</a>" for u in text.split()) + "</td>"
    if text.startswith(ID_PREFIX):
        return f"<td><a href=\"{_e(link(text, None))}\">{_e(text.removeprefix(ID_PREFIX))}</a></td>"
    return f"<td>{_e(text)}</td>"


def _short(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --- a static site: the same pages as files --------------------------------------------------------

_SUFFIX = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld"}

_ENTITIES = """
SELECT DISTINCT ?entity (SAMPLE(?en) AS ?label) (SAMPLE(?zh) AS ?labelZh) (SAMPLE(?ru) AS ?labelRu) WHERE {
  ?entity ?p ?o .
  FILTER(STRSTARTS(STR(?entity), "%s"))
  OPTIONAL { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?ru FILTER(LANG(?ru) = "ru") }
}
GROUP BY ?entity
ORDER BY ?entity
"""

_INDEX_SCRIPT = """
const input = document.getElementById('q'), list = document.getElementById('hits');
function show() {
  const needle = input.value.trim().toLowerCase();
  list.replaceChildren();
  for (const e of ENTITIES) {
    const names = [e.en, e.zh, e.ru].filter(Boolean);
    if (needle && !names.some(n => n.toLowerCase().includes(needle)) && !e.key.includes(needle)) continue;
    const li = document.createElement('li'), a = document.createElement('a');
    a.href = e.href; a.textContent = names.join(' / ') || e.key;
    li.append(a, ' ', Object.assign(document.createElement('code'), {textContent: e.key}));
    list.append(li);
  }
}
input.addEventListener('input', show); show();
"""


def write_site(kg: Any, out: Path) -> int:
    """Write every entity of the graph as a page (``id/<path>/index.html``) with its data beside
    it (``data.ttl``, ``data.nt``, ``data.jsonld``), an index with a search box over the labels in
    English, Chinese and Russian, and the w3id.org redirect rules that would make the IRIs resolve
    to such a site. Every link is relative, so the folder works from disk and on any static host.
    Returns the number of entity pages."""
    rows = [{k: (str(v) if v is not None else None) for k, v in r._asdict().items()}
            for r in kg.engine.run(_ENTITIES % ID_PREFIX).records()]
    rows.append({"entity": f"{IRI_BASE}/ontology", "label": "The SCO ontology", "labelZh": None, "labelRu": None})
    for row in rows:
        iri = row["entity"]
        folder = out / _site_path(iri)
        folder.mkdir(parents=True, exist_ok=True)

        def link(target: str, fmt: str | None, here: Path = folder) -> str:
            if target == IRI_BASE + "/":
                return os.path.relpath(out / "index.html", here)
            name = f"data.{_SUFFIX[fmt]}" if fmt else "index.html"
            return os.path.relpath(out / _site_path(target) / name, here)

        page = describe(kg, iri, "html", link)
        if page is None:
            continue
        (folder / "index.html").write_bytes(page)
        for key, suffix in _SUFFIX.items():
            (folder / f"data.{suffix}").write_bytes(describe(kg, iri, key) or b"")
    entities = [{"key": r["entity"].removeprefix(ID_PREFIX).removeprefix(IRI_BASE + "/"), "en": r["label"],
                 "zh": r["labelZh"], "ru": r["labelRu"], "href": f"{_site_path(r['entity'])}/index.html"}
                for r in rows]
    data = json.dumps(entities, ensure_ascii=False).replace("</", "<\\/")
    (out / "index.html").write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SCO knowledge graph</title>"
        f"<style>{_STYLE}</style></head>\n<body><h1>SCO knowledge graph</h1>"
        f"<p>{len(entities)} entities: states, bodies, persons, meetings, documents, exercises and more, each "
        "with its dated, sourced facts. Search in English, Chinese or Russian.</p>"
        "<p><input id=\"q\" type=\"search\" placeholder=\"India, 印度, Индия, Tianjin ...\" autofocus></p>"
        f"<ul id=\"hits\"></ul><script>const ENTITIES = {data};{_INDEX_SCRIPT}</script></body></html>\n",
        encoding="utf-8")
    (out / "w3id.htaccess").write_text(W3ID_RULES, encoding="utf-8")
    return len(entities)


def _site_path(iri: str) -> str:
    return iri.removeprefix(IRI_BASE + "/").rstrip("/") or "."


# Rules for https://w3id.org/sco-kg/ (a pull request to the w3id.org repository, folder sco-kg/):
# IRIs go to the page or to the data, by Accept, on the host of the static site.
W3ID_RULES = """# w3id.org/sco-kg: send the graph's IRIs to the static site written by 'sco-kg site'.
# Replace SITE with the site's address (for example https://example.org/sco-kg) before submitting.
Options +FollowSymLinks
RewriteEngine on

RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteRule ^(id/.+|ontology)$ SITE/$1/data.ttl [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteRule ^(id/.+|ontology)$ SITE/$1/data.nt [R=303,L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteRule ^(id/.+|ontology)$ SITE/$1/data.jsonld [R=303,L]
RewriteRule ^(id/.+|ontology)$ SITE/$1/index.html [R=303,L]
RewriteRule ^$ SITE/index.html [R=303,L]
"""
