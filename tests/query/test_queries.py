"""Every query file is a test case: header, parse, declared prefixes, golden results on every engine
(pyoxigraph, rdflib, and a real Oxigraph server and a real Virtuoso over the SPARQL protocol).

Set SCO_KG_UPDATE_GOLDEN=1 to rewrite the golden files from the oxigraph engine; review the diff,
since golden files state facts.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from helpers import CHECKOUT, GOLDEN

from graph_builder.api import KnowledgeGraph, list_queries
from graph_builder.core.errors import QueryError
from graph_builder.query.registry import HEADER_KEYS, get_query, parse_query_file

# Queries whose defaults are covered by explicit cases above (or depend on today's date).
CORE_WITH_DEFAULT_PARAMS = [("summits", {}), ("status_changes", {})]

CASES: list[tuple[str, dict[str, str]]] = [
    ("members", {"date": "2001-06-15"}),
    ("members", {"date": "2005-07-04"}),
    ("members", {"date": "2005-07-05"}),
    ("members", {"date": "2012-06-07"}),
    ("members", {"date": "2017-06-08"}),
    ("members", {"date": "2017-06-09"}),
    ("members", {"date": "2024-07-04"}),
    ("members", {"date": "2025-08-31"}),
    ("members", {"date": "2025-09-01"}),
    ("members", {"date": "2024-01-01", "role": "observer"}),
    ("members", {"date": "1998-01-01", "organisation": "shanghai-five"}),
    ("state_history", {"state": "IND"}),
    ("state_history", {"state": "Belarus"}),
    ("state_history", {"state": "Q711"}),
    ("state_history", {"state": "LAO"}),
    ("office_holders", {"office": "secretary_general"}),
    ("office_holders", {"office": "rats_director"}),
    ("office_holders", {"office": "secretary_general", "date": "2006-12-31"}),
    ("office_holders", {"office": "secretary_general", "date": "2007-01-01"}),
    ("chair", {"date": "2017-06-09"}),
    ("chair", {"date": "2025-08-31"}),
    ("chair", {"date": "2025-09-01"}),
    ("chair", {"date": "2026-09-01"}),
    ("summits", {}),
    ("summits", {"from": "2015", "to": "2020"}),
    ("meetings", {"body": "heads_of_government"}),
    ("meetings", {"body": "foreign_ministers", "from": "2017", "to": "2021"}),
    ("meetings", {"from": "2020", "to": "2020"}),
    ("delegations", {"meeting": "2024 SCO Astana summit"}),
    ("delegations", {"year": "2005"}),
    ("person_profile", {"person": "Narendra Modi"}),
    ("person_profile", {"person": "Zhang Ming"}),
    ("status_changes", {}),
    ("status_changes", {"state": "BLR"}),
    ("officers_when_joined", {"state": "IND", "role": "member"}),
    ("summits_hosted", {"state": "KGZ"}),
    ("summit_decisions", {"year": "2025"}),
    ("summit_decisions", {"year": "2017"}),
    ("documents", {"from": "2001", "to": "2005"}),
    ("document_principles", {"document": "https://w3id.org/sco-kg/id/document/sco-charter"}),
    ("role_durations", {"date": "2025-01-01", "state": "IND"}),
    ("membership_counts_by_year", {"monthDay": "12-31", "organisation": "sco"}),
    ("changes_between", {"from": "2017-01-01", "to": "2017-12-31"}),
    ("changes_between", {"from": "2025-01-01", "to": "2025-12-31"}),
    ("entity_profile", {"entity": "India"}),
    ("entity_labels", {}),
    ("articles_mentioning", {}),
    ("articles_mentioning", {"entity": "China"}),
    ("neighbours", {"entity": "Tashkent"}),
    ("co_members", {"role": "observer", "from": "2010-01-01", "to": "2012-12-31"}),
    ("persons_by_nationality", {"state": "KAZ"}),
    ("facts_with_single_source", {"kind": "decision"}),
    ("principles", {"principle": "Shanghai Spirit"}),
    ("office_at_date", {"date": "2019-01-01"}),
    ("office_at_date", {"date": "2025-09-01"}),
    # a day inside the span in which one RATS director handed over to the next: both, 'unknown'
    ("office_holders", {"office": "rats_director", "date": "2007-03-01"}),
    ("office_holders", {"office": "rats_director", "date": "2011-06-15"}),
] + [(q.name, {}) for q in list_queries()
     if not any(p.required for p in q.params) and not any(p.default == "today" for p in q.params)
     and q.name not in {n for n, _ in CORE_WITH_DEFAULT_PARAMS} and "view" not in q.tags]


@pytest.mark.parametrize("query", [q for q in list_queries() if "view" in q.tags], ids=lambda q: q.name)
def test_view_graphs_are_the_same_on_every_engine(query, engines) -> None:  # noqa: ANN001
    from rdflib.compare import isomorphic

    graphs = [kg.query(query.name).graph for kg in engines.values()]
    assert all(g is not None and len(g) > 100 for g in graphs)
    assert all(isomorphic(graphs[0], g) for g in graphs[1:])


def _golden_name(name: str, params: dict[str, str]) -> str:
    suffix = "".join(f"__{k}={v}" for k, v in sorted(params.items()))
    return re.sub(r"[^A-Za-z0-9_.=-]", "_", f"{name}{suffix}") + ".json"


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_file_header_and_prefixes(query) -> None:  # noqa: ANN001
    again = parse_query_file(query.path)
    assert again == query and query.summary and query.description
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    declared = set(re.findall(r"PREFIX\s+([A-Za-z][\w-]*)?:", body, re.IGNORECASE))
    body_without_iris = re.sub(r"<[^>\s]*>|\"[^\"]*\"", "", body)
    used = set(re.findall(r"(?<![\w?$])([A-Za-z][\w-]*):[A-Za-z_]", body_without_iris))
    assert used <= declared, f"undeclared prefixes {used - declared}"


# What Virtuoso 7.2 (Debian's virtuoso-opensource) cannot answer, and why; README says it too.
VIRTUOSO_CANNOT = {
    # its compiler refuses a SERVICE call beside the parameters' VALUES row ("Unsupported
    # combination of subqueries and service invocations"), and without the row it loses a column
    "members_capital_population": "combination of subqueries and service invocations",
}
# What Virtuoso 7.2 does not answer within a minute with the default parameters, while it gives
# the golden answers with a state named: its planner stalls on the day arithmetic across all
# states and keeps the server busy, so it is not asked here.
VIRTUOSO_TOO_SLOW = {"role_durations"}


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_runs_with_defaults_on_every_engine(query, engines) -> None:  # noqa: ANN001
    if any(p.required for p in query.params):
        pytest.skip("needs a parameter; covered by the golden cases")
    if query.name in VIRTUOSO_CANNOT or query.name in VIRTUOSO_TOO_SLOW:
        engines = {name: kg for name, kg in engines.items() if name != "virtuoso"}
    answers = [kg.query(query.name).to_json() for kg in engines.values()]
    assert all(answer == answers[0] for answer in answers[1:])


@pytest.mark.parametrize("name", sorted(VIRTUOSO_CANNOT))
def test_what_virtuoso_cannot_answer_is_one_clear_error(name: str, engines: dict[str, KnowledgeGraph]) -> None:
    with pytest.raises(QueryError) as caught:
        engines["virtuoso"].query(name)
    message = str(caught.value)
    assert VIRTUOSO_CANNOT[name] in message and "\n" not in message and "SELECT" not in message


@pytest.mark.parametrize(("name", "params"), CASES, ids=[_golden_name(n, p)[:-5] for n, p in CASES])
def test_golden(name: str, params: dict[str, str], engines: dict[str, KnowledgeGraph]) -> None:
    path = GOLDEN / _golden_name(name, params)
    answers = {engine: kg.query(name, **params).to_json() for engine, kg in engines.items()}
    if os.environ.get("SCO_KG_UPDATE_GOLDEN"):
        path.write_text(json.dumps(answers["oxigraph"], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    for engine, answer in answers.items():
        assert answer == expected, f"{engine} disagrees with {path.name}"


def test_every_golden_file_is_used() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.json")) == sorted({_golden_name(n, p) for n, p in CASES})


def test_header_is_strict(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\n#+ description: y\n#+ colour: red\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="unknown header key"):
        parse_query_file(bad)
    assert "colour" not in HEADER_KEYS


def test_parameters_are_bound_not_spliced(kg: KnowledgeGraph) -> None:
    hostile = 'observer" } } SELECT * WHERE { ?s ?p ?o } #'
    with pytest.raises(QueryError, match="unknown value"):
        kg.query("members", role=hostile)
    text = kg.prepare("members", {"date": "2010-01-01", "role": "observer"})
    assert 'VALUES (?date ?role ?organisation) { ("2010-01-01"^^<http://www.w3.org/2001/XMLSchema#date> "observer" "sco") }' in text
    assert kg.query("members", organisation=hostile).rows == []


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("nosuch", {}, "unknown query 'nosuch'"),
        ("member", {}, "did you mean members"),
        ("members", {"date": "2020-13-01"}, "'2020-13-01' is not a date"),
        ("members", {"colour": "red"}, "has no parameter 'colour'"),
        ("summits", {"from": "20"}, "is not a year"),
        ("state_history", {}, "needs parameter 'state'"),
        ("state_history", {"state": "Atlantis"}, "no state matches 'Atlantis'"),
    ],
)
def test_bad_requests_fail_with_one_clear_line(kg: KnowledgeGraph, name: str, params: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message) as info:
        kg.query(name, **params)
    assert "\n" not in str(info.value)


def test_entity_parameter_accepts_code_qid_and_label(kg: KnowledgeGraph) -> None:
    by = [kg.query("state_history", state=v).to_json() for v in ("IND", "Q668", "India", "india", "Индия", "印度")]
    assert all(answer == by[0] for answer in by)


def test_malformed_sparql_is_a_query_error(engines: dict[str, KnowledgeGraph]) -> None:
    for kg in engines.values():
        with pytest.raises(QueryError, match="malformed SPARQL"):
            kg.sparql("SELECT ?s WHERE { ?s ")


def test_known_query_names() -> None:
    assert get_query("members").params[0].name == "date"


def test_readme_lists_every_query() -> None:
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    missing = [q.name for q in list_queries() if f"| `{q.name}` (" not in readme]
    assert missing == []
