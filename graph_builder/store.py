"""Embedded stores: pyoxigraph (the default, chosen by measurement) and rdflib in memory.

Both load the built TriG, treat the union of the named graphs as the default graph, and answer
with the same engine-neutral :class:`~graph_builder.results.Result`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from .errors import QueryError
from .results import Result, Term

ENGINES = ("oxigraph", "rdflib", "remote")
DEFAULT_ENGINE = "oxigraph"


class Engine(Protocol):
    """What the query layer needs from a store."""

    name: str

    def run(self, query: str) -> Result: ...


class OxigraphEngine:
    """pyoxigraph's in-memory store."""

    name = "oxigraph"

    def __init__(self, path: Path) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.store = ox.Store()
        self.store.load(path=str(path), format=ox.RdfFormat.TRIG)

    def run(self, query: str) -> Result:
        ox = self._ox
        try:
            answer = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(_from_ox(ox, s[v]) for v in variables) for s in answer]
            return Result(variables=variables, rows=rows)
        graph = Graph()
        for t in answer:
            graph.add((_from_ox(ox, t.subject), _from_ox(ox, t.predicate), _from_ox(ox, t.object)))
        return Result(graph=graph)


def _from_ox(ox: object, term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):  # type: ignore[attr-defined]
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):  # type: ignore[attr-defined]
        return BNode(term.value)
    if term.language:  # type: ignore[attr-defined]
        return Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    if datatype == str(XSD.string):
        return Literal(term.value)  # type: ignore[attr-defined]
    return Literal(term.value, datatype=URIRef(datatype))  # type: ignore[attr-defined]


class RdflibEngine:
    """rdflib's in-memory Dataset, with the union of graphs as default graph."""

    name = "rdflib"

    def __init__(self, path: Path) -> None:
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(path, format="trig")

    def run(self, query: str) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(query)
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        if answer.type == "ASK":
            return Result(boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = [tuple(_plain(row[i]) for i in range(len(variables))) for row in answer]
            return Result(variables=variables, rows=rows)
        graph = Graph()
        for triple in answer:
            graph.add(triple)
        return Result(graph=graph)


def _plain(term: Term | None) -> Term | None:
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def open_engine(path: Path, engine: str = DEFAULT_ENGINE) -> Engine:
    """Load a built dataset into the chosen embedded engine."""
    if engine == "oxigraph":
        return OxigraphEngine(path)
    if engine == "rdflib":
        return RdflibEngine(path)
    raise QueryError(f"unknown engine '{engine}'; expected one of {', '.join(ENGINES)}")
