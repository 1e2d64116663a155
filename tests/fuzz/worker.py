"""Judges mutated source sets in a process of its own, so that a hang can be killed.

Started as ``python worker.py BASELINE_FOLDER``: it loads the pristine set once (its record
counts stand for the last build), prints ``ready``, then reads one folder per line of standard
input and answers each with one JSON line: ``accepted``, ``error`` (a message of the project's
error family) or ``traceback``, plus any warnings or log lines a user would have seen besides
(Python hides deprecation warnings of libraries by default, so they are left out).
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

from graph_builder.build.graph import build_dataset
from graph_builder.build.load import check_shrink, load_sources
from graph_builder.core.errors import ScoKgError

MEMORY_LIMIT = 4 << 30


class _Collect(logging.Handler):
    """Keeps the log lines of one attempt, which a user would see on standard error."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage()[:200])


def judge(folder: Path, baseline: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Load the set as ``sco-kg build`` would (load, compare with the last build's counts,
    build the dataset, write it as N-Quads; the other formats and SHACL take too long for every
    case) and say how it ended."""
    logs = _Collect()
    logging.getLogger().addHandler(logs)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                sources = load_sources([folder])
                check_shrink(sources, baseline)
                build_dataset(sources).serialize(format="nquads")
                answer: dict[str, Any] = {"verdict": "accepted"}
            except ScoKgError as exc:
                answer = {"verdict": "error", "message": str(exc)}
            except Exception:  # noqa: BLE001 - anything else is what the fuzzer hunts
                answer = {"verdict": "traceback", "message": traceback.format_exc(limit=-4)}
        shown = [w for w in caught if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]
        answer["noise"] = logs.lines + [str(w.message)[:200] for w in shown]
    finally:
        logging.getLogger().removeHandler(logs)
    return answer


def main() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, hard))
    baseline = load_sources([Path(sys.argv[1])]).counts()
    print("ready", flush=True)
    for line in sys.stdin:
        print(json.dumps(judge(Path(line.rstrip("\n")), baseline)), flush=True)


if __name__ == "__main__":
    main()
