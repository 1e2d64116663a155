"""Reliability under bad source input: a mutation-fuzz campaign over the real curated sources.

    python bench/reliability.py                        # 1,000 cases, seed 0
    python bench/reliability.py --cases 5000 --seed 7  # a larger or different campaign

Each case mutates one source file (bad values, duplicate keys, tags, anchors and alias bombs,
deep nesting, huge values, damaged bytes, emptied or shrunken files, and neutral changes) and
loads the set as ``sco-kg build`` does, in a worker process with a time bound. It prints the
figures (cases tried / clean errors / not one clean line / tracebacks / hangs / silent accepts /
neutral accepted), each as a share of the cases, then every failing case with its seed and
index, which replay it alone. The test suite runs the same campaign with fewer cases.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz.campaign import VERDICTS, run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--cases", type=int, default=1000, help="how many cases to try (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    p.add_argument("--workers", type=int, help="worker processes (default: up to 4, one per CPU)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a case may take before it counts as a hang")
    p.add_argument("--show", type=int, default=30, help="failing cases to list (default 30)")
    args = p.parse_args(argv)

    start = time.perf_counter()
    report = run(args.cases, args.seed, args.workers, args.timeout)
    elapsed = time.perf_counter() - start
    print(report.summary())
    counts = report.counts()
    for verdict in VERDICTS:
        print(f"  {verdict:<20} {counts[verdict]:>6}  {counts[verdict] / max(args.cases, 1):6.1%}")
    print(f"{args.cases} cases in {elapsed:.1f} s ({args.cases / elapsed:.1f} cases/s), seed {args.seed}")
    if report.failures():
        print(report.describe_failures(args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
