"""What a query is, decided on its structure before any engine runs it.

Two readings, both structural: a lexer that follows the SPARQL 1.1 grammar's terminals (comments
end at either line end, strings and IRIs are whole tokens) bounds size and nesting before any
parser recurses, and finds every ``SERVICE`` keyword; then the query is parsed into SPARQL algebra
(rdflib's parser), which tells its form, its dataset (``FROM``/``FROM NAMED``) and whether it is
an update. A query is refused when either reading finds a ``SERVICE``, so the two parsers can never
disagree in a caller's favour.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..core.errors import QueryError, RefusedQuery

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 48

# The SPARQL 1.1 terminals that can hide a bracket or a keyword, in the grammar's own terms.
_TOKENS = re.compile(r"""
    (?P<space>[\s]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<var>[?$][^\s{}()\[\],;.]+)
  | (?P<pname>[^\s{}()\[\],;"'<>#?$=!&|+*/^@:-]*:[^\s{}()\[\],;"'<>#]*)
  | (?P<word>[^\s{}()\[\],;"'<>#?$=!&|+*/^@:-][^\s{}()\[\],;"'<>#=!&|+*/^@:]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<quote>["'])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class GraphSelection:
    """The RDF dataset one query runs against: IRIs of named graphs of the store, never fetched.

    ``default is None`` means the union of every graph (this project's default graph);
    ``named is None`` means every named graph may be named in ``GRAPH``.
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None

    @property
    def is_store_default(self) -> bool:
        return self.default is None and self.named is None


@dataclass(frozen=True)
class Inspected:
    """A query that passed inspection: its form and the dataset its text asks for."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    dataset: GraphSelection
    parsed: Any  # rdflib's translated query, reused by the rdflib engine

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def check_shape(text: str, max_chars: int = MAX_QUERY_CHARS, max_nesting: int = MAX_NESTING) -> None:
    """Refuse texts too long or nested too deep for any parser, and any ``SERVICE`` keyword.

    >>> check_shape('SELECT ?service WHERE { ?s <http://x/SERVICE> "SERVICE" } # SERVICE')
    >>> check_shape("SELECT * WHERE { # x\\rSERVICE <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph_builder.core.errors.RefusedQuery: SERVICE is not allowed: this endpoint never fetches a URL for a caller
    """
    if len(text) > max_chars:
        raise QueryError(f"the query has {len(text):,} characters; at most {max_chars:,} are accepted")
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > max_nesting:
                raise QueryError(f"the query nests groups or brackets more than {max_nesting} deep")
        elif kind == "close":
            depth -= 1
        elif kind == "quote":
            raise QueryError(f"malformed SPARQL: a string opened at character {match.start()} is never closed")
        elif kind == "word" and match.group("word").upper() == "SERVICE":
            raise RefusedQuery("SERVICE is not allowed: this endpoint never fetches a URL for a caller")


@lru_cache(maxsize=1024)
def declared_dataset(text: str) -> GraphSelection | None:
    """The dataset a query's own ``FROM``/``FROM NAMED`` clauses name, or None when it names none.

    Engines that would otherwise ignore the clauses (pyoxigraph's union default graph) or fetch
    them from the web (rdflib) use this to select graphs already in the store.

    >>> declared_dataset("SELECT * WHERE { ?s ?p ?o }") is None
    True
    >>> declared_dataset("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }").default
    ('http://x/g',)
    """
    if not any(m.lastgroup == "word" and m.group("word").upper() == "FROM" for m in _TOKENS.finditer(text)):
        return None
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        query = _deep(lambda: translateQuery(parseQuery(text)))
    except Exception:  # the engine itself reports malformed text in its own words
        return None
    return _selection(query)


def _selection(query: Any) -> GraphSelection:
    clauses = query.algebra.get("datasetClause") or []
    if not clauses:
        return GraphSelection()
    return GraphSelection(tuple(str(c["default"]) for c in clauses if "default" in c),
                          tuple(str(c["named"]) for c in clauses if "named" in c))


def inspect(text: str, base_iri: str | None = None, max_chars: int = MAX_QUERY_CHARS,
            max_nesting: int = MAX_NESTING) -> Inspected:
    """The form and dataset of a read-only query; updates, SERVICE and malformed text refused.

    >>> q = inspect("PREFIX g: <https://w3id.org/sco-kg/id/graph/> SELECT * FROM g:states WHERE { ?s ?p ?o }")
    >>> q.form, q.dataset.default, q.dataset.named
    ('SELECT', ('https://w3id.org/sco-kg/id/graph/states',), ())
    """
    check_shape(text, max_chars, max_nesting)
    key = (text, base_iri)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    inspected = _deep(lambda: _inspect(text, base_iri))
    with _LOCK:
        _CACHE[key] = inspected
        while len(_CACHE) > 256:
            _CACHE.popitem(last=False)
    return inspected


def _inspect(text: str, base_iri: str | None) -> Inspected:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
        raise RefusedQuery("updates are not allowed: this endpoint is read-only") from None
    try:
        query = translateQuery(parsed, base=base_iri)
    except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes and the like
        raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
    if _mentions(query.algebra, "ServiceGraphPattern"):
        raise RefusedQuery("SERVICE is not allowed: this endpoint never fetches a URL for a caller")
    form = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}[query.algebra.name]
    return Inspected(form, _selection(query), query)


def _mentions(node: Any, name: str) -> bool:
    """Whether any part of an algebra tree is a node called ``name``."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            if item.name == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def _deep(work: Any) -> Any:
    """Run a recursive-descent parse on a thread with room for the nesting ``check_shape`` allows:
    rdflib's parser spends dozens of frames per level of brackets."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        limit = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(max(limit, 60_000))
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc
        finally:
            sys.setrecursionlimit(limit)

    with _PARSE_LOCK:
        previous = threading.stack_size(256 * 1024 * 1024)
        try:
            thread = threading.Thread(target=run, name="sparql-parse")
            thread.start()
        finally:
            threading.stack_size(previous)
        thread.join()
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, RecursionError):
            raise QueryError("the query nests too deeply to parse") from None
        raise error
    return outcome["value"]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


_CACHE: OrderedDict[tuple[str, str | None], Inspected] = OrderedDict()
_LOCK = threading.Lock()
_PARSE_LOCK = threading.Lock()

__all__ = ["MAX_NESTING", "MAX_QUERY_CHARS", "GraphSelection", "Inspected", "check_shape", "declared_dataset", "inspect"]
