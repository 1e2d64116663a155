"""Mutations of the curated source set, each one *bad* or *neutral*.

A bad mutation breaks a documented rule (docs/SOURCES.md), so the loader must refuse it with
one clean line; a neutral one may be accepted or refused, but never with a traceback or a hang.
Value mutations change the parsed data and write the file out again; text mutations edit the
YAML text at places found from the parser's events (never inside a multi-line scalar), since
duplicate keys, tags, anchors and nesting exist only in the text. Case ``i`` of seed ``s`` is
drawn from ``random.Random(f"{s}:{i}")``, so any case can be replayed alone.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from graph_builder.build.records import SECTIONS
from graph_builder.core.paths import SOURCES_DIR

# Generated-style facts, so that coordinates, areas and item maps are fuzzed as well.
EXTRA_FILE = Path(__file__).with_name("wikidata.yaml")
HUGE = 5_000_000
# Characters that no id, code, date or URL may hold, and no text between its first and last letter.
INVISIBLE = ("\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\n", "\r", "\t", "\u00ad", "\u200b",
             "\u200e", "\u202e", "\u2028", "\u2060", "\ufeff", "\ud800", "\ue000")
# Bytes the YAML reader refuses wherever they stand.
RAW_CONTROL = ("\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f")
TAGS = ("!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!!map", "!!seq",
        "!!set", "!!omap", "!!python/object/apply:os.system", "!!python/name:os.system", "!custom", "!",
        "!<tag:yaml.org,2002:str>")


@dataclass(frozen=True)
class Case:
    """One mutated source set: every file's bytes, and what was done to which file."""

    index: int
    name: str
    bad: bool
    file: str
    files: dict[str, bytes]


@dataclass(frozen=True)
class _Pair:
    """A block-mapping entry whose key and scalar value stand on one line."""

    line: int
    indent: int
    key: str
    value: str
    start: int
    end: int


class _Loader(yaml.SafeLoader):
    """Reads the pristine files as the project does: dates stay text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _pairs(text: str) -> list[_Pair]:
    """Every one-line ``key: scalar`` entry of a block mapping, found from the parser's events."""
    found: list[_Pair] = []
    stack: list[list[Any]] = []  # per open collection: [block mapping?, next node is a key?, key event]

    def node_starts(event: yaml.NodeEvent) -> None:
        if not stack or not stack[-1][0]:
            return
        top = stack[-1]
        if top[1]:
            top[2] = event
        elif isinstance(event, yaml.ScalarEvent):
            key = top[2]
            one_line = key.start_mark.line == event.start_mark.line == event.end_mark.line
            if one_line and isinstance(key, yaml.ScalarEvent) and event.value:
                found.append(_Pair(event.start_mark.line, key.start_mark.column, key.value, event.value,
                                   event.start_mark.column, event.end_mark.column))
        top[1] = not top[1]

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            node_starts(event)
            stack.append([isinstance(event, yaml.MappingStartEvent) and not event.flow_style, True, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            node_starts(event)
    return found


class SourceSet:
    """The pristine files, read once: bytes, text, parsed data and one-line pairs per file."""

    def __init__(self, paths: list[Path]) -> None:
        self.raw = {p.name: p.read_bytes() for p in paths}
        self.texts = {name: raw.decode("utf-8") for name, raw in self.raw.items()}
        self.data = {name: yaml.load(text, Loader=_Loader) for name, text in self.texts.items()}
        self.pairs = {name: _pairs(text) for name, text in self.texts.items()}

    @classmethod
    def real(cls) -> SourceSet:
        """The package's curated sources plus the generated-style file."""
        return cls(sorted(SOURCES_DIR.glob("*.yaml")) + [EXTRA_FILE])


# ----------------------------------------------------------------------------- values

def _anywhere(rng: random.Random, text: Any) -> str:
    text = text if isinstance(text, str) and text else "x"
    k = rng.randrange(len(text) + 1)
    return text[:k] + rng.choice(INVISIBLE) + text[k:]


def _inside(rng: random.Random, text: Any) -> str:
    """An invisible character between the first and the last letter, where stripping cannot
    remove it."""
    text = text if isinstance(text, str) and len(text.strip()) >= 2 else "ab"
    text = text.strip()
    k = rng.randrange(1, len(text))
    return text[:k] + rng.choice(INVISIBLE) + text[k:]


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _en(value: Any) -> str:
    return value.get("en", "ab") if isinstance(value, dict) else "ab"


_BAD: dict[str, Callable[[random.Random, Any], list[Any]]] = {
    "qid": lambda r, old: [_anywhere(r, old), "Q0", "Q01", "q148", "Q-5", "Q1.5", "Q", "", "Q\u0661\u0664\u0668",
                           "\uff31148", 148, ["Q1"], "Q148 (China)"],
    "slug": lambda r, old: [_anywhere(r, old), "Bad Slug", "-x", "\u00fcber", "", 5, ["x"]],
    "text": lambda r, old: [_inside(r, old), _inside(r, old), "", "   ", 5, ["a"], {"a": "b"}, "a" * 5000],
    "url": lambda r, old: [_anywhere(r, old), _anywhere(r, old), "ftp://example.org/x", "https://", "https://exa mple.org/",
                           "javascript:alert(1)", "//example.org/x", "https://example.org:99999/", "https://[::1/",
                           "example.org", "", 5, "https://example.org/a\"b", "https://example.org/<b>"],
    "date": lambda r, old: [_anywhere(r, old), "2026-13-01", "2017-02-30", "2017-6-9", "\u0662\u0660\u0661\u0667-06-09",
                            "\uff12\uff10\uff11\uff17-06-09", "2017-06-09T00:00:00", "20170609", "2017", "2017-06",
                            "0000-01-01", "", 2017, "2017-06-09 12:00"],
    "loose_date": lambda r, old: [_anywhere(r, old), "2026-13", "2017-00", "2017-02-30", "\u0662\u0660\u0661\u0667", "17",
                                  "2017-1", "0000", "", "2017-06-09T00:00", [2017], 20170],
    "pdate": lambda r, old: [_anywhere(r, old), "2026-13", "2017-02-30", "2007/2006", "2006-09-16/", "/2007",
                             "2004/2004", "2004//2005", "2004-06-17/2004-06-16", "2017-1", "0000", "", [2004], 20170],
    "lang": lambda r, old: [_anywhere(r, old or "en"), "EN", "e", "english", "", 5],
    "iso3": lambda r, old: [_anywhere(r, old), "chn", "XXX", "CH", "\uff23\uff28\uff2e", "", 156],
    "iso2": lambda r, old: [_anywhere(r, old), "cn", "XX", "CHN", "", 86],
    "enum": lambda r, old: ["guest", str(old).upper(), f"{old}\n", 1, [old]],
    "int": lambda r, old: [-1, 1.5, "3", True, "\u0663", [1], 10**16],
    "bool": lambda r, old: ["yes", "true", 1, ""],
    "number": lambda r, old: [math.nan, math.inf, -math.inf, -1.0, "12", True, [1], 10**400],
    "latitude": lambda r, old: [math.nan, math.inf, 90.5, -91.0, 999.0, "12", True, 10**400],
    "longitude": lambda r, old: [math.nan, -math.inf, 180.5, -181.0, 999.0, "12", -10**400],
    "ref": lambda r, old: ["no-such-record", _anywhere(r, old), 5, ["x"]],
    "refs": lambda r, old: [["no-such-record"], [_anywhere(r, _first(old))], [5], {"a": 1}, ""],
    "sources": lambda r, old: [[], ["no-such-source"], [_anywhere(r, _first(old))], [5], ""],
    "langs": lambda r, old: [["EN"], ["e\nn"], [""], [5], {"en": 1}],
    "labels": lambda r, old: [{"en": _inside(r, _en(old))}, {"zh": "\u4e2d\u56fd"}, {**(old or {}), "xx": "a"}, "China",
                              {}, {"en": ""}, {"en": 5}, {"en": ["a"]}],
    "texts": lambda r, old: [{"en": _inside(r, _en(old))}, {"xx": "a"}, "text", {"en": ""}, {"en": 5}],
    "aliases": lambda r, old: [{"en": [_inside(r, "Republic")]}, {"xx": ["a"]}, {"en": [""]}, {"en": [5]}, "a",
                               {"en": {"a": 1}}],
    "mentions": lambda r, old: [["state:XXX"], ["nope"], ["state:"], "state:CHN", [5], ["state:CHN\n"]],
    "entityref": lambda r, old: ["state:XXX", "nope", ["state:CHN"], "state:CHN\n"],
    "items": lambda r, old: [{"Q1\n": "x"}, {"Q1": ""}, {"Q1": _inside(r, "Beijing")}, {"x": "y"}, ["Q1"], {"Q1": 5}],
}


def bad_values_for(kind: str) -> Callable[[random.Random, Any], list[Any]]:
    """The generator of bad values for a field kind (``ref:states`` uses ``ref``)."""
    return _BAD[kind.split(":", 1)[0]]


def _alias_bomb() -> list[Any]:
    """Nine levels of nine shared lists: a few lines of YAML, 9**9 strings once expanded."""
    level: list[Any] = ["lol"] * 9
    for _ in range(8):
        level = [level] * 9
    return level


# ----------------------------------------------------------------------------- mutators

Mutation = tuple[str, bool, str, bytes]


def _required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


def _yaml_name(f: Field[Any]) -> str:
    return f.metadata.get("yaml", f.name)


def _dump(data: Any) -> bytes:
    try:
        text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    except UnicodeEncodeError:  # libyaml cannot write a lone surrogate; PyYAML's own writer escapes it
        text = yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False)
    return text.encode("utf-8")


def _pick_record(rng: random.Random, base: SourceSet) -> tuple[str, dict[str, Any], str, list[Any]]:
    """A file, a copy of its data, a section of it and that section's records (in the copy)."""
    file = rng.choice(sorted(base.data))
    data = copy.deepcopy(base.data[file])
    section = rng.choice(sorted(s for s, items in data.items() if items))
    return file, data, section, data[section]


def _value(rng: random.Random, base: SourceSet, bad: bool) -> Mutation | None:
    file, data, section, records = _pick_record(rng, base)
    record = rng.choice(records)
    f = rng.choice(fields(SECTIONS[section][0]))
    kind, name = f.metadata["kind"], _yaml_name(f)
    if bad:
        choices = bad_values_for(kind)(rng, record.get(name))
        pick = rng.randrange(len(choices))
        record[name] = choices[pick]
        return f"bad value: {kind} #{pick}", True, file, _dump(data)
    if name not in record:
        return None
    other = rng.choice(records)
    if name in other:
        record[name], other[name] = other[name], record[name]
    return f"swapped {name}", False, file, _dump(data)


def _structure(rng: random.Random, base: SourceSet) -> Mutation | None:
    file, data, section, records = _pick_record(rng, base)
    index = rng.randrange(len(records))
    record = records[index]
    present = [f for f in fields(SECTIONS[section][0]) if _yaml_name(f) in record]
    required = [f for f in present if _required(f)]
    how = rng.choice(("drop required", "null required", "unknown key", "record not a mapping", "duplicate record",
                      "section not a list", "unknown section", "top level not a mapping", "alias bomb",
                      "shrink below half", "drop section"))
    if how in ("drop required", "null required"):
        if not required:
            return None
        name = _yaml_name(rng.choice(required))
        if how == "drop required":
            del record[name]
        else:
            record[name] = None
    elif how == "unknown key":
        record["colour"] = "blue"
    elif how == "record not a mapping":
        records[index] = rng.choice(("text", ["a", "list"], 7))
    elif how == "duplicate record":
        records.append(copy.deepcopy(record))
    elif how == "section not a list":
        data[section] = rng.choice(({"a": 1}, "text", None))
    elif how == "unknown section":
        data["treaties"] = [{"id": "x"}]
    elif how == "top level not a mapping":
        data = rng.choice((records, "text", 7))
    elif how == "alias bomb":
        record[_yaml_name(rng.choice(present))] = _alias_bomb()
    elif how == "shrink below half":
        data[section] = records[: (len(records) - 1) // 2]
    else:
        del data[section]
    return how, True, file, _dump(data)


def _neutral(rng: random.Random, base: SourceSet) -> Mutation | None:
    file, data, section, records = _pick_record(rng, base)
    record = rng.choice(records)
    optional = [f for f in fields(SECTIONS[section][0]) if _yaml_name(f) in record and not _required(f)]
    how = rng.choice(("drop optional", "null optional", "drop record", "shrink to half", "shuffle records",
                      "other date", "other text"))
    if how in ("drop optional", "null optional"):
        if not optional:
            return None
        name = _yaml_name(rng.choice(optional))
        if how == "drop optional":
            del record[name]
        else:
            record[name] = None
    elif how == "drop record":
        records.remove(record)
    elif how == "shrink to half":
        data[section] = records[: (len(records) + 1) // 2]
    elif how == "shuffle records":
        rng.shuffle(records)
    else:
        kinds = ("date", "loose_date") if how == "other date" else ("text",)
        names = [_yaml_name(f) for f in fields(SECTIONS[section][0])
                 if f.metadata["kind"] in kinds and _yaml_name(f) in record]
        if not names:
            return None
        if how == "other date":
            value = f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            value = "".join(rng.choice("Aaz \u00e9\u4e2d\u0416\u0645") for _ in range(rng.randint(1, 40))).strip() or "A"
        record[rng.choice(names)] = value
    return how, False, file, _dump(data)


def _edit_pair(rng: random.Random, base: SourceSet) -> Mutation | None:
    """Duplicate keys, tags, anchors, aliases, deep nesting and huge values, at a one-line pair."""
    file = rng.choice(sorted(f for f in base.pairs if base.pairs[f]))
    pairs = base.pairs[file]
    pair = rng.choice(pairs)
    lines = base.texts[file].split("\n")
    line = lines[pair.line]
    head, tail = line[: pair.start], line[pair.end:]
    how = rng.choice(("duplicate key", "tag", "tag", "anchor", "alias", "deep nesting", "huge value"))
    if how == "duplicate key":
        same = [p.value for p in pairs if p.key == pair.key]
        lines.insert(pair.line + 1, " " * pair.indent + f"{pair.key}: {rng.choice(same)}")
    elif how == "tag":
        tag = rng.choice(TAGS)
        value = rng.choice((line[pair.start: pair.end], "2017-02-30", "0xZZ", "1"))
        lines[pair.line] = f"{head}{tag} {value}{tail}"
    elif how == "anchor":
        lines[pair.line] = f"{head}&a {line[pair.start:]}"
    elif how == "alias":
        later = [p for p in pairs if p.line > pair.line]
        if not later:
            return None
        target = rng.choice(later)
        lines[pair.line] = f"{head}&a {line[pair.start:]}"
        other = lines[target.line]
        lines[target.line] = f"{other[: target.start]}*a{other[target.end:]}"
    elif how == "deep nesting":
        depth = rng.choice((100, 10_000, 200_000))
        lines[pair.line] = f"{head}{'[' * depth}{']' * depth}{tail}"
    else:
        lines[pair.line] = f"{head}{'Q' + '1' * HUGE if pair.key == 'wikidata' else 'x' * HUGE}{tail}"
    return how, True, file, "\n".join(lines).encode("utf-8")


def _edit_text(rng: random.Random, base: SourceSet) -> Mutation | None:
    """Byte- and line-level damage anywhere in a file."""
    file = rng.choice(sorted(base.texts))
    text = base.texts[file]
    lines = text.split("\n")
    how = rng.choice(("raw control character", "invalid UTF-8", "second document", "empty file",
                      "truncate", "delete line", "duplicate line", "swap lines", "insert character", "CRLF and BOM"))
    k = rng.randrange(len(text) + 1)
    n = rng.randrange(len(lines) - 1)
    bad = how in ("raw control character", "invalid UTF-8", "second document", "empty file")
    if how == "raw control character":
        out = (text[:k] + rng.choice(RAW_CONTROL) + text[k:]).encode("utf-8")
    elif how == "invalid UTF-8":
        raw = base.raw[file]
        k = rng.randrange(len(raw) + 1)
        out = raw[:k] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf")) + raw[k:]
    elif how == "second document":
        out = (text + "\n---\nstates: []\n").encode("utf-8")
    elif how == "empty file":
        out = rng.choice((b"", b"# nothing here\n", b"{}\n"))
    elif how == "truncate":
        out = text[:k].encode("utf-8")
    elif how == "delete line":
        out = "\n".join(lines[:n] + lines[n + 1:]).encode("utf-8")
    elif how == "duplicate line":
        out = "\n".join(lines[: n + 1] + lines[n:]).encode("utf-8")
    elif how == "swap lines":
        lines[n], lines[n + 1] = lines[n + 1], lines[n]
        out = "\n".join(lines).encode("utf-8")
    elif how == "insert character":
        out = (text[:k] + rng.choice(":-[]{}'\"#&*!|>%@`,? \t\n") + text[k:]).encode("utf-8")
    else:
        out = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    return how, bad, file, out


_MUTATORS: tuple[Callable[[random.Random, SourceSet], Mutation | None], ...] = (
    lambda r, b: _value(r, b, bad=True),
    lambda r, b: _value(r, b, bad=True),
    lambda r, b: _value(r, b, bad=False),
    _structure,
    _neutral,
    _edit_pair,
    _edit_text,
)


def case(base: SourceSet, seed: int, index: int) -> Case:
    """Case ``index`` of a campaign: one file of the set mutated, the others as they are."""
    rng = random.Random(f"{seed}:{index}")
    while True:
        made = rng.choice(_MUTATORS)(rng, base)
        if made is not None:
            name, bad, file, data = made
            return Case(index, name, bad, file, {**base.raw, file: data})
