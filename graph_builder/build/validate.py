"""Validation: the SHACL shapes (pySHACL) plus the SPARQL integrity checks in ``queries/checks``.

Each check is a SELECT returning ``?node ?message``; a check passes when it returns no rows.
SELECT rather than ASK, so that a failure names the offending node.
"""

from __future__ import annotations

from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Namespace

from ..core.errors import ValidationError
from ..core.paths import CHECKS_DIR, SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")


def union_graph(ds: Dataset | Graph) -> Graph:
    """The union of a dataset's graphs as one Graph (a Graph is returned as it is)."""
    if not isinstance(ds, Dataset):
        return ds
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def shacl_violations(data: Dataset | Graph) -> list[str]:
    """One line per SHACL result: focus node, path and message."""
    from pyshacl import validate

    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    graph = union_graph(data)
    # The shapes use SHACL Core only; pySHACL's advanced features (SHACL-AF) cost a third more time.
    conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=False)
    if conforms:
        return []
    lines = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        where = f" ({_short(path)})" if path is not None and not isinstance(path, Graph) else ""
        lines.append(f"{focus}{where}: {message}")
    return sorted(set(lines))


class BackgroundShacl:
    """SHACL validation of a dataset in a forked child process, so that a build can write its
    outputs on the other core meanwhile (pySHACL is half of the real build's time). Where ``fork``
    is missing, or other threads run (forking a threaded process can deadlock), it validates at
    once in this process instead. ``result()`` waits for the lines; ``close()`` stops the child."""

    def __init__(self, data: Dataset | Graph) -> None:
        import multiprocessing
        import os
        import threading

        self._lines: list[str] | None = None
        self._child = None
        if not hasattr(os, "fork") or threading.active_count() > 1:
            self._lines = shacl_violations(data)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._child = context.Process(target=_shacl_child, args=(data, send), daemon=True)
        self._child.start()
        send.close()

    def result(self) -> list[str]:
        if self._lines is None:
            try:
                ok, payload = self._receive.recv()
            except EOFError:
                code = self.close()
                raise ValidationError([f"SHACL validation stopped before it answered (exit code {code})"]) from None
            self.close()
            if not ok:
                raise ValidationError([f"SHACL validation failed: {payload}"])
            self._lines = payload
        return self._lines

    def close(self) -> int | None:
        """Stop the child if it still runs; its exit code (None when there was no child)."""
        if self._child is None:
            return None
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        self._receive.close()
        code, self._child = self._child.exitcode, None
        return code


def _shacl_child(data: Dataset | Graph, send: Connection) -> None:
    try:
        send.send((True, shacl_violations(data)))
    except BaseException as exc:  # the parent reports it; a child must not die silently
        send.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def _short(term: object) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if text.startswith("http") else text


def oxigraph_store(data: Dataset | Graph | str) -> ox.Store:
    """An in-memory pyoxigraph store holding a dataset, a graph, or N-Quads text; queries on it
    should pass ``use_default_graph_as_union=True`` to see every named graph."""
    store = ox.Store()
    if isinstance(data, str):
        store.bulk_load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    elif isinstance(data, Dataset):
        store.bulk_load(data.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def check_violations(data: Dataset | Graph | ox.Store, checks_dir: Path = CHECKS_DIR) -> list[str]:
    """One line per row of every integrity check: the check's name, node and message.

    The checks run on pyoxigraph: rdflib's evaluator took seconds on the real graph and grew
    far faster than the data (54 s at 10k records), pyoxigraph answers the same in milliseconds.
    """
    store = data if isinstance(data, ox.Store) else oxigraph_store(data)
    lines = []
    for path in sorted(checks_dir.glob("*.rq")):
        for row in store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True):
            lines.append(f"{row['node'].value}: {row['message'].value} [{path.stem}]")
    return lines


def validate_dataset(ds: Dataset | Graph, raise_on_error: bool = False) -> list[str]:
    """All violations of the shapes and checks; empty when the graph is valid.

    >>> from graph_builder.build.graph import build_dataset
    >>> validate_dataset(build_dataset())
    []
    """
    violations = shacl_violations(ds) + check_violations(ds)
    if violations and raise_on_error:
        raise ValidationError(violations)
    return violations


def mirror_only_facts(ds: Dataset | Graph) -> list[str]:
    """One line per fact whose every source is a mirror or aggregator (``sco:sourceKind``):
    not an error, since the fact may well be true, but one to corroborate from a publisher's
    own page (queries/analysis/facts_resting_on_mirrors.rq)."""
    from ..core.paths import QUERIES_DIR

    query = (QUERIES_DIR / "analysis" / "facts_resting_on_mirrors.rq").read_text(encoding="utf-8")
    return [f"{row['fact'].value}: rests only on mirrors ({' '.join(sorted(row['sources'].value.split()))})"
            for row in oxigraph_store(ds).query(query, use_default_graph_as_union=True)]


def validate_file(path: Path) -> list[str]:
    """Validate a built or hand-written TriG, N-Quads or Turtle file."""
    fmt = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt"}.get(path.suffix, "trig")
    ds = Dataset()
    ds.parse(path, format=fmt)
    return validate_dataset(ds)
