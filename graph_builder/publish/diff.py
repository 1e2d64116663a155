"""A fact-level changelog between two builds: who joined or left, whose role or office changed,
which sources were added or removed; not a triple dump."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ScoKgError


@dataclass(frozen=True, order=True)
class Change:
    """One line of the changelog."""

    kind: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject}: {self.detail}"


def _interval(row: dict) -> str:
    return f"{row['start']} to {row['end'] or 'now'}"


def _facts(path: Path) -> tuple[dict, dict]:
    from ..api import KnowledgeGraph

    if not path.exists():
        raise ScoKgError(f"{path}: no such built graph")
    kg = KnowledgeGraph.open(path)
    memberships = {r.membership: r._asdict() for r in kg.query("memberships").records()}
    offices = {r.tenure: r._asdict() for r in kg.query("offices").records()}
    return memberships, offices


def diff(old: Path, new: Path) -> list[Change]:
    """Changes from the ``old`` build to the ``new`` one, sorted; empty for identical builds."""
    old_m, old_o = _facts(old)
    new_m, new_o = _facts(new)
    changes: list[Change] = []
    old_states = {r["iso3"] for r in old_m.values()}
    new_states = {r["iso3"] for r in new_m.values()}
    for key in sorted(set(old_m) | set(new_m)):
        a, b = old_m.get(key), new_m.get(key)
        row = b or a
        subject = f"{row['stateLabel']} ({row['iso3']})"
        what = f"{row['role']} of {row['organisation']}"
        if a is None:
            kind = "joined" if row["iso3"] not in old_states else "role changed"
            changes.append(Change(kind, subject, f"{what} {_interval(b)}"))
        elif b is None:
            kind = "left" if row["iso3"] not in new_states else "role changed"
            changes.append(Change(kind, subject, f"no longer {what} {_interval(a)}"))
        else:
            if (a["end"], a["decision"], a["endDecision"], a["memorandum"]) != (b["end"], b["decision"], b["endDecision"], b["memorandum"]):
                changes.append(Change("role changed", subject, f"{what} was {_interval(a)}, now {_interval(b)}"))
            changes.extend(_sources(subject, what, a, b))
    for key in sorted(set(old_o) | set(new_o)):
        a, b = old_o.get(key), new_o.get(key)
        row = b or a
        subject = f"{row['holderLabel']}"
        what = row["office"]
        if a is None:
            changes.append(Change("office changed", subject, f"now {what} {_interval(b)}"))
        elif b is None:
            changes.append(Change("office changed", subject, f"no longer recorded as {what} {_interval(a)}"))
        else:
            if a["end"] != b["end"]:
                changes.append(Change("office changed", subject, f"{what} was {_interval(a)}, now {_interval(b)}"))
            changes.extend(_sources(subject, what, a, b))
    return sorted(changes)


def _sources(subject: str, what: str, a: dict, b: dict) -> list[Change]:
    before, after = set(a["sources"].split()), set(b["sources"].split())
    out = [Change("source added", subject, f"{what}: {url}") for url in sorted(after - before)]
    out += [Change("source removed", subject, f"{what}: {url}") for url in sorted(before - after)]
    return out
