"""A polite client for the Wikidata Query Service (WDQS): SELECT and ASK by URL-encoded POST.

It identifies itself as the Wikimedia User-Agent policy asks
(https://meta.wikimedia.org/wiki/User-Agent_policy), backs off when the service is busy
(HTTP 429/5xx, honouring ``Retry-After``) but pauses no longer than a budget per query, gives each
request one deadline that connecting and reading the answer share (a server sending a byte a
second cannot hold it), and keeps valid answers in a local cache, so a rebuild does not ask the
shared service the same questions again.

>>> _normalise("# header\\nSELECT ?s  \\n\\n  WHERE { ?s ?p ?o }\\n")
'SELECT ?s\\n  WHERE { ?s ?p ?o }'
>>> _retry_after("7")
7.0
>>> _retry_after("soon") is None
True
>>> _shape_problem({}, "SELECT")
'a SELECT answer without SPARQL JSON results (head.vars and results.bindings)'
>>> _shape_problem({"head": {}, "boolean": False}, "ASK") is None
True
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import io
import json
import os
import re
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import ScoKgError
from ..core.version import __version__
from ..query.registry import WDQS_URL

USER_AGENT = (f"sco-kg/{__version__} (https://w3id.org/sco-kg; SCO knowledge graph builder, "
              f"contact via the issue tracker linked there) Python-urllib/{sys.version_info[0]}.{sys.version_info[1]}")
# The most one query pauses between its attempts, in all: four exponential pauses (2+4+8+16 s) fit.
MAX_WAIT_S = 60.0
# An error page is read only this far: its first line is all that is shown.
_ERROR_BYTES = 65536
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

    ``timeout`` bounds each request as a whole; ``max_wait`` bounds the pauses between the
    attempts of one query, in all. ``requests`` counts HTTP requests actually sent and ``waits``
    every pause taken, so callers and tests can see what the service was spared. ``sleep`` is
    injectable so tests need not wait.
    """

    def __init__(self, endpoint: str = WDQS_URL, *, cache_dir: Path | None = None, timeout: float = 60.0,
                 retries: int = 4, backoff: float = 2.0, max_wait: float = MAX_WAIT_S, refresh: bool = False,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.endpoint = endpoint
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.refresh = refresh
        self._sleep = sleep
        self.requests = 0
        self.waits: list[float] = []

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT as {variable: value} (IRI or literal lexical form; unbound variables absent)."""
        answer = self._answer(query, "SELECT")
        return [{var: term["value"] for var, term in row.items()} for row in answer["results"]["bindings"]]

    def ask(self, query: str) -> bool:
        """The boolean of an ASK query."""
        return self._answer(query, "ASK")["boolean"]

    def cache_file(self, query: str) -> Path | None:
        """Where the answer to ``query`` is (or would be) cached, or None without a cache."""
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.endpoint}\n{_normalise(query)}".encode()).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _answer(self, query: str, form: str) -> dict[str, Any]:
        """A valid answer from the cache or the service; only valid answers are cached, and a
        cached file that is not one (written by hand or by an older version) is asked again."""
        path = self.cache_file(query)
        if path is not None and not self.refresh:
            cached = _read_cache(path)
            if cached is not None and _shape_problem(cached, form) is None:
                return cached
        answer = self._fetch(_normalise(query), form)
        if path is not None:
            _write_cache(path, answer)
        return answer

    def _fetch(self, query: str, form: str) -> dict[str, Any]:
        """Send until answered, pausing between attempts as the server asks or exponentially,
        and giving up rather than pausing past ``max_wait`` in all."""
        from SPARQLWrapper import SPARQLWrapper

        guess = SPARQLWrapper(self.endpoint)
        guess.setQuery(query)
        if guess.queryType != form:
            raise WikidataError(f"{form.lower()}() sends only {form} queries to {self.endpoint}, not {guess.queryType}")
        attempt, waited = 0, 0.0
        while True:
            self.requests += 1
            try:
                answer = self._send(query)
            except _Busy as busy:
                if attempt >= self.retries:
                    raise WikidataError(
                        f"{self.endpoint} {busy.reason}, still after {attempt + 1} attempts; try again later") from None
                wait = busy.after if busy.after is not None else self.backoff * 2 ** attempt
                if waited + wait > self.max_wait:
                    raise WikidataError(
                        f"{self.endpoint} {busy.reason}; waiting {wait:g} s more{' as it asks' if busy.after is not None else ''} "
                        f"would pass the {self.max_wait:g} s one query may pause in all; try again later") from None
                self.waits.append(wait)
                self._sleep(wait)
                waited += wait
                attempt += 1
                continue
            problem = _shape_problem(answer, form)
            if problem is not None:
                raise WikidataError(f"{self.endpoint} answered {problem}")
            return answer

    def _send(self, query: str) -> Any:
        """One request within one deadline: the decoded JSON, or _Busy when worth retrying, or
        WikidataError."""
        where = self.endpoint
        try:
            scheme = urllib.parse.urlsplit(where).scheme.lower()
        except ValueError as exc:
            raise WikidataError(f"{where} is not a usable endpoint URL: {exc}") from None
        if scheme not in ("http", "https"):
            raise WikidataError(f"{where} is not a usable endpoint URL: it must start with http:// or https://")
        deadline = time.monotonic() + self.timeout
        opener = urllib.request.build_opener(_DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline))
        try:
            request = urllib.request.Request(
                self.endpoint, data=urllib.parse.urlencode({"query": query}).encode(), method="POST",
                headers={"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/sparql-results+json, application/json;q=0.9"})
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                page = _read_error(exc)
            detail = _first_line(page) or exc.reason
            if exc.code >= 500 and b"TimeoutException" in page:
                raise WikidataError(f"{where} stopped the query at its time limit; make it cheaper ({detail})") from None
            if exc.code == 429 or exc.code >= 500:
                state = "is busy" if exc.code in (429, 503) else "failed"
                raise _Busy(f"{state} (HTTP {exc.code} {detail})", _retry_after(exc.headers.get("Retry-After"))) from None
            if exc.code == 400:
                raise WikidataError(f"{where} rejected the query as malformed: {detail}") from None
            raise WikidataError(f"{where} refused the query: HTTP {exc.code} {detail}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise self._connection_error(getattr(exc, "reason", exc)) from None
        except ValueError as exc:
            raise WikidataError(f"{where} is not a usable endpoint URL: {exc}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise WikidataError(f"{where} answered with something other than SPARQL JSON: {_first_line(body)}") from None

    def _connection_error(self, reason: object) -> Exception:
        """A timeout, a reset worth retrying, a bad URL, an answer that is not HTTP, or an
        unreachable endpoint (urllib wraps some of these in URLError)."""
        if isinstance(reason, TimeoutError):
            return WikidataError(f"{self.endpoint} timed out after {self.timeout:g} s without a complete answer")
        if isinstance(reason, _RETRYABLE_RESETS):
            return _Busy(f"dropped the connection ({type(reason).__name__})")
        if isinstance(reason, http.client.InvalidURL):
            return WikidataError(f"{self.endpoint} is not a usable endpoint URL: {reason}")
        if isinstance(reason, http.client.HTTPException):
            return WikidataError(f"{self.endpoint} answered with something other than HTTP ({type(reason).__name__})")
        return WikidataError(
            f"{self.endpoint} is unreachable ({reason}); the live Wikidata Query Service needs network access, "
            "or pass --endpoint to use a local mirror")


def _read_error(exc: urllib.error.HTTPError) -> bytes:
    """The start of an error page; empty if even that does not arrive before the deadline."""
    try:
        return exc.read(_ERROR_BYTES)
    except (OSError, http.client.HTTPException):
        return b""


class _DeadlineReader(io.RawIOBase):
    """A socket's reads under one deadline: each may wait only for the time left, so a server
    sending a byte at a time cannot stretch a request past it."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request's deadline has passed")
        self._sock.settimeout(left)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose answer is read under a deadline; everything else is the socket's."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineConnection:
    """Mixed into http.client's connections: connecting gets what is left of the request's
    deadline, and the status line, headers and body of the answer are read under it."""

    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = max(self._deadline - time.monotonic(), 0.001)
        super().connect()  # type: ignore[misc]

    def getresponse(self) -> http.client.HTTPResponse:
        self.sock = _DeadlineSocket(self.sock, self._deadline)
        return super().getresponse()  # type: ignore[misc]


class _DeadlineHTTP(_DeadlineConnection, http.client.HTTPConnection):
    """An HTTP connection whose answer is read under a deadline."""


class _DeadlineHTTPS(_DeadlineConnection, http.client.HTTPSConnection):
    """An HTTPS connection whose answer is read under a deadline."""


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    """urllib's HTTP handler (proxies, redirects, errors as usual) on deadline connections."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_DeadlineHTTP, req, deadline=self.deadline)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler (certificates checked as usual) on deadline connections."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_DeadlineHTTPS, req, deadline=self.deadline)


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


def _shape_problem(answer: Any, form: str) -> str | None:
    """What keeps ``answer`` from being SPARQL JSON results of ``form`` (an ASK's boolean, a
    SELECT's variables and rows of terms), or None: checked before an answer is used or cached."""
    if not isinstance(answer, dict):
        return "with JSON that is not a SPARQL result"
    if form == "ASK":
        return None if isinstance(answer.get("boolean"), bool) else "an ASK without a SPARQL JSON boolean"
    head, results = answer.get("head"), answer.get("results")
    names = head.get("vars") if isinstance(head, dict) else None
    rows = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(names, list) or not isinstance(rows, list) or not all(isinstance(n, str) for n in names):
        return f"a {form} answer without SPARQL JSON results (head.vars and results.bindings)"
    if not all(isinstance(row, dict) and all(isinstance(t, dict) and isinstance(t.get("value"), str) for t in row.values())
               for row in rows):
        return f"a {form} answer whose rows are not SPARQL JSON terms"
    return None


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
