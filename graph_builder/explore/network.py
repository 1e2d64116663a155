"""Relationships are nodes in RDF and edges only in pictures: one mapping from RDF to networkx.

A status membership, tenure or chairmanship node becomes one labelled edge from its holder to
its organisation, carrying role, start, end and sources; literals become node attributes; other
links between entities become edges named by their predicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, URIRef

from ..core.memory import paused_gc
from ..core.vocab import ORG, PROV, SCHEMA, SCO, SKOS, TIME
from ..query.results import compact
from ..query.terms import Triple, as_tokens, literal

if TYPE_CHECKING:
    import networkx as nx

def _t(iri: URIRef) -> str:
    return f"<{iri}>"


# Classes whose instances become edges: holder --role--> organisation.
EDGE_CLASSES = {SCO.StatusMembership: "membership", SCO.Tenure: "tenure", SCO.Chairmanship: "chairmanship"}
_EDGE_CLASSES = {_t(c): kind for c, kind in EDGE_CLASSES.items()}
_EDGE_ORDER = [_t(c) for c in (SCO.Chairmanship, SCO.Tenure, SCO.StatusMembership)]
# Structure that belongs to an edge or a time node, never drawn as a node of its own.
_HIDDEN_CLASSES = {_t(TIME.Interval), _t(TIME.Instant)}
_SKIP_PREDICATES = {_t(ORG.memberDuring), _t(TIME.hasBeginning), _t(TIME.hasEnd)}
# Links to outside the graph (web pages, Wikidata items) are values of a node, not neighbours.
_VALUE_PREDICATES = {_t(SCHEMA.url): "url", _t(SKOS.exactMatch): "wikidata"}
_TYPE, _DAY, _DERIVED, _LABEL = _t(RDF.type), _t(TIME.inXSDDate), _t(PROV.wasDerivedFrom), _t(RDFS.label)
_MEMBER, _ORG, _ROLE, _DURING = _t(ORG.member), _t(ORG.organization), _t(ORG.role), _t(ORG.memberDuring)
_BEGIN, _END, _NOTATION, _GRANTED = _t(TIME.hasBeginning), _t(TIME.hasEnd), _t(SKOS.notation), _t(SCO.grantedBy)

@lru_cache(maxsize=1024)
def _compact(token: str) -> str:
    return compact(URIRef(token[1:-1]))


def _value(token: str) -> str:
    """An IRI, blank node label or literal value as plain text."""
    return literal(token)[0] if token[0] == '"' else token[1:-1] if token[0] == "<" else token


def to_networkx(triples: Iterable[tuple]) -> "nx.MultiDiGraph":
    """A directed multigraph of entities (nodes) and relationships (edges), deterministic order.

    Takes an rdflib Graph, a list of rdflib triples, or N-Triples term triples as
    ``KnowledgeGraph.construct`` returns them (much faster for large views).

    >>> from graph_builder.build.graph import build_dataset
    >>> from graph_builder.build.validate import union_graph
    >>> g = to_networkx(union_graph(build_dataset()))
    >>> india_sco = [d["role"] for _, _, d in g.out_edges("https://w3id.org/sco-kg/id/state/IND", data=True)
    ...              if d.get("kind") == "membership"]
    >>> sorted(india_sco)
    ['member', 'observer']
    """
    with paused_gc():
        return _to_networkx(as_tokens(triples))


def _to_networkx(rows: list[Triple]) -> "nx.MultiDiGraph":
    import networkx as nx

    # No global sort (a third of the time for large views): order is made where it shows, by
    # sorting each node's values, the links and the nodes, and by taking the least of any
    # alternatives in ``_add_relationship``.
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    day: dict[str, str] = {}
    for s, p, o in rows:
        index[(s, p)].append(o)
        if p == _TYPE:
            types[s].add(o)
        elif p == _DAY:
            day[s] = min(day.get(s, o), o)
    day = {s: literal(o)[0] for s, o in day.items()}
    edge_nodes = {s for s, ts in types.items() if not ts.isdisjoint(_EDGE_CLASSES)}
    hidden = {s for s, ts in types.items() if not ts.isdisjoint(_HIDDEN_CLASSES)} | edge_nodes

    out = nx.MultiDiGraph()
    attrs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    links: set[tuple[str, str, str]] = set()
    for s, p, o in rows:
        if s in hidden or p in _SKIP_PREDICATES or s[0] != "<":
            continue
        if p == _TYPE:
            attrs[s[1:-1]]["type"].add(_compact(o))
        elif o[0] == '"':
            value, lang = literal(o)
            name = _compact(p)
            attrs[s[1:-1]][f"{name}@{lang}" if lang else name].add(value)
        elif p == _DERIVED:
            attrs[s[1:-1]]["sources"].add(o[1:-1])
        elif p in _VALUE_PREDICATES:
            attrs[s[1:-1]][_VALUE_PREDICATES[p]].add(o[1:-1])
        elif o[0] == "<" and o not in hidden:
            links.add((s[1:-1], o[1:-1], _compact(p)))
    for node in sorted(attrs):
        data = {k: " | ".join(sorted(v)) for k, v in sorted(attrs[node].items())}
        data["label"] = data.get("rdfs:label@en") or data.get("dcterms:title") or _compact(f"<{node}>")
        out.add_node(node, **data)
    for s, o, p in sorted(links):
        if o not in out:
            out.add_node(o, label=_compact(f"<{o}>"))
        out.add_edge(s, o, key=f"{p}:{o}", label=p, kind="link")
    for node in sorted(edge_nodes):
        _add_relationship(out, index, node, types[node], day)
    return out


def _add_relationship(out: "nx.MultiDiGraph", index: dict, node: str, classes: set[str], day: dict) -> None:
    def first(subject: str | None, predicate: str) -> str | None:
        values = index.get((subject, predicate)) if subject is not None else None
        return min(values) if values else None

    holder, org = first(node, _MEMBER), first(node, _ORG)
    if holder is None or org is None:
        return
    kind = next(_EDGE_CLASSES[c] for c in _EDGE_ORDER if c in classes)
    role = first(node, _ROLE)
    interval = first(node, _DURING)
    notation, label, decision = first(role, _NOTATION), first(node, _LABEL), first(node, _GRANTED)
    data = {
        "kind": kind,
        "role": _value(notation) if notation else (_compact(role) if role and role[0] == "<" else ""),
        "label": _value(label) if label else kind,
        "start": day.get(first(interval, _BEGIN), ""),  # type: ignore[arg-type]
        "end": day.get(first(interval, _END), ""),  # type: ignore[arg-type]
        "sources": " ".join(sorted({_value(s) for s in index.get((node, _DERIVED), [])})),
        "decision": _value(decision) if decision else "",
    }
    for end_point in (holder, org):
        if _value(end_point) not in out:
            out.add_node(_value(end_point), label=_compact(end_point) if end_point[0] == "<" else end_point)
    out.add_edge(_value(holder), _value(org), key=_value(node), **data)


__all__ = ["EDGE_CLASSES", "to_networkx"]
