"""The public Python API: open the built graph, ask named questions or raw SPARQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from .core.errors import QueryError
from .core.paths import built_dataset
from .query.registry import (
    NamedQuery,
    catalogue,
    default_wikidata_endpoint,
    get_query,
    prepare,
)
from .query.results import Result
from .query.store import DEFAULT_ENGINE, Engine, open_engine
from .query.terms import as_tokens

_RESOLVE = """
PREFIX sco: <https://w3id.org/sco-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity WHERE {
  VALUES (?needle ?class) { (%s %s) }
  { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name } UNION { ?entity skos:notation ?name }
  FILTER(LCASE(STR(?name)) = ?needle)
  FILTER(!BOUND(?class) || EXISTS { ?entity a ?class })
  FILTER(isIRI(?entity))
}
ORDER BY ?entity
"""

_BY_QID = """
PREFIX sco: <https://w3id.org/sco-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity WHERE {
  VALUES (?qid ?class) { (%s %s) }
  ?entity skos:exactMatch ?qid .
  FILTER(!BOUND(?class) || EXISTS { ?entity a ?class })
}
ORDER BY ?entity
"""

_BY_IRI = """
SELECT DISTINCT ?entity WHERE {
  VALUES (?entity ?class) { (%s %s) }
  ?entity a ?type .
  FILTER(!BOUND(?class) || ?type = ?class)
}
"""
_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?name WHERE {
  VALUES ?class { %s }
  { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
  FILTER(!BOUND(?class) || EXISTS { ?entity a ?class })
  FILTER(isIRI(?entity))
}
"""
_STATE = URIRef("https://w3id.org/sco-kg/ontology#State")


class KnowledgeGraph:
    """The SCO knowledge graph loaded into an embedded engine.

    >>> kg = KnowledgeGraph.open()
    >>> [r.stateLabel for r in kg.query("members", date="2001-06-15").records()][:3]
    ['China', 'Kazakhstan', 'Kyrgyzstan']
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._prepared: dict[tuple, str] = {}
        self._resolved: dict[tuple[str, str], URIRef] = {}
        # Where federated catalogue queries send their Wikidata part (a mirror or test server).
        self.wikidata_endpoint: str = default_wikidata_endpoint()

    @classmethod
    def open(cls, path: Path | str | None = None, engine: str = DEFAULT_ENGINE,
             endpoint: str | None = None) -> "KnowledgeGraph":
        """Load a built TriG file (default: the build folder's, built first if missing), or
        use a remote SPARQL 1.1 endpoint that holds the published graph."""
        if endpoint is not None:
            from .query.remote import RemoteEngine

            return cls(RemoteEngine(endpoint))
        if path is None:
            path = built_dataset()
            if not path.exists():
                from .build.graph import build

                build(out_dir=path.parent)
        path = Path(path)
        if not path.exists():
            raise QueryError(f"{path}: no built graph there; run 'sco-kg build' first")
        return cls(open_engine(path, engine))

    def sparql(self, text: str) -> Result:
        """Run raw SPARQL (SELECT, ASK, CONSTRUCT or DESCRIBE).

        >>> KnowledgeGraph.open().sparql("ASK { ?s a <https://w3id.org/sco-kg/ontology#State> }").boolean
        True
        """
        return self.engine.run(text)

    def query(self, name: str, **params: Any) -> Result:
        """Run a named query from the catalogue with keyword parameters.

        >>> rows = KnowledgeGraph.open().query("state_history", state="India").records()
        >>> [(r.role, str(r.start)) for r in rows][:2]
        [('observer', '2005-07-05'), ('member', '2017-06-09')]
        """
        return self.engine.run(self.prepare(name, params))

    def construct(self, name: str, **params: Any) -> list[tuple[str, str, str]]:
        """The triples of a named CONSTRUCT query, for mappings such as ``network.to_networkx``.

        >>> triples = KnowledgeGraph.open().construct("overview")
        >>> [o for s, p, o in triples if s.endswith('/state/IND>') and o.endswith('@zh')]
        ['"印度"@zh']
        """
        return self.triples(self.prepare(name, params))

    def triples(self, text: str) -> list[tuple[str, str, str]]:
        """The triples of a CONSTRUCT or DESCRIBE text as N-Triples term strings
        (``'<iri>'``, ``'"text"@en'``): plain strings that hash and sort fast, whatever the engine;
        ``query.terms.literal`` reads a literal's value."""
        fast = getattr(self.engine, "triples", None)
        if fast is not None:
            return fast(text)
        graph = self.engine.run(text).graph
        if graph is None:
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return as_tokens(graph)

    def prepare(self, name: str, params: dict[str, Any]) -> str:
        """The named query's text with the parameters bound, ready for any SPARQL engine.

        Prepared texts are memoised per graph; the key holds today's date, which the 'today'
        default depends on.
        """
        key = (name, tuple(sorted((k, str(v)) for k, v in params.items())), dt.date.today(), self.wikidata_endpoint)
        text = self._prepared.get(key)
        if text is None:
            text = prepare(get_query(name), params, self.resolve, {"wikidata": self.wikidata_endpoint})
            if len(self._prepared) < 10_000:
                self._prepared[key] = text
        return text

    def resolve(self, kind: str, text: str) -> URIRef:
        """An entity from an ISO alpha-3 code, a Wikidata QID, a label (any language) or its IRI.

        >>> str(KnowledgeGraph.open().resolve("state", "Q668"))
        'https://w3id.org/sco-kg/id/state/IND'
        """
        if (kind, text) in self._resolved:
            return self._resolved[(kind, text)]
        klass = _STATE.n3() if kind == "state" else "UNDEF"
        if text.startswith(("https://", "http://")):
            query = _BY_IRI % (URIRef(text).n3(), klass)
        elif re.match(r"^Q[1-9]\d*$", text):
            query = _BY_QID % (URIRef(f"http://www.wikidata.org/entity/{text}").n3(), klass)
        else:
            query = _RESOLVE % (Literal(text.lower()).n3(), klass)
        found = [row[0] for row in self.engine.run(query)]
        if not found:
            near = self.near_labels(kind, text)
            hint = (f"did you mean {', '.join(near)}? Or give" if near else "give")
            raise QueryError(f"no {kind} matches '{text}'; {hint} an ISO alpha-3 code (IND), a Wikidata QID (Q668) "
                             "or an English label (India)")
        if len(found) > 1:
            raise QueryError(f"'{text}' is ambiguous: it matches {', '.join(str(f) for f in found[:5])}; use an ISO code or a QID")
        self._resolved[(kind, text)] = found[0]  # type: ignore[assignment]
        return found[0]  # type: ignore[return-value]

    def near_labels(self, kind: str, text: str, n: int = 3) -> list[str]:
        """The labels closest to a name that matched nothing, for a "did you mean" hint; a
        misspelt name is the commonest reason an entity is not found.

        >>> KnowledgeGraph.open().near_labels("state", "Kazakstan")[0]
        'Kazakhstan'
        """
        import difflib

        klass = _STATE.n3() if kind == "state" else "UNDEF"
        labels: dict[str, str] = {}
        for (name,) in self.engine.run(_LABELS % klass):
            labels.setdefault(str(name).lower(), str(name))
        near = difflib.get_close_matches(text.lower(), labels, n=n, cutoff=0.7)
        return [labels[k] for k in near]


def list_queries() -> list[NamedQuery]:
    """The catalogue, sorted by name.

    >>> "members" in [q.name for q in list_queries()]
    True
    """
    return sorted(catalogue().values(), key=lambda q: q.name)
