"""Relationships are nodes in RDF and edges only in pictures: one mapping from RDF to networkx.

A status membership, tenure or chairmanship node becomes one labelled edge from its holder to
its organisation, carrying role, start, end and sources; literals become node attributes; other
links between entities become edges named by their predicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.term import Node

from .results import compact
from .vocab import ORG, PROV, SCHEMA, SCO, SKOS, TIME

if TYPE_CHECKING:
    import networkx as nx

# Classes whose instances become edges: holder --role--> organisation.
EDGE_CLASSES = {SCO.StatusMembership: "membership", SCO.Tenure: "tenure", SCO.Chairmanship: "chairmanship"}
# Structure that belongs to an edge or a time node, never drawn as a node of its own.
_HIDDEN_CLASSES = {TIME.Interval, TIME.Instant}
_SKIP_PREDICATES = {ORG.memberDuring, TIME.hasBeginning, TIME.hasEnd}
# Links to outside the graph (web pages, Wikidata items) are values of a node, not neighbours.
_VALUE_PREDICATES = {SCHEMA.url: "url", SKOS.exactMatch: "wikidata"}
# Plain constants: namespace attribute lookups cost more than the loops they sit in.
_TYPE, _DAY, _DERIVED = RDF.type, TIME.inXSDDate, PROV.wasDerivedFrom


def _attr_name(predicate: URIRef, literal: Literal) -> str:
    name = compact(predicate)
    return f"{name}@{literal.language}" if literal.language else name


def to_networkx(triples: Iterable[tuple[Node, Node, Node]]) -> "nx.MultiDiGraph":
    """A directed multigraph of entities (nodes) and relationships (edges), deterministic order.

    Takes any triples: an rdflib Graph, or the plain list ``KnowledgeGraph.construct`` returns
    (much faster for large views than building a Graph first).

    >>> from graph_builder.build import build_dataset
    >>> from graph_builder.validate import union_graph
    >>> g = to_networkx(union_graph(build_dataset()))
    >>> india_sco = [d["role"] for _, _, d in g.out_edges("https://w3id.org/sco-kg/id/state/IND", data=True)
    ...              if d.get("kind") == "membership"]
    >>> sorted(india_sco)
    ['member', 'observer']
    """
    import networkx as nx

    ordered = sorted(set(triples), key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    index: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    types: dict[Node, set[Node]] = defaultdict(set)
    day: dict[Node, str] = {}
    for s, p, o in ordered:
        index[(s, p)].append(o)
        if p == _TYPE:
            types[s].add(o)
        elif p == _DAY:
            day[s] = str(o)
    edge_nodes = {s for s, ts in types.items() if ts & set(EDGE_CLASSES)}
    hidden = {s for s, ts in types.items() if ts & _HIDDEN_CLASSES} | edge_nodes

    out = nx.MultiDiGraph()
    attrs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    links: list[tuple[str, str, str]] = []
    for s, p, o in ordered:
        if s in hidden or p in _SKIP_PREDICATES or not isinstance(s, URIRef):
            continue
        if p == _TYPE:
            attrs[str(s)]["type"].append(compact(o))  # type: ignore[arg-type]
        elif isinstance(o, Literal):
            attrs[str(s)][_attr_name(p, o)].append(str(o))  # type: ignore[arg-type]
        elif p == _DERIVED:
            attrs[str(s)]["sources"].append(str(o))
        elif p in _VALUE_PREDICATES:
            attrs[str(s)][_VALUE_PREDICATES[p]].append(str(o))  # type: ignore[index]
        elif isinstance(o, URIRef) and o not in hidden:
            links.append((str(s), str(o), compact(p)))  # type: ignore[arg-type]
    for node in sorted(attrs):
        data = {k: " | ".join(v) for k, v in sorted(attrs[node].items())}
        data["label"] = data.get("rdfs:label@en") or data.get("dcterms:title") or compact(URIRef(node))
        out.add_node(node, **data)
    for s, o, p in links:
        if o not in out:
            out.add_node(o, label=compact(URIRef(o)))
        out.add_edge(s, o, key=f"{p}:{o}", label=p, kind="link")
    for node in sorted(edge_nodes, key=str):
        _add_relationship(out, index, node, types[node], day)
    return out


def _add_relationship(out: "nx.MultiDiGraph", index: dict, node: Node, classes: set[Node], day: dict) -> None:
    def first(subject: Node | None, predicate: URIRef) -> Node | None:
        values = index.get((subject, predicate)) if subject is not None else None
        return values[0] if values else None

    holder, org = first(node, ORG.member), first(node, ORG.organization)
    if holder is None or org is None:
        return
    kind = next(EDGE_CLASSES[c] for c in (SCO.Chairmanship, SCO.Tenure, SCO.StatusMembership) if c in classes)
    role = first(node, ORG.role)
    interval = first(node, ORG.memberDuring)
    start = day.get(first(interval, TIME.hasBeginning))
    end = day.get(first(interval, TIME.hasEnd))
    notation = first(role, SKOS.notation)
    data = {
        "kind": kind,
        "role": str(notation) if notation is not None else (compact(role) if role is not None else ""),  # type: ignore[arg-type]
        "label": str(first(node, RDFS.label) or kind),
        "start": start or "",
        "end": end or "",
        "sources": " ".join(sorted(str(s) for s in index.get((node, PROV.wasDerivedFrom), []))),
        "decision": str(first(node, SCO.grantedBy) or ""),
    }
    for end_point in (holder, org):
        if str(end_point) not in out:
            out.add_node(str(end_point), label=compact(end_point))  # type: ignore[arg-type]
    out.add_edge(str(holder), str(org), key=str(node), **data)


__all__ = ["EDGE_CLASSES", "to_networkx"]
