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
CONSTRUCT { <%(iri)s> ?p ?o . ?s ?q <%(iri)s> . ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol . }
WHERE {
  { <%(iri)s> ?p ?o OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?ol } }
  UNION { ?s ?q <%(iri)s> }
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


def describe(kg: Any, iri: str, key: str) -> bytes | None:
    """The entity in the format ``key``, or None when the graph says nothing about it."""
    result = kg.engine.run(_DESCRIBE % {"iri": iri})
    graph = result.graph
    if graph is None or not len(graph):
        return None
    if key != "html":
        return graph.serialize(format=_RDFLIB[key]).encode("utf-8")
    return _page(kg, iri, graph).encode("utf-8")


def _page(kg: Any, iri: str, graph: Any) -> str:
    from rdflib import RDFS, URIRef

    from ..core.vocab import SKOS

    node = URIRef(iri)
    labels = {lit.language or "": str(lit) for lit in graph.objects(node, RDFS.label)}
    title = labels.get("en") or next(iter(labels.values()), iri.rsplit("/", 1)[-1])
    wikidata = [str(o) for o in graph.objects(node, SKOS.exactMatch) if "wikidata.org" in str(o)]
    parts = [f"<header><a href=\"/\">SCO knowledge graph</a></header>",
             f"<h1>{_e(title)}</h1>", f"<p class=\"iri\">{_e(iri)}</p>",
             "<p class=\"formats\">As data: " + " ".join(
                 f"<a href=\"?format={k}\">{n}</a>" for k, n in (("turtle", "Turtle"), ("nt", "N-Triples"),
                                                                 ("json-ld", "JSON-LD"))) + "</p>"]
    if labels:
        parts.append("<table class=\"labels\"><tr><th>language</th><th>label</th></tr>" + "".join(
            f"<tr><td>{_e(lang or '-')}</td><td lang=\"{_e(lang)}\">{_e(text)}</td></tr>"
            for lang, text in sorted(labels.items())) + "</table>")
    if wikidata:
        parts.append("<p>Wikidata: " + ", ".join(f"<a href=\"{_e(q)}\">{_e(q.rsplit('/', 1)[-1])}</a>"
                                                 for q in wikidata) + "</p>")
    for heading, rows in _histories(kg, iri):
        parts.append(f"<h2>{_e(heading)}</h2>" + _table(rows))
    statements = _records(kg, "entity_profile", entity=iri)
    if statements:
        parts.append("<h2>Statements</h2>" + _table(
            [{"property": r.get("predicateLabel") or r.get("predicate"), "value": r.get("value"),
              "valueLabel": r.get("valueLabel")} for r in statements]))
        sources = sorted({u for r in statements for u in str(r.get("sources", "")).split()})
        parts.append("<h2>Sources</h2>" + _table([{"sources": " ".join(sources)}]))
    incoming = sorted({(str(s), str(p)) for s, p, _ in graph.triples((None, None, node))})
    if incoming:
        parts.append("<h2>Referred to by</h2>" + _table(
            [{"subject": s, "label": str(graph.value(URIRef(s), RDFS.label) or ""), "property": p}
             for s, p in incoming]))
    body = "\n".join(parts)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)} - SCO knowledge "
            f"graph</title><style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


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


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>none recorded</p>"
    columns = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(c, r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "<td></td>"
    text = str(value)
    if column == "sources":
        return "<td class=\"src\">" + "".join(f"<a href=\"{_e(u)}\">{_e(_short(u))}</a>" for u in text.split()) + "</td>"
    if text.startswith(ID_PREFIX):
        return f"<td><a href=\"{_e(text.removeprefix(IRI_BASE))}\">{_e(text.removeprefix(ID_PREFIX))}</a></td>"
    return f"<td>{_e(text)}</td>"


def _short(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def _e(text: str) -> str:
    return html.escape(text, quote=True)
