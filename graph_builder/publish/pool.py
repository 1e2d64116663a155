"""Queries run in worker processes the server can kill.

An embedded engine cannot be interrupted in the middle of a join, and a crash inside it would
end the whole process. So every query runs in a worker process: a query past its time limit is
stopped by killing its worker, an engine that crashes takes down only its worker, and either way
a fresh worker takes its place while the others go on answering.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from ..core.errors import ScoKgError

# Spawned, not forked: the server is multi-threaded, and a fork copies only the calling thread.
_CONTEXT = multiprocessing.get_context("spawn")
START_SECONDS = 120.0


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: an HTTP status, a media type and the body."""

    status: int
    media: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Worker:
    process: Any
    conn: Connection


@dataclass
class WorkerPool:
    """``size`` workers, each calling ``setup(config)`` once and ``handle(state, job)`` per job."""

    setup: Callable[[Any], Any]
    handle: Callable[[Any, Any], Answer]
    config: Any
    size: int = 2
    timeout: float = 10.0
    _idle: queue.Queue = field(default_factory=queue.Queue, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _workers: list[_Worker] = field(default_factory=list, init=False)
    _closed: bool = field(default=False, init=False)
    restarts: int = field(default=0, init=False)

    def start(self) -> None:
        """Start every worker and wait until each has loaded the graph."""
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        ours, theirs = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_work, args=(theirs, self.setup, self.handle, self.config),
                                   name="sco-kg-query-worker", daemon=True)
        process.start()
        theirs.close()
        if not ours.poll(START_SECONDS):
            process.kill()
            raise ScoKgError(f"a query worker did not start within {START_SECONDS:g} s")
        try:
            ready = ours.recv()
        except EOFError:
            process.join(5)
            raise ScoKgError(f"a query worker stopped while loading the graph (exit code {process.exitcode})") from None
        if ready != "ready":
            process.kill()
            raise ScoKgError(f"a query worker could not load the graph: {ready}")
        worker = _Worker(process, ours)
        with self._lock:
            self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    def run(self, job: Any) -> Answer:
        """The answer to ``job``; 503 when it runs past the time limit or no worker is free in
        time, 500 when the engine stops on it."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _error(503, f"every query worker stayed busy for {self.timeout:g} s; try again later")
        left = max(0.0, self.timeout - (time.monotonic() - started))
        try:
            worker.conn.send(job)
            if worker.conn.poll(left):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
            outcome = _error(503, f"the query ran longer than {self.timeout:g} s and was stopped")
        except (EOFError, OSError, BrokenPipeError):
            outcome = _error(500, "the query engine stopped on this query; the query was not answered")
        self._retire(worker)
        self.restarts += 1
        if not self._closed:
            self._idle.put(self._spawn())
        return outcome

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._retire(worker)


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain", (message + "\n").encode("utf-8"))


def _work(conn: Connection, setup: Callable[[Any], Any], handle: Callable[[Any, Any], Answer], config: Any) -> None:
    """A worker's life: load once, then answer jobs until the server goes away."""
    try:
        state = setup(config)
    except Exception as exc:  # reported to the server as one line, which it raises
        conn.send(f"{type(exc).__name__}: {exc}")
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = handle(state, job)
        except Exception as exc:  # one line for the client; the worker stays usable
            answer = _error(500, f"the query could not be answered ({type(exc).__name__})")
        conn.send(answer)


__all__ = ["Answer", "WorkerPool"]
