"""One exception family: each error names the file and record, so the CLI can print one line."""

from __future__ import annotations

import reprlib
from pathlib import Path

EXCERPT = 60
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = EXCERPT + 1


def excerpt(value: object, limit: int = EXCERPT, quote: bool = True) -> str:
    """A value as an error line may echo it: quoted, cut to ``limit`` characters with an
    ellipsis, and with control, invisible and separator characters escaped, so that no input
    can flood a message, break it over lines or hide in it.

    >>> excerpt("Q148\\n"), excerpt("x" * 5_000_000, 5), excerpt(42), excerpt("capital", quote=False)
    ("'Q148\\\\n'", "'xxxxx…'", "'42'", 'capital')
    """
    text = value if isinstance(value, str) else _REPR.repr(value)
    shown = one_line(text[:limit]) + ("…" if len(text) > limit else "")
    return f"'{shown}'" if quote else shown


def one_line(text: str) -> str:
    """Text with every character Python does not call printable (controls, format characters,
    line and paragraph separators, spaces other than ' ') written as its escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class ScoKgError(Exception):
    """Base of every error a user can cause; the CLI prints it as one line and exits non-zero."""


class SourceError(ScoKgError):
    """A curated source file is wrong: names the file, the record and what to fix."""

    def __init__(self, file: Path | str, record: str | None, message: str) -> None:
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{self.file}: {record}" if record else self.file
        super().__init__(one_line(f"{where}: {message}"))


class QueryError(ScoKgError):
    """An unknown query, a bad parameter, a malformed header or malformed SPARQL."""


class RefusedQuery(QueryError):
    """A well-formed request the endpoint will not run: an update, or a query that would fetch."""


class ValidationError(ScoKgError):
    """The built graph breaks a SHACL shape or an integrity check."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        first = violations[0] if violations else "unknown violation"
        more = f" (and {len(violations) - 1} more; run 'sco-kg validate')" if len(violations) > 1 else ""
        super().__init__(f"validation failed: {first}{more}")

