"""IRIs, minted here only, from stable keys (ISO codes, slugs, dates), never from labels.

A published IRI never changes: rename a label freely, but never a key.
"""

from __future__ import annotations

import datetime as dt

from rdflib import URIRef

from ..core.dates import PartialDate
from ..core.keys import Office, Position, Role, SourceKind
from ..core.vocab import ID, WD

_OFFICE_BODY = {Office.SECRETARY_GENERAL: "secretariat", Office.RATS_DIRECTOR: "rats-ec"}


def state(iso3: str) -> URIRef:
    return ID[f"state/{iso3}"]


def organisation(key: str) -> URIRef:
    return ID[f"org/{key}"]


def place(key: str) -> URIRef:
    return ID[f"place/{key}"]


def person(key: str) -> URIRef:
    return ID[f"person/{key}"]


def summit(key: str) -> URIRef:
    return ID[f"summit/{key}"]


def meeting(key: str) -> URIRef:
    return ID[f"meeting/{key}"]


def decision(key: str) -> URIRef:
    return ID[f"decision/{key}"]


def document(key: str) -> URIRef:
    return ID[f"document/{key}"]


def signing(document_key: str) -> URIRef:
    return ID[f"signing/{document_key}"]


def change_event(key: str) -> URIRef:
    return ID[f"change/{key}"]


def principle(key: str) -> URIRef:
    return ID[f"principle/{key}"]


def source(key: str) -> URIRef:
    return ID[f"source/{key}"]


def source_kind(key: SourceKind) -> URIRef:
    return ID[f"source-kind/{key.value}"]


def seat(key: str) -> URIRef:
    return ID[f"seat/{key}"]


def exercise(key: str) -> URIRef:
    return ID[f"exercise/{key}"]


def application(key: str) -> URIRef:
    return ID[f"application/{key}"]


def interview(article_key: str) -> URIRef:
    return ID[f"interview/{article_key}"]


def membership(key: str) -> URIRef:
    return ID[f"membership/{key}"]


def tenure(key: str) -> URIRef:
    return ID[f"tenure/{key}"]


def chairmanship(key: str) -> URIRef:
    return ID[f"chair/{key}"]


def delegation(key: str) -> URIRef:
    return ID[f"delegation/{key}"]


def position(key: Position) -> URIRef:
    return ID[f"position/{key.value}"]


def role(key: Role | Office | str) -> URIRef:
    value = key.value if isinstance(key, (Role, Office)) else key
    return ID[f"role/{value}"]


def post(key: Office | str) -> URIRef:
    value = key.value if isinstance(key, Office) else key
    return ID[f"post/{value}"]


def office_body(key: Office) -> str:
    """The body an office belongs to (its org:postIn)."""
    return _OFFICE_BODY[key]


def scheme(key: str) -> URIRef:
    return ID[f"scheme/{key}"]


def instant(day: dt.date | PartialDate) -> URIRef:
    """An instant, by its date at its own precision (``instant/2004`` for a year,
    ``instant/2006-09-16..2007-08-16`` for a span)."""
    return ID[f"instant/{_key(day)}"]


def interval(start: dt.date | PartialDate, end: dt.date | PartialDate | None) -> URIRef:
    return ID[f"interval/{_key(start)}--{_key(end) if end else 'open'}"]


def _key(day: dt.date | PartialDate) -> str:
    return day.isoformat().replace("/", "..")


def graph(file_stem: str) -> URIRef:
    """The named graph holding the triples of one source file."""
    return ID[f"graph/{file_stem}"]


ONTOLOGY_GRAPH = ID["graph/ontology"]
TIME_GRAPH = ID["graph/time"]


def wikidata(qid: str) -> URIRef:
    return WD[qid]


def geo(entity_ref: str) -> URIRef:
    """The coordinates node of an entity named ``kind:key`` (facts fetched from Wikidata)."""
    kind, _, key = entity_ref.partition(":")
    return ID[f"geo/{kind}/{key}"]
