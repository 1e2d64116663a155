"""Exports (RDF, GraphML, CSV) and the fact-level diff between two builds."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
from helpers import FIXTURES, VALID_SOURCES

from graph_builder.build.graph import BuildResult, build
from graph_builder.core.errors import ScoKgError
from graph_builder.core.paths import built_dataset
from graph_builder.publish.diff import Change, diff
from graph_builder.publish.export import export


def test_rdf_export_is_the_build_file(built: BuildResult, tmp_path: Path) -> None:
    out = export(built_dataset(built.out_dir), "nt", tmp_path / "x.nt")[0]
    assert out.read_bytes() == (built.out_dir / "sco.nt").read_bytes()


def test_graphml_has_memberships_as_edges(built: BuildResult, tmp_path: Path) -> None:
    path = export(built_dataset(built.out_dir), "graphml", tmp_path / "g.graphml")[0]
    graph = nx.read_graphml(path)
    india = "https://w3id.org/sco-kg/id/state/IND"
    roles = sorted((d["role"], d["start"], d["end"]) for _, _, d in graph.out_edges(india, data=True)
                   if d.get("kind") == "membership")
    assert roles == [("member", "2017-06-09", ""), ("observer", "2005-07-05", "2017-06-09")]
    assert graph.nodes[india]["label"] == "India"
    assert not any(n.startswith("https://w3id.org/sco-kg/id/membership/") for n in graph.nodes)
    again = export(built_dataset(built.out_dir), "graphml", tmp_path / "h.graphml")[0]
    assert again.read_bytes() == path.read_bytes()


def test_csv_tables(built: BuildResult, tmp_path: Path) -> None:
    paths = export(built_dataset(built.out_dir), "csv", tmp_path / "csv")
    assert [p.name for p in paths] == ["states.csv", "memberships.csv", "offices.csv", "events.csv"]
    states = list(csv.DictReader(paths[0].open(encoding="utf-8")))
    assert len(states) >= 27 and {"IND", "LAO"} <= {r["iso3"] for r in states}
    memberships = list(csv.DictReader(paths[1].open(encoding="utf-8")))
    assert all(r["sources"] for r in memberships)


def test_unknown_format_and_missing_build(tmp_path: Path) -> None:
    with pytest.raises(ScoKgError, match="unknown export format"):
        export(tmp_path / "sco.trig", "xls", tmp_path / "x")
    with pytest.raises(ScoKgError, match="no built graph"):
        export(tmp_path / "sco.trig", "csv", tmp_path / "x")


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    old = build([VALID_SOURCES], tmp_path_factory.mktemp("old"), validate=False).out_dir
    new = build([VALID_SOURCES, FIXTURES / "sources" / "diff"], tmp_path_factory.mktemp("new"), validate=False).out_dir
    return built_dataset(old), built_dataset(new)


def test_diff_of_identical_builds_is_empty(two_builds: tuple[Path, Path]) -> None:
    assert diff(two_builds[0], two_builds[0]) == []


def test_diff_names_joined_role_and_office_changes(two_builds: tuple[Path, Path]) -> None:
    old, new = two_builds
    forward = [str(c) for c in diff(old, new)]
    assert forward == [
        "joined: Pakistan (PAK): member of sco 2017-06-09 to now",
        "office changed: Person A: now secretary_general 2004-01-15 to 2007-01-01",
        "role changed: China (CHN): member of shanghai-five 1996-04-26 to 2001-06-15",
    ]
    backward = diff(new, old)
    assert Change("left", "Pakistan (PAK)", "no longer member of sco 2017-06-09 to now") in backward
