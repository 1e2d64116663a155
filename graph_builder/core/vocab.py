"""Namespaces, the closed ``SCO`` term list and the controlled values, each defined once.

``SCO`` fails on a misspelt term; a test keeps it equal to the terms ``ontology/sco.ttl``
defines. ``schema:`` is ``http://schema.org/``, as Wikidata uses it.
"""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .keys import DecisionKind, DocumentKind, MeetingBody, SummitSeries

G = TypeVar("G", bound=Graph)

BASE = "https://w3id.org/sco-kg/"
ID = Namespace(BASE + "id/")
ONTOLOGY_IRI = URIRef(BASE + "ontology")

ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("http://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
WD = Namespace("http://www.wikidata.org/entity/")


class SCO(DefinedNamespace):
    """The project's own terms (``https://w3id.org/sco-kg/ontology#``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    State: URIRef
    StatusMembership: URIRef
    Tenure: URIRef
    Chairmanship: URIRef
    Meeting: URIRef
    Summit: URIRef
    ShanghaiFiveMeeting: URIRef
    HeadsOfStateSummit: URIRef
    HeadsOfGovernmentMeeting: URIRef
    ForeignMinistersMeeting: URIRef
    Decision: URIRef
    AdmissionDecision: URIRef
    StatusGrantDecision: URIRef
    AccessionStartDecision: URIRef
    MemorandumSigning: URIRef
    ReformDecision: URIRef
    Document: URIRef
    Charter: URIRef
    Declaration: URIRef
    Treaty: URIRef
    Convention: URIRef
    Agreement: URIRef
    Statement: URIRef
    Strategy: URIRef
    Regulation: URIRef
    Memorandum: URIRef
    DocumentSigning: URIRef
    Interview: URIRef
    Delegation: URIRef
    Position: URIRef
    Role: URIRef
    Principle: URIRef
    Idea: URIRef
    # properties
    isoAlpha2: URIRef
    isoAlpha3: URIRef
    host: URIRef
    ordinal: URIRef
    concernsState: URIRef
    grantsRole: URIRef
    adopts: URIRef
    grantedBy: URIRef
    endedBy: URIRef
    memorandumDate: URIRef
    earliest: URIRef
    sourceKind: URIRef
    SourceKind: URIRef
    latest: URIRef
    post: URIRef
    seat: URIRef
    signedOn: URIRef
    inForceFrom: URIRef
    signingOf: URIRef
    setOutIn: URIRef
    interviewee: URIRef
    interviewer: URIRef
    capital: URIRef
    population: URIRef
    populationDate: URIRef
    areaKm2: URIRef
    officialLanguage: URIRef
    headOfState: URIRef
    headOfGovernment: URIRef
    retrievedOn: URIRef
    quote: URIRef
    atMeeting: URIRef
    delegationOf: URIRef
    headOfDelegation: URIRef
    position: URIRef
    Exercise: URIRef
    participant: URIRef
    site: URIRef
    SeatAssignment: URIRef
    seatOf: URIRef
    planned: URIRef
    during: URIRef
    Application: URIRef
    applicant: URIRef
    seeks: URIRef
    appliedOn: URIRef
    outcome: URIRef
    resultedIn: URIRef


PREFIXES: dict[str, Namespace] = {
    "rdfs": Namespace("http://www.w3.org/2000/01/rdf-schema#"),
    "owl": Namespace("http://www.w3.org/2002/07/owl#"),
    "xsd": Namespace("http://www.w3.org/2001/XMLSchema#"),
    "sco": SCO._NS,
    "scoid": ID,
    "org": ORG,
    "time": TIME,
    "prov": PROV,
    "skos": SKOS,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "wd": WD,
}


def bind_prefixes(graph: G) -> G:
    """The graph (or dataset) with the project's prefixes bound, so its Turtle reads the same
    wherever it is written."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


DECISION_CLASS: dict[DecisionKind, URIRef] = {
    DecisionKind.ADMISSION: SCO.AdmissionDecision,
    DecisionKind.STATUS_GRANT: SCO.StatusGrantDecision,
    DecisionKind.ACCESSION_START: SCO.AccessionStartDecision,
    DecisionKind.MEMORANDUM: SCO.MemorandumSigning,
    DecisionKind.REFORM: SCO.ReformDecision,
}

DOCUMENT_CLASS: dict[DocumentKind, URIRef] = {
    kind: SCO[kind.value.capitalize()] for kind in DocumentKind
}

SUMMIT_CLASS: dict[SummitSeries, URIRef] = {
    SummitSeries.SCO: SCO.HeadsOfStateSummit,
    SummitSeries.SHANGHAI_FIVE: SCO.ShanghaiFiveMeeting,
}


MEETING_CLASS: dict[MeetingBody, URIRef] = {
    MeetingBody.HEADS_OF_STATE: SCO.HeadsOfStateSummit,
    MeetingBody.HEADS_OF_GOVERNMENT: SCO.HeadsOfGovernmentMeeting,
    MeetingBody.FOREIGN_MINISTERS: SCO.ForeignMinistersMeeting,
}
