"""A fuzz campaign: cases judged by worker processes under a time bound, then counted.

Each case ends in one verdict: a *clean error* (one printable line that starts with the path of
the source set and names what is wrong, nothing else printed), *not one clean line* (several
lines, a huge echo, output besides the error), a *traceback*, a *hang* (no answer within the
time bound; the worker is killed and replaced), a *silent accept* (a bad mutation loaded), or
*accepted* (a neutral mutation loaded).
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .mutations import Case, SourceSet, case

WORKER = Path(__file__).with_name("worker.py")
VERDICTS = ("clean error", "not one clean line", "traceback", "hang", "silent accept", "accepted")
# What an error may add to the path of the source set and still be one clean line.
MESSAGE_LIMIT = 400
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class Result:
    """How one case ended; ``detail`` is the message, or what went wrong, cut short."""

    index: int
    name: str
    bad: bool
    file: str
    verdict: str
    detail: str


@dataclass
class Report:
    """Every result of a campaign, with the figures the reliability benchmark prints."""

    seed: int
    results: list[Result] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(r.verdict for r in self.results)
        return {v: found.get(v, 0) for v in VERDICTS}

    def failures(self) -> list[Result]:
        return [r for r in self.results if r.verdict not in ("clean error", "accepted")]

    def summary(self) -> str:
        c = self.counts()
        return (f"fuzz cases tried {len(self.results)} / clean errors {c['clean error']} / not one clean line "
                f"{c['not one clean line']} / tracebacks {c['traceback']} / hangs {c['hang']} / silent accepts "
                f"{c['silent accept']} / neutral accepted {c['accepted']}")

    def describe_failures(self, limit: int = 20) -> str:
        """The failing cases, each with what is needed to replay it alone."""
        return "\n".join(f"seed {self.seed} case {r.index} [{r.name} in {r.file}] {r.verdict}: {r.detail}"
                         for r in sorted(self.failures(), key=lambda r: r.index)[:limit])


class _Worker:
    """One ``worker.py`` process, started on first use and again after a hang or a crash."""

    def __init__(self, baseline: Path) -> None:
        self.baseline = baseline
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([sys.executable, str(WORKER), str(self.baseline)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if self._read(proc, STARTUP_SECONDS) != b"ready\n":
            proc.kill()
            proc.wait()
            raise RuntimeError("the fuzz worker did not start: the pristine sources must load")
        return proc

    @staticmethod
    def _read(proc: subprocess.Popen[bytes], timeout: float) -> bytes | None:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        return proc.stdout.readline() if ready else None

    def ask(self, folder: Path, timeout: float) -> dict[str, Any] | None:
        """The worker's answer for a folder, or None if it gave none in time (it is killed)."""
        if self.proc is None:
            self.proc = self._start()
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{folder}\n".encode())
        self.proc.stdin.flush()
        line = self._read(self.proc, timeout)
        if line:
            return json.loads(line)
        self.close()
        if line is None:
            return None
        return {"verdict": "traceback", "message": "the worker process died", "noise": []}

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def judge(made: Case, answer: dict[str, Any] | None, folder: Path) -> Result:
    """The verdict on one case, from the worker's answer."""
    def result(verdict: str, detail: str) -> Result:
        return Result(made.index, made.name, made.bad, made.file, verdict, detail[:300])

    if answer is None:
        return result("hang", "no answer within the time bound")
    noise = "; ".join(answer["noise"])
    message = answer.get("message", "")
    if answer["verdict"] == "traceback":
        return result("traceback", message.strip().rsplit("\n", 1)[-1])
    if answer["verdict"] == "accepted":
        if made.bad:
            return result("silent accept", noise)
        return result("not one clean line", f"accepted, but printed: {noise}") if noise else result("accepted", "")
    prefix = str(folder)
    clean = (message.startswith(prefix) and message.isprintable() and len(message) - len(prefix) <= MESSAGE_LIMIT
             and not noise)
    shown = message.removeprefix(prefix)
    return result("clean error" if clean else "not one clean line", f"{shown!r} (length {len(message)}) {noise}")


def run(cases: int, seed: int = 0, workers: int | None = None, timeout: float = 10.0,
        base: SourceSet | None = None) -> Report:
    """Judge ``cases`` mutations of the real source set (or ``base``) and count the verdicts."""
    base = base or SourceSet.real()
    report = Report(seed)
    todo: queue.Queue[int] = queue.Queue()
    for index in range(cases):
        todo.put(index)
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="sco-kg-fuzz-") as tmp:
        root = Path(tmp)
        baseline = root / "baseline"
        _write(baseline, base.raw)

        def drain() -> None:
            worker = _Worker(baseline)
            try:
                while True:
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    made = case(base, seed, index)
                    folder = root / f"case-{index}"
                    _write(folder, made.files)
                    outcome = judge(made, worker.ask(folder, timeout), folder)
                    shutil.rmtree(folder)
                    with lock:
                        report.results.append(outcome)
            finally:
                worker.close()

        threads = [threading.Thread(target=drain) for _ in range(workers or min(4, os.cpu_count() or 1))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    report.results.sort(key=lambda r: r.index)
    if len(report.results) != cases:
        raise RuntimeError(f"only {len(report.results)} of {cases} fuzz cases ran; a worker failed to start")
    return report


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
