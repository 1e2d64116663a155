"""Validation: the real data passes; each broken fixture fails naming the offending node."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, VALID_SOURCES

from graph_builder.build.graph import build_dataset
from graph_builder.build.load import load_sources
from graph_builder.build.validate import validate_dataset, validate_file
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
