"""Validation: the real data passes; each broken fixture fails naming the offending node."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, VALID_SOURCES
from rdflib import Dataset

from graph_builder.build.graph import build_dataset
from graph_builder.build.load import load_sources
from graph_builder.build.validate import check_violations, union_graph, validate_dataset, validate_file
from graph_builder.core.paths import CHECKS_DIR
from graph_builder.core.errors import ValidationError

BROKEN_SOURCES = FIXTURES / "sources" / "invalid-graph"
BROKEN_GRAPHS = FIXTURES / "graphs" / "invalid"


def test_real_graph_is_valid(built) -> None:  # noqa: ANN001
    assert validate_dataset(build_dataset()) == []


def test_valid_fixture_is_valid() -> None:
    assert validate_dataset(build_dataset(load_sources([VALID_SOURCES]))) == []


@pytest.mark.parametrize(
    ("name", "node", "message"),
    [
        ("overlapping-roles.yaml", "membership/CHN-sco-member-2001-06-15", "overlaps"),
        ("overlapping-office-holders.yaml", "tenure/secretary_general-person-a-2010-01-01", "in the same post"),
        ("state-without-chinese-label.yaml", "state/PAK", "a state needs a Chinese label"),
    ],
)
def test_broken_sources_fail_validation(name: str, node: str, message: str) -> None:
    ds = build_dataset(load_sources([VALID_SOURCES, BROKEN_SOURCES / name]))
    violations = validate_dataset(ds)
    assert any(node in v and message in v for v in violations), violations
    with pytest.raises(ValidationError, match=message):
        validate_dataset(ds, raise_on_error=True)


@pytest.mark.parametrize(
    ("name", "node", "message"),
    [
        ("membership-without-source-or-role.trig", "membership/broken", "membership has no role"),
        ("membership-without-source-or-role.trig", "membership/broken", "membership has no source"),
        ("membership-without-source-or-role.trig", "membership/broken", "every fact needs at least one source"),
        ("start-after-end-and-no-qid.trig", "membership/reversed", "start 2017-06-09 is not before end 2005-07-05"),
        ("start-after-end-and-no-qid.trig", "state/IND", "state has no Wikidata QID"),
        ("start-after-end-and-no-qid.trig", "state/IND", "a state needs exactly one Wikidata link"),
    ],
)
def test_broken_graphs_fail_naming_the_node(name: str, node: str, message: str) -> None:
    violations = validate_file(BROKEN_GRAPHS / name)
    assert any(node in v and message in v for v in violations), violations


CHECK_FIXTURES = FIXTURES / "graphs" / "checks"
# What each check must say about its fixture, node by node, in its order.
CHECK_FIRES = {
    "interval_order": ["membership/reversed: start 2017-06-09 is not before end 2005-07-05"],
    "membership_complete": [f"membership/no-{k}: membership has no {what}" for k, what in (
        ("member", "member state"), ("org", "organisation"), ("role", "role"), ("source", "source"),
        ("start", "start day"))],
    "one_holder_at_a_time": ["tenure/first: overlaps https://w3id.org/sco-kg/id/tenure/second in the same post"],
    "one_role_at_a_time": ["membership/member: overlaps https://w3id.org/sco-kg/id/membership/observer"],
    "state_identity": ["state/AAA: state has no ISO 3166-1 alpha-2 code", "state/BBB: state has no ISO 3166-1 alpha-3 code",
                       "state/CCC: state has no Wikidata QID", "state/DDD: state has no English label"],
}


def test_every_check_has_a_fixture_that_breaks_it() -> None:
    checks = sorted(p.stem for p in CHECKS_DIR.glob("*.rq"))
    assert checks == sorted(CHECK_FIRES) == sorted(p.stem for p in CHECK_FIXTURES.glob("*.trig"))


@pytest.mark.parametrize("check", sorted(CHECK_FIRES))
def test_every_check_fires_on_its_fixture(check: str) -> None:
    ds = Dataset()
    ds.parse(CHECK_FIXTURES / f"{check}.trig", format="trig")
    fired = [v for v in check_violations(union_graph(ds)) if v.endswith(f"[{check}]")]
    assert len(fired) == len(CHECK_FIRES[check]), fired
    for line, want in zip(fired, CHECK_FIRES[check]):
        assert want in line, (line, want)


def test_facts_resting_only_on_mirrors_are_reported_and_others_are_not() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    from graph_builder.build.validate import mirror_only_facts
    from graph_builder.core.vocab import PROV, SCHEMA, SCO

    kinds = "https://w3id.org/sco-kg/id/source-kind/"
    g = Graph()
    for source, kind in (("copy", "mirror"), ("copy2", "mirror"), ("own", "official")):
        node = URIRef(f"https://example.org/source/{source}")
        g.add((node, SCO.sourceKind, URIRef(kinds + kind)))
        g.add((node, SCHEMA.url, URIRef(f"https://example.org/{source}")))
    for fact, sources in (("weak", ["copy", "copy2"]), ("corroborated", ["copy", "own"]), ("sound", ["own"])):
        node = URIRef(f"https://example.org/fact/{fact}")
        g.add((node, RDFS.label, Literal(fact, lang="en")))
        for source in sources:
            g.add((node, PROV.wasDerivedFrom, URIRef(f"https://example.org/source/{source}")))
    assert mirror_only_facts(g) == [
        "https://example.org/fact/weak: rests only on mirrors (https://example.org/copy https://example.org/copy2)"]


def test_background_shacl_answers_as_inline_validation() -> None:
    from graph_builder.build.validate import BackgroundShacl, shacl_violations

    ds = build_dataset(load_sources([VALID_SOURCES, BROKEN_SOURCES / "state-without-chinese-label.yaml"]))
    background = BackgroundShacl(ds)
    try:
        assert background.result() == shacl_violations(ds) != []
    finally:
        background.close()


def test_background_shacl_reports_a_child_that_dies(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading

    from graph_builder.build import validate

    if not hasattr(os, "fork") or threading.active_count() > 1:
        pytest.skip("validation runs inline here")
    monkeypatch.setattr(validate, "shacl_violations", lambda data: os._exit(3))
    background = validate.BackgroundShacl(build_dataset(load_sources([VALID_SOURCES])))
    with pytest.raises(ValidationError, match="exit code 3"):
        background.result()


def test_background_shacl_reports_a_child_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph_builder.build import validate

    def broken(data: object) -> list[str]:
        raise RuntimeError("shapes unreadable")

    monkeypatch.setattr(validate, "shacl_violations", broken)
    with pytest.raises((ValidationError, RuntimeError), match="shapes unreadable"):
        validate.BackgroundShacl(build_dataset(load_sources([VALID_SOURCES]))).result()
