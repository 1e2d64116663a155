"""Embedded stores: pyoxigraph (the default, chosen by measurement) and rdflib in memory.

Both load the built TriG, treat the union of the named graphs as the default graph, and answer
with the same engine-neutral :class:`~graph_builder.results.Result`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..core.errors import QueryError
from ..core.memory import paused_gc
from .results import Result, Term

ENGINES = ("oxigraph", "rdflib", "remote")
T = TypeVar("T")
DEFAULT_ENGINE = "oxigraph"


@dataclass(frozen=True)
class Limits:
    """Bounds on one query's answer: wall-clock seconds and rows (or triples)."""

    seconds: float = 10.0
    rows: int = 10_000


def _limited(items: Iterable[T], limits: Limits | None) -> Iterator[T]:
    """Yield answers while within the limits; stop with a QueryError once past them."""
    if limits is None:
        yield from items
        return
    deadline = time.monotonic() + limits.seconds
    for count, item in enumerate(items, 1):
        if count > limits.rows:
            raise QueryError(f"the answer has more than {limits.rows} rows; add a LIMIT")
        if count % 64 == 0 and time.monotonic() > deadline:
            raise QueryError(f"the query ran longer than {limits.seconds:g} s")
        yield item
    if time.monotonic() > deadline:
        raise QueryError(f"the query ran longer than {limits.seconds:g} s")


class Engine(Protocol):
    """What the query layer needs from a store."""

    name: str

    def run(self, query: str, limits: Limits | None = None) -> Result: ...


class OxigraphEngine:
    """pyoxigraph's in-memory store."""

    name = "oxigraph"

    def __init__(self, path: Path) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self.store = ox.Store()
        self._terms: dict[object, Term] = {}
        fmt = {".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
        self.store.load(path=str(path), format=fmt.get(Path(path).suffix, ox.RdfFormat.TRIG))

    def _query(self, query: str) -> object:
        try:
            return self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None

    def run(self, query: str, limits: Limits | None = None) -> Result:
        ox = self._ox
        answer = self._query(query)
        if isinstance(answer, ox.QueryBoolean):
            return Result(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            convert = self._term
            rows = [tuple(convert(s[v]) for v in variables) for s in _limited(answer, limits)]
            return Result(variables=variables, rows=rows)
        graph = Graph()
        for t in _limited(answer, limits):  # type: ignore[arg-type]
            graph.add((self._term(t.subject), self._term(t.predicate), self._term(t.object)))
        return Result(graph=graph)

    def triples(self, query: str) -> list[tuple[str, str, str]]:
        """A CONSTRUCT's triples as N-Triples term strings, written by pyoxigraph in native code:
        creating rdflib terms took most of the time of a 5,000-node view."""
        answer = self._query(query)
        if not isinstance(answer, self._ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        text = answer.serialize(format=self._ox.RdfFormat.N_TRIPLES).decode("utf-8")
        with paused_gc():
            return [tuple(line[:-2].split(" ", 2)) for line in text.splitlines() if line]  # type: ignore[misc]

    def _term(self, term: object) -> Term | None:
        """The rdflib twin of a pyoxigraph term, memoised: rdflib's Literal constructor is the
        costliest step of answering a query, and a graph has few distinct terms."""
        if term is None:
            return None
        try:
            return self._terms[term]
        except KeyError:
            converted = _from_ox(self._ox, term)
            if len(self._terms) < 500_000:
                self._terms[term] = converted  # type: ignore[assignment]
            return converted


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
        fmt = {".nq": "nquads", ".nt": "nt", ".ttl": "turtle"}
        self.dataset.parse(path, format=fmt.get(Path(path).suffix, "trig"))

    def run(self, query: str, limits: Limits | None = None) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(query)
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        if answer.type == "ASK":
            return Result(boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = [tuple(_plain(row[i]) for i in range(len(variables))) for row in _limited(answer, limits)]
            return Result(variables=variables, rows=rows)
        graph = Graph()
        for triple in _limited(answer, limits):
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
