"""The sco-kg command end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, VALID_SOURCES


def run(*args: str, build_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SCO_KG_BUILD_DIR=str(build_dir))
    return subprocess.run([sys.executable, "-m", "graph_builder", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=300)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-build")
    done = run("build", build_dir=out)
    assert done.returncode == 0, done.stderr
    assert "27 states" in done.stdout and "built" in done.stdout
    return out


def test_build_writes_every_output(build_dir: Path) -> None:
    assert {p.name for p in build_dir.iterdir() if p.is_file() and not p.name.startswith(".")} == {
        "manifest.json", "sco.jsonld", "sco.nq", "sco.nt", "sco.trig", "sco.ttl"}


def test_validate_passes(build_dir: Path) -> None:
    done = run("validate", build_dir=build_dir)
    assert done.returncode == 0 and "valid" in done.stdout


def test_validate_fails_on_a_broken_graph(build_dir: Path) -> None:
    done = run("validate", "--file", str(FIXTURES / "graphs" / "invalid" / "start-after-end-and-no-qid.trig"), build_dir=build_dir)
    assert done.returncode == 1
    assert "membership/reversed" in done.stdout and "Traceback" not in done.stderr


def test_query_list(build_dir: Path) -> None:
    done = run("query", "--list", build_dir=build_dir)
    assert done.returncode == 0
    for name in ("members", "state_history", "office_holders", "chair", "summits"):
        assert name in done.stdout


def test_query_formats(build_dir: Path) -> None:
    args = ("query", "members", "-p", "date=2017-06-09", "-p", "role=member")
    table = run(*args, build_dir=build_dir).stdout
    assert "India" in table and "(8 rows)" in table
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv", build_dir=build_dir).stdout)))
    assert {r["stateLabel"] for r in rows} >= {"India", "Pakistan", "China"} and len(rows) == 8
    assert all(r["sources"].startswith("http") for r in rows)
    results = json.loads(run(*args, "--format", "json", build_dir=build_dir).stdout)
    assert results["head"]["vars"][:3] == ["state", "stateLabel", "role"]
    assert results["results"]["bindings"][0]["start"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    tsv = run(*args, "--format", "tsv", build_dir=build_dir).stdout.splitlines()
    assert tsv[0].startswith("?state\t?stateLabel") and "<https://w3id.org/sco-kg/id/state/" in tsv[1]


def test_sparql_select_ask_construct_and_stdin(build_dir: Path) -> None:
    count = run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv", build_dir=build_dir)
    assert int(count.stdout.splitlines()[1]) > 5000
    ask = run("sparql", "-", "--format", "json", build_dir=build_dir, stdin="ASK { ?s ?p ?o }")
    assert json.loads(ask.stdout) == {"head": {}, "boolean": True}
    construct = run("sparql", "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3", build_dir=build_dir)
    assert construct.returncode == 0 and " a " in construct.stdout
    jsonld = run("sparql", "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3", "--format", "jsonld", build_dir=build_dir)
    assert isinstance(json.loads(jsonld.stdout), (list, dict))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "nosuch"), "unknown query 'nosuch'"),
        (("query", "members", "-p", "date=yesterday"), "'yesterday' is not a date"),
        (("query", "members", "-p", "role"), "must look like key=value"),
        (("query", "state_history", "-p", "state=Narnia"), "no state matches 'Narnia'"),
        (("sparql", "SELECT ?s WHERE {"), "malformed SPARQL"),
        (("sparql", "--file", "/nonexistent.rq"), "no such file"),
        (("query", "members", "--graph", "/nonexistent.trig"), "no built graph there"),
    ],
)
def test_user_errors_are_one_line_and_non_zero(build_dir: Path, args: tuple[str, ...], message: str) -> None:
    done = run(*args, build_dir=build_dir)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_source_file_keeps_previous_build(tmp_path: Path) -> None:
    assert run("build", "--sources", str(VALID_SOURCES), build_dir=tmp_path).returncode == 0
    before = (tmp_path / "sco.trig").read_bytes()
    broken = FIXTURES / "sources" / "invalid" / "unknown-key.yaml"
    done = run("build", "--sources", str(VALID_SOURCES), str(broken), build_dir=tmp_path)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "unknown-key.yaml: states record 'PAK' (#1): unknown key(s) capital" in done.stderr
    assert (tmp_path / "sco.trig").read_bytes() == before


def test_query_builds_the_graph_when_missing(tmp_path: Path) -> None:
    done = run("query", "chair", "-p", "date=2019-01-01", "--format", "csv", build_dir=tmp_path / "fresh")
    assert done.returncode == 0 and "Kyrgyzstan" in done.stdout


@pytest.mark.parametrize(
    ("args", "unused"),
    [
        (["query", "--list"], ("pyshacl", "networkx", "pyvis", "SPARQLWrapper", "rdflib", "pyoxigraph")),
        (["query", "chair", "-p", "date=2019-01-01"], ("pyshacl", "networkx", "pyvis", "SPARQLWrapper")),
    ],
)
def test_query_start_up_does_not_import_unused_modules(build_dir: Path, args: list[str], unused: tuple[str, ...]) -> None:
    code = (f"import sys; from graph_builder.cli import main; main({args!r});"
            f"print(sorted(m for m in {unused!r} if m in sys.modules))")
    env = dict(os.environ, SCO_KG_BUILD_DIR=str(build_dir))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip().splitlines()[-1] == "[]"
