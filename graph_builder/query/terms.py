"""RDF terms as N-Triples strings, the form every engine's answers can take.

Triples travel as N-Triples terms ("<iri>", "_:b", '"text"@en'): plain strings that hash, sort and
compare fast, which pyoxigraph writes in native code; rdflib terms cost seconds to create for
large answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

Triple = tuple[str, str, str]

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if len(code) > 1 else _ESCAPES.get(code, code)


def term_token(term: Node) -> str:
    """The N-Triples form of an rdflib term (one line, escapes as the standard's canonical form).

    >>> term_token(Literal("Китай", lang="ru")), term_token(Literal('say "hi"\\n'))
    ('"Китай"@ru', '"say \\\\"hi\\\\"\\\\n"')
    """
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return f"_:{term}" if isinstance(term, BNode) else f"<{term}>"


@lru_cache(maxsize=200_000)
def literal(token: str) -> tuple[str, str]:
    """Value and language tag of an N-Triples literal.

    >>> literal('"a \\\\"b\\\\" \\\\u4e2d"@zh')
    ('a "b" 中', 'zh')
    """
    close = token.rindex('"')
    value, rest = token[1:close], token[close + 1:]
    if "\\" in value:
        value = _ESCAPE.sub(_unescape, value)
    return value, rest[1:] if rest.startswith("@") else ""


def as_tokens(triples: Iterable[tuple]) -> list[Triple]:
    """Triples as N-Triples term strings, whether they come as rdflib terms or already so."""
    rows = list(triples)
    if rows and isinstance(rows[0][0], Node):
        return [(term_token(s), term_token(p), term_token(o)) for s, p, o in rows]
    return rows


__all__ = ["Triple", "as_tokens", "literal", "term_token"]
