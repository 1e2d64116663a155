"""Queries are judged on their structure: the lexer bounds size and nesting and finds SERVICE
wherever a parser would see it; the algebra tells form, dataset and updates."""

from __future__ import annotations

import pytest

from graph_builder.core.errors import QueryError, RefusedQuery
from graph_builder.query.guard import (
    MAX_NESTING,
    check_shape,
    declared_dataset,
    inspect,
)


@pytest.mark.parametrize("text", [
    'SELECT ?service ?load WHERE { ?s <http://x/SERVICE> "SERVICE { }" } # SERVICE <http://x>',
    "PREFIX e: <http://e/> PREFIX : <http://d/> SELECT * WHERE { ?s e:SERVICE :SERVICE }",
    'SELECT * WHERE { ?s ?p """a "quoted" SERVICE\nline""" }',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
])
def test_keywords_inside_strings_iris_variables_and_names_are_fine(text: str) -> None:
    check_shape(text)
    assert inspect(text).form == "SELECT"


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment that ends at a carriage return\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
])
def test_service_is_refused_wherever_a_parser_would_see_it(text: str) -> None:
    with pytest.raises(RefusedQuery, match="SERVICE is not allowed"):
        inspect(text)


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "DROP ALL",
    "CLEAR DEFAULT",
])
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(RefusedQuery, match="updates are not allowed"):
        inspect(text)


def test_nesting_and_size_are_bounded_before_any_parser() -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000
    with pytest.raises(QueryError, match=f"more than {MAX_NESTING} deep"):
        inspect(deep)
    with pytest.raises(QueryError, match="at most 100,000 are accepted"):
        inspect("SELECT * WHERE { ?s ?p ?o } " + "#" * 100_000)
    allowed = "SELECT * WHERE " + "{" * (MAX_NESTING - 1) + "?s ?p ?o" + "}" * (MAX_NESTING - 1)
    assert inspect(allowed).form == "SELECT"
    brackets = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * (MAX_NESTING - 2) + "?o" + ")" * (MAX_NESTING - 2) + ") }"
    assert inspect(brackets).form == "SELECT"


def test_malformed_text_is_one_clear_error() -> None:
    with pytest.raises(QueryError, match="malformed SPARQL"):
        inspect("SELECT * WHERE {")
    with pytest.raises(QueryError, match="never closed"):
        inspect('SELECT * WHERE { ?s ?p "open }')
    with pytest.raises(QueryError, match="Unknown namespace prefix"):
        inspect("SELECT * WHERE { ?s nowhere:p ?o }")


def test_form_and_dataset_come_from_the_algebra() -> None:
    q = inspect("PREFIX g: <http://g/> CONSTRUCT { ?s ?p ?o } FROM g:a FROM g:b FROM NAMED g:c WHERE { ?s ?p ?o }")
    assert (q.form, q.dataset.default, q.dataset.named) == ("CONSTRUCT", ("http://g/a", "http://g/b"), ("http://g/c",))
    only_named = inspect("SELECT * FROM NAMED <http://g/c> WHERE { GRAPH ?g { ?s ?p ?o } }").dataset
    assert only_named.default == () and only_named.named == ("http://g/c",)
    assert inspect("ASK { ?s ?p ?o }").dataset.is_store_default
    assert declared_dataset("SELECT ?from WHERE { ?from ?p 'FROM' }") is None


def test_relative_iris_resolve_against_the_base() -> None:
    q = inspect("CONSTRUCT { <rel> <p> ?o } WHERE { ?s ?p ?o }", base_iri="http://example.org/sparql")
    assert "http://example.org/rel" in str(q.parsed.algebra)
