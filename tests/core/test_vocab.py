"""The closed SCO namespace and the controlled values agree with ontology/sco.ttl."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from graph_builder.core.keys import Office, Position, Role
from graph_builder.core.paths import ONTOLOGY_FILE
from graph_builder.core.vocab import DECISION_CLASS, DOCUMENT_CLASS, SCO, SKOS

ONTOLOGY = Graph().parse(ONTOLOGY_FILE, format="turtle")
NS = str(SCO._NS)


def _defined_terms() -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {str(s)[len(NS):] for k in kinds for s in ONTOLOGY.subjects(RDF.type, k) if str(s).startswith(NS)}


def test_closed_namespace_equals_ontology_terms() -> None:
    assert set(SCO.__annotations__) == _defined_terms()


def test_misspelt_term_fails() -> None:
    with pytest.raises(AttributeError):
        SCO.Memberr  # noqa: B018


@pytest.mark.parametrize("term", sorted(_defined_terms()))
def test_every_own_term_has_english_label_and_comment(term: str) -> None:
    iri = URIRef(NS + term)
    assert any(l.language == "en" for l in ONTOLOGY.objects(iri, RDFS.label)), term
    assert any(c.language == "en" for c in ONTOLOGY.objects(iri, RDFS.comment)), term


def test_ontology_header() -> None:
    onto = URIRef("https://w3id.org/sco-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ONTOLOGY
    for prop in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/title"),
                 URIRef("http://purl.org/dc/terms/description"), URIRef("http://purl.org/dc/terms/license"),
                 URIRef("http://purl.org/dc/terms/creator")):
        assert ONTOLOGY.value(onto, prop) is not None, prop


def _notations(cls: URIRef) -> set[str]:
    return {str(ONTOLOGY.value(s, SKOS.notation)) for s in ONTOLOGY.subjects(RDF.type, cls)}


def test_role_keys_are_the_ontology_notations() -> None:
    assert {r.value for r in Role} | {o.value for o in Office} | {"chair"} == _notations(SCO.Role)


def test_position_keys_are_the_ontology_notations() -> None:
    assert {p.value for p in Position} == _notations(SCO.Position)


def test_kind_classes_exist() -> None:
    for cls in list(DECISION_CLASS.values()) + list(DOCUMENT_CLASS.values()):
        assert (cls, RDF.type, OWL.Class) in ONTOLOGY, cls


def test_role_labels_are_the_ontology_labels() -> None:
    from graph_builder.core.keys import ROLE_LABELS

    by_notation = {str(ONTOLOGY.value(s, SKOS.notation)): str(o) for s, o in ONTOLOGY.subject_objects(RDFS.label)
                   if getattr(o, "language", None) == "en" and (s, RDF.type, SCO.Role) in ONTOLOGY}
    assert ROLE_LABELS == by_notation
