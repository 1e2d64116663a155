"""Synthetic graphs of the real graph's shape, for benchmarks: states with memberships that
change role over time, offices with successive holders, chairs, summits, sources; written as
N-Quads with the builder's own IRIs and predicates, one named graph per kind, plus the ontology.

    python bench/synthetic.py 100000 /tmp/synthetic-100k.nq
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from rdflib import Graph

from graph_builder.build import iris
from graph_builder.core.paths import ONTOLOGY_FILE

ROLES = ("observer", "dialogue_partner", "partner", "member")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
P = {
    "member": "<http://www.w3.org/ns/org#member>", "organization": "<http://www.w3.org/ns/org#organization>",
    "role": "<http://www.w3.org/ns/org#role>", "during": "<http://www.w3.org/ns/org#memberDuring>",
    "begin": "<http://www.w3.org/2006/time#hasBeginning>", "end": "<http://www.w3.org/2006/time#hasEnd>",
    "day": "<http://www.w3.org/2006/time#inXSDDate>", "prov": "<http://www.w3.org/ns/prov#wasDerivedFrom>",
    "url": "<http://schema.org/url>", "notation": "<http://www.w3.org/2004/02/skos/core#notation>",
    "match": "<http://www.w3.org/2004/02/skos/core#exactMatch>", "start": "<http://schema.org/startDate>",
    "endDate": "<http://schema.org/endDate>", "location": "<http://schema.org/location>",
    "post": "<https://w3id.org/sco-kg/ontology#post>", "postIn": "<http://www.w3.org/ns/org#postIn>",
    "host": "<https://w3id.org/sco-kg/ontology#host>", "iso2": "<https://w3id.org/sco-kg/ontology#isoAlpha2>",
    "iso3": "<https://w3id.org/sco-kg/ontology#isoAlpha3>", "nationality": "<http://schema.org/nationality>",
    "title": "<http://purl.org/dc/terms/title>", "publisher": "<http://purl.org/dc/terms/publisher>",
    "date": "<http://purl.org/dc/terms/date>", "granted": "<https://w3id.org/sco-kg/ontology#grantedBy>",
}
SCO = "https://w3id.org/sco-kg/ontology#"


def _iri(term: object) -> str:
    return f"<{term}>"


def _date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^<{XSD}date>'


def _key(i: int) -> str:
    """Three upper-case letters per number, as ISO alpha-3 keys look (not real codes)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        i, r = divmod(i, 26)
        out = letters[r] + out
    return out


def generate(target_triples: int, out: Path, seed: int = 1) -> int:
    """Write about ``target_triples`` quads to ``out``; returns the number written."""
    rng = random.Random(seed)
    lines: list[str] = []
    g = {name: _iri(iris.graph(name)) for name in ("states", "memberships", "offices", "summits", "bibliography", "time", "organisations")}

    def q(s: str, p: str, o: str, graph: str) -> None:
        lines.append(f"{s} {p} {o} {graph} .\n")

    onto = Graph().parse(ONTOLOGY_FILE, format="turtle").serialize(format="nt")
    for line in sorted(filter(None, onto.splitlines())):
        lines.append(f"{line.rstrip(' .')} {_iri(iris.ONTOLOGY_GRAPH)} .\n")
    sco = _iri(iris.organisation("sco"))
    q(sco, RDF_TYPE, "<http://www.w3.org/ns/org#FormalOrganization>", g["organisations"])
    q(sco, LABEL, '"Shanghai Cooperation Organisation"@en', g["organisations"])
    q(sco, P["notation"], '"sco"', g["organisations"])
    instants: set[dt.date] = set()
    i = 0
    while len(lines) < target_triples:
        key = _key(i)
        state, source, city = _iri(iris.state(key)), _iri(iris.source(f"s{i}")), _iri(iris.place(f"c{i}"))
        q(source, RDF_TYPE, "<http://purl.org/dc/terms/BibliographicResource>", g["bibliography"])
        q(source, P["title"], f'"Synthetic source {i}"', g["bibliography"])
        q(source, P["publisher"], '"sco-kg bench"', g["bibliography"])
        q(source, P["url"], f"<https://example.org/source/{i}>", g["bibliography"])
        q(source, P["date"], _date(dt.date(2000 + i % 25, 1, 1)), g["bibliography"])
        q(state, RDF_TYPE, f"<{SCO}State>", g["states"])
        for lang, text in (("en", f"State {key}"), ("zh", f"国家 {key}"), ("ru", f"Государство {key}")):
            q(state, LABEL, f'"{text}"@{lang}', g["states"])
        q(state, P["iso2"], f'"{key[:2]}"', g["states"])
        q(state, P["iso3"], f'"{key}"', g["states"])
        q(state, P["notation"], f'"{key}"', g["states"])
        q(state, P["match"], f"<http://www.wikidata.org/entity/Q{1_000_000 + i}>", g["states"])
        q(state, P["prov"], source, g["states"])
        day = dt.date(1996, 4, 26) + dt.timedelta(days=rng.randrange(0, 9000))
        for role in ROLES[rng.randrange(0, 3):]:
            end = day + dt.timedelta(days=rng.randrange(200, 3000)) if role != "member" else None
            m = _iri(iris.membership(f"{key}-sco-{role}-{day.isoformat()}"))
            interval = _iri(iris.interval(day, end))
            decision = _iri(iris.decision(f"d-{key}-{role}"))
            q(m, RDF_TYPE, f"<{SCO}StatusMembership>", g["memberships"])
            q(m, LABEL, f'"{key}, {role}"@en', g["memberships"])
            q(m, P["member"], state, g["memberships"])
            q(m, P["organization"], sco, g["memberships"])
            q(m, P["role"], _iri(iris.role(role)), g["memberships"])
            q(m, P["during"], interval, g["memberships"])
            q(m, P["granted"], decision, g["memberships"])
            q(m, P["prov"], source, g["memberships"])
            q(decision, RDF_TYPE, f"<{SCO}StatusGrantDecision>", g["memberships"])
            q(decision, LABEL, f'"Decision on {key}"@en', g["memberships"])
            q(decision, P["start"], _date(day), g["memberships"])
            q(decision, P["prov"], source, g["memberships"])
            q(interval, RDF_TYPE, "<http://www.w3.org/2006/time#Interval>", g["time"])
            q(interval, P["begin"], _iri(iris.instant(day)), g["time"])
            instants.add(day)
            if end is None:
                break
            q(interval, P["end"], _iri(iris.instant(end)), g["time"])
            instants.add(end)
            day = end
        if i % 10 == 0:
            summit = _iri(iris.summit(f"sco-synthetic-{i}"))
            start = dt.date(2001, 6, 15) + dt.timedelta(days=i % 9000)
            q(summit, RDF_TYPE, f"<{SCO}HeadsOfStateSummit>", g["summits"])
            q(summit, LABEL, f'"Summit {i}"@en', g["summits"])
            q(summit, P["start"], _date(start), g["summits"])
            q(summit, P["endDate"], _date(start + dt.timedelta(days=1)), g["summits"])
            q(summit, P["location"], city, g["summits"])
            q(summit, P["host"], state, g["summits"])
            q(summit, P["prov"], source, g["summits"])
            q(city, RDF_TYPE, "<http://schema.org/City>", g["summits"])
            q(city, LABEL, f'"City {i}"@en', g["summits"])
        if i % 20 == 0:
            person, office = _iri(iris.person(f"p{i}")), ("secretary_general", "rats_director")[i % 40 // 20]
            start = dt.date(2004, 1, 1) + dt.timedelta(days=(i // 40) * 3)
            tenure = _iri(iris.tenure(f"{office}-p{i}"))
            interval = _iri(iris.interval(start, start + dt.timedelta(days=3)))
            q(person, RDF_TYPE, "<http://schema.org/Person>", g["offices"])
            q(person, LABEL, f'"Person {i}"@en', g["offices"])
            q(person, P["nationality"], state, g["offices"])
            q(person, P["prov"], source, g["offices"])
            q(tenure, RDF_TYPE, f"<{SCO}Tenure>", g["offices"])
            q(tenure, P["member"], person, g["offices"])
            q(tenure, P["post"], _iri(iris.post(office)), g["offices"])
            q(tenure, P["during"], interval, g["offices"])
            q(tenure, P["prov"], source, g["offices"])
            q(interval, P["begin"], _iri(iris.instant(start)), g["time"])
            q(interval, P["end"], _iri(iris.instant(start + dt.timedelta(days=3))), g["time"])
            instants.update({start, start + dt.timedelta(days=3)})
        i += 1
    for office in ("secretary_general", "rats_director"):
        post = _iri(iris.post(office))
        q(post, RDF_TYPE, "<http://www.w3.org/ns/org#Post>", g["offices"])
        q(post, P["role"], _iri(iris.role(office)), g["offices"])
    for day in sorted(instants):
        q(_iri(iris.instant(day)), P["day"], _date(day), g["time"])
    out.write_text("".join(lines), encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    count = generate(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count} quads to {sys.argv[2]}")
