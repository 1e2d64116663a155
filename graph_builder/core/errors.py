"""One exception family: each error names the file and record, so the CLI can print one line."""

from __future__ import annotations

from pathlib import Path


class ScoKgError(Exception):
    """Base of every error a user can cause; the CLI prints it as one line and exits non-zero."""


class SourceError(ScoKgError):
    """A curated source file is wrong: names the file, the record and what to fix."""

    def __init__(self, file: Path | str, record: str | None, message: str) -> None:
        self.file = str(file)
        self.record = record
        self.message = message
        where = f"{self.file}: {record}" if record else self.file
        super().__init__(f"{where}: {message}")


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

