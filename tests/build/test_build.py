"""The builder: one named graph per file, sources everywhere, deterministic and atomic output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CHECKOUT, FIXTURES, VALID_SOURCES, outputs
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph_builder.build import output
from graph_builder.build.graph import BuildResult, build, build_dataset
from graph_builder.build.load import load_sources, source_files
from graph_builder.build.validate import union_graph
from graph_builder.core.errors import ScoKgError, SourceError
from graph_builder.core.paths import SOURCES_DIR


def test_one_named_graph_per_source_file_plus_ontology_and_time(built: BuildResult) -> None:
    graphs = set(built.manifest["graphs"])
    stems = {p.stem for p in source_files()}
    assert graphs == {f"https://w3id.org/sco-kg/id/graph/{s}" for s in stems | {"ontology", "time"}}


def test_every_triple_sits_in_one_graph(built: BuildResult) -> None:
    quads = (built.out_dir / "sco.nq").read_text(encoding="utf-8").splitlines()
    triples = (built.out_dir / "sco.nt").read_text(encoding="utf-8").splitlines()
    assert len(quads) == len(triples)


def test_manifest_counts_and_hashes(built: BuildResult) -> None:
    m = json.loads((built.out_dir / "manifest.json").read_text())
    assert m == built.manifest
    assert m["triples"] == sum(m["graphs"].values())
    assert m["classes"]["https://w3id.org/sco-kg/ontology#State"] >= 27
    assert set(m["inputs"]) == {p.name for p in SOURCES_DIR.glob("*.yaml")} | {"sco.ttl"}
    assert all(len(h) == 64 for h in m["inputs"].values())


def test_builds_of_the_same_input_are_isomorphic() -> None:
    sources = load_sources([VALID_SOURCES])
    a, b = build_dataset(sources), build_dataset(load_sources([VALID_SOURCES]))
    for g in a.graphs():
        assert isomorphic(g, b.graph(g.identifier)), g.identifier


def _build_in_subprocess(out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    code = f"from graph_builder.build.graph import build; build(['{VALID_SOURCES}'], __import__('pathlib').Path('{out}'))"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=CHECKOUT)


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    _build_in_subprocess(tmp_path / "a", "1")
    _build_in_subprocess(tmp_path / "b", "2")
    names = sorted(outputs(tmp_path / "a"))
    assert names == ["manifest.json", "sco.jsonld", "sco.nq", "sco.nt", "sco.trig", "sco.ttl"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_outputs_hold_the_same_graph(tmp_path: Path) -> None:
    result = build([VALID_SOURCES], tmp_path)
    trig = Dataset()
    trig.parse(tmp_path / "sco.trig", format="trig")
    union = union_graph(trig)
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt")):
        assert isomorphic(union, Graph().parse(tmp_path / f"sco.{ext}", format=fmt)), ext
    for ext, fmt in (("jsonld", "json-ld"), ("nq", "nquads")):
        ds = Dataset()
        ds.parse(tmp_path / f"sco.{ext}", format=fmt)
        assert sum(len(g) for g in ds.graphs()) == result.manifest["triples"], ext
        assert isomorphic(union, union_graph(ds)), ext



def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    build([VALID_SOURCES], tmp_path)
    before = outputs(tmp_path)
    with pytest.raises(SourceError):
        build([VALID_SOURCES, FIXTURES / "sources" / "invalid" / "bad-date.yaml"], tmp_path)
    assert outputs(tmp_path) == before
    assert len(list((tmp_path / ".builds").iterdir())) == 1


def test_a_build_is_published_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every output name is a fixed link through ``current``; only ``current`` moves, so a
    crash before that one rename leaves the previous build whole."""
    build([VALID_SOURCES], tmp_path)
    before = outputs(tmp_path)
    assert all((tmp_path / name).is_symlink() and os.readlink(tmp_path / name) == f"current/{name}" for name in before)

    def crash(link: Path, target: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_swap_link", crash)
    with pytest.raises(KeyboardInterrupt):
        build([VALID_SOURCES], tmp_path)
    monkeypatch.undo()
    assert outputs(tmp_path) == before
    assert len(list((tmp_path / ".builds").iterdir())) == 1


def test_what_a_killed_build_left_is_swept_and_files_are_readable(tmp_path: Path) -> None:
    build([VALID_SOURCES], tmp_path)
    (tmp_path / ".builds" / "build-killed").mkdir()
    (tmp_path / ".builds" / "build-killed" / "sco.trig").write_text("half")
    os.symlink("nowhere", tmp_path / ".current.999.new")
    (tmp_path / ".sco.trig.abc.tmp").write_text("left by an older build")
    build([VALID_SOURCES], tmp_path)
    assert [p.name for p in (tmp_path / ".builds").iterdir()] == [(tmp_path / "current").resolve().name]
    assert not list(tmp_path.glob(".*.new")) and not list(tmp_path.glob(".*.tmp"))
    mode = (tmp_path / "sco.trig").stat().st_mode
    assert mode & 0o044 == 0o044, oct(mode)  # group and others may read a build


def test_an_older_build_folder_of_plain_files_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / "sco.trig").write_text("an older build's plain file")
    build([VALID_SOURCES], tmp_path)
    assert (tmp_path / "sco.trig").is_symlink() and (tmp_path / "sco.trig").read_text().startswith("@prefix")


def test_two_builds_in_one_folder_cannot_interleave(tmp_path: Path) -> None:
    import fcntl

    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / ".lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ScoKgError, match="another build is writing to this folder"):
            build([VALID_SOURCES], tmp_path)
    build([VALID_SOURCES], tmp_path)


def test_every_fact_node_cites_a_source(kg) -> None:  # noqa: ANN001
    rows = kg.sparql("""
        PREFIX sco: <https://w3id.org/sco-kg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX schema: <http://schema.org/>
        SELECT ?node WHERE {
          VALUES ?class { sco:StatusMembership sco:Tenure sco:Chairmanship sco:HeadsOfStateSummit
                          sco:ShanghaiFiveMeeting sco:State sco:Principle sco:Idea org:ChangeEvent
                          schema:Person schema:City sco:DocumentSigning }
          ?node a ?class .
          FILTER NOT EXISTS { ?node prov:wasDerivedFrom ?source }
        }""").rows
    assert rows == []
