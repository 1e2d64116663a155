"""Turn loaded source records into an rdflib Dataset, one named graph per source file.

The output is reproducible: no clock, sorted serialisations, same input same bytes. A build is
published into its folder as one step (``output``), so a failed build leaves the previous output
untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..core.dates import PartialDate, Precision
from ..core.errors import ValidationError
from ..core.keys import MEETING_BODY_UNIT, ROLE_LABELS, MeetingFormat, Office, OrgKind, Scheme
from ..core.paths import BUILD_BASENAME, ONTOLOGY_FILE, default_build_dir
from ..core.vocab import (
    DCTERMS,
    DECISION_CLASS,
    DOCUMENT_CLASS,
    MEETING_CLASS,
    ORG,
    PREFIXES,
    PROV,
    SCHEMA,
    SCO,
    SKOS,
    SUMMIT_CLASS,
    TIME,
    bind_prefixes,
)
from . import iris
from .load import Sources, check_shrink, load_sources, previous_counts
from .output import locked, publish
from .records import (
    Article,
    Chair,
    ChangeEvent,
    Delegation,
    Decision,
    Document,
    Meeting,
    Membership,
    Organisation,
    Person,
    Place,
    Principle,
    Seat,
    Exercise,
    Application,
    Source,
    State,
    Summit,
    Tenure,
    WikidataFacts,
)


class _Writer:
    """Adds the triples of one source file to its named graph."""

    def __init__(self, graph: Graph, sources: Sources, time_graph: Graph) -> None:
        self.g = graph
        self.sources = sources
        self.time = time_graph

    def add(self, s: URIRef, p: URIRef, o: Node | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def labels(self, s: URIRef, labels: dict[str, str], aliases: dict[str, list[str]] | None = None) -> None:
        for lang, text in labels.items():
            self.g.add((s, RDFS.label, Literal(text, lang=lang)))
        for lang, names in (aliases or {}).items():
            for name in names:
                self.g.add((s, SKOS.altLabel, Literal(name, lang=lang)))

    def cites(self, s: URIRef, source_ids: Iterable[str]) -> None:
        for key in source_ids:
            self.g.add((s, PROV.wasDerivedFrom, iris.source(key)))

    def wikidata(self, s: URIRef, qid: str | None) -> None:
        if qid:
            self.g.add((s, SKOS.exactMatch, iris.wikidata(qid)))

    def interval(self, s: URIRef, start: dt.date | PartialDate, end: dt.date | PartialDate | None,
                 prop: URIRef = ORG.memberDuring) -> None:
        """The OWL-Time interval of a status or term. An instant known only to a month or year
        says so (``time:inXSDgYearMonth``, ``time:inXSDgYear``) and one known only to lie between
        two dates has no date of its own; every instant carries the first and last day it can be
        (``sco:earliest``, ``sco:latest``), so that dated questions can tell "held" from
        "unknown"."""
        node = iris.interval(start, end)
        self.g.add((s, prop, node))
        self.time.add((node, RDF.type, TIME.Interval))
        for edge, when in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
            if when is not None:
                when = when if isinstance(when, PartialDate) else PartialDate.of(when)
                inst = iris.instant(when)
                self.time.add((node, edge, inst))
                self.time.add((inst, RDF.type, TIME.Instant))
                if when.precision in _INSTANT_PROPERTY:
                    self.time.add((inst, _INSTANT_PROPERTY[when.precision], _partial(when)))
                self.time.add((inst, SCO.earliest, _date(when.earliest)))
                self.time.add((inst, SCO.latest, _date(when.latest)))

    def label_of(self, section: str, key: str) -> str:
        return self.sources[section][key].labels["en"]


def _date(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


_INSTANT_PROPERTY = {Precision.DAY: TIME.inXSDDate, Precision.MONTH: TIME.inXSDgYearMonth,
                     Precision.YEAR: TIME.inXSDgYear}


def _partial(when: PartialDate) -> Literal:
    """The date at its own precision: xsd:date, xsd:gYearMonth or xsd:gYear, or the span
    ``A/B`` as text."""
    if when.precision is Precision.BETWEEN:
        return Literal(when.isoformat())
    return _loose_date(when.isoformat())


def _loose_date(text: str) -> Literal:
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(text)]
    return Literal(text, datatype=datatype)


def _source(w: _Writer, rec: Source) -> None:
    s = iris.source(rec.id)
    w.add(s, RDF.type, DCTERMS.BibliographicResource)
    w.add(s, RDF.type, PROV.Entity)
    w.add(s, DCTERMS.title, Literal(rec.title))
    w.add(s, DCTERMS.publisher, Literal(rec.publisher))
    w.add(s, SCHEMA.url, URIRef(rec.url))
    w.add(s, DCTERMS.date, _loose_date(rec.date))
    w.add(s, SCO.sourceKind, iris.source_kind(rec.kind))
    w.add(s, DCTERMS.language, Literal(rec.language) if rec.language else None)
    w.add(s, SCO.quote, Literal(rec.quote) if rec.quote else None)


def _place(w: _Writer, rec: Place) -> None:
    s = iris.place(rec.id)
    w.add(s, RDF.type, SCHEMA.City)
    w.labels(s, rec.labels, rec.aliases)
    w.add(s, SCHEMA.containedInPlace, iris.state(rec.country))
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


def _state(w: _Writer, rec: State) -> None:
    s = iris.state(rec.iso3)
    w.add(s, RDF.type, SCO.State)
    w.labels(s, rec.labels, rec.aliases)
    w.add(s, SCO.isoAlpha2, Literal(rec.iso2))
    w.add(s, SCO.isoAlpha3, Literal(rec.iso3))
    w.add(s, SKOS.notation, Literal(rec.iso3))
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


def _organisation(w: _Writer, rec: Organisation) -> None:
    s = iris.organisation(rec.id)
    w.add(s, RDF.type, ORG.FormalOrganization if rec.kind is OrgKind.ORGANISATION else ORG.OrganizationalUnit)
    w.labels(s, rec.labels, rec.aliases)
    w.add(s, SKOS.notation, Literal(rec.id))
    if rec.parent:
        w.add(s, ORG.unitOf, iris.organisation(rec.parent))
        w.add(iris.organisation(rec.parent), ORG.hasUnit, s)
    w.add(s, SCO.seat, iris.place(rec.seat) if rec.seat else None)
    w.add(s, SCHEMA.foundingDate, _partial(rec.founded) if rec.founded else None)
    w.add(s, SCHEMA.dissolutionDate, _date(rec.dissolved) if rec.dissolved else None)
    for lang in rec.languages:
        w.add(s, SCHEMA.knowsLanguage, Literal(lang))
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


def _change_event(w: _Writer, rec: ChangeEvent) -> None:
    s = iris.change_event(rec.id)
    w.add(s, RDF.type, ORG.ChangeEvent)
    w.labels(s, rec.labels)
    w.add(s, ORG.originalOrganization, iris.organisation(rec.from_))
    w.add(s, ORG.resultingOrganization, iris.organisation(rec.to))
    w.add(iris.organisation(rec.from_), ORG.changedBy, s)
    w.add(iris.organisation(rec.to), ORG.resultedFrom, s)
    w.add(s, SCHEMA.startDate, _date(rec.date))
    w.add(s, SCHEMA.superEvent, iris.summit(rec.summit) if rec.summit else None)
    w.cites(s, rec.sources)


def _summit(w: _Writer, rec: Summit) -> None:
    organiser = "chs" if rec.series.value == "sco" else "shanghai-five"
    _gathering(w, iris.summit(rec.id), SUMMIT_CLASS[rec.series], rec,
               organiser if organiser in w.sources["organisations"] else None, rec.online)


def _meeting(w: _Writer, rec: Meeting) -> None:
    _gathering(w, iris.meeting(rec.id), MEETING_CLASS[rec.body], rec, MEETING_BODY_UNIT[rec.body],
               rec.format is MeetingFormat.VIDEO)


def _gathering(w: _Writer, s: URIRef, klass: URIRef, rec: Summit | Meeting, organiser: str | None,
               online: bool) -> None:
    """A summit or council meeting: one shape (dates, place, host, ordinal, the body that met as
    organizer, a video link), since summits are the heads-of-state kind of meeting."""
    w.add(s, RDF.type, klass)
    w.labels(s, rec.labels)
    w.add(s, SCHEMA.startDate, _date(rec.start))
    w.add(s, SCHEMA.endDate, _date(rec.end))
    w.add(s, SCHEMA.location, iris.place(rec.city) if rec.city else None)
    w.add(s, SCO.host, iris.state(rec.host))
    w.add(s, SCO.ordinal, Literal(rec.ordinal) if rec.ordinal is not None else None)
    w.add(s, SCHEMA.organizer, iris.organisation(organiser) if organiser else None)
    if online:
        w.add(s, SCHEMA.eventAttendanceMode, SCHEMA.OnlineEventAttendanceMode)
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


def _document(w: _Writer, rec: Document) -> None:
    s = iris.document(rec.id)
    w.add(s, RDF.type, DOCUMENT_CLASS[rec.kind])
    w.labels(s, rec.labels)
    w.add(s, SCO.signedOn, _date(rec.signed))
    w.add(s, SCO.inForceFrom, _date(rec.in_force) if rec.in_force else None)
    w.add(s, SCHEMA.locationCreated, iris.place(rec.place) if rec.place else None)
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)
    e = iris.signing(rec.id)
    w.add(e, RDF.type, SCO.DocumentSigning)
    w.add(e, RDFS.label, Literal(f"Signing of the {rec.labels['en']}", lang="en"))
    w.add(e, SCO.signingOf, s)
    w.add(e, SCHEMA.startDate, _date(rec.signed))
    w.add(e, SCHEMA.location, iris.place(rec.place) if rec.place else None)
    w.add(e, SCHEMA.superEvent, iris.summit(rec.summit) if rec.summit else None)
    w.cites(e, rec.sources)


def _decision(w: _Writer, rec: Decision) -> None:
    s = iris.decision(rec.id)
    w.add(s, RDF.type, DECISION_CLASS[rec.kind])
    w.labels(s, rec.labels)
    w.add(s, SCHEMA.startDate, _date(rec.date))
    w.add(s, SCHEMA.superEvent, iris.summit(rec.summit) if rec.summit else None)
    for iso3 in rec.states:
        w.add(s, SCO.concernsState, iris.state(iso3))
    w.add(s, SCO.grantsRole, iris.role(rec.role) if rec.role else None)
    for doc in rec.documents:
        w.add(s, SCO.adopts, iris.document(doc))
    w.cites(s, rec.sources)


def _membership(w: _Writer, rec: Membership) -> None:
    s = iris.membership(rec.id)
    w.add(s, RDF.type, SCO.StatusMembership)
    state, org = w.label_of("states", rec.state), w.label_of("organisations", rec.organisation)
    w.add(s, RDFS.label, Literal(f"{state}, {ROLE_LABELS[rec.role.value]} of the {org}", lang="en"))
    w.add(s, ORG.member, iris.state(rec.state))
    w.add(s, ORG.organization, iris.organisation(rec.organisation))
    w.add(s, ORG.role, iris.role(rec.role))
    w.interval(s, rec.start, rec.end)
    w.add(s, SCO.grantedBy, iris.decision(rec.decision) if rec.decision else None)
    w.add(s, SCO.endedBy, iris.decision(rec.end_decision) if rec.end_decision else None)
    w.add(s, SCO.memorandumDate, _date(rec.memorandum) if rec.memorandum else None)
    w.cites(s, rec.sources)


def _person(w: _Writer, rec: Person) -> None:
    s = iris.person(rec.id)
    w.add(s, RDF.type, SCHEMA.Person)
    w.labels(s, rec.labels, rec.aliases)
    w.add(s, SCHEMA.nationality, iris.state(rec.nationality) if rec.nationality else None)
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


_OFFICE_EN = {Office.SECRETARY_GENERAL: "Secretary-General of the SCO",
              Office.RATS_DIRECTOR: "Director of the RATS Executive Committee"}


def _post(w: _Writer, key: str, body: str, label: str) -> URIRef:
    p = iris.post(key)
    w.add(p, RDF.type, ORG.Post)
    w.add(p, RDFS.label, Literal(label, lang="en"))
    w.add(p, ORG.postIn, iris.organisation(body))
    w.add(p, ORG.role, iris.role(key))
    return p


def _tenure(w: _Writer, rec: Tenure) -> None:
    s = iris.tenure(rec.id)
    body = iris.office_body(rec.office)
    post = _post(w, rec.office.value, body, _OFFICE_EN[rec.office])
    w.add(s, RDF.type, SCO.Tenure)
    w.add(s, RDFS.label, Literal(f"{w.label_of('persons', rec.person)}, {_OFFICE_EN[rec.office]}", lang="en"))
    w.add(s, ORG.member, iris.person(rec.person))
    w.add(s, ORG.organization, iris.organisation(body))
    w.add(s, ORG.role, iris.role(rec.office))
    w.add(s, SCO.post, post)
    w.add(iris.person(rec.person), ORG.holds, post)
    w.interval(s, rec.start, rec.end)
    w.cites(s, rec.sources)


def _chair(w: _Writer, rec: Chair) -> None:
    s = iris.chairmanship(rec.id)
    post = _post(w, "chair", "sco", "Chair of the SCO")
    w.add(s, RDF.type, SCO.Chairmanship)
    w.add(s, RDFS.label, Literal(f"{w.label_of('states', rec.state)}, chair of the SCO", lang="en"))
    w.add(s, ORG.member, iris.state(rec.state))
    w.add(s, ORG.organization, iris.organisation("sco"))
    w.add(s, ORG.role, iris.role("chair"))
    w.add(s, SCO.post, post)
    w.interval(s, rec.start, rec.end)
    w.cites(s, rec.sources)


def _delegation(w: _Writer, rec: Delegation) -> None:
    """Who headed a state's delegation at a meeting: a node, so that it can carry its position
    and its own sources."""
    s = iris.delegation(rec.id)
    w.add(s, RDF.type, SCO.Delegation)
    meeting = w.label_of("summits", rec.meeting)
    w.add(s, RDFS.label, Literal(f"{w.label_of('states', rec.state)}'s delegation at the {meeting}", lang="en"))
    w.add(s, SCO.atMeeting, iris.summit(rec.meeting))
    w.add(s, SCO.delegationOf, iris.state(rec.state))
    w.add(s, SCO.headOfDelegation, iris.person(rec.person))
    w.add(s, SCO.position, iris.position(rec.position))
    w.cites(s, rec.sources)


def _seat(w: _Writer, rec: Seat) -> None:
    """A body's seat over time: a node with the city and an OWL-Time interval, so that the
    planned seat and the seat taken up can both be kept, each dated and sourced."""
    s = iris.seat(rec.id)
    w.add(s, RDF.type, SCO.SeatAssignment)
    body, city = w.label_of("organisations", rec.organisation), w.label_of("places", rec.city)
    w.add(s, RDFS.label, Literal(f"{body}, {'planned seat' if rec.planned else 'seat'} in {city}", lang="en"))
    w.add(s, SCO.seatOf, iris.organisation(rec.organisation))
    w.add(s, SCHEMA.location, iris.place(rec.city))
    if rec.planned:
        w.add(s, SCO.planned, Literal(True))
    w.interval(s, rec.start, rec.end, prop=SCO.during)
    w.cites(s, rec.sources)


def _exercise(w: _Writer, rec: Exercise) -> None:
    s = iris.exercise(rec.id)
    w.add(s, RDF.type, SCO.Exercise)
    w.labels(s, rec.labels)
    w.add(s, SCHEMA.startDate, _date(rec.start))
    w.add(s, SCHEMA.endDate, _date(rec.end))
    for iso3 in rec.hosts:
        w.add(s, SCO.host, iris.state(iso3))
    for iso3 in rec.participants:
        w.add(s, SCO.participant, iris.state(iso3))
    for key in rec.places:
        w.add(s, SCHEMA.location, iris.place(key))
    for lang, text in rec.site.items():
        w.add(s, SCO.site, Literal(text, lang=lang))
    w.wikidata(s, rec.wikidata)
    w.cites(s, rec.sources)


def _application(w: _Writer, rec: Application) -> None:
    s = iris.application(rec.id)
    w.add(s, RDF.type, SCO.Application)
    state = w.label_of("states", rec.state)
    sought = f"for {ROLE_LABELS[rec.sought.value]} status" if rec.sought else "to join the work of the SCO"
    w.add(s, RDFS.label, Literal(f"{state}'s application {sought} ({rec.applied.isoformat()})", lang="en"))
    w.add(s, SCO.applicant, iris.state(rec.state))
    w.add(s, SCO.seeks, iris.role(rec.sought) if rec.sought else None)
    w.add(s, SCO.appliedOn, _partial(rec.applied))
    w.add(s, SCO.outcome, Literal(rec.outcome.value))
    w.add(s, SCO.resultedIn, iris.role(rec.granted) if rec.granted else None)
    w.cites(s, rec.sources)


def _principle(w: _Writer, rec: Principle) -> None:
    s = iris.principle(rec.id)
    w.add(s, RDF.type, SCO.Principle if rec.scheme is Scheme.PRINCIPLES else SCO.Idea)
    w.add(s, RDF.type, SKOS.Concept)
    w.add(s, SKOS.inScheme, iris.scheme(rec.scheme.value))
    w.labels(s, rec.labels)
    for lang, text in rec.labels.items():
        w.add(s, SKOS.prefLabel, Literal(text, lang=lang))
    if rec.broader:
        w.add(s, SKOS.broader, iris.principle(rec.broader))
        w.add(iris.principle(rec.broader), SKOS.narrower, s)
    for lang, text in rec.definition.items():
        w.add(s, SKOS.definition, Literal(text, lang=lang))
    for doc in rec.documents:
        w.add(s, SCO.setOutIn, iris.document(doc))
    w.cites(s, rec.sources)


def _article(w: _Writer, rec: Article) -> None:
    a = iris.source(rec.source)
    w.add(a, RDF.type, SCHEMA.NewsArticle)
    for key in rec.about:
        w.add(a, SCHEMA.about, iris.summit(key))
    for key in rec.ideas:
        w.add(a, SCHEMA.mentions, iris.principle(key))
    for ref in rec.mentions:
        kind, _, key = ref.partition(":")
        w.add(a, SCHEMA.mentions, getattr(iris, kind)(key))
    if rec.interviewee or rec.interviewer:
        e = iris.interview(rec.id)
        w.add(e, RDF.type, SCO.Interview)
        names = ", ".join(w.label_of("persons", p) for p in rec.interviewee)
        w.add(e, RDFS.label, Literal(f"Interview of {names}" if names else "Interview", lang="en"))
        w.add(e, SCHEMA.recordedIn, a)
        for key in rec.interviewee:
            w.add(e, SCO.interviewee, iris.person(key))
            w.add(a, SCHEMA.mentions, iris.person(key))
        for key in rec.interviewer:
            w.add(e, SCO.interviewer, iris.person(key))
        w.cites(e, [rec.source])


def _wikidata_facts(w: _Writer, rec: WikidataFacts) -> None:
    kind, _, key = rec.entity.partition(":")
    s = getattr(iris, kind)(key)
    for prop, items in ((SCO.capital, rec.capital), (SCO.officialLanguage, rec.languages),
                        (SCO.headOfState, rec.head_of_state), (SCO.headOfGovernment, rec.head_of_government)):
        for qid, label in items.items():
            w.add(s, prop, iris.wikidata(qid))
            w.add(iris.wikidata(qid), RDFS.label, Literal(label, lang="en"))
    w.add(s, SCO.population, Literal(rec.population) if rec.population is not None else None)
    w.add(s, SCO.populationDate, _loose_date(rec.population_date) if rec.population_date else None)
    w.add(s, SCO.areaKm2, Literal(Decimal(str(rec.area_km2))) if rec.area_km2 is not None else None)
    if rec.latitude is not None and rec.longitude is not None:
        geo = iris.geo(rec.entity)
        w.add(s, SCHEMA.geo, geo)
        w.add(geo, RDF.type, SCHEMA.GeoCoordinates)
        w.add(geo, SCHEMA.latitude, Literal(Decimal(str(rec.latitude))))
        w.add(geo, SCHEMA.longitude, Literal(Decimal(str(rec.longitude))))
    w.add(s, SCO.retrievedOn, _date(rec.retrieved))
    w.cites(s, rec.sources)


_EMITTERS = {
    "sources": _source, "places": _place, "states": _state, "organisations": _organisation,
    "change_events": _change_event, "summits": _summit, "meetings": _meeting, "documents": _document,
    "decisions": _decision, "memberships": _membership, "persons": _person, "tenures": _tenure,
    "chairs": _chair, "delegations": _delegation, "seats": _seat, "exercises": _exercise,
    "applications": _application, "principles": _principle, "articles": _article, "wikidata_facts": _wikidata_facts,
}


def build_dataset(sources: Sources | None = None) -> Dataset:
    """The whole knowledge graph: the ontology, one named graph per source file, and the
    OWL-Time intervals and instants that facts of several files share (so that every triple
    sits in exactly one graph and union queries see no duplicates).

    >>> ds = build_dataset()
    >>> len(ds) > 1000
    True
    """
    sources = sources if sources is not None else load_sources()
    ds = bind_prefixes(Dataset())
    ds.graph(iris.ONTOLOGY_GRAPH).parse(ONTOLOGY_FILE, format="turtle")
    time_graph = ds.graph(iris.TIME_GRAPH)
    for section, emit in _EMITTERS.items():
        for key, record in sources[section].items():
            graph = ds.graph(iris.graph(sources.origin(section, key).file.stem))
            emit(_Writer(graph, sources, time_graph), record)
    return ds


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, with the manifest it recorded and the seconds each step took
    (``load``, ``dataset``, ``nquads``, ``checks``, ``serialise``, ``shacl``, ``write``), so a
    benchmark can tell which step grows with the data. SHACL runs in a child process while the
    steps between run here, so ``shacl`` is the time left to wait for it after them."""

    out_dir: Path
    files: list[Path]
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)


def manifest(ds: Dataset, sources: Sources) -> dict:
    """Counts by class, by named graph and by cited source, plus hashes of every input."""
    classes = Counter(str(o) for _, _, o, _ in ds.quads((None, RDF.type, None, None)))
    graphs = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    cited = Counter(str(o) for _, _, o, _ in ds.quads((None, PROV.wasDerivedFrom, None, None)))
    inputs = dict(sources.hashes)
    inputs[ONTOLOGY_FILE.name] = hashlib.sha256(ONTOLOGY_FILE.read_bytes()).hexdigest()
    return {
        "triples": sum(graphs.values()),
        "graphs": dict(sorted(graphs.items())),
        "classes": dict(sorted(classes.items())),
        "facts_per_source": dict(sorted(cited.items())),
        "inputs": dict(sorted(inputs.items())),
        "records": sources.counts(),
    }


def _nquads_sorted(ds: Dataset) -> str:
    lines = {line for line in ds.serialize(format="nquads").splitlines() if line.strip()}
    return "\n".join(sorted(lines)) + "\n"


def _ntriples_from_nquads(nquads: str) -> str:
    """The union graph as sorted N-Triples: each quad line without its graph IRI, deduplicated."""
    lines = {line.rsplit(" ", 2)[0] + " ." for line in nquads.splitlines() if line}
    return "\n".join(sorted(lines)) + "\n"


# The prefixes written into Turtle and TriG. ``scoid`` is left out: every local name under it
# holds a slash, which Turtle can only write escaped (``scoid:state\/IND``), so full IRIs read better.
_WRITTEN_PREFIXES = {name: str(ns) for name, ns in sorted(PREFIXES.items()) if name != "scoid"}


_OX_TYPE = ox.NamedNode(str(RDF.type))


def _triple_key(triple: ox.Triple) -> tuple[str, bool, str, str]:
    """Subjects in IRI order, each with its types first, then predicates and objects in order."""
    return (str(triple.subject), triple.predicate != _OX_TYPE, str(triple.predicate), str(triple.object))


def _written(terms: Iterable, fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> str:
    """The serialisation with its ``@prefix`` lines sorted (the writer keeps them in no fixed
    order) and a blank line after them."""
    text = ox.serialize(terms, format=fmt, prefixes=prefixes).decode("utf-8")
    if not prefixes:
        return text
    lines = text.split("\n")
    head = 0
    while head < len(lines) and lines[head].startswith("@prefix "):
        head += 1
    return "\n".join(sorted(lines[:head])) + "\n\n" + "\n".join(lines[head:])


def serialise(ds: Dataset, nquads: str | None = None) -> dict[str, str]:
    """Every output format as text, deterministic: graphs, subjects, predicates and objects in
    order. rdflib builds the dataset; pyoxigraph writes it (its writers took 0.1 s where rdflib's
    took 2.6 s on the real graph), from the sorted N-Quads that are one of the outputs anyway."""
    nq = nquads if nquads is not None else _nquads_sorted(ds)
    quads = sorted(ox.parse(nq, format=ox.RdfFormat.N_QUADS),
                   key=lambda q: (str(q.graph_name), *_triple_key(q.triple)))
    triples = sorted({q.triple for q in quads}, key=_triple_key)
    jsonld = json.loads(_written(quads, ox.RdfFormat.JSON_LD))
    return {
        "trig": _written(quads, ox.RdfFormat.TRIG, _WRITTEN_PREFIXES),
        "ttl": _written(triples, ox.RdfFormat.TURTLE, _WRITTEN_PREFIXES),
        "nt": _ntriples_from_nquads(nq),
        "nq": nq,
        "jsonld": json.dumps(jsonld, indent=1, ensure_ascii=False) + "\n",
    }


def build(source_paths: Iterable[Path] | None = None, out_dir: Path | None = None,
          validate: bool = True, allow_shrink: bool = False) -> BuildResult:
    """Load, build, validate and write the graph; nothing is written unless every step passes.
    A source file that lost more than half of a section's records since the build in
    ``out_dir`` is refused unless ``allow_shrink``.

    >>> import tempfile, pathlib
    >>> result = build(out_dir=pathlib.Path(tempfile.mkdtemp()))
    >>> sorted(p.suffix for p in result.files)
    ['.json', '.jsonld', '.nq', '.nt', '.trig', '.ttl']
    """
    clock = _Clock()
    sources = load_sources(source_paths)
    clock.lap("load")
    out = Path(out_dir) if out_dir is not None else default_build_dir()
    with locked(out):
        if not allow_shrink:
            check_shrink(sources, previous_counts(out / "manifest.json"))
        ds = build_dataset(sources)
        clock.lap("dataset")
        from .validate import BackgroundShacl, check_violations, oxigraph_store

        shacl = BackgroundShacl(ds) if validate else None
        try:
            nquads = _nquads_sorted(ds)
            clock.lap("nquads")
            checked = check_violations(oxigraph_store(nquads)) if validate else []
            clock.lap("checks")
            texts = serialise(ds, nquads)
            info = manifest(ds, sources)
            clock.lap("serialise")
            violations = (shacl.result() if shacl is not None else []) + checked
            clock.lap("shacl")
        finally:
            if shacl is not None:
                shacl.close()
        if violations:
            raise ValidationError(violations)
        files = {f"{BUILD_BASENAME}.{ext}": text for ext, text in texts.items()}
        files["manifest.json"] = json.dumps(info, indent=1, sort_keys=True) + "\n"
        paths = publish(out, files)
        clock.lap("write")
    return BuildResult(out, sorted(paths), info, clock.laps)


class _Clock:
    """Seconds between successive laps, by name."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
