"""IRIs are minted from keys, in one module, and the data has no blank nodes."""

from __future__ import annotations

import datetime as dt

from rdflib import BNode, Dataset, URIRef

from graph_builder.build import iris
from graph_builder.build.graph import BuildResult
from graph_builder.core.keys import Office, Role
from graph_builder.core.paths import built_dataset


def test_iris_come_from_stable_keys() -> None:
    assert iris.state("IND") == URIRef("https://w3id.org/sco-kg/id/state/IND")
    assert iris.role(Role.DIALOGUE_PARTNER) == URIRef("https://w3id.org/sco-kg/id/role/dialogue_partner")
    assert iris.post(Office.RATS_DIRECTOR) == URIRef("https://w3id.org/sco-kg/id/post/rats_director")
    assert iris.interval(dt.date(2005, 7, 5), None).endswith("interval/2005-07-05--open")
    assert iris.wikidata("Q668") == URIRef("http://www.wikidata.org/entity/Q668")


def test_membership_iri_is_minted_from_state_role_and_start(kg) -> None:  # noqa: ANN001
    row = kg.sparql(
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?m WHERE { ?m org:member <https://w3id.org/sco-kg/id/state/IND> ;"
        " org:role <https://w3id.org/sco-kg/id/role/member> }"
    ).rows
    assert [str(r[0]) for r in row] == ["https://w3id.org/sco-kg/id/membership/IND-sco-member-2017-06-09"]


def test_no_blank_nodes_and_every_subject_in_our_namespace(built: BuildResult) -> None:
    ds = Dataset()
    ds.parse(built_dataset(built.out_dir), format="trig")
    for s, p, o, g in ds.quads((None, None, None, None)):
        assert not isinstance(s, BNode) and not isinstance(o, BNode), (s, p, o)
        if str(getattr(g, "identifier", g)).endswith("/graph/ontology"):
            continue
        assert str(s).startswith("https://w3id.org/sco-kg/id/"), s
