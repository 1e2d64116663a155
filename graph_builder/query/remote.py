"""Any SPARQL 1.1 server: ask it the catalogue's questions (SPARQLWrapper) and publish the
built dataset to it through the SPARQL 1.1 Graph Store HTTP Protocol.

The server must treat the union of its named graphs as the default graph (Oxigraph:
``oxigraph serve --union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``), or be given
the data in its default graph too (``publish --default-graph``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from ..core.errors import QueryError, ScoKgError
from ..core.version import __version__
from .results import Result, Term

USER_AGENT = f"sco-kg/{__version__} (https://w3id.org/sco-kg; SCO knowledge graph client)"
TIMEOUT_S = 60


class RemoteEngine:
    """A SPARQL 1.1 Protocol endpoint, queried with SPARQLWrapper by URL-encoded POST."""

    name = "remote"

    def __init__(self, url: str, timeout: int = TIMEOUT_S) -> None:
        self.url = url
        self.timeout = timeout

    def _client(self, query: str, fmt: str):  # noqa: ANN202 - SPARQLWrapper has no stubs
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(self.url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setTimeout(self.timeout)
        client.setQuery(query)
        client.setReturnFormat(fmt)
        return client

    def run(self, query: str, limits: object = None) -> Result:
        """Ask the endpoint; ``limits`` are the server's business and are ignored here.

        Whole-line comments are dropped first: SPARQLWrapper guesses the query form from the
        first keyword anywhere in the text, and a header that mentions "move" made it an update.
        """
        from SPARQLWrapper import JSON, N3

        query = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))

        try:
            kind = self._client(query, JSON).queryType
        except Exception as exc:  # SPARQLWrapper raises a bare Exception on an unknown type
            raise QueryError(f"malformed SPARQL: {exc}") from None
        if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"only queries are sent to {self.url}, not {kind} updates")
        try:
            response = self._client(query, N3 if kind in ("CONSTRUCT", "DESCRIBE") else JSON).query()
            cap = response.info().get("x-sparql-maxrows")
            if cap is not None:
                raise QueryError(f"{self.url} cut the answer at {cap} rows (its result limit): ask for fewer with LIMIT "
                                 "and OFFSET, or raise the server's limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)")
            if kind in ("CONSTRUCT", "DESCRIBE"):
                data = response.convert()
                graph = data if isinstance(data, Graph) else Graph().parse(data=data, format="turtle")
                return Result(graph=graph)
            answer = response.convert()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise QueryError(f"{self.url} refused the query: HTTP {exc.code} {detail[0] if detail else exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScoKgError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None
        except Exception as exc:  # SPARQLWrapper wraps HTTP errors in its own exception classes
            name = type(exc).__name__
            if name not in ("QueryBadFormed", "EndPointNotFound", "Unauthorized", "EndPointInternalError", "URITooLong"):
                raise
            detail = str(exc).split("Response:", 1)[-1].strip().strip("b'\"").replace("\\n", " ").strip()
            detail = detail.split("SPARQL query:", 1)[0].strip()  # Virtuoso echoes the whole query after its message
            if "SPARQL_SINV" in detail:  # Virtuoso's views and procedures behind SERVICE
                raise QueryError(f"{self.url} may not call other endpoints (SERVICE): grant its SPARQL user "
                                 "SELECT on DB.DBA.SPARQL_SINV_2 and EXECUTE on DB.DBA.SPARQL_SINV_IMP") from None
            what = "malformed SPARQL" if name == "QueryBadFormed" else name
            raise QueryError(f"{what}: {self.url} answered: {detail.splitlines()[0] if detail else name}") from None
        if kind == "ASK":
            return Result(boolean=_boolean(answer))
        variables = list(answer["head"]["vars"])
        rows = [tuple(_term(b.get(v)) for v in variables) for b in answer["results"]["bindings"]]
        return Result(variables=variables, rows=rows)


def _boolean(answer: dict) -> bool:
    """An ASK answer: the standard ``boolean`` member, or Virtuoso 7.2's table of one
    ``__ASK_RETVAL`` column (one row holding 1 when true, no row when false)."""
    if "boolean" in answer:
        return answer["boolean"] is True
    if answer.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = answer.get("results", {}).get("bindings", [])
        return any(row.get("__ASK_RETVAL", {}).get("value") not in (None, "0", "false") for row in rows)
    raise QueryError("the endpoint answered an ASK query with neither a boolean nor a table")


def _term(binding: dict | None) -> Term | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def query_endpoint_of(store_url: str) -> str | None:
    """The query URL that usually sits beside a Graph Store URL: Oxigraph's ``/store`` and
    ``/query``, Virtuoso's ``/sparql-graph-crud`` (or ``-auth``) and ``/sparql``."""
    for store, query in (("/store", "/query"), ("/sparql-graph-crud", "/sparql"), ("/sparql-graph-crud-auth", "/sparql")):
        if store_url.endswith(store):
            return store_url[: -len(store)] + query
    return None


def publish(trig: Path, store_url: str, default_graph: bool = False, timeout: int = TIMEOUT_S) -> dict[str, int]:
    """Load every named graph of a built TriG into a Graph Store Protocol endpoint.

    Each graph is sent with PUT, which replaces it, so publishing twice leaves the same data.
    With ``default_graph`` the union is also PUT into the server's default graph.
    Returns the triple count sent per graph.
    """
    ds = Dataset()
    ds.parse(trig, format="trig")
    sent: dict[str, int] = {}
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph) or graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            continue
        body = graph.serialize(format="nt").encode("utf-8")
        _put(f"{store_url}?graph={urllib.parse.quote(str(graph.identifier), safe='')}", body, timeout)
        sent[str(graph.identifier)] = len(graph)
    if default_graph:
        from ..build.validate import union_graph

        union = union_graph(ds)
        _put(f"{store_url}?default", union.serialize(format="nt").encode("utf-8"), timeout)
        sent["default"] = len(union)
    return sent


def check_published(query_url: str, sent: dict[str, int], timeout: int = TIMEOUT_S) -> None:
    """Ask the server's query endpoint, as every later question will, whether the published
    states are visible in its default graph; a server that keeps named graphs out of it answers
    every catalogue question with nothing, so that is an error, with the fix."""
    query = "ASK { ?s a <https://w3id.org/sco-kg/ontology#State> }"
    url = f"{query_url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            visible = _boolean(json.loads(response.read().decode("utf-8")))
    except (urllib.error.URLError, OSError, ValueError, QueryError) as exc:
        raise ScoKgError(f"published, but cannot ask {query_url} what it holds: {getattr(exc, 'reason', exc)}") from None
    if not visible:
        total = sum(n for g, n in sent.items() if g != "default")
        raise ScoKgError(f"published {total} triples, but {query_url} does not show them in its default graph, so every "
                         "question would answer nothing: start the server with the union of its named graphs as "
                         "default graph (oxigraph serve --union-default-graph; Fuseki tdb2:unionDefaultGraph true) "
                         "or publish again with --default-graph")


def _put(url: str, body: bytes, timeout: int) -> None:
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Content-Type": "application/n-triples", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise ScoKgError(f"{url} refused the data: HTTP {exc.code} {detail[0] if detail else exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ScoKgError(f"cannot reach graph store {url}: {getattr(exc, 'reason', exc)}") from None
