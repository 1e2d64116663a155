"""Benchmarks, measured in one run and printed as ratios against baselines of the same run.

    python bench/run.py                 # real graph, synthetic 100k and 1M triples
    python bench/run.py --sizes 100000  # fewer sizes

What it measures: build and validation time; load time through the API against pyoxigraph's
own load; every catalogue query through the API (KnowledgeGraph.query: bind, run, convert)
against the same prepared text on raw pyoxigraph, and on raw rdflib for the real graph (rdflib's
evaluator needs minutes for some catalogue queries at 100k triples; its load time is shown up to
--rdflib-max triples); and the CLI's start-up time.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyoxigraph as ox  # noqa: E402
from rdflib import Dataset  # noqa: E402
from synthetic import generate  # noqa: E402

from graph_builder.api import KnowledgeGraph, list_queries  # noqa: E402
from graph_builder.build.graph import build  # noqa: E402

PARAMS = {"state_history": {"state": "IND"}}
SYNTHETIC_PARAMS = {"state_history": {"state": "AAAB"}}


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def paired(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median times of ``a`` and ``b``, run alternately so that load on the machine hits both
    alike, with the garbage collector paused while timing (as ``timeit`` does)."""
    sa, sb = [], []
    for _ in range(repeat):
        for fn, samples in ((a, sa), (b, sb)):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - start)
            finally:
                gc.enable()
    return statistics.median(sa), statistics.median(sb)


def raw_oxigraph(store: ox.Store, text: str) -> list:
    """The baseline: pyoxigraph's own answer read in the fastest way it offers (``tuple(solution)``)."""
    answer = store.query(text, use_default_graph_as_union=True)
    if isinstance(answer, ox.QuerySolutions):
        return [tuple(s) for s in answer]
    return [answer] if isinstance(answer, ox.QueryBoolean) else list(answer)


def raw_rdflib(ds: Dataset, text: str) -> list:
    return list(ds.query(text))


# Answers that grow with the square of the number of states (every pair of co-members): on
# synthetic graphs of thousands of states they measure output size, not the query layer.
QUADRATIC = {"co_members"}


def bench_queries(label: str, path: Path, params: dict, repeat: int, with_rdflib: bool) -> list[tuple]:
    kg = KnowledgeGraph.open(path)
    store = ox.Store()
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    store.load(path=str(path), format=fmt)
    # The cold case: each query's first call on a graph that has answered nothing of it yet,
    # against its first run on a store of its own (no prepared text, no memoised terms).
    cold = KnowledgeGraph.open(path)
    cold_store = ox.Store()
    cold_store.load(path=str(path), format=fmt)
    ds = None
    if with_rdflib:
        ds = Dataset(default_union=True)
        ds.parse(path, format="nquads" if path.suffix == ".nq" else "trig")
    rows = []
    for query in list_queries():
        if any(p.required for p in query.params) and query.name not in params:
            continue
        if "federated" in query.tags:
            print(f"{label:<10} {query.name:<28} skipped: it asks Wikidata's endpoint, and benchmarks stay offline", flush=True)
            continue
        if label != "real" and query.name in QUADRATIC:
            print(f"{label:<10} {query.name:<28} skipped: its answer is every pair of states", flush=True)
            continue
        values = params.get(query.name, {})
        start = time.perf_counter()
        first = cold.query(query.name, **values)
        cold_api_s = time.perf_counter() - start
        cold_api = len(first.triples) if first.is_graph else len(first)
        text = kg.prepare(query.name, values)
        start = time.perf_counter()
        raw_oxigraph(cold_store, text)
        cold_raw_s = time.perf_counter() - start
        raw, api = paired(lambda: raw_oxigraph(store, text), lambda: kg.query(query.name, **values), repeat)
        rd = timed(lambda: raw_rdflib(ds, text), max(1, repeat // 5)) if ds is not None else None
        rows.append((label, query.name, cold_api, raw, api, rd, cold_raw_s, cold_api_s))
        print_row(rows[-1])
    return rows


def print_row(row: tuple) -> None:
    label, name, n, raw, api, rd, cold_raw, cold_api = row
    rd_text = f"{rd * 1000:10.1f} {rd / api:10.1f}" if rd is not None else f"{'-':>10} {'-':>10}"
    print(f"{label:<10} {name:<28} {n:>6} {raw * 1000:14.2f} {api * 1000:9.2f} {api / raw:8.2f} "
          f"{cold_api / cold_raw:9.2f} {rd_text}", flush=True)


def print_queries(rows: list[tuple]) -> None:
    print()
    for label in dict.fromkeys(r[0] for r in rows):
        warm = [r[4] / r[3] for r in rows if r[0] == label]
        cold = [r[7] / r[6] for r in rows if r[0] == label]
        over = sum(1 for w in warm if w > 1.15)
        print(f"{label}: API/raw pyoxigraph warm median {statistics.median(warm):.2f}x, max {max(warm):.2f}x, "
              f"{over} over 1.15x; cold (first call) median {statistics.median(cold):.2f}x, max {max(cold):.2f}x; "
              f"{len(warm)} queries")


def view_benchmark(work: Path, states: int = 5000) -> None:
    """Build a 5,000-node overview from a synthetic graph, then time its drawing in chromium."""
    import shutil

    from graph_builder.explore.views import render, view_graph

    path = work / "synthetic-view.nq"
    generate(states * 62, path)
    kg = KnowledgeGraph.open(path)

    def make() -> tuple:
        g = view_graph(kg, "overview")
        return g, render(g, "overview", "2020-01-01", "bench")

    start = time.perf_counter()
    g, html = make()
    cold = time.perf_counter() - start
    warm = timed(make, 3)
    page_path = work / "view.html"
    page_path.write_text(html, encoding="utf-8")
    print(f"\n{g.number_of_nodes()}-node overview view: built in {cold:.2f} s cold (first in the process, with "
          f"imports), {warm:.2f} s warm median of 3 (target under 3 s)", end="")
    chromium = shutil.which("chromium")
    if not chromium:
        print("; chromium not installed, drawing not measured")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        start = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_function("window.network !== undefined")
        page.evaluate("new Promise(r => { window.network.once('afterDrawing', r); window.network.redraw(); })")
        drawn = time.perf_counter() - start
        browser.close()
    print(f"; drawn in headless chromium in {drawn:.2f} s with physics off (target under 6 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--rdflib-max", type=int, default=150_000, help="largest graph rdflib is asked to load")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else '?'}")
    work = Path(tempfile.mkdtemp(prefix="sco-kg-bench-"))

    start = time.perf_counter()
    result = build(out_dir=work / "real")
    with_validation = time.perf_counter() - start
    start = time.perf_counter()
    build(out_dir=work / "real-novalidate", validate=False)
    without_validation = time.perf_counter() - start
    print(f"\nbuild of the real graph ({result.manifest['triples']} triples): {with_validation:.2f} s with validation, "
          f"{without_validation:.2f} s without; validation {with_validation - without_validation:.2f} s")

    graphs = [("real", work / "real" / "sco.trig", PARAMS)]
    for size in args.sizes:
        path = work / f"synthetic-{size}.nq"
        count = generate(size, path)
        graphs.append((f"{count // 1000}k", path, SYNTHETIC_PARAMS))

    print(f"\n{'graph':<10} {'triples':>9} {'pyoxigraph load s':>18} {'API load s':>11} {'API/raw':>8} {'rdflib load s':>14}")
    for label, path, _ in graphs:
        fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
        store = ox.Store()
        raw = timed(lambda: ox.Store().load(path=str(path), format=fmt), 3)
        store.load(path=str(path), format=fmt)
        api = timed(lambda: KnowledgeGraph.open(path), 3)
        n = len(store)
        rd = "-"
        if n <= args.rdflib_max:
            rd = f"{timed(lambda: Dataset().parse(path, format='nquads' if path.suffix == '.nq' else 'trig'), 1):14.2f}"
        print(f"{label:<10} {n:>9} {raw:18.2f} {api:11.2f} {api / raw:8.2f} {rd:>14}")

    print(f"\n{'graph':<10} {'query':<28} {'rows':>6} {'pyoxigraph ms':>14} {'API ms':>9} {'API/raw':>8} {'cold/raw':>9} {'rdflib ms':>10} {'rdflib/API':>10}")
    rows = []
    for label, path, params in graphs:
        big = path.stat().st_size > 40_000_000
        rows += bench_queries(label, path, params, 3 if big else args.repeat, with_rdflib=label == "real")
    print_queries(rows)

    view_benchmark(work)

    code = "from graph_builder.cli import main; main(['query', '--list'])"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    cli = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.perf_counter() - start
    print(f"\n'sco-kg query --list' start-up: {cli * 1000:.0f} ms against {bare * 1000:.0f} ms for a bare interpreter ({cli / bare:.1f}x)")


if __name__ == "__main__":
    main()
