"""Exports of the built graph: RDF formats, GraphML (through the networkx mapping) and CSV tables.

Every export is deterministic: the RDF files are the build's own sorted serialisations, GraphML
lists nodes and edges in sorted order, and the CSV tables are ORDER BY'd catalogue queries.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.errors import ScoKgError
from ..core.paths import BUILD_BASENAME

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
FORMATS = RDF_FORMATS + ("graphml", "csv")
CSV_TABLES = ("states", "memberships", "offices", "events")


def export(trig: Path, fmt: str, out: Path) -> list[Path]:
    """Write the built graph in ``fmt`` to ``out`` (a file, or a folder for ``csv``)."""
    if fmt not in FORMATS:
        raise ScoKgError(f"unknown export format '{fmt}'; expected one of {', '.join(FORMATS)}")
    if not trig.exists():
        raise ScoKgError(f"{trig}: no built graph there; run 'sco-kg build' first")
    if fmt in RDF_FORMATS:
        source = trig.with_name(f"{BUILD_BASENAME}.{fmt}")
        if source.resolve() != Path(out).resolve():
            shutil.copyfile(source, out)
        return [Path(out)]
    if fmt == "graphml":
        return [_graphml(trig, Path(out))]
    return _csv(trig, Path(out))


def _graphml(trig: Path, out: Path) -> Path:
    import networkx as nx

    from ..api import KnowledgeGraph
    from ..explore.analytics import relationship_graph

    graph = relationship_graph(KnowledgeGraph.open(trig))
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    return out


def _csv(trig: Path, out: Path) -> list[Path]:
    from ..api import KnowledgeGraph

    kg = KnowledgeGraph.open(trig)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in CSV_TABLES:
        path = out / f"{table}.csv"
        path.write_text(kg.query(table).serialize("csv"), encoding="utf-8", newline="")
        written.append(path)
    return written
