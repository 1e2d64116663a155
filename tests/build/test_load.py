"""Strict loading: the real and the fixture sources load; each broken fixture fails for its reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import FIXTURES, VALID_SOURCES

from graph_builder.build.load import load_sources
from graph_builder.core.errors import SourceError
from graph_builder.core.keys import Role

INVALID = FIXTURES / "sources" / "invalid"

EXPECTED = {
    "unknown-key.yaml": "unknown key(s) capital",
    "unknown-iso-code.yaml": "unknown ISO 3166-1 alpha-3 code 'XYZ'",
    "unknown-state-reference.yaml": "state: unknown states id 'PAK'",
    "bad-date.yaml": "'2001-02-30' is not a valid date",
    "end-before-start.yaml": "end 1998-01-01 is not after start 1999-01-01",
    "unknown-source-id.yaml": "unknown source id 'no-such-source'",
    "unknown-role.yaml": "unknown value 'guest'",
    "unknown-section.yaml": "unknown section 'treaties'",
    "missing-required.yaml": "missing required key 'start'",
    "iso2-mismatch.yaml": "iso2 'PL' does not match iso3 'PAK'",
    "bad-qid.yaml": "'843' is not a Wikidata id",
    "decision-date-mismatch.yaml": "end_decision 'sco-2017-admit-india' is dated 2017-06-09",
    "duplicate-id.yaml": "duplicate: already defined in core.yaml",
    "not-yaml.yaml": "not valid YAML",
    "missing-english-label.yaml": "an English ('en') label is required",
}


def test_every_invalid_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_fails_naming_file_and_reason(name: str) -> None:
    with pytest.raises(SourceError) as info:
        load_sources([VALID_SOURCES, INVALID / name])
    message = str(info.value)
    assert EXPECTED[name] in message
    assert message.startswith(str(INVALID / name))
    assert "\n" not in message


def test_valid_fixture_loads_typed_records() -> None:
    sources = load_sources([VALID_SOURCES])
    india = [m for m in sources["memberships"].values() if m.state == "IND"]
    assert {m.role for m in india} == {Role.OBSERVER, Role.MEMBER}
    member = next(m for m in india if m.role is Role.MEMBER)
    assert member.start == dt.date(2017, 6, 9) and member.end is None
    assert sources["states"]["IND"].aliases == {"en": ["Republic of India"]}
    assert set(sources.hashes) == {"bibliography.yaml", "core.yaml"}


def test_real_sources_load_and_cover_every_kind() -> None:
    sources = load_sources()
    for section, records in sources.records.items():
        # wikidata_facts come only from the generated enrichment file, never from curation
        assert records or section == "wikidata_facts", f"no {section} in the curated sources"
    assert len(sources["states"]) >= 27


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such source file"):
        load_sources([tmp_path / "nope.yaml"])


def test_every_bibliography_entry_is_cited() -> None:
    from dataclasses import fields

    sources = load_sources()
    cited = {a.source for a in sources["articles"].values()}
    for records in sources.records.values():
        for record in records.values():
            for f in fields(record):
                if f.metadata["kind"] == "sources":
                    cited.update(getattr(record, f.name))
    assert sorted(set(sources["sources"]) - cited) == []
