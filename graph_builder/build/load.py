"""Strict loading of the curated YAML sources into typed records.

The YAML is read as the parser's stream of events and built into plain values here, so that
duplicate keys, explicit tags, anchors and aliases and deep nesting are refused where they
stand, before any value is constructed. Every value's shape (ids, codes, URLs, dates, numbers,
text) is checked by one table, ``_SHAPES``; known keys are taken, and anything left over, any
unknown code, bad date, reversed interval or dangling reference is a :class:`SourceError`
naming the file and the record, with the offending value cut to a short excerpt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..core.dates import PartialDate
from ..core.errors import SourceError, excerpt, one_line
from ..core.keys import LANGUAGES, MEETING_BODY_UNIT, MeetingBody, Outcome, Role
from ..core.paths import SOURCES_DIR, enrichment_dir
from .records import SECTIONS, Chair, Meeting, Membership, Seat, Tenure

# Limits, each enforced where the work happens: the bytes read, the nesting walked, the text taken.
MAX_FILE_BYTES = 8 << 20
MAX_DEPTH = 8
MAX_TEXT = 2000
MAX_INT = 10**15
# Sections every build needs; an empty one is an error, not a smaller graph.
REQUIRED_SECTIONS = ("sources", "states", "organisations", "memberships")
# What an article can mention, as ``kind:id`` (``state:CHN``), and the section each kind lives in.
MENTIONABLE = {"state": "states", "organisation": "organisations", "place": "places", "person": "persons",
               "summit": "summits", "document": "documents", "principle": "principles"}


@dataclass(frozen=True)
class Origin:
    """Where a record came from: file, section and position, for messages and named graphs."""

    file: Path
    section: str
    index: int

    def describe(self, key: object | None) -> str:
        label = f"{excerpt(key)} " if key is not None else ""
        return f"{self.section} record {label}(#{self.index + 1})"


@dataclass
class Sources:
    """Everything loaded: records per section, where each came from, and input hashes."""

    records: dict[str, dict[str, Any]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.records[section]

    def origin(self, section: str, key: str) -> Origin:
        return self.origins[(section, key)]

    def files(self) -> list[Path]:
        return sorted({o.file for o in self.origins.values()})

    def counts(self) -> dict[str, dict[str, int]]:
        """Records per section of every file read (an empty file too), as the build manifest
        keeps them for the next build's shrink check."""
        out: dict[str, dict[str, int]] = {name: {} for name in self.paths}
        for (section, _), origin in self.origins.items():
            per_file = out[origin.file.name]
            per_file[section] = per_file.get(section, 0) + 1
        return {name: dict(sorted(per_file.items())) for name, per_file in sorted(out.items())}


def source_files(paths: Iterable[Path] | None = None) -> list[Path]:
    """The YAML files to load: the package's own sources, plus any generated enrichment files
    (``paths.enrichment_dir``), unless paths (files or folders) are given."""
    result: list[Path] = []
    if paths is None:
        extra = enrichment_dir()
        paths = [SOURCES_DIR] + ([extra] if extra.is_dir() else [])
    for path in paths:
        path = Path(path)
        if path.is_dir():
            result.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            result.append(path)
        else:
            raise SourceError(path, None, "no such source file or folder")
    return result


def load_sources(paths: Iterable[Path] | None = None) -> Sources:
    """Load and check curated sources; raises SourceError on the first problem.

    >>> sources = load_sources()
    >>> sources["states"]["IND"].labels["en"]
    'India'
    """
    loaded = Sources()
    files = source_files(paths)
    for file in files:
        _load_file(file, loaded)
    _check_required(loaded, files)
    _check_references(loaded)
    _check_semantics(loaded)
    return loaded


def previous_counts(manifest: Path) -> dict[str, dict[str, int]] | None:
    """The record counts a build's ``manifest.json`` kept, or None when there is no such build
    (or it predates the counts, or the file is not a manifest): nothing to compare with."""
    try:
        counts = json.loads(manifest.read_text(encoding="utf-8")).get("records")
    except (OSError, ValueError, AttributeError):
        return None
    well_formed = isinstance(counts, dict) and all(
        isinstance(per_file, dict) and all(isinstance(n, int) for n in per_file.values()) for per_file in counts.values())
    return counts if well_formed else None


def check_shrink(sources: Sources, before: Mapping[str, Mapping[str, int]] | None) -> None:
    """Refuse a source file that lost more than half of a section's records since the last
    build (``before``, from :func:`previous_counts`): a truncated file or a bad merge must not
    quietly build a smaller graph. A file no longer among the sources is not compared.

    >>> sources = load_sources()
    >>> check_shrink(sources, sources.counts())
    >>> check_shrink(sources, {"memberships.yaml": {"memberships": 10_000}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    graph_builder.core.errors.SourceError: .../memberships.yaml: memberships: ... records where the last build had 10000; ...
    """
    now = sources.counts()
    for name, sections in sorted((before or {}).items()):
        if name not in now:
            continue
        for section, had in sorted(sections.items()):
            has = now[name].get(section, 0)
            if 2 * has < had:
                raise SourceError(sources.paths[name], section,
                                  f"{has} record{'' if has == 1 else 's'} where the last build had {had}; a file that "
                                  "loses more than half of a section is refused (build with --allow-shrink if that is "
                                  "intended)")


# ----------------------------------------------------------------------------- reading YAML

class _Parser(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when present (for speed); only its events and its resolver of plain
    scalars are used, and dates stay text, so that a bad date is our error."""


_Parser.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Builder:
    """Plain values (dict, list, str, int, float, bool, None) from one file's events."""

    def __init__(self, parser: _Parser, file: Path) -> None:
        self.parser = parser
        self.file = file

    def _refuse(self, event: yaml.Event, message: str) -> SourceError:
        return SourceError(self.file, f"line {event.start_mark.line + 1}", message)

    def document(self) -> Any:
        self.parser.get_event()
        if self.parser.check_event(yaml.StreamEndEvent):
            return None
        self.parser.get_event()
        value = self._node(0)
        self.parser.get_event()
        if not self.parser.check_event(yaml.StreamEndEvent):
            raise self._refuse(self.parser.peek_event(), "a second YAML document ('---'); a source file holds one")
        return value

    def _plain(self, event: yaml.Event) -> None:
        """Refuse what would make a value other than what it says: aliases, anchors, tags."""
        if isinstance(event, yaml.AliasEvent):
            raise self._refuse(event, f"alias *{one_line(event.anchor)[:40]}: anchors and aliases are not allowed; "
                                      "write the value out")
        if event.anchor is not None:
            raise self._refuse(event, f"anchor &{one_line(event.anchor)[:40]}: anchors and aliases are not allowed; "
                                      "write the value out")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise self._refuse(event, f"explicit tag {excerpt(tag)} is not allowed; write the plain value")

    def _node(self, depth: int) -> Any:
        event = self.parser.get_event()
        self._plain(event)
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if depth >= MAX_DEPTH:
            raise self._refuse(event, f"nested more than {MAX_DEPTH} levels deep; no source record needs that")
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not self.parser.check_event(yaml.SequenceEndEvent):
                items.append(self._node(depth + 1))
            self.parser.get_event()
            return items
        mapping: dict[str, Any] = {}
        lines: dict[str, int] = {}
        while not self.parser.check_event(yaml.MappingEndEvent):
            key = self.parser.get_event()
            self._plain(key)
            if not isinstance(key, yaml.ScalarEvent):
                raise self._refuse(key, "a key must be plain text, not a list or a mapping")
            line = key.start_mark.line + 1
            if key.value in mapping:
                raise self._refuse(key, f"duplicate key {excerpt(key.value)} (first on line {lines[key.value]}); "
                                        "keep one")
            lines[key.value] = line
            mapping[key.value] = self._node(depth + 1)
        self.parser.get_event()
        return mapping

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = self.parser.resolve(yaml.ScalarNode, event.value, event.implicit)
        construct = _SCALARS.get(tag)
        if construct is None:
            return event.value
        try:
            return construct(self.parser, yaml.ScalarNode(tag, event.value))
        except (ValueError, OverflowError):
            raise self._refuse(event, f"{excerpt(event.value)} is not a number YAML can read") from None


_SCALARS: dict[str, Callable[[_Parser, yaml.ScalarNode], Any]] = {
    "tag:yaml.org,2002:null": _Parser.construct_yaml_null,
    "tag:yaml.org,2002:bool": _Parser.construct_yaml_bool,
    "tag:yaml.org,2002:int": _Parser.construct_yaml_int,
    "tag:yaml.org,2002:float": _Parser.construct_yaml_float,
}


def _read_yaml(file: Path) -> tuple[bytes, Any]:
    """The file's bytes and its one document as plain values."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(file, None, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SourceError(file, None, f"is larger than {MAX_FILE_BYTES >> 20} MB, more than a source file may hold; "
                                      "split it")
    parser = _Parser(raw)
    try:
        return raw, _Builder(parser, file).document()
    except yaml.YAMLError as exc:
        raise _yaml_error(file, raw, exc) from None
    finally:
        parser.dispose()


def _yaml_error(file: Path, raw: bytes, exc: yaml.YAMLError) -> SourceError:
    """PyYAML's several-line report as one line: the line number and the problem."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        where = f"line {mark.line + 1}"
    elif isinstance(getattr(exc, "position", None), int):
        line = raw[: exc.position].count(b"\n") + 1  # type: ignore[attr-defined]
        where = f"line {line}"
    else:
        where = None
    problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
    return SourceError(file, where, f"not valid YAML: {one_line(problem)[:120]}")


def _load_file(file: Path, loaded: Sources) -> None:
    if file.name in loaded.paths:
        raise SourceError(file, None, f"another source file has the same name ({loaded.paths[file.name]}); "
                                      "named graphs come from file names, so rename one")
    raw, data = _read_yaml(file)
    loaded.paths[file.name] = file
    loaded.hashes[file.name] = hashlib.sha256(raw).hexdigest()
    if data is None:
        return
    if not isinstance(data, dict):
        raise SourceError(file, None, "the top level must be a mapping of section names to lists")
    for section, items in data.items():
        if section not in SECTIONS:
            raise SourceError(file, None, f"unknown section {excerpt(section)}; expected one of {', '.join(SECTIONS)}")
        if not isinstance(items, list):
            raise SourceError(file, section, "a section must be a list of records")
        record_type, key_field = SECTIONS[section]
        for index, item in enumerate(items):
            origin = Origin(file, section, index)
            record = _parse_record(record_type, item, origin)
            key = getattr(record, key_field)
            if key in loaded.records[section]:
                first = loaded.origin(section, key)
                raise SourceError(file, origin.describe(key), f"duplicate: already defined in {first.file.name}")
            loaded.records[section][key] = record
            loaded.origins[(section, key)] = origin


def _parse_record(record_type: type, item: Any, origin: Origin) -> Any:
    if not isinstance(item, dict):
        raise SourceError(origin.file, origin.describe(None), "a record must be a mapping")
    hint = next((item[k] for k in ("id", "iso3", "state", "person", "entity") if k in item), None)
    where = origin.describe(hint)
    names = {f.metadata.get("yaml", f.name): f for f in fields(record_type)}
    unknown = sorted(set(item) - set(names))
    if unknown:
        shown = ", ".join(excerpt(k, 30, quote=False) for k in unknown[:5])
        shown += f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise SourceError(origin.file, where, f"unknown key(s) {shown}; allowed: {', '.join(names)}")
    values: dict[str, Any] = {}
    for yaml_name, f in names.items():
        if yaml_name not in item or item[yaml_name] is None:
            if f.default is MISSING and f.default_factory is MISSING:
                raise SourceError(origin.file, where, f"missing required key '{yaml_name}'")
            continue
        try:
            values[f.name] = _check_value(f.metadata, item[yaml_name])
        except _Bad as bad:
            raise SourceError(origin.file, where, f"{yaml_name}: {bad}") from None
    return record_type(**values)


# ----------------------------------------------------------------------------- value shapes

class _Bad(Exception):
    """A value of the wrong shape; the message says what was expected."""


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_QID = re.compile(r"Q[1-9][0-9]*")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_ISO = {2: re.compile(r"[A-Z]{2}"), 3: re.compile(r"[A-Z]{3}")}
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOOSE_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def _check_value(meta: dict[str, Any], value: Any) -> Any:
    """The value checked against its field's kind and converted; raises _Bad."""
    too_long = _longest(value)
    if too_long is not None:
        raise _Bad(f"{excerpt(too_long)} is {len(too_long)} characters long; at most {MAX_TEXT} are allowed")
    kind: str = meta["kind"]
    return _SHAPES[kind.split(":", 1)[0]](value, meta)


def _longest(value: Any) -> str | None:
    """The first text (value or key, at any depth) longer than MAX_TEXT, if any."""
    if isinstance(value, str):
        return value if len(value) > MAX_TEXT else None
    children = list(value) + list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
    return next((found for child in children if (found := _longest(child)) is not None), None)


def _invisible(text: str) -> str | None:
    """The first control, format, surrogate, private-use, unassigned or line-separator
    character; spaces other than ' ' (no-break, ideographic) are fine."""
    if text.isprintable():
        return None
    return next((ch for ch in text if not ch.isprintable() and unicodedata.category(ch) != "Zs"), None)


def _text(value: Any, meta: dict[str, Any] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("expected non-empty text")
    bad = _invisible(value)
    if bad is not None:
        raise _Bad(f"{excerpt(value)} holds the invisible or control character U+{ord(bad):04X}; remove it")
    return value.strip(" ")


def _slug(value: Any, meta: dict[str, Any]) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise _Bad(f"{excerpt(value)} is not a slug (lowercase letters, digits, '-', '_')")
    return value


def _qid(value: Any, meta: dict[str, Any] | None = None) -> str:
    if not isinstance(value, str) or not _QID.fullmatch(value):
        raise _Bad(f"{excerpt(value)} is not a Wikidata id like Q148")
    return value


def _url(value: Any, meta: dict[str, Any]) -> str:
    if isinstance(value, str) and _URL.fullmatch(value) and _invisible(value) is None:
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises ValueError unless the port is a number in range
        except ValueError:
            parts = None
        if parts is not None and parts.hostname:
            return value
    raise _Bad(f"{excerpt(value)} is not an http(s) URL (a host, and no spaces or invisible characters)")


def _iso(size: int) -> Callable[[Any, dict[str, Any]], str]:
    def check(value: Any, meta: dict[str, Any]) -> str:
        import pycountry

        if not isinstance(value, str) or not _ISO[size].fullmatch(value):
            raise _Bad(f"{excerpt(value)} is not an ISO 3166-1 alpha-{size} code")
        if pycountry.countries.get(**{f"alpha_{size}": value}) is None:
            raise _Bad(f"unknown ISO 3166-1 alpha-{size} code {excerpt(value)}")
        return value
    return check


def _lang(value: Any, meta: dict[str, Any] | None = None) -> str:
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        raise _Bad(f"{excerpt(value)} is not a language tag like en or zh")
    return value


def _day(value: Any, meta: dict[str, Any] | None = None) -> dt.date:
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _Bad(f"{excerpt(value)} is not a valid date YYYY-MM-DD (a calendar day, ASCII digits)")


def _partial_date(value: Any, meta: dict[str, Any] | None = None) -> PartialDate:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(text, str):
        try:
            return PartialDate.parse(text)
        except ValueError:
            pass
    raise _Bad(f"{excerpt(value)} is not a date (YYYY-MM-DD, or YYYY-MM or YYYY where sources give no "
               "more, or EARLIER/LATER where they only bracket it; real months and days)")


def _loose_date(value: Any, meta: dict[str, Any]) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    found = _LOOSE_DATE.fullmatch(text) if isinstance(text, str) else None
    if found:
        year, month, day = found.groups()
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
            return text
        except ValueError:
            pass
    raise _Bad(f"{excerpt(value)} is not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real month and day)")


def _number(low: float, high: float, what: str) -> Callable[[Any, dict[str, Any]], float]:
    def check(value: Any, meta: dict[str, Any]) -> float:
        try:
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
        except OverflowError:
            number = math.nan
        if not math.isfinite(number) or not low <= number <= high:
            raise _Bad(f"{excerpt(value)} is not {what}")
        return number
    return check


def _int(value: Any, meta: dict[str, Any]) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < MAX_INT:
        raise _Bad(f"{excerpt(value)} is not a whole number from 0 to {MAX_INT - 1:,}")
    return value


def _bool(value: Any, meta: dict[str, Any]) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{excerpt(value)} is not true or false")
    return value


def _enum(value: Any, meta: dict[str, Any]) -> Enum:
    enum: type[Enum] = meta["enum"]
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    raise _Bad(f"unknown value {excerpt(value)}; expected one of {', '.join(e.value for e in enum)}")


def _ref(value: Any, meta: dict[str, Any] | None = None) -> str:
    if not isinstance(value, str) or not value:
        raise _Bad("expected an id")
    return value


def _list_of(single: Callable[[Any], Any], non_empty: bool = False) -> Callable[[Any, dict[str, Any]], list[Any]]:
    """One value or a list of them, each checked by ``single``."""
    def check(value: Any, meta: dict[str, Any]) -> list[Any]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or non_empty and not items:
            raise _Bad("expected a non-empty list" if non_empty else "expected a list")
        return [single(v) for v in items]
    return check


def _entity_ref(value: Any, meta: dict[str, Any] | None = None) -> str:
    kind, _, key = value.partition(":") if isinstance(value, str) else ("", "", "")
    if kind not in MENTIONABLE or not key:
        raise _Bad(f"{excerpt(value)} is not a kind:id reference, kind one of {', '.join(MENTIONABLE)}")
    return value


def _mentions(value: Any, meta: dict[str, Any]) -> list[str]:
    if not isinstance(value, list):
        raise _Bad(f"expected a list of kind:id references, kind one of {', '.join(MENTIONABLE)}")
    return [_entity_ref(v) for v in value]


def _labels(require_en: bool) -> Callable[[Any, dict[str, Any]], dict[str, str]]:
    def check(value: Any, meta: dict[str, Any]) -> dict[str, str]:
        if not isinstance(value, dict):
            raise _Bad("expected a mapping of language (en, zh, ru) to text")
        out: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                raise _Bad(f"unknown language {excerpt(lang)}; expected one of {', '.join(LANGUAGES)}")
            try:
                out[lang] = _text(text)
            except _Bad as bad:
                raise _Bad(f"the '{lang}' text: {bad}") from None
        if require_en and "en" not in out:
            raise _Bad("an English ('en') label is required")
        return out
    return check


def _aliases(value: Any, meta: dict[str, Any]) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise _Bad("expected a mapping of language to a list of names")
    out: dict[str, list[str]] = {}
    for lang, names in value.items():
        names = [names] if isinstance(names, str) else names
        if lang not in LANGUAGES or not isinstance(names, list):
            raise _Bad(f"{excerpt(lang)} must be one of {', '.join(LANGUAGES)} with a list of names")
        try:
            out[lang] = [_text(n) for n in names]
        except _Bad as bad:
            raise _Bad(f"the '{lang}' names: {bad}") from None
    return out


def _items(value: Any, meta: dict[str, Any]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _Bad("expected a mapping of Wikidata ids to English labels, like {Q956: Beijing}")
    return {_qid(k): _text(v) for k, v in value.items()}


# Field kind (records.py; the part before ':' for references) -> its check. The one place where
# the shape of every value is decided.
_SHAPES: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "slug": _slug,
    "text": _text,
    "url": _url,
    "qid": _qid,
    "iso2": _iso(2),
    "iso3": _iso(3),
    "lang": _lang,
    "langs": _list_of(_lang),
    "date": _day,
    "loose_date": _loose_date,
    "pdate": _partial_date,
    "int": _int,
    "bool": _bool,
    "number": _number(0, math.inf, "a finite non-negative number"),
    "latitude": _number(-90, 90, "a latitude between -90 and 90"),
    "longitude": _number(-180, 180, "a longitude between -180 and 180"),
    "enum": _enum,
    "ref": _ref,
    "refs": _list_of(_ref),
    "sources": _list_of(_ref, non_empty=True),
    "entityref": _entity_ref,
    "mentions": _mentions,
    "labels": _labels(require_en=True),
    "texts": _labels(require_en=False),
    "aliases": _aliases,
    "items": _items,
}


# ----------------------------------------------------------------------------- the whole set

def _check_required(loaded: Sources, files: list[Path]) -> None:
    for section in REQUIRED_SECTIONS:
        if not loaded[section]:
            home = next((f for f in files if f.stem == section), files[0].parent if files else Path("."))
            raise SourceError(home, None, f"no {section} records in any source file; a build needs "
                                          f"{', '.join(REQUIRED_SECTIONS)}")


def _check_references(loaded: Sources) -> None:
    for (section, key), origin in loaded.origins.items():
        record = loaded.records[section][key]
        for f in fields(record):
            kind: str = f.metadata["kind"]
            target = "sources" if kind == "sources" else kind.split(":", 1)[1] if ":" in kind else None
            if kind in ("mentions", "entityref"):
                value = getattr(record, f.name)
                for ref in value if kind == "mentions" else [value]:
                    mentioned, _, key_ = ref.partition(":")
                    if key_ not in loaded.records[MENTIONABLE[mentioned]]:
                        raise SourceError(origin.file, origin.describe(key), f"{f.name}: unknown {mentioned} {excerpt(key_)}")
            if target is None:
                continue
            value = getattr(record, f.name)
            for ref in value if isinstance(value, list) else [value] if value is not None else []:
                if ref not in loaded.records[target]:
                    what = "source id" if target == "sources" else f"{target} id"
                    raise SourceError(origin.file, origin.describe(key), f"{f.metadata.get('yaml', f.name)}: unknown {what} {excerpt(ref)}")


def _check_semantics(loaded: Sources) -> None:
    import pycountry

    for key, state in loaded["states"].items():
        country = pycountry.countries.get(alpha_3=state.iso3)
        if country.alpha_2 != state.iso2:
            _raise(loaded, "states", key, f"iso2 '{state.iso2}' does not match iso3 '{state.iso3}' (ISO says {country.alpha_2})")
    for section in ("memberships", "tenures", "chairs", "seats"):
        for key, rec in loaded[section].items():
            _check_interval(loaded, section, key, rec)
    for key, summit in loaded["summits"].items():
        if summit.end < summit.start:
            _raise(loaded, "summits", key, f"end {summit.end} is before start {summit.start}")
    for key, meeting in loaded["meetings"].items():
        _check_meeting(loaded, key, meeting)
    for key, exercise in loaded["exercises"].items():
        if exercise.end < exercise.start:
            _raise(loaded, "exercises", key, f"end {exercise.end} is before start {exercise.start}")
        if not exercise.hosts or not exercise.participants:
            _raise(loaded, "exercises", key, "an exercise needs at least one host and one participating state")
    for key, application in loaded["applications"].items():
        if application.outcome is Outcome.NONE_FOUND and application.granted is not None:
            _raise(loaded, "applications", key, f"outcome none_found, but granted is {application.granted.value}")
        if application.outcome is not Outcome.NONE_FOUND and application.granted is None:
            _raise(loaded, "applications", key, f"outcome {application.outcome.value} needs the status granted ('granted')")
        if application.outcome is Outcome.GRANTED and application.sought not in (None, application.granted):
            _raise(loaded, "applications", key, "outcome granted, but the status granted is not the one sought")
    for key, m in loaded["memberships"].items():
        # A dialogue partnership starts when its memorandum is signed, after the decision that
        # granted it (ontology/README.md, "Which act starts a status"); every other status
        # starts on its decision's day.
        starts_at_memorandum = m.role == Role.DIALOGUE_PARTNER and m.memorandum is not None
        if starts_at_memorandum and m.memorandum != m.start:
            _raise(loaded, "memberships", key, f"a dialogue partnership starts on its memorandum's day {m.memorandum}, not {m.start}")
        for attr, date in (("decision", m.start), ("end_decision", m.end)):
            ref = getattr(m, attr)
            if ref is None:
                continue
            decided = loaded["decisions"][ref].date
            if attr == "decision" and starts_at_memorandum:
                if decided > date:
                    _raise(loaded, "memberships", key, f"decision '{ref}' is dated {decided}, after the memorandum {date}")
            elif decided != date:
                _raise(loaded, "memberships", key, f"{attr} '{ref}' is dated {decided}, but the membership's {'start' if attr == 'decision' else 'end'} is {date}")
        if m.memorandum is not None and m.memorandum < m.start:
            _raise(loaded, "memberships", key, f"memorandum {m.memorandum} is before the start {m.start}")


def _check_meeting(loaded: Sources, key: str, meeting: Meeting) -> None:
    """Council meetings (ontology/README.md, "Meetings"): heads-of-state meetings are summits, and
    the body that met is a loaded organisation."""
    if meeting.end < meeting.start:
        _raise(loaded, "meetings", key, f"end {meeting.end} is before start {meeting.start}")
    if meeting.body is MeetingBody.HEADS_OF_STATE:
        _raise(loaded, "meetings", key, "a meeting of the heads of state is a summit; put it in the summits section")
    body = MEETING_BODY_UNIT[meeting.body]
    if body not in loaded["organisations"]:
        _raise(loaded, "meetings", key, f"the body that met ('{body}') is not in the organisations section")


def _check_interval(loaded: Sources, section: str, key: str, rec: Membership | Tenure | Chair | Seat) -> None:
    """The end comes after the start; where either is known only to a month or year, it must be
    able to (an end of 2006 after a start of 2006 is possible)."""
    if rec.end is None:
        return
    start = rec.start.earliest if isinstance(rec.start, PartialDate) else rec.start
    end = rec.end.latest if isinstance(rec.end, PartialDate) else rec.end
    if end <= start:
        _raise(loaded, section, key, f"end {rec.end} is not after start {rec.start}")


def _raise(loaded: Sources, section: str, key: str, message: str) -> None:
    origin = loaded.origin(section, key)
    raise SourceError(origin.file, origin.describe(key), message)
