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
import re
from collections import namedtuple
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ..core.vocab import ID, PREFIXES, bind_prefixes

Term = URIRef | Literal | BNode
SET_COLUMNS = frozenset({"sources"})
FORMATS = ("table", "markdown", "csv", "tsv", "json", "xml")
# A table's width when standard output is not a terminal and $COLUMNS is unset: wide enough for
# most answers, narrow enough to read in a pager or a log.
PIPE_WIDTH = 120
GAP = 2  # spaces between two columns
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")  # a column of these is right-aligned


class Result:
    """A SELECT's variables and rows, an ASK's boolean, or a CONSTRUCT/DESCRIBE graph.

    A graph answer may arrive as ``triples`` and become an rdflib Graph only when ``graph`` is
    first read: filling rdflib's store cost three times the query itself (``overview``: 36 ms
    against 11 ms), and callers that want the triples never pay it.
    """

    def __init__(self, variables: list[str] | None = None, rows: list[tuple[Term | None, ...]] | None = None,
                 boolean: bool | None = None, graph: Graph | None = None,
                 triples: list[tuple[Term, Term, Term]] | None = None) -> None:
        self.variables: list[str] = list(variables or [])
        self.rows: list[tuple[Term | None, ...]] = list(rows or [])
        self.boolean = boolean
        self._graph = bind_prefixes(graph) if graph is not None else None
        self._triples = triples
        sets = [i for i, v in enumerate(self.variables) if v in SET_COLUMNS]
        if sets:
            self.rows = [_sort_sets(row, sets) for row in self.rows]

    def __repr__(self) -> str:
        shape = (f"{len(self.triples)} triples" if self.is_graph else f"boolean={self.boolean}"
                 if self.boolean is not None else f"{len(self.rows)} rows of {', '.join(self.variables)}")
        return f"Result({shape})"

    @property
    def is_graph(self) -> bool:
        """Whether this answers a CONSTRUCT or DESCRIBE, without building the graph."""
        return self._graph is not None or self._triples is not None

    @property
    def triples(self) -> list[tuple[Term, Term, Term]]:
        """A graph answer's triples (empty for other answers)."""
        if self._triples is None:
            self._triples = list(self._graph) if self._graph is not None else []
        return self._triples

    @property
    def graph(self) -> Graph | None:
        """A graph answer as an rdflib Graph (None for other answers), built on first use."""
        if self._graph is None and self._triples is not None:
            graph = Graph()
            for triple in self._triples:
                graph.add(triple)
            self._graph = bind_prefixes(graph)
        return self._graph

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

    def table(self, width: int | None = None, sources: bool = False) -> str:
        """A plain-text table that fits ``width`` columns (default: the terminal's, or
        ``PIPE_WIDTH`` when not a terminal; 0 for no limit), so it reads in any terminal.

        Our IRIs show as ``kind:key`` (``state:IND``); a value too long for its column ends in
        "…", never silently cut. A ``sources`` column shows how many sources back the row;
        with ``sources=True`` it shows numbers that a list below the table spells out whole.

        >>> from rdflib import URIRef, Literal
        >>> r = Result(["state", "sources"], [(URIRef(ID["state/IND"]), Literal("https://a https://b"))])
        >>> print(r.table(width=40), end="")
        state      sources
        ──────────────────
        state:IND        2
        <BLANKLINE>
        (1 row; 2 sources: --sources lists them)
        """
        if self.is_graph:
            return self.serialize("turtle")
        if self.boolean is not None:
            return ("true" if self.boolean else "false") + "\n"
        return _table(self.variables, self.rows, width, sources)

    def serialize(self, fmt: str = "table") -> str:
        """Text in one of ``table``, ``markdown``, ``csv``, ``tsv``, ``json``, ``xml`` (or
        turtle/json-ld for graphs)."""
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
            return self.table()
        if fmt == "markdown":
            return _markdown(self.variables, self.rows)
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


def display(term: Term | None) -> str:
    """How a table shows a term: our IRIs as ``kind:key`` (``https://w3id.org/sco-kg/id/state/IND``
    is ``state:IND``; the kind is the IRI's first path segment under ``scoid:``), other known
    namespaces as prefixed names, literals as their text.

    >>> display(URIRef("https://w3id.org/sco-kg/id/state/IND")), display(URIRef("http://www.wikidata.org/entity/Q668"))
    ('state:IND', 'wd:Q668')
    >>> display(URIRef("https://w3id.org/sco-kg/id/org/sco"))
    'scoid:org/sco'
    """
    if isinstance(term, URIRef):
        text = str(term)
        base = str(ID)
        if text.startswith(base) and "/" in text[len(base):]:
            kind, key = text[len(base):].split("/", 1)
            if kind and key:
                # A kind that is also a standard prefix (org) keeps the scoid: form, never
                # to be read as a term of that vocabulary.
                return f"scoid:{kind}/{key}" if kind in PREFIXES else f"{kind}:{key}"
    return compact(term)


def _source_numbers(variables: list[str], rows: list[tuple[Term | None, ...]]) -> dict[str, int]:
    """Every URL in the set columns, numbered in order of first appearance."""
    numbers: dict[str, int] = {}
    for row in rows:
        for var, value in zip(variables, row):
            if var in SET_COLUMNS and value is not None:
                for url in str(value).split():
                    numbers.setdefault(url, len(numbers) + 1)
    return numbers


def _table(variables: list[str], rows: list[tuple[Term | None, ...]], width: int | None = None,
           show_sources: bool = False) -> str:
    """Columns get their widths from :func:`_fit`; rich draws them and ends a cut value with an
    ellipsis."""
    import shutil

    from rich.cells import cell_len

    if not variables:
        return f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
    numbers = _source_numbers(variables, rows)

    def cell(var: str, value: Term | None) -> str:
        if var in SET_COLUMNS and value is not None:
            urls = str(value).split()
            return ",".join(str(n) for n in sorted(numbers[u] for u in urls)) if show_sources else str(len(urls))
        return display(value)

    cells = [[cell(var, value) for var, value in zip(variables, row)] for row in rows]
    natural = [max([cell_len(var)] + [cell_len(r[i]) for r in cells]) for i, var in enumerate(variables)]
    if width is None:
        width = shutil.get_terminal_size((PIPE_WIDTH, 24)).columns
    widths = _fit(natural, width - GAP * (len(variables) - 1)) if width else natural
    if width and sum(widths) + GAP * (len(widths) - 1) > width:
        # Too many columns for this width even with each cut short: one block per row instead.
        room = max(width - max(len(v) for v in variables) - 2, 10)
        out = _records(variables, cells, width, room)
        cut = any(n > room for n in natural)
    else:
        out = _draw(variables, cells, widths, show_sources)
        cut = widths != natural
    notes = [f"{len(rows)} row{'s' if len(rows) != 1 else ''}"]
    if numbers:
        notes.append(f"{len(numbers)} source{'s' if len(numbers) != 1 else ''}"
                     + ("" if show_sources else ": --sources lists them"))
    if cut:
        notes.append("… ends a cut value: --width 0 shows them whole")
    out += ["", f"({'; '.join(notes)})"]
    if show_sources:
        out += [f"[{n}] {url}" for url, n in numbers.items()]
    return "\n".join(out) + "\n"


def _draw(variables: list[str], cells: list[list[str]], widths: list[int], show_sources: bool) -> list[str]:
    """The table's lines, drawn by rich in columns of the given widths."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True, header_style="",
                  expand=False)
    numeric = [all(_NUMBER.match(r[i]) for r in cells if r[i]) and any(r[i] for r in cells) for i in range(len(variables))]
    for var, w, number in zip(variables, widths, numeric):
        justify = "right" if number else "left"
        table.add_column(var, overflow="ellipsis", no_wrap=True, justify=justify, width=w)  # type: ignore[arg-type]
    for values in cells:
        table.add_row(*(Text(v, overflow="ellipsis", no_wrap=True) for v in values))
    buf = io.StringIO()
    console = Console(file=buf, width=sum(widths) + GAP * (len(widths) - 1), color_system=None, highlight=False,
                      markup=False, emoji=False, legacy_windows=False, soft_wrap=False)
    console.print(table)
    return [line.rstrip() for line in buf.getvalue().splitlines()]


def _records(variables: list[str], cells: list[list[str]], width: int, room: int) -> list[str]:
    """Rows as blocks of ``name  value`` lines (values cut to ``room``), for answers with too
    many columns for the terminal."""
    from rich.text import Text

    names = max(len(v) for v in variables)
    out: list[str] = []
    for number, values in enumerate(cells, 1):
        out.append(f"── row {number} " + "─" * max(width - len(f"── row {number} "), 0))
        for var, value in zip(variables, values):
            text = Text(value)
            text.truncate(room, overflow="ellipsis")
            out.append(f"{var:<{names}}  {text.plain}".rstrip())
    return out


def _fit(natural: list[int], budget: int, floor: int = 10) -> list[int]:
    """Column widths that add up to at most ``budget``: the widest columns give way first, and
    none is cut below ``floor`` characters (so a code or a date stays whole), even if the
    table must then be wider than asked.

    >>> _fit([9, 10, 80], 60), _fit([9, 10, 80], 200), _fit([30, 30], 10)
    ([9, 10, 41], [9, 10, 80], [10, 10])
    """
    if sum(natural) <= budget:
        return list(natural)
    floors = [min(n, floor) for n in natural]
    low, high = 0, max(natural)
    while low < high:  # the largest cap under which the columns fit
        cap = (low + high + 1) // 2
        if sum(max(f, min(n, cap)) for n, f in zip(natural, floors)) <= budget:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(n, low)) for n, f in zip(natural, floors)]


def _markdown(variables: list[str], rows: list[tuple[Term | None, ...]]) -> str:
    """A GitHub-flavoured Markdown table with every value whole (a page wraps, a terminal does
    not); pipes are escaped and line breaks become ``<br>`` so no value can break the table."""

    def md(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    out = ["| " + " | ".join(md(v) for v in variables) + " |", "|" + "|".join("---" for _ in variables) + "|"]
    out += ["| " + " | ".join(md(display(v)) for v in row) + " |" for row in rows]
    return "\n".join(out) + "\n"
