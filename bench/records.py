"""Synthetic curated sources for the build benchmark: the real YAML files repeated N times, so
that a build of N times the data runs the builder's whole path (YAML, checks, graph, SHACL,
integrity checks, writers) on records of the real shapes.

Copy i (0 is the real data, unchanged but for the point below) renames every record key with
the suffix ``-x<i>`` and every reference to it, gives its states made-up ISO alpha-3 codes,
moves its Wikidata numbers out of the way and moves every date 32 years later per copy, so
that copies never overlap in time. Offices and the SCO chair are one post across all copies,
so open-ended terms are closed on 1 December 2026 of their copy.

    python bench/records.py 10 /tmp/sources-10x     # writes the YAML files
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from graph_builder.build.load import MENTIONABLE
from graph_builder.build.records import SECTIONS
from graph_builder.core.paths import SOURCES_DIR

YEARS_PER_COPY = 32  # a multiple of 4, so 29 February stays a real day (but for 2100, 2200, ...)
OPEN_TERMS_END = "2026-12-01"  # where open-ended terms of shared posts close in every copy
SHARED_POSTS = ("tenures", "chairs")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as the strings the curated files hold."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _synthetic_codes() -> Iterator[str]:
    """Three-letter codes that no ISO 3166-1 country has, in a fixed order."""
    import pycountry

    real = {c.alpha_3 for c in pycountry.countries}
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for code in map("".join, itertools.product(letters, repeat=3)):
        if code not in real:
            yield code


def _shift_piece(text: str, years: int) -> str:
    """One date of the forms YYYY-MM-DD, YYYY-MM or YYYY, ``years`` later."""
    if _DAY.fullmatch(text):
        day = dt.date.fromisoformat(text)
        try:
            return day.replace(year=day.year + years).isoformat()
        except ValueError:  # 29 February in a year that has none
            return day.replace(year=day.year + years, day=28).isoformat()
    year, _, rest = text.partition("-")
    return f"{int(year) + years}" + (f"-{rest}" if rest else "")


def _shift(value: Any, years: int) -> Any:
    """A date, a partial date or a span ``A/B`` moved ``years`` later; an int is a year."""
    if years == 0 or value is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value + years
    return "/".join(_shift_piece(part, years) for part in str(value).split("/"))


class _Copy:
    """The renaming rules of one copy."""

    def __init__(self, index: int, keys: dict[str, set[str]], codes: Iterator[str], iso2: dict[str, str]) -> None:
        self.index = index
        self.years = index * YEARS_PER_COPY
        self.maps: dict[str, dict[str, str]] = {}
        for section, found in keys.items():
            if section == "states":
                self.maps[section] = {k: (k if index == 0 else next(codes)) for k in sorted(found)}
                for old, new in self.maps[section].items():
                    iso2[new] = iso2[old]
            else:
                self.maps[section] = {k: (k if index == 0 else f"{k}-x{index}") for k in found}

    def ref(self, section: str, value: str) -> str:
        return self.maps.get(section, {}).get(value, value)

    def entity(self, value: str) -> str:
        kind, _, key = value.partition(":")
        return f"{kind}:{self.ref(MENTIONABLE[kind], key)}"

    def qid(self, value: str) -> str:
        return value if self.index == 0 else f"Q{int(value[1:]) + self.index * 1_000_000_000}"

    def value(self, kind: str, value: Any) -> Any:
        """One field's value in this copy, by the field kind records.py gives it."""
        if kind in ("date", "pdate", "loose_date"):
            return _shift(value, self.years)
        if kind == "sources" or kind.startswith(("ref:", "refs:")):
            section = "sources" if kind == "sources" else kind.split(":", 1)[1]
            return [self.ref(section, v) for v in value] if isinstance(value, list) else self.ref(section, value)
        if kind == "entityref":
            return self.entity(value)
        if kind == "mentions":
            return [self.entity(v) for v in value]
        if kind == "qid":
            return self.qid(value)
        if kind == "items":
            return {self.qid(k): v for k, v in value.items()}
        if kind == "iso3":
            return self.ref("states", value)
        return value


def _record(copy: _Copy, section: str, item: dict[str, Any], shared_posts: bool) -> dict[str, Any]:
    record_type, _ = SECTIONS[section]
    kinds = {f.metadata.get("yaml", f.name): f.metadata["kind"] for f in fields(record_type)}
    out = {}
    for name, value in item.items():
        if name == "id" and kinds.get(name) == "slug":
            out[name] = copy.ref(section, value)
        else:
            out[name] = copy.value(kinds[name], value) if name in kinds else value
    if shared_posts and section in SHARED_POSTS and out.get("end") is None:
        out["end"] = _shift(OPEN_TERMS_END, copy.years)
    return out


def _keys(data: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """The key of every record that has one written in the files (``id``, or a state's ``iso3``)."""
    keys: dict[str, set[str]] = {}
    for sections in data.values():
        for section, items in sections.items():
            name = "iso3" if section == "states" else "id"
            keys.setdefault(section, set()).update(i[name] for i in items or [] if name in i)
    return keys


def write_copies(factor: int, out: Path, sources: Path = SOURCES_DIR) -> dict[str, str]:
    """Write ``factor`` copies of the curated files to ``out``; returns the made-up alpha-3 codes
    with the alpha-2 code of the state each stands for (see ``accept_codes``)."""
    out.mkdir(parents=True, exist_ok=True)
    data = {p.stem: yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader) for p in sorted(sources.glob("*.yaml"))}
    keys = _keys(data)
    iso2 = {i["iso3"]: i["iso2"] for s in data.values() for i in s.get("states") or []}
    codes = _synthetic_codes()
    made_up: dict[str, str] = {}
    for index in range(factor):
        copy = _Copy(index, keys, codes, iso2)
        for stem, sections in data.items():
            copied = {section: [_record(copy, section, item, factor > 1) for item in items or []]
                      for section, items in sections.items()}
            name = stem if index == 0 else f"{stem}-x{index:03d}"
            (out / f"{name}.yaml").write_text(yaml.safe_dump(copied, allow_unicode=True, sort_keys=False), encoding="utf-8")
        made_up.update({new: iso2[new] for old, new in copy.maps["states"].items() if new != old})
    return made_up


def accept_codes(made_up: dict[str, str]) -> None:
    """Let the loader's ISO 3166-1 check accept the made-up codes, in this process only."""
    import pycountry

    real_get = pycountry.countries.get

    def get(**kwargs: str) -> object:
        code = kwargs.get("alpha_3")
        if code in made_up:
            return SimpleNamespace(alpha_3=code, alpha_2=made_up[code])
        return real_get(**kwargs)

    pycountry.countries.get = get


if __name__ == "__main__":
    written = write_copies(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {sys.argv[1]} copies to {sys.argv[2]} ({len(written)} made-up state codes)")
