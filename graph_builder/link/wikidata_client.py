"""A polite client for the Wikidata Query Service (WDQS): SELECT and ASK over SPARQLWrapper.

It identifies itself as the Wikimedia User-Agent policy asks
(https://meta.wikimedia.org/wiki/User-Agent_policy), backs off when the service is busy
(HTTP 429/5xx, honouring ``Retry-After``) and can keep answers in a local cache, so a rebuild
does not ask the shared service the same questions again.

>>> _normalise("# header\\nSELECT ?s  \\n\\n  WHERE { ?s ?p ?o }\\n")
'SELECT ?s\\n  WHERE { ?s ?p ?o }'
>>> _retry_after("7")
7.0
>>> _retry_after("soon") is None
True
"""

from __future__ import annotations

import ast
import email.utils
import hashlib
import http.client
import json
import os
import re
import tempfile
import time
import urllib.error
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import ScoKgError
from ..core.version import __version__
from ..query.registry import WDQS_URL

USER_AGENT = (f"sco-kg/{__version__} (https://w3id.org/sco-kg; SCO knowledge graph builder, "
              "contact via the issue tracker linked there) SPARQLWrapper")
MAX_WAIT_S = 120.0
_RETRYABLE_RESETS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.IncompleteRead)


class WikidataError(ScoKgError):
    """The query service could not answer; one line naming the endpoint and the reason."""


class _Busy(Exception):
    """An answer worth asking again for, after ``after`` seconds if the server said so."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


class WikidataClient:
    """SELECT and ASK against a WDQS-like endpoint, with retries and an optional answer cache.

    ``requests`` counts HTTP requests actually sent and ``waits`` every pause taken, so callers
    and tests can see what the service was spared. ``sleep`` is injectable so tests need not wait.
    """

    def __init__(self, endpoint: str = WDQS_URL, *, cache_dir: Path | None = None, timeout: float = 60.0,
                 retries: int = 4, backoff: float = 2.0, refresh: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint = endpoint
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.refresh = refresh
        self._sleep = sleep
        self.requests = 0
        self.waits: list[float] = []

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: value} (IRI or literal lexical form; unbound variables absent)."""
        answer = self._answer(query, "SELECT")
        try:
            return [{var: term["value"] for var, term in row.items()} for row in answer["results"]["bindings"]]
        except (KeyError, TypeError, AttributeError):
            raise WikidataError(f"{self.endpoint} answered a SELECT without SPARQL JSON result rows") from None

    def ask(self, query: str) -> bool:
        """The boolean of an ASK query."""
        answer = self._answer(query, "ASK")
        if not isinstance(answer.get("boolean"), bool):
            raise WikidataError(f"{self.endpoint} answered an ASK without a SPARQL JSON boolean")
        return answer["boolean"]

    def cache_file(self, query: str) -> Path | None:
        """Where the answer to ``query`` is (or would be) cached, or None without a cache."""
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\n{_normalise(query)}".encode()).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _answer(self, query: str, form: str) -> dict[str, Any]:
        path = self.cache_file(query)
        if path is not None and not self.refresh:
            cached = _read_cache(path)
            if cached is not None:
                return cached
        answer = self._fetch(_normalise(query), form)
        if path is not None:
            _write_cache(path, answer)
        return answer

    def _fetch(self, query: str, form: str) -> dict[str, Any]:
        """Send until answered, pausing between attempts as the server asks or exponentially."""
        client = self._client(query)
        if client.queryType != form:
            raise WikidataError(f"{form.lower()}() sends only {form} queries to {self.endpoint}, not {client.queryType}")
        attempt = 0
        while True:
            self.requests += 1
            try:
                return self._send(client)
            except _Busy as busy:
                if attempt >= self.retries:
                    raise WikidataError(
                        f"{self.endpoint} {busy.reason}, still after {attempt + 1} attempts; try again later") from None
                wait = min(busy.after if busy.after is not None else self.backoff * 2 ** attempt, MAX_WAIT_S)
                self.waits.append(wait)
                self._sleep(wait)
                attempt += 1

    def _client(self, query: str) -> Any:
        """A URL-encoded POST asking for SPARQL JSON.

        ``timeout`` is set as an attribute because ``setTimeout`` truncates to whole seconds,
        which turns 0.5 s into no timeout at all.
        """
        from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        client.timeout = self.timeout
        client.setQuery(query)
        return client

    def _send(self, client: Any) -> dict[str, Any]:
        """One request: the decoded JSON, or _Busy when worth retrying, or WikidataError.

        SPARQLWrapper turns 400/401/404/414/500 into its own exceptions, which keep only the
        body, and re-raises urllib's HTTPError (with headers) for every other status.
        """
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            QueryBadFormed,
            SPARQLWrapperException,
        )

        where = self.endpoint
        try:
            with client.query().response as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                detail = _first_line(exc.read()) or exc.reason
            if exc.code == 429 or exc.code >= 500:
                raise _Busy(f"is busy (HTTP {exc.code} {detail})", _retry_after(exc.headers.get("Retry-After"))) from None
            raise WikidataError(f"{where} refused the query: HTTP {exc.code} {detail}") from None
        except QueryBadFormed as exc:
            raise WikidataError(f"{where} rejected the query as malformed: {_wrapped_detail(exc)}") from None
        except EndPointInternalError as exc:
            detail = _wrapped_detail(exc)
            if "TimeoutException" in str(exc):
                raise WikidataError(f"{where} stopped the query at its time limit; make it cheaper ({detail})") from None
            raise _Busy(f"failed (HTTP 500 {detail})") from None
        except SPARQLWrapperException as exc:
            raise WikidataError(f"{where} refused the query: {type(exc).__name__}: {_wrapped_detail(exc)}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._connection_error(getattr(exc, "reason", exc)) from None
        except ValueError as exc:
            raise WikidataError(f"{where} is not a usable endpoint URL: {exc}") from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise WikidataError(f"{where} answered with something other than SPARQL JSON: {_first_line(body)}") from None
        if not isinstance(answer, dict):
            raise WikidataError(f"{where} answered with JSON that is not a SPARQL result")
        return answer

    def _connection_error(self, reason: object) -> Exception:
        """A timeout, a reset worth retrying, or an unreachable endpoint (urllib wraps all three)."""
        if isinstance(reason, TimeoutError):
            return WikidataError(f"{self.endpoint} timed out after {self.timeout:g} s without answering")
        if isinstance(reason, _RETRYABLE_RESETS):
            return _Busy(f"dropped the connection ({type(reason).__name__})")
        return WikidataError(
            f"{self.endpoint} is unreachable ({reason}); the live Wikidata Query Service needs network access, "
            "or pass --endpoint to use a local mirror")


def _normalise(query: str) -> str:
    """The text sent and hashed: no whole-line comments (SPARQLWrapper takes the first query
    keyword anywhere as the query form), no trailing spaces, no blank lines."""
    lines = (line.rstrip() for line in query.splitlines())
    return "\n".join(line for line in lines if line and not line.lstrip().startswith("#"))


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header, given in seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _first_line(body: bytes) -> str:
    """The one line of a server's error worth showing: a Java exception's message (Blazegraph
    puts the echoed query first), else the first non-blank line."""
    text = body.decode("utf-8", "replace")
    found = re.search(r"Exception: *(.+)", text)
    line = found.group(1) if found else next((ln for ln in text.splitlines() if ln.strip()), "")
    line = line.rsplit("Exception: ", 1)[-1].strip()
    return line if len(line) <= 200 else line[:199] + "…"


def _wrapped_detail(exc: Exception) -> str:
    """The server's line from a SPARQLWrapper exception, which keeps the body only as a repr."""
    _, sep, shown = str(exc).partition("Response:\n")
    if not sep:
        return type(exc).__name__
    try:
        body = ast.literal_eval(shown)
    except (ValueError, SyntaxError):
        body = shown.encode("utf-8")
    return _first_line(body if isinstance(body, bytes) else str(body).encode("utf-8")) or type(exc).__name__


def _read_cache(path: Path) -> dict[str, Any] | None:
    """A cached answer, or None when absent or unreadable (it is then fetched and rewritten)."""
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _write_cache(path: Path, answer: dict[str, Any]) -> None:
    """Write through a temporary file and os.replace, so a reader never sees half an answer."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(answer, out, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WikidataError(f"cannot write the Wikidata cache {path}: {exc.strerror or exc}") from None
