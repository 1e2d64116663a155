"""Plots: one lane per state from the Shanghai Five on, bars in the shared role colours, labelled
summits, growth equal to the counts queries, an "as of" and data line, reproducible PNG, SVG and
PDF at a chosen resolution."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from matplotlib.dates import num2date

from graph_builder.api import KnowledgeGraph
from graph_builder.core.errors import ScoKgError
from graph_builder.explore.plots import ROLE_COLOURS, SHANGHAI_FIVE_COLOUR, growth, plot, save, timeline

DAY = dt.date(2026, 11, 29)


def test_timeline_lanes_colours_and_summits(kg: KnowledgeGraph) -> None:
    fig = timeline(kg, DAY)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 27 and labels[-1] == "China" and labels[0] == "Laos"  # lanes run bottom to top
    bars = [p for p in ax.patches if p.get_width() > 0]
    rows = [r for r in kg.query("memberships").records() if r.organisation in ("sco", "shanghai-five")]
    assert len(bars) == len(rows)
    assert {to_hex(p.get_facecolor()) for p in bars} == set(ROLE_COLOURS.values()) | {SHANGHAI_FIVE_COLOUR}
    assert num2date(ax.get_xlim()[0]).year == 1996  # the Shanghai Five years are drawn
    marks = [t.get_text() for t in ax.texts]
    assert marks.count("Tianjin") == 1 and marks[0] == "Shanghai"  # every summit labelled by its city
    assert any("As of 2026-11-29" in t.get_text() and "sources" in t.get_text() for t in fig.texts)


def test_growth_equals_the_counts_queries(kg: KnowledgeGraph) -> None:
    fig = growth(kg, DAY)
    heights = [[int(b.get_height()) for b in c] for c in fig.axes[0].containers]
    five = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="shanghai-five").records() if r.total]
    rows = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="sco").records() if r.total]
    pad = [0] * len(five)
    assert heights == [[r.members for r in five] + [0] * len(rows), pad + [r.members for r in rows],
                       pad + [r.observers for r in rows], pad + [r.dialoguePartners for r in rows],
                       pad + [r.partners for r in rows]]
    assert [int(x) for x in fig.axes[0].get_xticks()][:5] == [1996, 1997, 1998, 1999, 2000]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_saved_files_are_reproducible(kg: KnowledgeGraph, tmp_path: Path, suffix: str, magic: bytes) -> None:
    a = save(growth(kg, DAY), tmp_path / f"a{suffix}").read_bytes()
    b = save(growth(kg, DAY), tmp_path / f"b{suffix}").read_bytes()
    assert a == b and a.startswith(magic)


def test_dpi_sets_the_resolution(kg: KnowledgeGraph, tmp_path: Path) -> None:
    import struct

    def width(path: Path) -> int:
        return struct.unpack(">I", path.read_bytes()[16:20])[0]

    low = plot("growth", kg, tmp_path / "low.png", dpi=50, today=DAY)
    high = plot("growth", kg, tmp_path / "high.png", dpi=200, today=DAY)
    assert width(high) == 4 * width(low)


def test_bad_plot_requests(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ScoKgError, match="must end in .png, .svg, .pdf"):
        plot("growth", kg, tmp_path / "x.gif")
    with pytest.raises(ScoKgError, match="unknown plot"):
        plot("pie", kg, tmp_path / "x.png")
    with pytest.raises(ScoKgError, match="out of range"):
        plot("growth", kg, tmp_path / "x.png", dpi=5)
