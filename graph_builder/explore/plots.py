"""Plots of membership over time, from the Shanghai Five (1996) on: a swimlane timeline and a
growth series, PNG, SVG or PDF at a chosen resolution.

Colours come from ``ROLE_COLOURS``, the one palette every picture of the project uses. Each plot
says the day it is for and where its data come from; summits are labelled by city. The output is
reproducible: no timestamps in the files' metadata.
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
SHANGHAI_FIVE_COLOUR = "#7f8c99"
PLOTS = ("timeline", "growth")
SUFFIXES = (".png", ".svg", ".pdf")
# Under every plot: the day it is for and where the data come from.
_CREDIT = "As of {day}. Data: sco-kg, a cited knowledge graph of the SCO ({sources} sources), https://w3id.org/sco-kg"


def _pyplot():  # noqa: ANN202 - matplotlib's module
    """pyplot, drawing off screen, except inside a Jupyter kernel, whose inline backend shows the
    figure in the notebook."""
    import sys

    import matplotlib

    if "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "sco-kg"
    return plt


def _credit(fig: "Figure", kg: KnowledgeGraph, day: dt.date) -> None:
    sources = kg.sparql("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <http://purl.org/dc/terms/BibliographicResource> }").records()[0].n
    fig.text(0.01, 0.005, _CREDIT.format(day=day.isoformat(), sources=sources), fontsize=7, color="#5a6470",
             ha="left", va="bottom")


def timeline(kg: KnowledgeGraph, today: dt.date | None = None) -> "Figure":
    """One lane per state, a bar per status coloured by role (the Shanghai Five years in grey),
    summits as dotted lines labelled with their city.

    >>> fig = timeline(KnowledgeGraph.open(), dt.date(2026, 11, 29))
    >>> len(fig.axes[0].get_yticks())
    27
    """
    plt = _pyplot()
    import matplotlib.dates as mdates

    today = today or dt.date.today()
    rows = [r for r in kg.query("memberships").records() if r.organisation in ("sco", "shanghai-five")]
    first = {}
    for r in rows:
        first[r.stateLabel] = min(first.get(r.stateLabel, r.start), r.start)
    states = sorted(first, key=lambda s: (first[s], s))
    lane = {s: i for i, s in enumerate(reversed(states))}
    fig, ax = plt.subplots(figsize=(11, 0.32 * len(states) + 1.6))
    for r in rows:
        end = r.end or today
        colour = ROLE_COLOURS[r.role] if r.organisation == "sco" else SHANGHAI_FIVE_COLOUR
        ax.barh(lane[r.stateLabel], mdates.date2num(end) - mdates.date2num(r.start), left=mdates.date2num(r.start),
                height=0.7, color=colour, linewidth=0)
    for s in kg.query("summits").records():
        x = mdates.date2num(s.start)
        ax.axvline(x, color="#9aa3ad", linewidth=0.6, linestyle=":", zorder=0)
        ax.text(x, len(states) - 0.3, str(s.cityLabel), rotation=90, fontsize=5.5, color="#5a6470",
                ha="center", va="bottom", clip_on=False)
    ax.set_yticks(range(len(states)), [s for s in reversed(states)], fontsize=8)
    ax.xaxis_date()
    ax.set_xlim(mdates.date2num(dt.date(1996, 1, 1)), mdates.date2num(today))
    ax.set_title("Status in the Shanghai Five and the Shanghai Cooperation Organisation (dotted: summits)",
                 fontsize=10, pad=28)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in (SHANGHAI_FIVE_COLOUR, *ROLE_COLOURS.values())]
    ax.legend(handles, ["Shanghai Five member"] + [ROLE_LABELS[k] for k in ROLE_COLOURS], loc="lower left",
              fontsize=8, frameon=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    _credit(fig, kg, today)
    return fig


def growth(kg: KnowledgeGraph, today: dt.date | None = None) -> "Figure":
    """Counts of members, observers, dialogue partners and partners on 31 December of each year,
    after the Shanghai Five's members of 1996-2000.

    >>> fig = growth(KnowledgeGraph.open(), dt.date(2026, 11, 29))
    >>> [int(b.get_height()) for b in fig.axes[0].containers[1]][-3:]
    [10, 10, 10]
    """
    plt = _pyplot()
    today = today or dt.date.today()
    five = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="shanghai-five").records()
            if r.total > 0]
    rows = [r for r in kg.query("membership_counts_by_year", monthDay="12-31", organisation="sco").records()
            if r.total > 0]
    years = [r.year for r in five] + [r.year for r in rows]
    series = {"member": [0] * len(five) + [r.members for r in rows],
              "observer": [0] * len(five) + [r.observers for r in rows],
              "dialogue_partner": [0] * len(five) + [r.dialoguePartners for r in rows],
              "partner": [0] * len(five) + [r.partners for r in rows]}
    fig, ax = plt.subplots(figsize=(11, 4.4))
    ax.bar(years, [r.members for r in five] + [0] * len(rows), color=SHANGHAI_FIVE_COLOUR,
           label="Shanghai Five member", width=0.8)
    bottom = [0] * len(years)
    for role, values in series.items():
        ax.bar(years, values, bottom=bottom, color=ROLE_COLOURS[role], label=ROLE_LABELS[role], width=0.8)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title("Shanghai Five and SCO members and partners on 31 December of each year", fontsize=10)
    ax.set_xticks(years, [str(y) for y in years], rotation=90, fontsize=8)
    ax.legend(loc="upper left", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _credit(fig, kg, today)
    return fig


def save(fig: "Figure", out: Path, dpi: int = 110) -> Path:
    """Write a figure as PNG, SVG or PDF (by extension) at ``dpi`` without timestamps."""
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise ScoKgError(f"{out}: the plot's file name must end in {', '.join(SUFFIXES)}")
    if not 30 <= dpi <= 1200:
        raise ScoKgError(f"--dpi {dpi} is out of range; give 30 to 1200 dots per inch")
    out.parent.mkdir(parents=True, exist_ok=True)
    metadata = {".svg": {"Date": None}, ".png": {"Software": None}, ".pdf": {"CreationDate": None, "Producer": None}}[suffix]
    fig.savefig(out, dpi=dpi, metadata=metadata)
    return out


def plot(kind: str, kg: KnowledgeGraph, out: Path, dpi: int = 110, today: dt.date | None = None) -> Path:
    """Draw the named plot into ``out``."""
    if kind not in PLOTS:
        raise ScoKgError(f"unknown plot '{kind}'; expected one of {', '.join(PLOTS)}")
    fig = timeline(kg, today) if kind == "timeline" else growth(kg, today)
    return save(fig, out, dpi)
