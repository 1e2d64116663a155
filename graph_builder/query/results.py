"""Query results as engine-neutral values, and their standard serialisations.

Both engines' answers become one :class:`Result` of rdflib terms, so formats, tests and golden
files never depend on the engine. The ``sources`` column is a set of URLs: its members are sorted
here, because GROUP_CONCAT's order is unspecified and engines differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import namedtuple
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..core.vocab import PREFIXES

Term = URIRef | Literal | BNode
SET_COLUMNS = frozenset({"sources"})
FORMATS = ("table", "csv", "tsv", "json", "xml")


@dataclass
class Result:
    """A SELECT's variables and rows, an ASK's boolean, or a CONSTRUCT/DESCRIBE graph."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __post_init__(self) -> None:
        if self.graph is not None:
            for prefix, ns in PREFIXES.items():
                self.graph.bind(prefix, ns, override=True, replace=True)
        sets = [i for i, v in enumerate(self.variables) if v in SET_COLUMNS]
        if sets:
            self.rows = [_sort_sets(row, sets) for row in self.rows]

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[Any]:
        """Rows as named tuples of Python values (str, int, date, ...; IRIs as str).

        >>> from graph_builder import KnowledgeGraph
        >>> row = KnowledgeGraph.open().query("members", date="2018-01-01", role="member").records()[0]
        >>> row.stateLabel, row.role, row.start.year
        ('China', 'member', 2001)
        """
        Row = namedtuple("Row", self.variables, rename=True)  # type: ignore[misc]
        return [Row(*(to_python(v) for v in row)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame([tuple(r) for r in self.records()], columns=self.variables)

    def to_json(self) -> dict[str, Any]:
        """W3C SPARQL 1.1 Query Results JSON."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = [
            {var: _json_term(value) for var, value in zip(self.variables, row) if value is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}

    def to_xml(self) -> str:
        """W3C SPARQL Query Results XML."""
        from xml.sax.saxutils import escape, quoteattr

        out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in self.variables]
        out.append("</head>")
        if self.boolean is not None:
            out.append(f"<boolean>{'true' if self.boolean else 'false'}</boolean>")
        else:
            out.append("<results>")
            for row in self.rows:
                out.append("<result>")
                for var, term in zip(self.variables, row):
                    if term is None:
                        continue
                    if isinstance(term, URIRef):
                        value = f"<uri>{escape(str(term))}</uri>"
                    elif isinstance(term, BNode):
                        value = f"<bnode>{escape(str(term))}</bnode>"
                    elif term.language:
                        value = f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
                    elif term.datatype and term.datatype != XSD.string:
                        value = f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
                    else:
                        value = f"<literal>{escape(str(term))}</literal>"
                    out.append(f"<binding name={quoteattr(var)}>{value}</binding>")
                out.append("</result>")
            out.append("</results>")
        out.append("</sparql>")
        return "\n".join(out) + "\n"

    def serialize(self, fmt: str = "table") -> str:
        """Text in one of ``table``, ``csv``, ``tsv``, ``json`` (or turtle/json-ld for graphs)."""
        if self.graph is not None:
            return self.graph.serialize(format="json-ld" if fmt == "json" else "turtle")
        if fmt == "json":
            return json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n"
        if fmt == "xml":
            return self.to_xml()
        if self.boolean is not None:
            return ("true" if self.boolean else "false") + "\n"
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\r\n")
            writer.writerow(self.variables)
            writer.writerows([["" if v is None else str(v) for v in row] for row in self.rows])
            return buf.getvalue()
        if fmt == "tsv":
            lines = ["\t".join(f"?{v}" for v in self.variables)]
            lines += ["\t".join("" if v is None else _tsv_term(v) for v in row) for row in self.rows]
            return "\n".join(lines) + "\n"
        if fmt == "table":
            return _table(self.variables, self.rows)
        raise ValueError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}")


def _sort_sets(row: tuple[Term | None, ...], columns: Sequence[int]) -> tuple[Term | None, ...]:
    values = list(row)
    for i in columns:
        if isinstance(values[i], Literal):
            values[i] = _sorted_set(str(values[i]))
    return tuple(values)


@lru_cache(maxsize=65536)
def _sorted_set(text: str) -> Literal:
    """A space-separated set in sorted order, memoised (the same source lists recur)."""
    return Literal(" ".join(sorted(set(text.split()))))


def to_python(term: Term | None) -> Any:
    """A term as a plain Python value: IRIs and blank nodes as str, literals as their value."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)
        return value if isinstance(value, (str, int, float, bool, dt.date)) else str(term)
    return str(term)


def _tsv_term(term: Term) -> str:
    """A term as SPARQL 1.1 TSV writes it: its N-Triples form, with tabs escaped as well, so
    that a value can never split a line or a cell."""
    from .terms import term_token

    return term_token(term).replace("\t", "\\t")


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def compact(term: Term | None) -> str:
    """A short display form: prefixed IRIs, plain literal text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(ns)) and prefix != "scoid":
                return f"{prefix}:{text[len(str(ns)):]}"
        return text
    return str(term)


def _table(variables: list[str], rows: list[tuple[Term | None, ...]]) -> str:
    cells = [[compact(v) for v in row] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    widths = [min(w, 80) for w in widths]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v[:80].ljust(w) for v, w in zip(values, widths)).rstrip()

    out = [line(variables), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
