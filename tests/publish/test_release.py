"""Releases: byte-identical twice over, checksums that verify, a VoID + DCAT description that
parses and names licence and version, a fact-level changelog, and nothing half-written."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import VALID_SOURCES
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from graph_builder.build.graph import build
from graph_builder.core.errors import ScoKgError
from graph_builder.core.paths import built_dataset
from graph_builder.core.version import __version__
from graph_builder.publish import release as release_module
from graph_builder.publish.release import CHECKSUMS, dumps, folder_name, release

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FOLDER = folder_name(__version__)
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's namespace predates it


def _changed_sources(folder: Path) -> Path:
    """A copy of the valid fixture with one newer source cited by India's membership and China's
    membership removed."""
    shutil.copytree(VALID_SOURCES, folder)
    bibliography = folder / "bibliography.yaml"
    bibliography.write_text(bibliography.read_text(encoding="utf-8") + (
        "  - id: fx-newer\n    title: Newer fixture source\n    publisher: sco-kg tests\n    kind: reference\n"
        "    url: https://example.org/newer\n    date: 2025-03\n"), encoding="utf-8")
    core = folder / "core.yaml"
    text = core.read_text(encoding="utf-8")
    china = "  - state: CHN\n    organisation: sco\n    role: member\n    start: 2001-06-15\n    sources: [fx-source]\n"
    india = "    decision: sco-2017-admit-india\n    sources: [fx-source]\n"
    assert china in text and text.endswith(india)
    core.write_text(text.replace(china, "").removesuffix(india) +
                    "    decision: sco-2017-admit-india\n    sources: [fx-source, fx-newer]\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The TriG files of two builds: the valid fixture, and its changed copy."""
    old = build([VALID_SOURCES], tmp_path_factory.mktemp("old-build")).out_dir
    changed = _changed_sources(tmp_path_factory.mktemp("changed") / "sources")
    new = build([changed], tmp_path_factory.mktemp("new-build")).out_dir
    return built_dataset(old), built_dataset(new)


@pytest.fixture(scope="module")
def first(builds: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return release(builds[0], tmp_path_factory.mktemp("first"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_release_holds_every_dump_and_file(first: Path) -> None:
    assert first.name == FOLDER
    expected = {d.name for d in dumps(__version__)} | {"SHA256SUMS", "void.ttl", "CHANGELOG.md", "LICENSE-DATA.md", "CITATION.cff"}
    assert set(_files(first)) == expected
    assert "csv/memberships.csv" in expected and f"{FOLDER}.nt.gz" in expected
    assert "first release" in (first / "CHANGELOG.md").read_text(encoding="utf-8").lower()


def test_two_releases_of_one_input_are_byte_identical(builds: tuple[Path, Path], first: Path, tmp_path: Path) -> None:
    again = release(builds[0], tmp_path / "again")
    rebuilt = build([VALID_SOURCES], tmp_path / "rebuilt").out_dir
    third = release(built_dataset(rebuilt), tmp_path / "third")
    assert _files(again) == _files(first)
    assert _files(third) == _files(first)


def test_gzip_header_carries_no_name_and_no_time(builds: tuple[Path, Path], first: Path) -> None:
    data = (first / f"{FOLDER}.nt.gz").read_bytes()
    assert data[:3] == b"\x1f\x8b\x08" and data[3] & 0x08 == 0, "no FNAME flag"
    assert data[4:8] == b"\0\0\0\0", "mtime 0"
    assert gzip.decompress(data) == builds[0].with_name("sco.nt").read_bytes()


def test_checksums_verify(first: Path) -> None:
    listed = {}
    for line in (first / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = _files(first)
    assert set(listed) == set(files) - {CHECKSUMS}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name


def _description(folder: Path) -> tuple[Graph, URIRef]:
    graph = Graph().parse(folder / "void.ttl", format="turtle")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    return graph, datasets[0]


def test_description_names_licence_version_issued_and_counts(first: Path, builds: tuple[Path, Path]) -> None:
    import json

    graph, dataset = _description(first)
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(dataset, DCTERMS.license) == licence
    assert graph.value(dataset, OWL.versionInfo) == Literal(__version__)
    assert graph.value(dataset, DCAT_VERSION) == Literal(__version__)
    # The fixture's one source is dated 2024-01-01; the clock plays no part.
    assert graph.value(dataset, DCTERMS.issued) == Literal("2024-01-01", datatype=XSD.date)
    manifest = json.loads(builds[0].with_name("manifest.json").read_text(encoding="utf-8"))
    assert graph.value(dataset, VOID.triples).toPython() == manifest["triples"]
    subsets = {str(graph.value(s, SD.name)): graph.value(s, VOID.triples).toPython()
               for s in graph.objects(dataset, VOID.subset)}
    assert subsets == manifest["graphs"]
    assert graph.value(dataset, VOID.sparqlEndpoint) is None


def test_every_distribution_points_at_its_file(first: Path) -> None:
    graph, dataset = _description(first)
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(dumps(__version__))
    for dist in distributions:
        url = str(graph.value(dist, DCAT.downloadURL))
        assert url.startswith("file://"), "relative to the folder when no base URL is given"
        path = Path(url.removeprefix("file://"))
        assert path.parent in (first.resolve(), first.resolve() / "csv"), url
        data = path.read_bytes()
        assert graph.value(dist, DCAT.byteSize).toPython() == len(data)
        assert graph.value(dist, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert str(graph.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
        checksum = graph.value(dist, SPDX.checksum)
        assert str(graph.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
    gz = next(d for d in distributions if str(graph.value(d, DCAT.downloadURL)).endswith(".nt.gz"))
    assert str(graph.value(gz, DCAT.compressFormat)).endswith("/application/gzip")


def test_base_url_gives_download_links_and_the_endpoint(builds: tuple[Path, Path], tmp_path: Path) -> None:
    folder = release(builds[0], tmp_path, base_url="https://example.org/sco-kg/")
    graph, dataset = _description(folder)
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef("https://example.org/sco-kg/sparql")
    assert URIRef(f"https://example.org/sco-kg/{FOLDER}/{FOLDER}.trig") in set(graph.objects(None, DCAT.downloadURL))
    assert URIRef(f"https://example.org/sco-kg/{FOLDER}/{FOLDER}.trig") in set(graph.objects(dataset, VOID.dataDump))


@pytest.mark.parametrize("url", ["ftp://example.org", "https://example.org/a b", "https://example.org/?q=1", "example.org"])
def test_bad_base_url_is_refused(builds: tuple[Path, Path], tmp_path: Path, url: str) -> None:
    with pytest.raises(ScoKgError, match="base"):
        release(builds[0], tmp_path, base_url=url)
    assert list(tmp_path.iterdir()) == []


def test_changelog_lists_fact_level_changes(builds: tuple[Path, Path], first: Path, tmp_path: Path) -> None:
    second = release(builds[1], tmp_path, previous=first)
    text = (second / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"since {FOLDER}" in text
    assert "## left\n\n- China (CHN): no longer member of sco 2001-06-15 to now\n" in text
    assert "## source added\n\n- India (IND): member of sco: https://example.org/newer\n" in text
    # The newest source of the changed data is dated to the month, and the release says so.
    graph, dataset = _description(second)
    assert graph.value(dataset, DCTERMS.issued) == Literal("2025-03", datatype=XSD.gYearMonth)
    same = release(builds[0], tmp_path / "same", previous=first)
    assert f"No fact changed since {FOLDER}." in (same / "CHANGELOG.md").read_text(encoding="utf-8")


def test_previous_must_be_a_release(builds: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(ScoKgError, match="not a release folder"):
        release(builds[1], tmp_path / "out", previous=tmp_path)
    assert not (tmp_path / "out").exists()


def test_existing_release_is_refused_unless_forced(builds: tuple[Path, Path], first: Path, tmp_path: Path) -> None:
    folder = release(builds[0], tmp_path)
    with pytest.raises(ScoKgError, match="exists already; give --force"):
        release(builds[1], tmp_path)
    assert _files(folder) == _files(first)
    replaced = release(builds[1], tmp_path, force=True)
    assert replaced == folder
    assert "China" not in (folder / "csv" / "memberships.csv").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [FOLDER]


def test_a_failed_release_leaves_nothing_behind(builds: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(folder: Path) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(release_module, "_checksums", broken)
    with pytest.raises(OSError):
        release(builds[0], tmp_path)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    kept = release(builds[0], tmp_path)
    before = _files(kept)
    monkeypatch.setattr(release_module, "_checksums", broken)
    with pytest.raises(OSError):
        release(builds[1], tmp_path, force=True)
    assert [p.name for p in tmp_path.iterdir()] == [FOLDER] and _files(kept) == before


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph_builder", *args], capture_output=True, text=True,
                          env=dict(os.environ), timeout=300)


def test_cli_release_and_refusal(builds: tuple[Path, Path], first: Path, tmp_path: Path) -> None:
    done = _cli("release", str(tmp_path), "--graph", str(builds[1]), "--previous", str(first))
    assert done.returncode == 0, done.stderr
    assert f"released {tmp_path / FOLDER}/" in done.stdout
    checked = subprocess.run(["sha256sum", "-c", "--quiet", CHECKSUMS], cwd=tmp_path / FOLDER, capture_output=True)
    assert checked.returncode == 0, checked.stdout
    again = _cli("release", str(tmp_path), "--graph", str(builds[1]))
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert _cli("release", str(tmp_path), "--graph", str(builds[1]), "--force").returncode == 0


def test_what_a_killed_release_left_is_swept(builds: tuple[Path, Path], tmp_path: Path) -> None:
    """A run killed halfway leaves its hidden working folder; the next run removes it, but not
    the folder of a run still alive."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f".{FOLDER}-{dead.stdout.strip()}-abc123"
    (left / "csv").mkdir(parents=True)
    (left / "sco.trig").write_text("half", encoding="utf-8")
    busy = tmp_path / f".{FOLDER}-{os.getpid()}-def456"
    busy.mkdir()
    release(builds[0], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([FOLDER, busy.name])
