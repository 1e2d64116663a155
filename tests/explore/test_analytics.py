"""Paths told as sentences with sources, and centrality, from the networkx mapping."""

from __future__ import annotations

import pytest

from graph_builder.api import KnowledgeGraph
from graph_builder.core.errors import ScoKgError
from graph_builder.explore.analytics import centrality, paths, relationship_graph


def test_membership_edges_carry_role_dates_decision_and_sources(kg: KnowledgeGraph) -> None:
    g = relationship_graph(kg)
    edges = [d for _, _, d in g.out_edges("https://w3id.org/sco-kg/id/state/IRN", data=True) if d["kind"] == "membership"]
    assert sorted((d["role"], d["start"], d["end"]) for d in edges) == [
        ("member", "2023-07-04", ""), ("observer", "2005-07-05", "2023-07-04")]
    assert all(d["sources"] and d["decision"].startswith("https://w3id.org/sco-kg/id/decision/") for d in edges)
    india = g.nodes["https://w3id.org/sco-kg/id/state/IND"]
    assert india["wikidata"] == "http://www.wikidata.org/entity/Q668" and india["label"] == "India"
    assert not any(n.startswith("http://www.wikidata.org/") for n in g.nodes)


def test_path_between_two_members_reads_as_sentences(kg: KnowledgeGraph) -> None:
    chains = paths(kg, "IND", "Q843")
    first = chains[0]
    assert [s.sentence for s in first] == [
        "India, member state of the Shanghai Cooperation Organisation since 2017-06-09 (decided at the 2017 SCO Astana summit)",
        "Pakistan, member state of the Shanghai Cooperation Organisation since 2017-06-09 (decided at the 2017 SCO Astana summit)",
    ]
    assert all(url.startswith("http") for step in first for url in step.sources) and first[0].sources
    assert len(chains) <= 3 and all(len(c) == 2 for c in chains)


def test_path_through_an_office_and_a_body(kg: KnowledgeGraph) -> None:
    sentences = [s.sentence for s in paths(kg, "Laos", "Zhang Ming")[0]]
    assert sentences[0].startswith("Laos, SCO partner of the Shanghai Cooperation Organisation since 2025-09-01")
    assert "Zhang Ming" in sentences[-1]


def test_path_errors(kg: KnowledgeGraph) -> None:
    with pytest.raises(ScoKgError, match="no entity matches 'Narnia'"):
        paths(kg, "India", "Narnia")


def test_centrality_ranks_states_and_respects_dates(kg: KnowledgeGraph) -> None:
    overall = centrality(kg, top=27)
    assert [r[1] for r in overall[:2]] == ["China", "Russia"] and len(overall) == 27
    laos_then = [r for r in centrality(kg, "2024-01-01", top=27) if r[1] == "Laos"]
    laos_now = [r for r in centrality(kg, "2026-01-01", top=27) if r[1] == "Laos"]
    assert laos_now[0][2] == laos_then[0][2] + 1


def test_mapping_is_the_same_from_every_engine(engines: dict[str, KnowledgeGraph]) -> None:
    """pyoxigraph's native N-Triples and rdflib's terms give one networkx graph."""
    from graph_builder.explore.network import to_networkx

    graphs = {name: to_networkx(kg.construct("overview")) for name, kg in engines.items()}
    reference = graphs.pop("oxigraph")
    assert reference.number_of_edges() > 50
    for name, g in graphs.items():
        assert dict(g.nodes(data=True)) == dict(reference.nodes(data=True)), name
        assert sorted(g.edges(keys=True, data=True), key=str) == sorted(reference.edges(keys=True, data=True), key=str), name


@pytest.mark.parametrize("text", ['plain', 'say "hi"', "back\\slash", "two\nlines\r", "tab\there", "中文 Русский", "\\u0041"])
def test_literals_round_trip_through_ntriples(text: str) -> None:
    """Literal values survive both pyoxigraph's N-Triples and our rdflib twin of it."""
    import pyoxigraph as ox
    from rdflib import Literal

    from graph_builder.query.terms import literal, term_token

    native = str(ox.Literal(text, language="en"))
    assert literal(native) == (text, "en")
    assert literal(term_token(Literal(text, lang="en"))) == (text, "en")
    assert literal(term_token(Literal(text))) == (text, "")
