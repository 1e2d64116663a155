"""Embedded stores: pyoxigraph (the default, chosen by measurement) and rdflib in memory.

Both load the built TriG, treat the union of the named graphs as the default graph, and answer
with the same engine-neutral :class:`~graph_builder.results.Result`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..core.errors import QueryError
from ..core.memory import paused_gc
from .guard import GraphSelection, declared_dataset
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

    def run(self, query: str, limits: Limits | None = None, dataset: GraphSelection | None = None,
            base_iri: str | None = None) -> Result: ...


class OxigraphEngine:
    """pyoxigraph's in-memory store."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None, store: object | None = None) -> None:
        import pyoxigraph as ox

        self._ox = ox
        self._terms: dict[object, Term] = {}
        if store is not None:
            self.store = store
            return
        self.store = ox.Store()
        self.store.load(path=str(path), format=_ox_format(ox, Path(str(path))))

    @classmethod
    def on_disk(cls, directory: Path) -> "OxigraphEngine":
        """A read-only view of a store on disk, which several processes can share."""
        import pyoxigraph as ox

        return cls(store=ox.Store.read_only(str(directory)))

    def _query(self, query: str, dataset: GraphSelection | None = None, base_iri: str | None = None) -> object:
        """Run with an explicit dataset: the union of every graph unless the caller or the query
        names graphs, which must already be in the store (nothing is ever loaded)."""
        ox = self._ox
        if dataset is None:
            dataset = declared_dataset(query)
        options: dict[str, object] = {"base_iri": base_iri}
        if dataset is None or dataset.default is None:
            options["use_default_graph_as_union"] = True
        else:
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default] or [ox.DefaultGraph()]
        if dataset is not None and dataset.named is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named]
        try:
            return self.store.query(query, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        except ValueError as exc:
            raise QueryError(f"not an IRI: {_first_line(exc)}") from None

    def run(self, query: str, limits: Limits | None = None, dataset: GraphSelection | None = None,
            base_iri: str | None = None) -> Result:
        ox = self._ox
        answer = self._query(query, dataset, base_iri)
        if isinstance(answer, ox.QueryBoolean):
            return Result(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            # A solution iterates over its values in the order of the variables (None where
            # unbound); reading it whole is faster than looking each variable up.
            convert = self._term
            rows = [tuple(map(convert, s)) for s in _limited(answer, limits)]
            return Result(variables=variables, rows=rows)
        convert = self._term
        return Result(triples=[(convert(t.subject), convert(t.predicate), convert(t.object))  # type: ignore[misc]
                               for t in _limited(answer, limits)])  # type: ignore[arg-type]

    def triples(self, query: str) -> list[tuple[str, str, str]]:
        """A CONSTRUCT's triples as N-Triples term strings, written by pyoxigraph in native code:
        creating rdflib terms took most of the time of a 5,000-node view."""
        answer = self._query(query)
        if not isinstance(answer, self._ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        text = answer.serialize(format=self._ox.RdfFormat.N_TRIPLES).decode("utf-8")
        with paused_gc():
            return [tuple(line[:-2].split(" ", 2)) for line in text.splitlines() if line]  # type: ignore[misc]

    def write_answer(self, query: str, key: str, out: BinaryIO, dataset: GraphSelection | None = None,
                     base_iri: str | None = None) -> None:
        """Write the answer in format ``key`` with pyoxigraph's own serialisers, straight into
        ``out`` (which may refuse to grow): no Python object per row or triple."""
        ox = self._ox
        answer = self._query(query, dataset, base_iri)
        if isinstance(answer, ox.QueryTriples):
            answer.serialize(out, format=_OX_GRAPH_FORMATS[key](ox))
        else:
            answer.serialize(out, format=_OX_RESULT_FORMATS[key](ox))  # type: ignore[union-attr]

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


_OX_RESULT_FORMATS = {
    "json": lambda ox: ox.QueryResultsFormat.JSON, "xml": lambda ox: ox.QueryResultsFormat.XML,
    "csv": lambda ox: ox.QueryResultsFormat.CSV, "tsv": lambda ox: ox.QueryResultsFormat.TSV,
}
_OX_GRAPH_FORMATS = {
    "turtle": lambda ox: ox.RdfFormat.TURTLE, "nt": lambda ox: ox.RdfFormat.N_TRIPLES,
    "rdfxml": lambda ox: ox.RdfFormat.RDF_XML, "json-ld": lambda ox: ox.RdfFormat.JSON_LD,
}


def _ox_format(ox: object, path: Path) -> object:
    fmt = {".nq": ox.RdfFormat.N_QUADS, ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}  # type: ignore[attr-defined]
    return fmt.get(path.suffix, ox.RdfFormat.TRIG)  # type: ignore[attr-defined]


def load_on_disk(path: Path, directory: Path) -> None:
    """Bulk-load a built dataset into a store on disk, for read-only sharing between processes."""
    import pyoxigraph as ox

    store = ox.Store(str(directory))
    store.bulk_load(path=str(path), format=_ox_format(ox, path))
    store.flush()
    del store


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

    def run(self, query: str, limits: Limits | None = None, dataset: GraphSelection | None = None,
            base_iri: str | None = None) -> Result:
        from pyparsing import ParseException
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        try:
            parsed = translateQuery(parseQuery(query), base=base_iri)
        except ParseException as exc:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes and the like
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        # The dataset is chosen here from graphs already in the store; rdflib would otherwise
        # download every FROM and FROM NAMED IRI.
        if dataset is None and parsed.algebra.get("datasetClause"):
            dataset = declared_dataset(query)
        parsed.algebra["datasetClause"] = None
        target = self.dataset if dataset is None or dataset.is_store_default else self._selection(dataset)
        answer = target.query(parsed)
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


    def _selection(self, dataset: GraphSelection) -> Dataset:
        """A dataset of copies of the store's graphs that a query names; absent graphs are empty."""
        present = {str(g.identifier): g for g in self.dataset.graphs()}
        selected = Dataset(default_union=dataset.default is None)
        for name in dataset.named if dataset.named is not None else present:
            if name in present:
                target = selected.graph(URIRef(name))
                for triple in present[name]:
                    target.add(triple)
        if dataset.default is not None:
            for name in dataset.default:
                for triple in present.get(name, ()):
                    selected.default_context.add(triple)
        return selected


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
