"""Plots: one lane per state, bars in the shared role colours, growth equal to the counts query,
reproducible files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from matplotlib.colors import to_hex

from graph_builder.api import KnowledgeGraph
from graph_builder.core.errors import ScoKgError
from graph_builder.explore.plots import ROLE_COLOURS, growth, plot, save, timeline


def test_timeline_lanes_and_colours(kg: KnowledgeGraph) -> None:
    fig = timeline(kg, dt.date(2026, 11, 29))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 27 and labels[-1] == "China" and labels[0] == "Laos"  # lanes run bottom to top
    bars = [p for p in ax.patches if p.get_width() > 0]
    assert len(bars) == len([r for r in kg.query("memberships").records() if r.organisation == "sco"])
    assert {to_hex(p.get_facecolor()) for p in bars} == set(ROLE_COLOURS.values())


def test_growth_equals_the_counts_query(kg: KnowledgeGraph) -> None:
    fig = growth(kg)
    heights = [[int(b.get_height()) for b in c] for c in fig.axes[0].containers]
    rows = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="sco").records() if r.total]
    assert heights == [[r.members for r in rows], [r.observers for r in rows],
                       [r.dialoguePartners for r in rows], [r.partners for r in rows]]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_saved_files_are_reproducible(kg: KnowledgeGraph, tmp_path: Path, suffix: str) -> None:
    a = save(growth(kg), tmp_path / f"a{suffix}").read_bytes()
    b = save(growth(kg), tmp_path / f"b{suffix}").read_bytes()
    assert a == b and (a.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in a)


def test_bad_plot_requests(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(ScoKgError, match="must end in .png or .svg"):
        plot("growth", kg, tmp_path / "x.gif")
    with pytest.raises(ScoKgError, match="unknown plot"):
        plot("pie", kg, tmp_path / "x.png")
