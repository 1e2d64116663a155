"""check-text's time against the size of the text, measured in one run, with the growth exponent.

    python bench/textcheck.py                        # 10 kB, 100 kB, 1 MB; 10 MB is refused
    python bench/textcheck.py --sizes 10000 100000   # fewer sizes

Three kinds of text at each size: the article fixture repeated (news as it comes), one long word
of letters (which once made the claim patterns retry the word from each of its letters), and the
article as one sentence (every full stop a comma, so per-sentence work meets the whole text).
Times are the best of ``--repeat`` runs; each is shown as a ratio to the smallest size, and the
growth exponent is the slope of log(time) against log(size): 1 is linear, 2 quadratic. A text
over check-text's limit is refused before any work, which the last line times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from graph_builder.api import KnowledgeGraph
from graph_builder.build.graph import build
from graph_builder.core.errors import ScoKgError
from graph_builder.core.paths import built_dataset
from graph_builder.link.textcheck import MAX_TEXT_CHARS, TextChecker

ARTICLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "articles" / "cgtn-leaders-talk-excerpts.txt"
DAY = dt.date(2025, 8, 30)


def texts(size: int) -> dict[str, str]:
    """The three kinds of text, each ``size`` characters long."""
    article = ARTICLE.read_text(encoding="utf-8")
    repeated = (article * (size // len(article) + 1))[:size]
    return {
        "article": repeated,
        "one long word": "a" * size,
        "one sentence": repeated.translate(str.maketrans(".!?\n", ",,, ")),
    }


def best(fn: Callable[[], object], repeat: int) -> float:
    """The shortest wall time of ``repeat`` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return min(samples)


def slope(sizes: list[int], times: list[float]) -> float:
    """The least-squares slope of log(time) against log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(t, 1e-6)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    out = Path(tempfile.mkdtemp(prefix="sco-kg-bench-textcheck-"))
    build(out_dir=out)
    checker = TextChecker(KnowledgeGraph.open(built_dataset(out)))
    checker.check("warm-up: the SCO has 10 member states.", DAY)
    print(f"check-text, best of {args.repeat}; ratios are to {sizes[0]:,} characters (x10 size: x10 is linear)\n")
    print(f"{'text':<14}" + "".join(f"{f'{s:,} ch':>22}" for s in sizes) + f"{'exponent':>10}")
    for kind in ("article", "one long word", "one sentence"):
        times = []
        for size in sizes:
            text = texts(size)[kind]
            times.append(best(lambda text=text: checker.check(text, DAY), args.repeat))
        cells = "".join(f"{f'{t:.3f} s (x{t / times[0]:.1f})':>22}" for t in times)
        print(f"{kind:<14}{cells}{slope(sizes, times) if len(sizes) > 1 else float('nan'):>10.2f}")

    huge = "a" * (5 * MAX_TEXT_CHARS)
    start = time.perf_counter()
    try:
        checker.check(huge, DAY)
    except ScoKgError as exc:
        print(f"\n{len(huge):,} characters: refused in {time.perf_counter() - start:.6f} s: {exc}")
    else:
        print(f"\n{len(huge):,} characters: NOT refused; checked in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
