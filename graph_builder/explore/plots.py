"""Plots of membership over time: a swimlane timeline and a growth series, PNG or SVG.

Colours come from ``ROLE_COLOURS``, the one palette every picture of the project uses. The
output is reproducible: no timestamps in the files' metadata.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..api import KnowledgeGraph
from ..core.errors import ScoKgError
from ..core.keys import ROLE_LABELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ROLE_COLOURS = {
    "member": "#1f5fa8",
    "observer": "#e08a1e",
    "dialogue_partner": "#2e9e5b",
    "partner": "#8e44ad",
}
PLOTS = ("timeline", "growth")


def _pyplot():  # noqa: ANN202 - matplotlib's module
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "sco-kg"
    return plt


def timeline(kg: KnowledgeGraph, today: dt.date | None = None) -> "Figure":
    """One lane per state, a bar per status coloured by role, summits as dotted lines.

    >>> fig = timeline(KnowledgeGraph.open(), dt.date(2026, 11, 29))
    >>> len(fig.axes[0].get_yticks())
    27
    """
    plt = _pyplot()
    import matplotlib.dates as mdates

    today = today or dt.date.today()
    rows = [r for r in kg.query("memberships").records() if r.organisation == "sco"]
    first = {}
    for r in rows:
        first[r.stateLabel] = min(first.get(r.stateLabel, r.start), r.start)
    states = sorted(first, key=lambda s: (first[s], s))
    lane = {s: i for i, s in enumerate(reversed(states))}
    fig, ax = plt.subplots(figsize=(11, 0.32 * len(states) + 1.6))
    for r in rows:
        end = r.end or today
        ax.barh(lane[r.stateLabel], mdates.date2num(end) - mdates.date2num(r.start), left=mdates.date2num(r.start),
                height=0.7, color=ROLE_COLOURS[r.role], linewidth=0)
    for s in kg.query("summits").records():
        if s.series == "sco":
            ax.axvline(mdates.date2num(s.start), color="#9aa3ad", linewidth=0.6, linestyle=":", zorder=0)
    ax.set_yticks(range(len(states)), [s for s in reversed(states)], fontsize=8)
    ax.xaxis_date()
    ax.set_xlim(mdates.date2num(dt.date(2001, 1, 1)), mdates.date2num(today))
    ax.set_title("Status in the Shanghai Cooperation Organisation (dotted: Council of Heads of State meetings)", fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in ROLE_COLOURS.values()]
    ax.legend(handles, [ROLE_LABELS[k] for k in ROLE_COLOURS], loc="lower left", fontsize=8, frameon=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def growth(kg: KnowledgeGraph) -> "Figure":
    """Counts of members, observers, dialogue partners and partners on 31 December of each year.

    >>> fig = growth(KnowledgeGraph.open())
    >>> [int(b.get_height()) for b in fig.axes[0].containers[0]][-3:]
    [10, 10, 10]
    """
    plt = _pyplot()
    rows = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="sco").records()
            if r.total > 0]
    years = [r.year for r in rows]
    series = {"member": [r.members for r in rows], "observer": [r.observers for r in rows],
              "dialogue_partner": [r.dialoguePartners for r in rows], "partner": [r.partners for r in rows]}
    fig, ax = plt.subplots(figsize=(11, 4.2))
    bottom = [0] * len(years)
    for role, values in series.items():
        ax.bar(years, values, bottom=bottom, color=ROLE_COLOURS[role], label=ROLE_LABELS[role], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title("SCO members and partners on 31 December of each year", fontsize=10)
    ax.set_xticks(years, [str(y) for y in years], rotation=90, fontsize=8)
    ax.legend(loc="upper left", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def save(fig: "Figure", out: Path) -> Path:
    """Write a figure as PNG or SVG (by extension) without timestamps."""
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ScoKgError(f"{out}: the plot's file name must end in .png or .svg")
    out.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    fig.savefig(out, dpi=110, metadata=metadata)
    return out


def plot(kind: str, kg: KnowledgeGraph, out: Path) -> Path:
    """Draw the named plot into ``out``."""
    if kind not in PLOTS:
        raise ScoKgError(f"unknown plot '{kind}'; expected one of {', '.join(PLOTS)}")
    fig = timeline(kg) if kind == "timeline" else growth(kg)
    return save(fig, out)
