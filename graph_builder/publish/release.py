"""A versioned release of the built graph: dumps, checksums, a VoID + DCAT description, a
changelog against the previous release, and the licence and citation files.

A release is a folder ``sco-kg-<version>/`` that depends only on the build it is made from:
the dumps are the exports of :mod:`.export` (gzip with no name and no time in its header), the
description is written from the build's manifest, and its issued date comes from the data, so
two releases of one build are byte-identical. The folder is written whole beside its final place
and renamed into it at the end; a failed release leaves nothing behind.

The issued date is the newest publication date in the bibliography: the graph cannot be more
recent than the newest source it cites, while fact dates may lie in the future (a treaty that
enters into force later, a term that ends next year). Dates of year or month precision count
from their first day and keep their precision.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..core.errors import ScoKgError, excerpt
from ..core.paths import CITATION_FILE, LICENSE_DATA_FILE
from ..core.version import __version__
from .diff import diff
from .export import CSV_TABLES, export

NAME = "sco-kg"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
# Shipped with every release; they live at the top of the checkout.
COPIED = (LICENSE_DATA_FILE, CITATION_FILE)
CHECKSUMS = "SHA256SUMS"
DESCRIPTION = "void.ttl"
CHANGELOG = "CHANGELOG.md"
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    """One file of a release: the export format it comes from and how DCAT describes it."""

    fmt: str
    key: str  # the fragment naming its distribution in the description
    name: str
    media_type: str
    title: str
    gzip: bool = False


def dumps(version: str) -> list[Dump]:
    """The release's dumps in the order the description lists them.

    >>> [d.name for d in dumps("1.0.0")][:3]
    ['sco-kg-1.0.0.trig', 'sco-kg-1.0.0.ttl', 'sco-kg-1.0.0.nt.gz']
    """
    stem = folder_name(version)
    return [
        Dump("trig", "trig", f"{stem}.trig", "application/trig", "TriG: one named graph per source file"),
        Dump("ttl", "ttl", f"{stem}.ttl", "text/turtle", "Turtle: the union of the named graphs"),
        Dump("nt", "nt-gz", f"{stem}.nt.gz", "application/n-triples", "N-Triples, gzip: the union, one triple a line",
             gzip=True),
        Dump("jsonld", "jsonld", f"{stem}.jsonld", "application/ld+json", "JSON-LD: the named graphs"),
        Dump("graphml", "graphml", f"{stem}.graphml", "application/graphml+xml",
             "GraphML: states, organisations and persons, with memberships and offices as edges"),
    ] + [Dump("csv", f"csv-{table}", f"csv/{table}.csv", "text/csv", f"CSV table: {table}") for table in CSV_TABLES]


def release(trig: Path, out_dir: Path, previous: Path | None = None, base_url: str | None = None,
            force: bool = False) -> Path:
    """Write the release of the build whose TriG is ``trig`` into ``out_dir/sco-kg-<version>/``
    and return that folder. ``previous`` is the previous release's folder, for the changelog;
    ``base_url`` the public URL ``out_dir`` is published at (its SPARQL endpoint at
    ``<base_url>/sparql``). Refuses an existing release folder unless ``force``.

    >>> import tempfile, pathlib
    >>> from graph_builder import KnowledgeGraph
    >>> from graph_builder.core.paths import built_dataset
    >>> _ = KnowledgeGraph.open()  # builds the graph first if there is none
    >>> folder = release(built_dataset(), pathlib.Path(tempfile.mkdtemp()))
    >>> folder.name.startswith("sco-kg-"), sorted(p.name for p in folder.iterdir())[:4]
    (True, ['CHANGELOG.md', 'CITATION.cff', 'LICENSE-DATA.md', 'SHA256SUMS'])
    """
    if not Path(trig).exists():
        raise ScoKgError(f"{trig}: no built graph there; run 'sco-kg build' first")
    # The build's real folder, so that a build finishing meanwhile cannot mix two builds' files.
    trig = Path(trig).resolve()
    manifest = _manifest(trig)
    base = _base(base_url) if base_url is not None else None
    old = _previous_trig(previous) if previous is not None else None
    final = Path(out_dir) / folder_name(__version__)
    if final.exists() and not force:
        raise ScoKgError(f"{final}: this release exists already; give --force to replace it")
    missing = [path.name for path in COPIED if not path.is_file()]
    if missing:
        raise ScoKgError(f"{', '.join(missing)}: not found in the package or the checkout; reinstall the package")
    final.parent.mkdir(parents=True, exist_ok=True)
    _sweep(final)
    return _write_release(trig, final, old, manifest, base)


def _sweep(final: Path) -> None:
    """Remove the hidden working folders that runs killed halfway left beside ``final``; each
    such folder is named after its run's process, so a run still at work keeps its own."""
    for stale in final.parent.glob(f".{final.name}-*"):
        pid = stale.name.removeprefix(f".{final.name}-").split("-", 1)[0]
        if stale.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_release(trig: Path, final: Path, old: Path | None, manifest: dict, base: str | None) -> Path:
    work = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}-{os.getpid()}-"))
    try:
        os.chmod(work, 0o755)  # a temporary folder is private; a release is not
        _write_dumps(trig, work, dumps(__version__))
        issued = issued_date(trig)
        for path in COPIED:
            shutil.copyfile(path, work / path.name)
        (work / CHANGELOG).write_text(_changelog(__version__, issued, old, trig), encoding="utf-8")
        (work / DESCRIPTION).write_text(_void(work, manifest, __version__, issued, base), encoding="utf-8")
        (work / CHECKSUMS).write_text(_checksums(work), encoding="utf-8")
        _move_into_place(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _manifest(trig: Path) -> dict:
    path = trig.with_name("manifest.json")
    if not path.is_file():
        raise ScoKgError(f"{path}: the build has no manifest; run 'sco-kg build' again")
    return json.loads(path.read_text(encoding="utf-8"))


def _base(url: str) -> str:
    """A base URL that can be written into the description, without its trailing slash."""
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment
            or any(c in url for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in url)):
        raise ScoKgError(f"--base-url {excerpt(url)} must be an http(s) URL with no spaces, query or fragment, "
                         "like https://example.org/sco-kg")
    return url.rstrip("/")


def _iri(text: str) -> str:
    """``text`` as a Turtle IRI reference; refuses what could break out of the brackets."""
    if any(c in text for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in text):
        raise ScoKgError(f"{excerpt(text)} is not an IRI that can be written into a description")
    return f"<{text}>"


def _previous_trig(folder: Path) -> Path:
    """The TriG dump of an earlier release folder."""
    found = sorted(Path(folder).glob(f"{NAME}-*.trig")) if Path(folder).is_dir() else []
    if len(found) != 1:
        raise ScoKgError(f"{folder}: not a release folder (expected one {NAME}-<version>.trig in it); "
                         "give --previous the folder an earlier 'sco-kg release' wrote")
    return found[0]


def _write_dumps(trig: Path, folder: Path, wanted: list[Dump]) -> None:
    for dump in wanted:
        if dump.fmt == "csv":
            continue
        target = folder / dump.name
        if dump.gzip:
            plain = folder / f".{dump.fmt}.tmp"
            export(trig, dump.fmt, plain)
            _gzip(plain, target)
            plain.unlink()
        else:
            export(trig, dump.fmt, target)
    if any(d.fmt == "csv" for d in wanted):
        export(trig, "csv", folder / "csv")


def _gzip(source: Path, target: Path) -> None:
    """Compress with no file name and time zero in the header, so the bytes depend on the data only."""
    with open(source, "rb") as src, open(target, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        shutil.copyfileobj(src, out)


def issued_date(trig: Path) -> tuple[str, str]:
    """The newest bibliography date in the build and its XSD datatype name (``date``,
    ``gYearMonth`` or ``gYear``); see the module's docstring for why this date.

    >>> from graph_builder import KnowledgeGraph
    >>> from graph_builder.core.paths import built_dataset
    >>> _ = KnowledgeGraph.open()  # builds the graph first if there is none
    >>> newest, kind = issued_date(built_dataset())
    >>> {4: "gYear", 7: "gYearMonth", 10: "date"}[len(newest)] == kind
    True
    """
    from ..api import KnowledgeGraph

    rows = KnowledgeGraph.open(trig).sparql(
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT DISTINCT ?date WHERE { ?source a dcterms:BibliographicResource ; dcterms:date ?date }").rows
    dates = [str(row[0]) for row in rows if row[0] is not None]
    if not dates:
        raise ScoKgError(f"{trig}: no source in the bibliography has a date, so the release has no issued date")
    newest = max(dates, key=lambda text: ((text + "-01-01")[:10], len(text)))
    return newest, {4: "gYear", 7: "gYearMonth"}.get(len(newest), "date")


def _changelog(version: str, issued: tuple[str, str], old: Path | None, new: Path) -> str:
    """CHANGELOG.md: the fact-level changes since the previous release (``sco-kg diff``)."""
    head = f"# {NAME} {version}\n\nIssued {issued[0]} (the newest source's date).\n\n"
    if old is None:
        return head + "First release: no earlier release to compare with.\n"
    since = old.name.removesuffix(".trig")
    changes = diff(old, new)
    if not changes:
        return head + f"No fact changed since {since}.\n"
    lines = [f"{len(changes)} fact-level change(s) since {since}, as `sco-kg diff` lists them.\n"]
    kind = None
    for change in changes:
        if change.kind != kind:
            kind = change.kind
            lines.append(f"\n## {kind}\n\n")
        lines.append(f"- {change.subject}: {change.detail}\n")
    return head + "".join(lines)


def _void(folder: Path, manifest: dict, version: str, issued: tuple[str, str], base: str | None) -> str:
    """The VoID + DCAT description of the release written in ``folder``, in Turtle. IRIs are
    relative to the description's own place (``base/sco-kg-<version>/`` when a base is given),
    so the folder describes itself wherever it is copied."""
    total = int(manifest.get("triples", 0))
    parts = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n",
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n",
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n",
        "@prefix spdx: <http://spdx.org/rdf/terms#> .\n",
        "@prefix void: <http://rdfs.org/ns/void#> .\n",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n",
    ]
    if base is not None:
        parts.insert(0, f"@base {_iri(f'{base}/{folder_name(version)}/')} .\n")
    licence = _iri(LICENCE)
    wanted = dumps(version)
    graphs = sorted(manifest.get("graphs", {}).items())
    parts.append(f"""
<{DESCRIPTION}#dataset> a dcat:Dataset, void:Dataset ;
    dcterms:title "{NAME} {version}: the Shanghai Cooperation Organisation knowledge graph"@en ;
    dcterms:description "Members, observers, dialogue partners, summits, decisions and offices of the Shanghai Cooperation Organisation and the Shanghai Five, every fact citing its sources."@en ;
    dcterms:license {licence} ;
    dcterms:issued "{issued[0]}"^^xsd:{issued[1]} ;
    owl:versionInfo "{version}" ;
    dcat:version "{version}" ;
    void:uriSpace "https://w3id.org/sco-kg/id/" ;
    void:vocabulary <https://w3id.org/sco-kg/ontology#> ;
    void:triples {total} ;
""")
    if base is not None:
        parts.append(f"    void:sparqlEndpoint {_iri(f'{base}/sparql')} ;\n")
    parts.append("".join(f"    void:dataDump <{d.name}> ;\n" for d in wanted if d.fmt in ("trig", "ttl", "nt", "jsonld")))
    parts.append("".join(f"    void:subset <{DESCRIPTION}#graph-{_graph_key(g)}> ;\n" for g, _ in graphs))
    parts.append("    dcat:distribution " + ",\n        ".join(f"<{DESCRIPTION}#dump-{d.key}>" for d in wanted) + " .\n")
    for graph, count in graphs:
        parts.append(f"""
<{DESCRIPTION}#graph-{_graph_key(graph)}> a void:Dataset, sd:NamedGraph ;
    sd:name {_iri(graph)} ;
    void:triples {int(count)} .
""")
    for dump in wanted:
        data = (folder / dump.name).read_bytes()
        compress = f"    dcat:compressFormat <{IANA}application/gzip> ;\n" if dump.gzip else ""
        parts.append(f"""
<{DESCRIPTION}#dump-{dump.key}> a dcat:Distribution ;
    dcterms:title "{dump.title}"@en ;
    dcterms:license {licence} ;
    dcat:downloadURL <{dump.name}> ;
    dcat:mediaType <{IANA}{dump.media_type}> ;
{compress}    dcat:byteSize "{len(data)}"^^xsd:nonNegativeInteger ;
    spdx:checksum [ a spdx:Checksum ;
        spdx:algorithm spdx:checksumAlgorithm_sha256 ;
        spdx:checksumValue "{hashlib.sha256(data).hexdigest()}"^^xsd:hexBinary ] .
""")
    return "".join(parts)


def folder_name(version: str) -> str:
    """The release folder's name for ``version``."""
    return f"{NAME}-{version}"


def _graph_key(graph: str) -> str:
    """A named graph's fragment in the description: the last segment of its IRI, which the
    build mints from the source file's name, so it stays the same from release to release."""
    return quote(graph.rstrip("/").rsplit("/", 1)[-1], safe="-_")


def _checksums(folder: Path) -> str:
    """SHA256SUMS of every file in ``folder``, in the format ``sha256sum -c`` reads."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}\n")
    return "".join(lines)


def _move_into_place(work: Path, final: Path) -> None:
    """Rename the finished folder into place; an existing release (``--force``) is moved aside
    first and removed only once the new one is there."""
    aside = None
    if final.exists():
        aside = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}-{os.getpid()}-old-"))
        final.rename(aside / final.name)
    try:
        os.rename(work, final)
    except BaseException:
        if aside is not None:
            (aside / final.name).rename(final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
