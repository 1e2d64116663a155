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


def run(*args: str, build_dir: Path, stdin: str | None = None, **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SCO_KG_BUILD_DIR=str(build_dir), **env_vars)
    env.pop("COLUMNS", None) if "COLUMNS" not in env_vars else None
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
    assert "India" in table and "(8 rows;" in table
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
        (("query", "state_history", "-p", "state=Kazakstan"), "did you mean Kazakhstan"),
        (("sparql", "SELECT ?s WHERE { ?s foo:bar ?o }"), "malformed SPARQL: unknown prefix 'foo:'"),
        (("sparql", "--engine", "rdflib", "SELECT ?s WHERE { ?s foo:bar ?o }"), "malformed SPARQL: unknown prefix 'foo:'"),
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


def test_query_builds_the_graph_when_missing_and_says_where(tmp_path: Path) -> None:
    done = run("query", "chair", "-p", "date=2019-01-01", "--format", "csv", build_dir=tmp_path / "fresh")
    assert done.returncode == 0 and "Kyrgyzstan" in done.stdout
    assert done.stderr.splitlines() == [
        f"sco-kg: no build in {(tmp_path / 'fresh').resolve()}/; building it there now "
        "(set SCO_KG_BUILD_DIR or give --graph to use another)"]
    assert (tmp_path / "fresh" / "sco.trig").exists()


def test_table_fits_the_width_shows_prefixed_names_and_the_day(build_dir: Path) -> None:
    done = run("query", "members", "-p", "date=2017-06-09", "-p", "role=member", build_dir=build_dir, COLUMNS="70")
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[0].split()[:2] == ["state", "stateLabel"]
    assert all(len(line) <= 70 for line in lines if not line.startswith("answer for")), lines
    assert "state:IND" in done.stdout and "https://w3id.org/sco-kg/id/" not in done.stdout
    assert "(8 rows; " in done.stdout and "--sources lists them" in done.stdout
    assert lines[-1] == "answer for date 2017-06-09"
    narrow = run("query", "members", "-p", "date=2017-06-09", "-p", "role=member", build_dir=build_dir, COLUMNS="40")
    assert narrow.stdout.startswith("── row 1 ") and "stateLabel  India" in narrow.stdout
    assert all(len(line) <= 40 for line in narrow.stdout.splitlines() if not line.startswith(("answer", "(")))
    wide = run("query", "members", "-p", "date=2017-06-09", "--width", "0", build_dir=build_dir, COLUMNS="40")
    assert "…" not in wide.stdout and max(len(line) for line in wide.stdout.splitlines()) > 40


def test_a_cut_value_ends_in_an_ellipsis(build_dir: Path) -> None:
    done = run("query", "summits", "--width", "70", build_dir=build_dir)
    assert done.returncode == 0 and all(len(line) <= 70 for line in done.stdout.splitlines()[:-1])
    long = run("sparql", 'SELECT ?x WHERE { BIND(CONCAT("start-", STRUKEY) AS ?x) }'.replace(
        "STRUKEY", '"' + "x" * 200 + '"'), "--width", "50", build_dir=build_dir)
    assert long.stdout.splitlines()[2] == "start-" + "x" * 43 + "…"
    assert "… ends a cut value" in long.stdout


def test_sources_are_counted_or_listed_whole(build_dir: Path) -> None:
    args = ("query", "members", "-p", "date=2017-06-09", "-p", "role=member")
    urls = {u for r in csv.DictReader(io.StringIO(run(*args, "--format", "csv", build_dir=build_dir).stdout))
            for u in r["sources"].split()}
    listed = run(*args, "--sources", build_dir=build_dir).stdout
    assert {line.split(" ", 1)[1] for line in listed.splitlines() if line.startswith("[")} == urls
    counted = run(*args, build_dir=build_dir).stdout
    assert not any(u in counted for u in urls) and f"{len(urls)} sources: --sources lists them" in counted


def test_the_day_is_said_when_the_date_is_the_default(build_dir: Path) -> None:
    import datetime as dt

    done = run("query", "members", build_dir=build_dir)
    assert done.stdout.splitlines()[-1].startswith(f"answer for date {dt.date.today().isoformat()} (today")
    assert "answer for" not in run("query", "summits", build_dir=build_dir).stdout
    assert "answer for" not in run("query", "members", "--format", "csv", build_dir=build_dir).stdout


def test_markdown_format(build_dir: Path) -> None:
    done = run("query", "members", "-p", "date=2017-06-09", "-p", "role=member", "--format", "markdown", build_dir=build_dir)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| state | stateLabel | role |") and lines[1].startswith("|---|---|")
    assert "| state:IND | India | member | 2017-06-09 |" in done.stdout and "https://" in lines[2]
    assert len([line for line in lines if line.startswith("| state:")]) == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("centrality", "--date", "notadate"), "--date 'notadate' is not a day like 2025-08-30"),
        (("viz", "overview", "--out", "x.html", "--date", "2025-13-01"), "--date '2025-13-01' is not a day"),
        (("sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle"), "--format turtle is for CONSTRUCT"),
        (("sparql", "ASK { ?s ?p ?o }", "--format", "jsonld"), "--format jsonld is for CONSTRUCT"),
        (("sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv"), "--format csv is for SELECT"),
        (("query", "members", "--format", "turtle"), "--format turtle is for CONSTRUCT"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(build_dir: Path, args: tuple[str, ...], message: str) -> None:
    done = run(*args, build_dir=build_dir)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"sco-kg: error: {done.stderr.split('error: ', 1)[1].strip()}"]
    assert message in done.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_an_unreachable_wikidata_endpoint_is_one_line(build_dir: Path, engine: str) -> None:
    import socket

    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/sparql"
    done = run("query", "members_capital_population", "--engine", engine, build_dir=build_dir,
               SCO_KG_WIKIDATA_ENDPOINT=endpoint)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert f"cannot reach the Wikidata endpoint {endpoint}" in done.stderr
    assert "--wikidata-endpoint" in done.stderr and "SCO_KG_WIKIDATA_ENDPOINT" in done.stderr


def test_centrality_is_a_table_with_prefixed_names_and_its_day(build_dir: Path) -> None:
    done = run("centrality", "--date", "2019-01-01", "--top", "3", build_dir=build_dir)
    assert done.returncode == 0 and done.stdout.split()[:4] == ["label", "links", "betweenness", "entity"]
    assert "state:CHN" in done.stdout and "https://" not in done.stdout
    assert done.stdout.splitlines()[-1] == "answer for 2019-01-01"


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_know_the_verbs_and_queries(build_dir: Path, shell: str) -> None:
    done = run("completion", shell, build_dir=build_dir)
    assert done.returncode == 0
    for word in ("build", "query", "sparql", "centrality", "--format", "markdown", "state_history", "members"):
        assert word in done.stdout, word


@pytest.mark.parametrize(
    ("args", "unused"),
    [
        (["query", "--list"], ("pyshacl", "networkx", "pyvis", "SPARQLWrapper", "rdflib", "pyoxigraph", "rich", "shtab")),
        (["query", "chair", "-p", "date=2019-01-01"], ("pyshacl", "networkx", "pyvis", "SPARQLWrapper")),
    ],
)
def test_query_start_up_does_not_import_unused_modules(build_dir: Path, args: list[str], unused: tuple[str, ...]) -> None:
    code = (f"import sys; from graph_builder.cli import main; main({args!r});"
            f"print(sorted(m for m in {unused!r} if m in sys.modules))")
    env = dict(os.environ, SCO_KG_BUILD_DIR=str(build_dir))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_site_writes_pages_and_refuses_a_folder_in_use(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run("site", str(out), "--graph", str(build_dir / "sco.trig"), build_dir=build_dir)
    assert done.returncode == 0 and "entity pages" in done.stdout
    assert (out / "index.html").is_file() and (out / "id/state/CHN/index.html").is_file()
    again = run("site", str(out), "--graph", str(build_dir / "sco.trig"), build_dir=build_dir)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "not empty" in again.stderr
