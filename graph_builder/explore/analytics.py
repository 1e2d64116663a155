"""Graph analytics over the relationship graph (networkx): the shortest chains between two
entities told as sentences with their sources, and who is most connected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..api import KnowledgeGraph
from ..core.errors import ScoKgError
from ..core.keys import ROLE_LABELS

if TYPE_CHECKING:
    import networkx as nx

PREDICATE_PHRASES = {
    "sco:concernsState": "concerns", "sco:adopts": "adopted", "sco:host": "was hosted by",
    "schema:location": "took place in", "schema:superEvent": "was part of", "schema:about": "is about",
    "schema:mentions": "mentions", "schema:nationality": "is a national of", "org:holds": "held the post of",
    "org:unitOf": "is a body of", "org:hasUnit": "has the body", "sco:seat": "has its seat in",
    "schema:containedInPlace": "is in", "sco:grantedBy": "was granted by", "sco:endedBy": "was ended by",
    "sco:signingOf": "signed", "sco:setOutIn": "is set out in", "schema:locationCreated": "was signed in",
    "sco:interviewee": "interviewed", "sco:interviewer": "was conducted by", "schema:recordedIn": "is recorded in",
    "org:originalOrganization": "changed", "org:resultingOrganization": "resulted in",
    "org:changedBy": "was changed by", "org:resultedFrom": "resulted from", "skos:broader": "is part of",
    "skos:narrower": "includes", "org:postIn": "is a post in", "schema:organizer": "was organised by",
}
# Vocabulary nodes every fact points at; a chain through them says nothing.
HUB_TYPES = ("sco:Role", "skos:ConceptScheme", "owl:Class", "owl:Ontology")


def relationship_graph(kg: KnowledgeGraph) -> "nx.MultiDiGraph":
    """The whole graph as networkx, from a CONSTRUCT of every triple, through network.py."""
    from .network import to_networkx

    return to_networkx(kg.triples("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))


@dataclass(frozen=True)
class Step:
    """One relationship of a chain, told as a sentence, with the URLs of its sources."""

    sentence: str
    sources: tuple[str, ...]


def _label(g: "nx.MultiDiGraph", node: str) -> str:
    return str(g.nodes[node].get("label", node)) if node in g else node


def _urls(g: "nx.MultiDiGraph", sources: str) -> tuple[str, ...]:
    urls = []
    for source in sources.replace(" | ", " ").split():
        urls.append(str(g.nodes[source].get("url", source)) if source in g else source)
    return tuple(sorted(set(urls)))


def _summit_of(g: "nx.MultiDiGraph", decision: str) -> str | None:
    if decision not in g:
        return None
    for _, target, data in g.out_edges(decision, data=True):
        if data.get("label") == "schema:superEvent":
            return _label(g, target)
    return None


def _sentence(g: "nx.MultiDiGraph", u: str, v: str, data: dict) -> Step:
    """A step from u to v; the edge may point either way."""
    forward = data["_from"] == u
    if data.get("kind") in ("membership", "tenure", "chairmanship"):
        holder, org = (u, v) if forward else (v, u)
        role = ROLE_LABELS.get(data.get("role", ""), data.get("role", ""))
        since = f"from {data['start']} to {data['end']}" if data.get("end") else f"since {data['start']}"
        summit = _summit_of(g, data.get("decision", ""))
        decided = f" (decided at the {summit})" if summit else ""
        text = f"{_label(g, holder)}, {role} of the {_label(g, org)} {since}{decided}"
        return Step(text, _urls(g, data.get("sources", "")))
    subject, obj = (u, v) if forward else (v, u)
    sources = g.nodes[subject].get("sources", "") if subject in g else ""
    predicate = data.get("label", "")
    phrase = PREDICATE_PHRASES.get(predicate, f"is linked ({predicate}) to")
    when = g.nodes[subject].get("schema:startDate", "") if subject in g else ""
    dated = f" ({when})" if when else ""
    urls = _urls(g, sources) or ((str(g.nodes[subject]["url"]),) if "url" in g.nodes.get(subject, {}) else ())
    return Step(f"{_label(g, subject)}{dated} {phrase} {_label(g, obj)}", urls)


def paths(kg: KnowledgeGraph, a: str, b: str, limit: int = 3) -> list[list[Step]]:
    """The shortest chains of relationships between two entities (ISO code, QID or label).

    >>> chains = paths(KnowledgeGraph.open(), "India", "Pakistan")
    >>> chains[0][0].sentence
    'India, member state of the Shanghai Cooperation Organisation since 2017-06-09 (decided at the 2017 SCO Astana summit)'
    """
    import networkx as nx

    g = relationship_graph(kg)
    start, end = str(kg.resolve("entity", a)), str(kg.resolve("entity", b))
    hubs = {n for n, d in g.nodes(data=True) if any(t in str(d.get("type", "")) for t in HUB_TYPES)}
    undirected = nx.MultiGraph()
    for u, v, key, data in g.edges(keys=True, data=True):
        if u in hubs or v in hubs:
            continue
        undirected.add_edge(u, v, key=key, _from=u, **data)
    if start not in undirected or end not in undirected:
        raise ScoKgError(f"no relationship links {a} and {b}")
    try:
        node_paths = list(nx.all_shortest_paths(undirected, start, end))
    except nx.NetworkXNoPath:
        raise ScoKgError(f"no chain of relationships links {a} and {b}") from None
    chains: list[list[Step]] = []
    def relationship_hops(nodes: list[str]) -> int:
        """How many steps are not memberships or offices: fewer reads better."""
        return sum(all(d.get("kind") == "link" for d in undirected.get_edge_data(u, v).values())
                   for u, v in zip(nodes, nodes[1:]))

    for nodes in sorted(node_paths, key=lambda p: (relationship_hops(p), p))[:limit]:
        chain = []
        for u, v in zip(nodes, nodes[1:]):
            edges = undirected.get_edge_data(u, v)
            rank = {"membership": 0, "tenure": 1, "chairmanship": 2}
            key = sorted(edges, key=lambda k: (rank.get(edges[k].get("kind", ""), 3), k))[0]
            chain.append(_sentence(g, u, v, edges[key]))
        chains.append(chain)
    return chains


def centrality(kg: KnowledgeGraph, date: str | None = None, top: int = 15,
               kind: str = "sco:State") -> list[tuple[str, str, int, float]]:
    """The most connected entities of one type (states by default) in the relationship graph:
    (entity, label, degree, betweenness), most connected first. With ``date``, memberships,
    offices and chairs count only when held on that day; other links always count.

    >>> [row[1] for row in centrality(KnowledgeGraph.open(), top=2)]
    ['China', 'Russia']
    """
    import networkx as nx

    g = _entity_graph(relationship_graph(kg), date)
    between = nx.betweenness_centrality(g)
    chosen = [n for n in g.nodes if kind in str(g.nodes[n].get("type", "")).split(" | ")]
    ranked = sorted(chosen, key=lambda n: (-g.degree(n), -between[n], str(g.nodes[n].get("label", n))))
    return [(n, str(g.nodes[n].get("label", n)), g.degree(n), round(between[n], 4)) for n in ranked[:top]]


def _entity_graph(g: "nx.MultiDiGraph", date: str | None) -> "nx.Graph":
    """An undirected simple graph of entities without vocabulary hubs, filtered by date."""
    import networkx as nx

    hubs = {n for n, d in g.nodes(data=True) if any(t in str(d.get("type", "")) for t in HUB_TYPES)}
    out = nx.Graph()
    out.add_nodes_from((n, d) for n, d in g.nodes(data=True) if n not in hubs)
    for u, v, data in g.edges(data=True):
        if u in hubs or v in hubs or u == v:
            continue
        if date and data.get("kind") != "link":
            if not (data["start"] <= date and (not data["end"] or date < data["end"])):
                continue
        out.add_edge(u, v)
    return out
