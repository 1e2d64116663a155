"""Typed records of the curated sources: one dataclass per section of the YAML files.

Each field's ``kind`` tells the strict loader how to check it; a field without a default is
required. Keeping the schema here, next to the types, means loader and builder cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field
from typing import Any

from ..core.dates import PartialDate
from ..core.keys import (
    DecisionKind,
    DocumentKind,
    MeetingBody,
    MeetingFormat,
    Office,
    OrgKind,
    Outcome,
    Position,
    Role,
    Scheme,
    SourceKind,
    SummitSeries,
)


def _f(kind: str, default: Any = MISSING, **extra: Any) -> Any:
    """A dataclass field whose metadata tells the loader how to check the value."""
    meta = {"kind": kind, **extra}
    if default is MISSING:
        return field(metadata=meta)
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


Labels = dict[str, str]
Aliases = dict[str, list[str]]


@dataclass(frozen=True)
class Source:
    id: str = _f("slug")
    title: str = _f("text")
    publisher: str = _f("text")
    url: str = _f("url")
    date: str = _f("loose_date")
    kind: SourceKind = _f("enum", enum=SourceKind)
    language: str | None = _f("lang", None)
    quote: str | None = _f("text", None)


@dataclass(frozen=True)
class Place:
    id: str = _f("slug")
    labels: Labels = _f("labels")
    country: str = _f("ref:states")
    sources: list[str] = _f("sources")
    wikidata: str | None = _f("qid", None)
    aliases: Aliases = _f("aliases", {})


@dataclass(frozen=True)
class State:
    iso3: str = _f("iso3")
    iso2: str = _f("iso2")
    wikidata: str = _f("qid")
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    aliases: Aliases = _f("aliases", {})


@dataclass(frozen=True)
class Organisation:
    id: str = _f("slug")
    kind: OrgKind = _f("enum", enum=OrgKind)
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    aliases: Aliases = _f("aliases", {})
    wikidata: str | None = _f("qid", None)
    parent: str | None = _f("ref:organisations", None)
    seat: str | None = _f("ref:places", None)
    founded: PartialDate | None = _f("pdate", None)
    dissolved: dt.date | None = _f("date", None)
    languages: list[str] = _f("langs", [])


@dataclass(frozen=True)
class ChangeEvent:
    id: str = _f("slug")
    date: dt.date = _f("date")
    from_: str = _f("ref:organisations", yaml="from")
    to: str = _f("ref:organisations")
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    summit: str | None = _f("ref:summits", None)


@dataclass(frozen=True)
class Summit:
    id: str = _f("slug")
    series: SummitSeries = _f("enum", enum=SummitSeries)
    start: dt.date = _f("date")
    end: dt.date = _f("date")
    city: str = _f("ref:places")
    host: str = _f("ref:states")
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    ordinal: int | None = _f("int", None)
    online: bool = _f("bool", False)
    wikidata: str | None = _f("qid", None)


@dataclass(frozen=True)
class Meeting:
    """A council meeting other than a summit; ``city`` is left out of a video meeting unless
    sources name where it was chaired from."""

    id: str = _f("slug")
    body: MeetingBody = _f("enum", enum=MeetingBody)
    start: dt.date = _f("date")
    end: dt.date = _f("date")
    host: str = _f("ref:states")
    format: MeetingFormat = _f("enum", enum=MeetingFormat)
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    ordinal: int | None = _f("int", None)
    city: str | None = _f("ref:places", None)
    wikidata: str | None = _f("qid", None)


@dataclass(frozen=True)
class Document:
    id: str = _f("slug")
    kind: DocumentKind = _f("enum", enum=DocumentKind)
    labels: Labels = _f("labels")
    signed: dt.date = _f("date")
    sources: list[str] = _f("sources")
    place: str | None = _f("ref:places", None)
    summit: str | None = _f("ref:summits", None)
    in_force: dt.date | None = _f("date", None)
    wikidata: str | None = _f("qid", None)


@dataclass(frozen=True)
class Decision:
    id: str = _f("slug")
    kind: DecisionKind = _f("enum", enum=DecisionKind)
    date: dt.date = _f("date")
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    summit: str | None = _f("ref:summits", None)
    states: list[str] = _f("refs:states", [])
    role: Role | None = _f("enum", None, enum=Role)
    documents: list[str] = _f("refs:documents", [])


@dataclass(frozen=True)
class Membership:
    state: str = _f("ref:states")
    organisation: str = _f("ref:organisations")
    role: Role = _f("enum", enum=Role)
    start: dt.date = _f("date")
    sources: list[str] = _f("sources")
    end: dt.date | None = _f("date", None)
    decision: str | None = _f("ref:decisions", None)
    end_decision: str | None = _f("ref:decisions", None)
    memorandum: dt.date | None = _f("date", None)

    @property
    def id(self) -> str:
        return f"{self.state}-{self.organisation}-{self.role.value}-{self.start.isoformat()}"


@dataclass(frozen=True)
class Person:
    id: str = _f("slug")
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    nationality: str | None = _f("ref:states", None)
    wikidata: str | None = _f("qid", None)
    aliases: Aliases = _f("aliases", {})


@dataclass(frozen=True)
class Tenure:
    """A term in office; ``start`` and the exclusive ``end`` may be known only to the month or
    year, or to lie between two dates (``2006-09-16/2007-08-16``, ``core/dates.py``): the day
    then lies somewhere in that period."""

    office: Office = _f("enum", enum=Office)
    person: str = _f("ref:persons")
    start: PartialDate = _f("pdate")
    sources: list[str] = _f("sources")
    end: PartialDate | None = _f("pdate", None)

    @property
    def id(self) -> str:
        return f"{self.office.value}-{self.person}-{self.start.isoformat().replace('/', '..')}"


@dataclass(frozen=True)
class Chair:
    state: str = _f("ref:states")
    start: dt.date = _f("date")
    sources: list[str] = _f("sources")
    end: dt.date | None = _f("date", None)

    @property
    def id(self) -> str:
        return f"{self.state}-{self.start.isoformat()}"


@dataclass(frozen=True)
class Principle:
    id: str = _f("slug")
    scheme: Scheme = _f("enum", enum=Scheme)
    labels: Labels = _f("labels")
    sources: list[str] = _f("sources")
    broader: str | None = _f("ref:principles", None)
    definition: Labels = _f("texts", {})
    documents: list[str] = _f("refs:documents", [])


@dataclass(frozen=True)
class Article:
    id: str = _f("slug")
    source: str = _f("ref:sources")
    interviewee: list[str] = _f("refs:persons", [])
    interviewer: list[str] = _f("refs:persons", [])
    about: list[str] = _f("refs:summits", [])
    ideas: list[str] = _f("refs:principles", [])
    mentions: list[str] = _f("mentions", [])


@dataclass(frozen=True)
class Delegation:
    """Who headed a state's delegation at a summit, and in which office."""

    meeting: str = _f("ref:summits")
    state: str = _f("ref:states")
    person: str = _f("ref:persons")
    position: Position = _f("enum", enum=Position)
    sources: list[str] = _f("sources")

    @property
    def id(self) -> str:
        return f"{self.meeting}-{self.state}"


@dataclass(frozen=True)
class Seat:
    """Where a body sits, or was to sit, and from when: the RATS was to sit in Bishkek and was
    set up in Tashkent. ``planned`` marks a seat decided but never taken up."""

    organisation: str = _f("ref:organisations")
    city: str = _f("ref:places")
    start: PartialDate = _f("pdate")
    sources: list[str] = _f("sources")
    end: PartialDate | None = _f("pdate", None)
    planned: bool = _f("bool", False)

    @property
    def id(self) -> str:
        return f"{self.organisation}-{self.city}"


@dataclass(frozen=True)
class Exercise:
    """A joint exercise ("Peace Mission"): the whole window its sources give, first and last day."""

    id: str = _f("slug")
    labels: Labels = _f("labels")
    start: dt.date = _f("date")
    end: dt.date = _f("date")
    hosts: list[str] = _f("refs:states")
    participants: list[str] = _f("refs:states")
    sources: list[str] = _f("sources")
    places: list[str] = _f("refs:places", [])
    site: Labels = _f("texts", {})
    wikidata: str | None = _f("qid", None)


@dataclass(frozen=True)
class Application:
    """A state's application for a status, as its sources report it; ``sought`` is left out
    where they do not say which status, ``granted`` names the status granted in the end."""

    state: str = _f("ref:states")
    applied: PartialDate = _f("pdate")
    outcome: Outcome = _f("enum", enum=Outcome)
    sources: list[str] = _f("sources")
    sought: Role | None = _f("enum", None, enum=Role)
    granted: Role | None = _f("enum", None, enum=Role)

    @property
    def id(self) -> str:
        return f"{self.state}-{self.sought.value if self.sought else 'status'}-{self.applied.isoformat().replace('/', '..')}"


# Section name -> (record type, field that identifies a record).
@dataclass(frozen=True)
class WikidataFacts:
    """Facts about one entity fetched from Wikidata (``sco-kg wikidata enrich`` writes these);
    item fields map QIDs to English labels."""

    entity: str = _f("entityref")
    item: str = _f("qid")
    retrieved: dt.date = _f("date")
    sources: list[str] = _f("sources")
    capital: dict[str, str] = _f("items", {})
    languages: dict[str, str] = _f("items", {})
    head_of_state: dict[str, str] = _f("items", {})
    head_of_government: dict[str, str] = _f("items", {})
    population: int | None = _f("int", None)
    population_date: str | None = _f("loose_date", None)
    area_km2: float | None = _f("number", None)
    latitude: float | None = _f("latitude", None)
    longitude: float | None = _f("longitude", None)


SECTIONS: dict[str, tuple[type, str]] = {
    "sources": (Source, "id"),
    "places": (Place, "id"),
    "states": (State, "iso3"),
    "organisations": (Organisation, "id"),
    "change_events": (ChangeEvent, "id"),
    "summits": (Summit, "id"),
    "meetings": (Meeting, "id"),
    "documents": (Document, "id"),
    "decisions": (Decision, "id"),
    "memberships": (Membership, "id"),
    "persons": (Person, "id"),
    "tenures": (Tenure, "id"),
    "chairs": (Chair, "id"),
    "delegations": (Delegation, "id"),
    "seats": (Seat, "id"),
    "exercises": (Exercise, "id"),
    "applications": (Application, "id"),
    "principles": (Principle, "id"),
    "articles": (Article, "id"),
    "wikidata_facts": (WikidataFacts, "entity"),
}
