"""The catalogue of named questions: ``queries/**/*.rq`` files with a strict ``#+`` YAML header.

Parameters are bound as RDF terms in a ``VALUES`` row placed at the top of the query's WHERE
group: no input can change a query's shape, and every SPARQL 1.1 engine reads it the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import yaml

from ..core.errors import QueryError
from ..core.keys import MeetingBody, Office, Role
from ..core.paths import QUERIES_DIR

if TYPE_CHECKING:
    from rdflib import Literal, URIRef

WDQS_URL = "https://query.wikidata.org/sparql"
HEADER_KEYS = {"summary", "description", "params", "tags", "service"}
# Services a federated query may name in its header, with the IRI its SERVICE clause uses; the
# IRI is swapped for the endpoint chosen at run time (a mirror, or a test server).
SERVICES = {"wikidata": WDQS_URL}


def default_wikidata_endpoint() -> str:
    """The Wikidata endpoint to ask when none is given: ``$SCO_KG_WIKIDATA_ENDPOINT`` (a mirror)
    or WDQS."""
    return os.environ.get("SCO_KG_WIKIDATA_ENDPOINT") or WDQS_URL


PARAM_KEYS = {"name", "type", "default", "description", "required"}
PARAM_TYPES = ("date", "year", "integer", "string", "role", "office", "body", "state", "entity", "iri")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ENUMS: dict[str, type[Enum]] = {"role": Role, "office": Office, "body": MeetingBody}


@dataclass(frozen=True)
class Param:
    """One typed parameter of a named query."""

    name: str
    type: str
    description: str = ""
    default: Any = None
    required: bool = False

    def choices(self) -> list[str]:
        enum = _ENUMS.get(self.type)
        return [e.value for e in enum] if enum else []


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name (the file stem), header and SPARQL text."""

    name: str
    path: Path
    summary: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    service: str | None = None

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        allowed = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"query '{self.name}' has no parameter '{name}'; its parameters: {allowed}")


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file, checking its header strictly."""
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip():
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path.name}: header is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise QueryError(f"{path.name}: header must be a mapping")
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise QueryError(f"{path.name}: unknown header key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(HEADER_KEYS))}")
    for key in ("summary", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise QueryError(f"{path.name}: header needs a '{key}'")
    params = tuple(_parse_param(path, raw) for raw in header.get("params") or [])
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryError(f"{path.name}: tags must be a list of words")
    if params and not _WHERE.search(text):
        raise QueryError(f"{path.name}: a query with parameters must use an explicit 'WHERE {{'")
    service = header.get("service")
    if service is not None and (service not in SERVICES or f"SERVICE <{SERVICES[service]}>" not in text):
        raise QueryError(f"{path.name}: 'service' must be one of {', '.join(SERVICES)} and the query must use SERVICE <{SERVICES.get(service, '...')}>")
    return NamedQuery(path.stem, path, header["summary"].strip(), header["description"].strip(),
                      text, params, tuple(tags), service)


def _parse_param(path: Path, raw: Any) -> Param:
    if not isinstance(raw, dict) or "name" not in raw or "type" not in raw:
        raise QueryError(f"{path.name}: each parameter needs a name and a type")
    unknown = set(raw) - PARAM_KEYS
    if unknown:
        raise QueryError(f"{path.name}: parameter '{raw['name']}' has unknown key(s) {', '.join(sorted(unknown))}")
    if raw["type"] not in PARAM_TYPES:
        raise QueryError(f"{path.name}: parameter '{raw['name']}' has unknown type '{raw['type']}'; expected one of {', '.join(PARAM_TYPES)}")
    default = raw.get("default")
    return Param(str(raw["name"]), raw["type"], str(raw.get("description", "")),
                 None if default is None else str(default), bool(raw.get("required", False)))


@lru_cache(maxsize=None)
def catalogue(queries_dir: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query by name; names are file stems and must be unique."""
    found: dict[str, NamedQuery] = {}
    for path in sorted(queries_dir.rglob("*.rq")):
        query = parse_query_file(path)
        if query.name in found:
            raise QueryError(f"two queries are named '{query.name}': {found[query.name].path} and {path}")
        found[query.name] = query
    return found


def get_query(name: str) -> NamedQuery:
    """The named query, or a QueryError that lists near names."""
    queries = catalogue()
    if name not in queries:
        import difflib

        near = difflib.get_close_matches(name, queries, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else "; 'sco-kg query --list' shows the catalogue"
        raise QueryError(f"unknown query '{name}'{hint}")
    return queries[name]


Resolver = Callable[[str, str], "URIRef"]


def to_term(param: Param, value: Any, resolve: Resolver) -> URIRef | Literal | None:
    """Turn a user's value into the RDF term the parameter binds, or fail with one clear line."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    if value is None or value == "":
        return None
    text = str(value).strip()
    where = f"parameter {param.name}"
    if param.type == "date":
        if isinstance(value, dt.date):
            return Literal(value.isoformat(), datatype=XSD.date)
        if text == "today":
            return Literal(dt.date.today().isoformat(), datatype=XSD.date)
        try:
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
                raise ValueError
            return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError:
            raise QueryError(f"{where}: '{text}' is not a date YYYY-MM-DD (or 'today')") from None
    if param.type in ("year", "integer"):
        if not re.match(r"^-?\d+$", text) or (param.type == "year" and len(text.lstrip("-")) != 4):
            raise QueryError(f"{where}: '{text}' is not {'a year like 2017' if param.type == 'year' else 'an integer'}")
        return Literal(int(text))
    if param.type in _ENUMS:
        if text not in param.choices():
            raise QueryError(f"{where}: unknown value '{text}'; expected one of {', '.join(param.choices())}")
        return Literal(text)
    if param.type == "string":
        return Literal(text)
    if param.type == "iri":
        if not re.match(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", text, re.IGNORECASE):
            raise QueryError(f"{where}: '{text}' is not an IRI")
        return URIRef(text)
    return resolve(param.type, text)


def bind(query: NamedQuery, terms: dict[str, URIRef | Literal | None]) -> str:
    """The query text with a one-row VALUES block of the bound terms at the top of WHERE.

    A parameter left unbound is left out of the block rather than given as UNDEF: the two
    mean the same, but Virtuoso 7.2 takes an UNDEF cell for a bound value in larger queries.
    """
    names = [p.name for p in query.params if terms.get(p.name) is not None]
    if not names:
        return query.text
    cells = " ".join(terms[n].n3() for n in names)
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({cells}) }}\n"
    match = _WHERE.search(query.text)
    assert match is not None  # checked when the header was parsed
    return query.text[: match.end()] + block + query.text[match.end():]


def prepare(query: NamedQuery, values: dict[str, Any], resolve: Resolver, services: dict[str, str] | None = None) -> str:
    """Check the user's values against the parameters, apply defaults, and bind them; a
    federated query's SERVICE IRI becomes the endpoint ``services`` names for it."""
    for name in values:
        query.param(name)
    terms: dict[str, URIRef | Literal | None] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None and param.required:
            raise QueryError(f"query '{query.name}' needs parameter '{param.name}' ({param.type})")
        terms[param.name] = to_term(param, value, resolve)
    text = bind(query, terms)
    if query.service and services and services.get(query.service):
        text = text.replace(f"SERVICE <{SERVICES[query.service]}>", f"SERVICE <{services[query.service]}>")
    return text
