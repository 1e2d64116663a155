"""Controlled values, defined once: the keys sources, queries and the CLI use.

Kept free of rdflib so that listing the query catalogue starts fast.
"""

from __future__ import annotations

from enum import Enum

LANGUAGES = ("en", "zh", "ru")

# English names of the roles and offices, as ontology/sco.ttl labels them (a test keeps them equal);
# every label, legend, tooltip and sentence takes its wording from here.
ROLE_LABELS = {
    "member": "member state",
    "observer": "observer state",
    "dialogue_partner": "dialogue partner",
    "partner": "SCO partner",
    "chair": "chair",
    "secretary_general": "Secretary-General",
    "rats_director": "Director of the RATS Executive Committee",
}


class Role(str, Enum):
    """A state's status in the organisation; the value is the key queries take and return."""

    MEMBER = "member"
    OBSERVER = "observer"
    DIALOGUE_PARTNER = "dialogue_partner"
    PARTNER = "partner"


class Office(str, Enum):
    """Offices a person holds; the value is the key queries take."""

    SECRETARY_GENERAL = "secretary_general"
    RATS_DIRECTOR = "rats_director"


class DecisionKind(str, Enum):
    """Kinds of decision, each an ontology class."""

    ADMISSION = "admission"
    STATUS_GRANT = "status_grant"
    ACCESSION_START = "accession_start"
    MEMORANDUM = "memorandum"
    REFORM = "reform"


class DocumentKind(str, Enum):
    """Kinds of document, each an ontology class."""

    CHARTER = "charter"
    DECLARATION = "declaration"
    TREATY = "treaty"
    CONVENTION = "convention"
    AGREEMENT = "agreement"
    STATEMENT = "statement"
    STRATEGY = "strategy"
    REGULATION = "regulation"
    MEMORANDUM = "memorandum"


class SourceKind(str, Enum):
    """What kind of publisher a cited page comes from; a fact resting only on mirrors is
    reported by ``sco-kg validate``. The value is the key queries return."""

    OFFICIAL = "official"              # the SCO's own sites, governments, ministries, embassies
    TREATY_ARCHIVE = "treaty_archive"  # databases of legal and treaty texts
    NEWS_AGENCY = "news_agency"        # news agencies and state broadcasters
    NEWSPAPER = "newspaper"            # newspapers, magazines and news sites with an editorial staff
    REFERENCE = "reference"            # encyclopedias, reference works, scholarship
    MIRROR = "mirror"                  # copies, aggregators, portals, blogs and other reprints


class Outcome(str, Enum):
    """What became of an application for a status, as far as the sources read say."""

    GRANTED = "granted"            # the status sought was granted
    OTHER_STATUS = "other_status"  # another status was granted instead
    NONE_FOUND = "none_found"      # no decision on it was found


class OrgKind(str, Enum):
    """An organisation proper or one of its bodies."""

    ORGANISATION = "organisation"
    BODY = "body"


class SummitSeries(str, Enum):
    """Shanghai Five meetings or SCO Council of Heads of State meetings."""

    SCO = "sco"
    SHANGHAI_FIVE = "shanghai-five"


class MeetingBody(str, Enum):
    """The council that met; Shanghai Five meetings and Council of Heads of State summits are
    the heads_of_state kind (``summits``), the others are ``meetings`` records."""

    HEADS_OF_STATE = "heads_of_state"
    HEADS_OF_GOVERNMENT = "heads_of_government"
    FOREIGN_MINISTERS = "foreign_ministers"


# The organisational unit (organisations.yaml id) of each council: a meeting's schema:organizer.
MEETING_BODY_UNIT = {MeetingBody.HEADS_OF_STATE: "chs", MeetingBody.HEADS_OF_GOVERNMENT: "chg",
                     MeetingBody.FOREIGN_MINISTERS: "cmfa"}


class MeetingFormat(str, Enum):
    """Whether the members met in one city or by video link."""

    IN_PERSON = "in_person"
    VIDEO = "video"


class Position(str, Enum):
    """The office a head of delegation held at a meeting; the value is the key queries return."""

    PRESIDENT = "president"
    ACTING_PRESIDENT = "acting_president"
    VICE_PRESIDENT = "vice_president"
    PRIME_MINISTER = "prime_minister"
    FIRST_DEPUTY_PRIME_MINISTER = "first_deputy_prime_minister"
    FOREIGN_MINISTER = "foreign_minister"
    ACTING_FOREIGN_MINISTER = "acting_foreign_minister"
    MINISTER = "minister"
    ADVISER = "adviser"
    HEAD_OF_PRESIDENTIAL_ADMINISTRATION = "head_of_presidential_administration"
    MONARCH = "monarch"
    RULER = "ruler"


class Scheme(str, Enum):
    """Concept schemes for principles (set out in documents) and ideas (named by speakers)."""

    PRINCIPLES = "principles"
    IDEAS = "ideas"
