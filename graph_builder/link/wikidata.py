"""The two-way link with Wikidata: check our links, enrich from Wikidata, diff against Wikidata.

- ``check``: every linked entity's item exists, is not a redirect, has a matching English label
  or alias, the expected type (P31/P279*) and, for states, the same ISO codes (P297, P298).
- ``enrich``: capital, population with its date, area, official languages, heads of state and
  government, and coordinates, written to a generated source file with provenance (item,
  retrieval day) that the builder loads as its own named graph.
- ``diff``: our SCO memberships and Secretaries-General against Wikidata's statements, read with
  ``p:``/``ps:``/``pq:`` and ranks (never the truthy ``wdt:P463``, which drops qualifiers and keeps
  former members), with QuickStatements lines that would bring Wikidata in line, each citing our
  source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..api import KnowledgeGraph
from ..core.keys import ROLE_LABELS, Role
from .wikidata_client import WikidataClient

WD = "http://www.wikidata.org/entity/"
SCO_QID = "Q485207"
SCO_IRI = "https://w3id.org/sco-kg/id/org/sco"
_QID = re.compile(r"^Q[1-9]\d*$")
# Classes an item must reach through P31/P279* for its kind (country or sovereign state; human
# settlement; organization; human).
EXPECTED_TYPES = {"state": ("Q6256", "Q3624078"), "place": ("Q486972",), "organisation": ("Q43229",),
                  "body": ("Q43229",), "person": ("Q5",)}
# Kinds every entity of which must carry a QID (and the SCO itself); others link where an item
# was verified.
REQUIRED_KINDS = ("state", "place")
# How Wikidata names a membership role (P2868's item label) in our terms. A statement without a
# role qualifier says nothing of the role: it is "role unknown", never taken for full membership.
ROLE_NAMES = {"member": Role.MEMBER, "member state": Role.MEMBER, "full member": Role.MEMBER,
              "observer": Role.OBSERVER, "observer state": Role.OBSERVER,
              "dialogue partner": Role.DIALOGUE_PARTNER, "partner": Role.PARTNER, "sco partner": Role.PARTNER}
# The property the diff reads for the Secretary-General on the SCO's item: "director / manager".
OFFICE_PROPERTY = "P1037"
_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psn: <http://www.wikidata.org/prop/statement/value-normalized/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def qid(iri: str | None) -> str | None:
    """The QID at the end of a Wikidata entity IRI, if it is one."""
    if not iri:
        return None
    tail = str(iri).rsplit("/", 1)[-1]
    return tail if _QID.match(tail) else None


def _values(qids: list[str]) -> str:
    return " ".join(f"wd:{q}" for q in qids)


def _batches(items: list[str], size: int = 50) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True)
class Finding:
    """One thing a check or diff found; ``error`` ones make the command fail."""

    what: str
    entity: str
    label: str
    message: str
    error: bool = True

    def line(self) -> str:
        return f"{'ERROR' if self.error else 'info '} {self.what:<16} {self.label} <{self.entity}>: {self.message}"


# ----------------------------------------------------------------------------- check

def check(kg: KnowledgeGraph, client: WikidataClient) -> list[Finding]:
    """Compare every linked entity with its Wikidata item; list entities without a link."""
    links = kg.query("wikidata_links").records()
    names: dict[str, set[str]] = defaultdict(set)
    for row in kg.query("entity_labels").records():
        if row.lang == "en":
            names[str(row.entity)].add(str(row.name).casefold())
    findings: list[Finding] = []
    linked = {}
    for row in links:
        entity, label = str(row.entity), str(row.label or row.entity)
        item = qid(row.wikidata)
        if item is None:
            required = row.kind in REQUIRED_KINDS or entity == SCO_IRI
            findings.append(Finding("missing link", entity, label,
                                    f"no Wikidata item ({row.kind}{'; every ' + row.kind + ' needs one' if required else ', none verified'})",
                                    error=required))
        else:
            linked[item] = row
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    reached: set[tuple[str, str]] = set()
    for batch in _batches(sorted(linked)):
        for r in client.select(_PREFIXES + f"""SELECT ?item ?label ?alias ?redirect ?iso2 ?iso3 ?type WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  OPTIONAL {{ ?item rdfs:label ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item skos:altLabel ?alias FILTER(LANG(?alias) = "en") }}
  OPTIONAL {{ ?item owl:sameAs ?redirect }}
  OPTIONAL {{ ?item wdt:P297 ?iso2 }}
  OPTIONAL {{ ?item wdt:P298 ?iso3 }}
  OPTIONAL {{ ?item wdt:P31 ?type }}
}}"""):
            item = qid(r["item"]) or ""
            for key in ("label", "alias", "redirect", "iso2", "iso3", "type"):
                if key in r:
                    facts[item][key].add(r[key])
        pairs = " ".join(f"(wd:{q} wd:{t})" for q in batch for t in EXPECTED_TYPES.get(linked[q].kind, ()))
        if pairs:
            for r in client.select(_PREFIXES + f"""SELECT DISTINCT ?item ?expected WHERE {{
  VALUES (?item ?expected) {{ {pairs} }}
  ?item wdt:P31/wdt:P279* ?expected .
}}"""):
                reached.add((qid(r["item"]) or "", qid(r["expected"]) or ""))
    for item, row in sorted(linked.items(), key=lambda kv: str(kv[1].entity)):
        findings += _compare(item, row, facts.get(item, {}), names[str(row.entity)], reached)
    return findings


def _compare(item: str, row: Any, got: dict[str, set[str]], ours: set[str], reached: set[tuple[str, str]]) -> list[Finding]:
    entity, label = str(row.entity), str(row.label or row.entity)
    if got.get("redirect"):
        target = ", ".join(sorted(qid(r) or r for r in got["redirect"]))
        return [Finding("redirect", entity, label, f"{item} redirects to {target}; link the target instead")]
    if not got.get("label") and not got.get("type"):
        return [Finding("missing item", entity, label, f"{item} has no label or type on Wikidata (deleted, or a wrong QID)")]
    out = []
    theirs = {n.casefold() for n in got.get("label", set()) | got.get("alias", set())}
    if ours and not ours & theirs:
        out.append(Finding("label mismatch", entity, label,
                           f"{item} is labelled {', '.join(sorted(got.get('label', {'(none)'})))!s}; ours: {', '.join(sorted(ours))}"))
    expected = EXPECTED_TYPES.get(row.kind, ())
    if expected and not any((item, t) in reached for t in expected):
        types = ", ".join(sorted(qid(t) or t for t in got.get("type", set()))) or "none"
        out.append(Finding("type mismatch", entity, label,
                           f"{item} is an instance of {types}, not a subclass of {' or '.join(expected)} as a {row.kind} should be"))
    for key, mine in (("iso2", row.iso2), ("iso3", row.iso3)):
        if mine is None:
            continue
        values = got.get(key, set())
        if not values:
            out.append(Finding("iso missing", entity, label, f"{item} has no {'P297' if key == 'iso2' else 'P298'}; ours: {mine}", error=False))
        elif str(mine) not in values:
            out.append(Finding("iso mismatch", entity, label,
                               f"{item} has {'P297' if key == 'iso2' else 'P298'} {', '.join(sorted(values))}; ours: {mine}"))
    return out


def coverage(kg: KnowledgeGraph) -> list[tuple[str, int, int]]:
    """(kind, entities, with a Wikidata link) for every kind that can link."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in kg.query("wikidata_links").records():
        counts[row.kind][0] += 1
        counts[row.kind][1] += row.wikidata is not None
    return [(kind, total, linked) for kind, (total, linked) in sorted(counts.items())]


# ----------------------------------------------------------------------------- enrich

@dataclass
class _Facts:
    capital: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    head_of_state: dict[str, str] = field(default_factory=dict)
    head_of_government: dict[str, str] = field(default_factory=dict)
    population: tuple[int, str | None] | None = None
    area_km2: float | None = None
    coordinates: tuple[float, float] | None = None


_ITEM_PROPERTIES = {"P36": "capital", "P37": "languages", "P35": "head_of_state", "P6": "head_of_government"}
_POINT = re.compile(r"Point\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)


def enrich(kg: KnowledgeGraph, client: WikidataClient, today: dt.date | None = None) -> str:
    """The text of a generated source file with Wikidata's facts about every linked state.

    Values are read from statements: current ones (no end time) of the best rank present, the
    population of the preferred rank or else the latest.
    """
    day = today or dt.date.today()
    states = {qid(r.wikidata): str(r.iso3) for r in kg.query("wikidata_links").records() if r.kind == "state" and qid(r.wikidata)}
    facts: dict[str, _Facts] = defaultdict(_Facts)
    for batch in _batches(sorted(states)):  # type: ignore[arg-type]
        for prop, name in _ITEM_PROPERTIES.items():
            best: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
            for r in client.select(_PREFIXES + f"""SELECT ?item ?value ?valueLabel ?rank WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  ?item p:{prop} ?statement .
  ?statement ps:{prop} ?value ; wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  FILTER NOT EXISTS {{ ?statement pq:P582 ?end }}
  OPTIONAL {{ ?value rdfs:label ?valueLabel FILTER(LANG(?valueLabel) = "en") }}
}}"""):
                value = qid(r.get("value"))
                if value:
                    best[qid(r["item"]) or ""].append((r["rank"].endswith("PreferredRank"), value, r.get("valueLabel", value)))
            for item, found in best.items():
                top = max(f[0] for f in found)
                getattr(facts[item], name).update({v: label for rank, v, label in sorted(found) if rank == top})
        populations: dict[str, tuple[bool, str, int]] = {}
        for r in client.select(_PREFIXES + f"""SELECT ?item ?population ?date ?rank WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  ?item p:P1082 ?statement .
  ?statement ps:P1082 ?population ; wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  OPTIONAL {{ ?statement pq:P585 ?date }}
}}"""):
            item = qid(r["item"]) or ""
            candidate = (r["rank"].endswith("PreferredRank"), r.get("date", "")[:10], int(float(r["population"])))
            populations[item] = max(populations.get(item, candidate), candidate)
        for item, (_, date, value) in populations.items():
            facts[item].population = (value, date or None)
        for r in client.select(_PREFIXES + f"""SELECT ?item ?area ?coordinates WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  OPTIONAL {{ ?item p:P2046 ?a . ?a psn:P2046/wikibase:quantityAmount ?area ; wikibase:rank ?ar FILTER(?ar != wikibase:DeprecatedRank) }}
  OPTIONAL {{ ?item p:P625 ?c . ?c ps:P625 ?coordinates ; wikibase:rank ?cr FILTER(?cr != wikibase:DeprecatedRank) }}
}}"""):
            item = qid(r["item"]) or ""
            if "area" in r:
                facts[item].area_km2 = round(float(r["area"]) / 1e6, 3)
            point = _POINT.search(r.get("coordinates", ""))
            if point:
                facts[item].coordinates = (float(point.group(2)), float(point.group(1)))
    return _enrichment_yaml(states, facts, client.endpoint, day)  # type: ignore[arg-type]


def _enrichment_yaml(states: dict[str, str], facts: dict[str, _Facts], endpoint: str, day: dt.date) -> str:
    sources, records = [], []
    for item, iso3 in sorted(states.items(), key=lambda kv: kv[1]):
        f = facts.get(item)
        if f is None:
            continue
        source = f"wikidata-{item.lower()}"
        sources.append({"id": source, "title": f"Wikidata item {item} (statements retrieved {day.isoformat()})",
                        "publisher": "Wikidata", "url": f"https://www.wikidata.org/wiki/{item}",
                        "date": day.isoformat(), "kind": "reference", "language": "mul"})
        record: dict[str, Any] = {"entity": f"state:{iso3}", "item": item, "retrieved": day.isoformat(), "sources": [source]}
        for name in ("capital", "languages", "head_of_state", "head_of_government"):
            if getattr(f, name):
                record[name] = dict(sorted(getattr(f, name).items()))
        if f.population:
            record["population"] = f.population[0]
            if f.population[1]:
                record["population_date"] = f.population[1]
        if f.area_km2 is not None:
            record["area_km2"] = f.area_km2
        if f.coordinates:
            record["latitude"], record["longitude"] = f.coordinates
        records.append(record)
    header = (f"# Generated by 'sco-kg wikidata enrich' on {day.isoformat()} from {endpoint}; do not edit.\n"
              "# Every build loads this file as its own named graph; delete it to build without it.\n")
    body = yaml.safe_dump({"sources": sources, "wikidata_facts": records}, allow_unicode=True, sort_keys=False, width=120)
    return header + body


# ----------------------------------------------------------------------------- diff

@dataclass
class DiffReport:
    """What differs between our graph and Wikidata, and QuickStatements that would fix Wikidata."""

    findings: list[Finding] = field(default_factory=list)
    quickstatements: list[str] = field(default_factory=list)
    ignored: int = 0


@dataclass(frozen=True)
class _Statement:
    role: Role | None
    role_item: str | None
    role_label: str | None
    start: str | None
    end: str | None


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def _qs_time(day: str) -> str:
    return f"+{day}T00:00:00Z/11"


def diff(kg: KnowledgeGraph, client: WikidataClient) -> DiffReport:
    """Our SCO memberships and Secretaries-General against Wikidata's statements."""
    report = DiffReport()
    states = {qid(r.wikidata): r for r in kg.query("wikidata_links").records() if r.kind == "state" and qid(r.wikidata)}
    by_iso = {str(r.iso3): q for q, r in states.items()}
    theirs: dict[str, list[_Statement]] = defaultdict(list)
    role_items: dict[Role, str] = {}
    for batch in _batches(sorted(states)):  # type: ignore[arg-type]
        for r in client.select(_PREFIXES + f"""SELECT ?item ?statement ?rank ?start ?end ?role ?roleLabel WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  ?item p:P463 ?statement .
  ?statement ps:P463 wd:{SCO_QID} ; wikibase:rank ?rank .
  OPTIONAL {{ ?statement pq:P580 ?start }}
  OPTIONAL {{ ?statement pq:P582 ?end }}
  OPTIONAL {{ ?statement pq:P2868 ?role OPTIONAL {{ ?role rdfs:label ?roleLabel FILTER(LANG(?roleLabel) = "en") }} }}
}}"""):
            if r["rank"].endswith("DeprecatedRank"):
                report.ignored += 1
                continue
            label = r.get("roleLabel")
            role = ROLE_NAMES.get((label or "").casefold()) if "role" in r else None
            if role is not None and qid(r.get("role")):
                role_items.setdefault(role, qid(r["role"]))  # type: ignore[arg-type]
            theirs[qid(r["item"]) or ""].append(_Statement(role, r.get("role"), label, _day(r.get("start")), _day(r.get("end"))))
    reference = _contemporary_sources(kg)
    ours: dict[str, list[Any]] = defaultdict(list)
    for m in kg.query("memberships").records():
        if m.organisation == "sco" and str(m.iso3) in by_iso:
            ours[by_iso[str(m.iso3)]].append(m)
    for item in sorted(states):  # type: ignore[arg-type]
        _diff_state(item, states[item], sorted(ours[item], key=lambda m: m.start), theirs[item], role_items, reference, report)
    _diff_offices(kg, client, report)
    return report


def _diff_state(item: str, state: Any, ours: list[Any], theirs: list[_Statement], role_items: dict[Role, str],
                reference: dict[str, str], report: DiffReport) -> None:
    entity, label = str(state.entity), str(state.label)
    unmatched = list(theirs)
    for m in ours:
        role, start, end = Role(m.role), m.start.isoformat(), m.end.isoformat() if m.end else None
        what = f"{ROLE_LABELS[role.value]} from {start}" + (f" to {end}" if end else "")
        same_role = [s for s in unmatched if s.role is role]
        match = next((s for s in same_role if s.start == start), None) or next((s for s in same_role if s.start is None), None) \
            or (min(same_role, key=lambda s: abs(dt.date.fromisoformat(s.start) - m.start)) if same_role else None)
        # A statement with no role qualifier can only be matched by its day: its role is unknown.
        match = match or next((s for s in unmatched if s.role_item is None and s.start == start), None)
        url = reference.get(str(m.membership))
        if match is None:
            report.findings.append(Finding("missing statement", entity, label, f"Wikidata has no P463 {SCO_QID} statement for {what}"))
            report.quickstatements += _qs(item, role, start, end, role_items, url, label)
            continue
        unmatched.remove(match)
        problems = []
        if match.start is None:
            problems.append(f"no start time (P580); ours {start}")
        elif match.start != start:
            problems.append(f"start time {match.start}; ours {start}")
        if end and match.end is None:
            problems.append(f"no end time (P582); ours {end}")
        elif match.end and match.end != end:
            problems.append(f"end time {match.end}; ours {end or 'none (still held)'}")
        if match.role_item is None:
            problems.append("no role qualifier (P2868), so its role is unknown")
        if problems:
            kind = "date mismatch" if any(p.startswith(("start time", "end time")) for p in problems) else "missing qualifier"
            report.findings.append(Finding(kind, entity, label, f"{what}: Wikidata's statement has " + "; ".join(problems)))
            report.quickstatements += _qs(item, role, start, end, role_items, url, label)
            if any(p.startswith(("start time", "end time")) for p in problems):
                report.quickstatements.append(f"# {label} ({item}): remove the disagreeing P580/P582 qualifier by hand; QuickStatements only adds")
    for s in unmatched:
        held = s.role_label or ("a status with no role qualifier (role unknown)" if s.role_item is None else "unknown role")
        report.findings.append(Finding("extra statement", entity, label,
                                       f"Wikidata states {held} from {s.start or '?'}" + (f" to {s.end}" if s.end else "")
                                       + "; the graph has no such status (not removed by QuickStatements)"))


def _contemporary_sources(kg: KnowledgeGraph) -> dict[str, str]:
    """For each status membership, the URL of its source dated closest to the membership's start:
    the report of the day makes the best reference for a Wikidata statement."""
    rows = kg.sparql("""PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sco: <https://w3id.org/sco-kg/ontology#>
SELECT ?membership ?start ?url ?published WHERE {
  ?membership a sco:StatusMembership ; org:memberDuring/time:hasBeginning/time:inXSDDate ?start ;
      prov:wasDerivedFrom ?source .
  ?source schema:url ?url .
  OPTIONAL { ?source dcterms:date ?published }
}""").rows
    middle = {4: "-07-01", 7: "-15", 10: ""}  # a year or month stands for its middle day
    best: dict[str, tuple[int, str]] = {}
    for membership, start, url, published in rows:
        text = str(published) if published is not None else ""
        if len(text) in middle:
            distance = abs((dt.date.fromisoformat(text + middle[len(text)]) - dt.date.fromisoformat(str(start))).days)
        else:
            distance = 10**6
        candidate = (distance, str(url))
        best[str(membership)] = min(best.get(str(membership), candidate), candidate)
    return {m: url for m, (_, url) in best.items()}


def _qs(item: str, role: Role, start: str, end: str | None, role_items: dict[Role, str], url: str | None, label: str) -> list[str]:
    """A QuickStatements (v1) line adding the statement with its qualifiers and our source."""
    cells = [item, "P463", SCO_QID, "P580", _qs_time(start)]
    if end:
        cells += ["P582", _qs_time(end)]
    note = []
    if role in role_items:
        cells += ["P2868", role_items[role]]
    elif role is Role.MEMBER:
        # Added without a role, the statement would leave the role unknown: say so beside it.
        note = [f"# {label} ({item}): add the role qualifier (P2868) for member state by hand: no verified Wikidata item for it"]
    else:
        return [f"# {label} ({item}): {ROLE_LABELS[role.value]} from {start}: no verified Wikidata item for the role, add by hand"]
    if url:
        cells += ["S854", f'"{url}"']
    return ["\t".join(cells)] + note


def _diff_offices(kg: KnowledgeGraph, client: WikidataClient, report: DiffReport) -> None:
    """Our Secretaries-General against the SCO item's P1037 statements, matched by name."""
    rows = client.select(_PREFIXES + f"""SELECT ?person ?personLabel ?start ?end ?rank WHERE {{
  wd:{SCO_QID} p:{OFFICE_PROPERTY} ?statement .
  ?statement ps:{OFFICE_PROPERTY} ?person ; wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  OPTIONAL {{ ?statement pq:P580 ?start }}
  OPTIONAL {{ ?statement pq:P582 ?end }}
  OPTIONAL {{ ?person rdfs:label ?personLabel FILTER(LANG(?personLabel) = "en") }}
}}""")
    theirs = {str(r.get("personLabel", "")).casefold(): r for r in rows}
    for t in kg.query("office_holders").records():
        name, start, end = str(t.personLabel), t.start.isoformat(), t.end.isoformat() if t.end else None
        found = theirs.pop(name.casefold(), None)
        what = f"Secretary-General from {start}" + (f" to {end}" if end else "")
        if found is None:
            report.findings.append(Finding("missing statement", str(t.person), name,
                                           f"the SCO's item has no {OFFICE_PROPERTY} statement for {name}, {what}"))
            report.quickstatements.append(f"# {name}: {what}: no verified Wikidata item for the person, add by hand ({OFFICE_PROPERTY})")
            continue
        problems = [f"{key} {_day(found.get(q)) or 'missing'}; ours {mine}" for key, q, mine in (("start", "start", start), ("end", "end", end))
                    if mine and _day(found.get(q)) != mine]
        if problems:
            report.findings.append(Finding("date mismatch", str(t.person), name, f"{what}: Wikidata has " + "; ".join(problems)))
    for _, r in sorted(theirs.items()):
        report.findings.append(Finding("extra statement", SCO_IRI, "Shanghai Cooperation Organisation",
                                       f"Wikidata names {r.get('personLabel', r['person'])} ({OFFICE_PROPERTY}); the graph has no such Secretary-General"))


def write_enrichment(text: str, out: Path) -> Path:
    """Write the generated source file (atomically: a failed run leaves the old one)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out


__all__ = ["DiffReport", "Finding", "check", "coverage", "diff", "enrich", "qid", "write_enrichment"]
