"""Strict loading of the curated YAML sources into typed records.

Known keys are taken and checked; anything left over, any unknown code, bad date, reversed
interval or dangling reference is a :class:`SourceError` naming the file and the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import SourceError
from ..core.keys import LANGUAGES
from ..core.paths import SOURCES_DIR, enrichment_dir
from .records import SECTIONS, Chair, Membership, Tenure

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_LOOSE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# What an article can mention, as ``kind:id`` (``state:CHN``), and the section each kind lives in.
MENTIONABLE = {"state": "states", "organisation": "organisations", "place": "places", "person": "persons",
               "summit": "summits", "document": "documents", "principle": "principles"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader (libyaml's when present, for speed) that keeps dates as text, so a bad date
    is our error, not PyYAML's crash."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Origin:
    """Where a record came from: file, section and position, for messages and named graphs."""

    file: Path
    section: str
    index: int

    def describe(self, key: str | None) -> str:
        label = f"'{key}' " if key else ""
        return f"{self.section} record {label}(#{self.index + 1})"


@dataclass
class Sources:
    """Everything loaded: records per section, where each came from, and input hashes."""

    records: dict[str, dict[str, Any]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.records[section]

    def origin(self, section: str, key: str) -> Origin:
        return self.origins[(section, key)]

    def files(self) -> list[Path]:
        return sorted({o.file for o in self.origins.values()})


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
    for file in source_files(paths):
        _load_file(file, loaded)
    _check_references(loaded)
    _check_semantics(loaded)
    return loaded


def _load_file(file: Path, loaded: Sources) -> None:
    raw = file.read_bytes()
    loaded.hashes[file.name] = hashlib.sha256(raw).hexdigest()
    try:
        data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise SourceError(file, None, f"not valid YAML ({where}): {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise SourceError(file, None, "the top level must be a mapping of section names to lists")
    for section, items in data.items():
        if section not in SECTIONS:
            raise SourceError(file, None, f"unknown section '{section}'; expected one of {', '.join(SECTIONS)}")
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
    hint = next((str(item[k]) for k in ("id", "iso3", "state", "person") if k in item), None)
    where = origin.describe(hint)
    names = {f.metadata.get("yaml", f.name): f for f in fields(record_type)}
    unknown = sorted(set(map(str, item)) - set(names))
    if unknown:
        raise SourceError(origin.file, where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(names)}")
    values: dict[str, Any] = {}
    for yaml_name, f in names.items():
        if yaml_name not in item or item[yaml_name] is None:
            if f.default is MISSING and f.default_factory is MISSING:
                raise SourceError(origin.file, where, f"missing required key '{yaml_name}'")
            continue
        values[f.name] = _check_value(f.metadata, item[yaml_name], origin.file, where, yaml_name)
    return record_type(**values)


def _is_entity_ref(value: Any) -> bool:
    kind, _, key = value.partition(":") if isinstance(value, str) else ("", "", "")
    return kind in MENTIONABLE and bool(key)


def _fail(file: Path, where: str, key: str, message: str) -> SourceError:
    return SourceError(file, where, f"{key}: {message}")


def _check_value(meta: dict[str, Any], value: Any, file: Path, where: str, key: str) -> Any:
    kind: str = meta["kind"]
    if kind in ("mentions", "entityref"):
        many = kind == "mentions"
        items = value if many else [value]
        if not isinstance(items, list) or not all(_is_entity_ref(v) for v in items):
            shape = "a list of kind:id references" if many else "a kind:id reference"
            raise _fail(file, where, key, f"expected {shape}, kind one of {', '.join(MENTIONABLE)}")
        return value
    if kind == "items":
        if not isinstance(value, dict) or not all(isinstance(k, str) and _QID.match(k) and isinstance(v, str) and v.strip()
                                                  for k, v in value.items()):
            raise _fail(file, where, key, "expected a mapping of Wikidata ids to English labels, like {Q956: Beijing}")
        return dict(value)
    if kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _fail(file, where, key, f"'{value}' is not a number")
        return float(value)
    if kind.startswith("refs:") or kind == "sources" or kind in ("langs",):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items and kind == "sources":
            raise _fail(file, where, key, "expected a non-empty list" if kind == "sources" else "expected a list")
        single = {"kind": "lang" if kind == "langs" else "ref"}
        return [_check_value(single, v, file, where, key) for v in items]
    if kind.startswith("ref:") or kind == "ref":
        if not isinstance(value, str) or not value:
            raise _fail(file, where, key, "expected an id")
        return value
    if kind == "slug":
        if not isinstance(value, str) or not _SLUG.match(value):
            raise _fail(file, where, key, f"'{value}' is not a slug (lowercase letters, digits, '-', '_')")
        return value
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise _fail(file, where, key, "expected non-empty text")
        return value.strip()
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(file, where, key, f"'{value}' is not a non-negative integer")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise _fail(file, where, key, f"'{value}' is not true or false")
        return value
    if kind == "date":
        return _date(value, file, where, key)
    if kind == "loose_date":
        text = str(value)
        if not _LOOSE_DATE.match(text):
            raise _fail(file, where, key, f"'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if len(text) == 10:
            _date(text, file, where, key)
        return text
    if kind == "url":
        if not isinstance(value, str) or not _URL.match(value):
            raise _fail(file, where, key, f"'{value}' is not an http(s) URL")
        return value
    if kind == "qid":
        if not isinstance(value, str) or not _QID.match(value):
            raise _fail(file, where, key, f"'{value}' is not a Wikidata id like Q148")
        return value
    if kind in ("iso2", "iso3"):
        return _iso(kind, value, file, where, key)
    if kind == "lang":
        if not isinstance(value, str) or not _LANG.match(value):
            raise _fail(file, where, key, f"'{value}' is not a language tag like en or zh")
        return value
    if kind == "enum":
        enum: type[Enum] = meta["enum"]
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise _fail(file, where, key, f"unknown value '{value}'; expected one of {allowed}") from None
    if kind in ("labels", "texts"):
        return _labels(value, file, where, key, require_en=kind == "labels")
    if kind == "aliases":
        if not isinstance(value, dict):
            raise _fail(file, where, key, "expected a mapping of language to a list of names")
        out: dict[str, list[str]] = {}
        for lang, names in value.items():
            names = [names] if isinstance(names, str) else names
            if lang not in LANGUAGES or not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                raise _fail(file, where, key, f"'{lang}' must be one of {', '.join(LANGUAGES)} with a list of names")
            out[lang] = [n.strip() for n in names]
        return out
    raise AssertionError(f"unknown field kind {kind}")


def _date(value: Any, file: Path, where: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _fail(file, where, key, f"'{value}' has a time; give a day YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    try:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            raise ValueError
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(file, where, key, f"'{value}' is not a valid date YYYY-MM-DD") from None


def _labels(value: Any, file: Path, where: str, key: str, require_en: bool) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(file, where, key, "expected a mapping of language (en, zh, ru) to text")
    out: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise _fail(file, where, key, f"unknown language '{lang}'; expected one of {', '.join(LANGUAGES)}")
        if not isinstance(text, str) or not text.strip():
            raise _fail(file, where, key, f"the '{lang}' text is empty")
        out[lang] = text.strip()
    if require_en and "en" not in out:
        raise _fail(file, where, key, "an English ('en') label is required")
    return out


def _iso(kind: str, value: Any, file: Path, where: str, key: str) -> str:
    import pycountry

    size = 2 if kind == "iso2" else 3
    if not isinstance(value, str) or not re.match(rf"^[A-Z]{{{size}}}$", value):
        raise _fail(file, where, key, f"'{value}' is not an ISO 3166-1 alpha-{size} code")
    found = pycountry.countries.get(**{f"alpha_{size}": value})
    if found is None:
        raise _fail(file, where, key, f"unknown ISO 3166-1 alpha-{size} code '{value}'")
    return value


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
                        raise SourceError(origin.file, origin.describe(key), f"{f.name}: unknown {mentioned} '{key_}'")
            if target is None:
                continue
            value = getattr(record, f.name)
            for ref in value if isinstance(value, list) else [value] if value is not None else []:
                if ref not in loaded.records[target]:
                    what = "source id" if target == "sources" else f"{target} id"
                    raise SourceError(origin.file, origin.describe(key), f"{f.metadata.get('yaml', f.name)}: unknown {what} '{ref}'")


def _check_semantics(loaded: Sources) -> None:
    import pycountry

    for key, state in loaded["states"].items():
        country = pycountry.countries.get(alpha_3=state.iso3)
        if country.alpha_2 != state.iso2:
            _raise(loaded, "states", key, f"iso2 '{state.iso2}' does not match iso3 '{state.iso3}' (ISO says {country.alpha_2})")
    for section in ("memberships", "tenures", "chairs"):
        for key, rec in loaded[section].items():
            _check_interval(loaded, section, key, rec)
    for key, summit in loaded["summits"].items():
        if summit.end < summit.start:
            _raise(loaded, "summits", key, f"end {summit.end} is before start {summit.start}")
    for key, m in loaded["memberships"].items():
        for attr, date in (("decision", m.start), ("end_decision", m.end)):
            ref = getattr(m, attr)
            if ref is not None and loaded["decisions"][ref].date != date:
                decided = loaded["decisions"][ref].date
                _raise(loaded, "memberships", key, f"{attr} '{ref}' is dated {decided}, but the membership's {'start' if attr == 'decision' else 'end'} is {date}")
        if m.memorandum is not None and m.memorandum < m.start:
            _raise(loaded, "memberships", key, f"memorandum {m.memorandum} is before the start {m.start}")


def _check_interval(loaded: Sources, section: str, key: str, rec: Membership | Tenure | Chair) -> None:
    if rec.end is not None and rec.end <= rec.start:
        _raise(loaded, section, key, f"end {rec.end} is not after start {rec.start}")


def _raise(loaded: Sources, section: str, key: str, message: str) -> None:
    origin = loaded.origin(section, key)
    raise SourceError(origin.file, origin.describe(key), message)

