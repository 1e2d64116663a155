"""How the build grows: the real curated sources repeated 1, 10 and 100 times (bench/records.py),
each built in a fresh process, with the seconds of every step, the peak memory and the growth
exponent of each step between sizes (the slope of time against triples on a log-log scale; 1.0 is
linear, anything above 1.2 is flagged). Also `sco-kg build` of the real graph as a user runs it,
against a bare interpreter's start-up, measured in the same run.

    python bench/build.py                  # factors 1, 10, 100 (the last needs about 5 minutes)
    python bench/build.py --factors 1 10
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records import write_copies  # noqa: E402

STEPS = ("load", "dataset", "nquads", "shacl", "checks", "serialise", "write")
FLAG = 1.2

# Run in a fresh process: the made-up state codes are accepted there only.
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {bench!r})
from records import accept_codes
accept_codes(json.load(open({codes!r})))
from pathlib import Path
from graph_builder.build.graph import build
start = time.perf_counter()
result = build([Path({sources!r})], out_dir=Path({out!r}))
print(json.dumps({{"triples": result.manifest["triples"], "total": time.perf_counter() - start,
                  "steps": result.timings, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def build_once(work: Path, factor: int) -> dict:
    """Write ``factor`` copies of the sources and build them in a fresh process."""
    sources = work / f"sources-{factor}x"
    codes = work / f"codes-{factor}x.json"
    codes.write_text(json.dumps(write_copies(factor, sources)), encoding="utf-8")
    code = CHILD.format(bench=str(Path(__file__).resolve().parent), codes=str(codes), sources=str(sources),
                        out=str(work / f"out-{factor}x"))
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    shutil.rmtree(sources)
    return json.loads(done.stdout.strip().splitlines()[-1])


def exponent(small: dict, large: dict, key: str | None) -> float:
    """Slope of log(time) against log(triples) between two sizes."""
    t1 = small["total"] if key is None else small["steps"][key]
    t2 = large["total"] if key is None else large["steps"][key]
    return math.log(t2 / t1) / math.log(large["triples"] / small["triples"])


def cli_build(work: Path, repeat: int) -> tuple[float, float]:
    """Median wall time of `sco-kg build` of the real graph and of a bare interpreter, alternated."""
    cli, bare = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "graph_builder", "build", "--out", str(work / "cli")],
                       check=True, capture_output=True)
        cli.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    return statistics.median(cli), statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=5, help="runs of the real build through the CLI")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    work = Path(tempfile.mkdtemp(prefix="sco-kg-bench-build-"))

    cli, bare = cli_build(work, args.repeat)
    print(f"\n`sco-kg build` of the real graph: {cli:.2f} s wall (median of {args.repeat}), a bare interpreter "
          f"{bare:.2f} s; goal under 2 s")

    runs = [(factor, build_once(work, factor)) for factor in args.factors]
    print(f"\n{'copies':>6} {'triples':>9} {'total s':>8} " + " ".join(f"{s:>9}" for s in STEPS) + f" {'peak MB':>8}")
    for factor, run in runs:
        print(f"{factor:>6} {run['triples']:>9} {run['total']:8.2f} "
              + " ".join(f"{run['steps'][s]:9.2f}" for s in STEPS) + f" {run['peak_mb']:8.0f}")
    for (f1, small), (f2, large) in zip(runs, runs[1:]):
        parts = [("total", exponent(small, large, None))] + [(s, exponent(small, large, s)) for s in STEPS]
        shown = ", ".join(f"{name} {value:.2f}" + (" (over 1.2)" if value > FLAG else "") for name, value in parts)
        print(f"\ngrowth exponent {f1}x -> {f2}x: {shown}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
