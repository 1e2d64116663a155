"""The fuzzer as a test: a fixed-seed campaign over the real sources ends in no traceback, no
hang, no silent accept of a bad mutation and no error that is not one clean line.

``SCO_KG_FUZZ_CASES`` sets the number of cases (default 300) and ``SCO_KG_FUZZ_SEED`` the seed;
``bench/reliability.py`` prints the same figures for larger campaigns.
"""

from __future__ import annotations

import os
import random
from dataclasses import fields
from pathlib import Path

import pytest

from fuzz.campaign import Report, _Worker, judge, run
from fuzz.mutations import Case, SourceSet, bad_values_for, case
from graph_builder.build.records import SECTIONS

CASES = int(os.environ.get("SCO_KG_FUZZ_CASES", "300"))
SEED = int(os.environ.get("SCO_KG_FUZZ_SEED", "0"))


@pytest.fixture(scope="module")
def base() -> SourceSet:
    return SourceSet.real()


@pytest.fixture(scope="module")
def report(base: SourceSet) -> Report:
    return run(CASES, SEED, base=base)


def test_every_case_ends_in_a_clean_error_or_an_accepted_neutral_change(report: Report) -> None:
    print(report.summary())
    assert report.failures() == [], f"{report.summary()}\n{report.describe_failures()}"


def test_the_campaign_tries_bad_and_neutral_mutations_of_many_kinds(report: Report) -> None:
    counts = report.counts()
    assert counts["clean error"] > CASES // 2 and counts["accepted"] > 0
    names = {r.name for r in report.results}
    for expected in ("duplicate key", "tag", "anchor", "alias bomb", "deep nesting", "huge value", "empty file",
                     "shrink below half", "invalid UTF-8", "raw control character"):
        assert expected in names, f"no '{expected}' case among {CASES}"
    assert sum(name.startswith("bad value: ") for name in names) >= 20


def test_cases_replay_alike(base: SourceSet) -> None:
    assert case(base, SEED, 17) == case(base, SEED, 17)
    assert case(base, SEED, 17) != case(base, SEED + 1, 17)


def test_every_field_kind_has_bad_values() -> None:
    kinds = {f.metadata["kind"] for record_type, _ in SECTIONS.values() for f in fields(record_type)}
    for kind in kinds:
        assert bad_values_for(kind)(random.Random(0), None), kind


def _case(bad: bool) -> Case:
    return Case(0, "test", bad, "states.yaml", {})


@pytest.mark.parametrize(("bad", "answer", "verdict"), [
    (True, {"verdict": "error", "message": "/set/states.yaml: line 3: duplicate key 'x'", "noise": []}, "clean error"),
    (True, {"verdict": "error", "message": "/set/states.yaml: two\nlines", "noise": []}, "not one clean line"),
    (True, {"verdict": "error", "message": "/set/states.yaml: " + "x" * 5000, "noise": []}, "not one clean line"),
    (True, {"verdict": "error", "message": "states.yaml: no folder", "noise": []}, "not one clean line"),
    (True, {"verdict": "error", "message": "/set/states.yaml: one line", "noise": ["a warning"]}, "not one clean line"),
    (True, {"verdict": "traceback", "message": "Traceback ...\nKeyError: 'x'", "noise": []}, "traceback"),
    (True, None, "hang"),
    (True, {"verdict": "accepted", "noise": []}, "silent accept"),
    (False, {"verdict": "accepted", "noise": []}, "accepted"),
    (False, {"verdict": "accepted", "noise": ["does not look like a valid URI"]}, "not one clean line"),
])
def test_verdicts(bad: bool, answer: dict | None, verdict: str) -> None:
    assert judge(_case(bad), answer, Path("/set")).verdict == verdict


def test_a_case_past_its_time_bound_is_a_hang_and_the_worker_is_replaced(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline"
    baseline.mkdir()
    for name, data in SourceSet.real().raw.items():
        (baseline / name).write_bytes(data)
    worker = _Worker(baseline)
    try:
        assert worker.ask(baseline, timeout=0.0) is None
        assert worker.proc is None
        assert worker.ask(baseline, timeout=60.0)["verdict"] == "accepted"
    finally:
        worker.close()
