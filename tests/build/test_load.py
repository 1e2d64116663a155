"""Strict loading: the real and the fixture sources load; each broken fixture fails for its reason."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, VALID_SOURCES, outputs

from graph_builder.build.graph import build
from graph_builder.build.load import MAX_FILE_BYTES, check_shrink, load_sources, previous_counts
from graph_builder.core.errors import SourceError
from graph_builder.core.keys import Role
from graph_builder.core.paths import SOURCES_DIR

INVALID = FIXTURES / "sources" / "invalid"

EXPECTED = {
    "unknown-key.yaml": "unknown key(s) capital; allowed: iso3",
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
    "dialogue-partner-before-memorandum.yaml": "a dialogue partnership starts on its memorandum's day 2009-09-01, not 2009-06-16",
    "duplicate-id.yaml": "duplicate: already defined in core.yaml",
    "not-yaml.yaml": "line 4: not valid YAML",
    "missing-english-label.yaml": "an English ('en') label is required",
    "meeting-of-heads-of-state.yaml": "a meeting of the heads of state is a summit; put it in the summits section",
    "meeting-of-unknown-body.yaml": "the body that met ('chg') is not in the organisations section",
    "source-without-kind.yaml": "missing required key 'kind'",
    "exercise-ends-before-it-starts.yaml": "end 2010-09-10 is before start 2010-09-25",
    "application-granted-without-status.yaml": "outcome granted needs the status granted ('granted')",
    "application-granted-another-status.yaml": "outcome granted, but the status granted is not the one sought",
    "unknown-source-kind.yaml": "kind: unknown value 'blog'; expected one of official, treaty_archive, news_agency, newspaper, reference, mirror",
    # a date known only roughly is a period; a span runs forwards, and an end must be able to follow the start
    "reversed-span.yaml": "start: '2007-08-16/2006-09-16' is not a date",
    "coarse-end-before-start.yaml": "end 2006-09-16/2006-12 is not after start 2007",
    # what the YAML says must be what it is: no duplicate keys, tags, anchors, aliases or depth
    "duplicate-key.yaml": "line 6: duplicate key 'wikidata' (first on line 4); keep one",
    "duplicate-section.yaml": "line 6: duplicate key 'places' (first on line 1)",
    "tag-timestamp.yaml": "line 5: explicit tag '!!timestamp' is not allowed",
    "tag-int.yaml": "line 4: explicit tag '!!int' is not allowed",
    "tag-python-object.yaml": "explicit tag '!!python/object/apply:os.system' is not allowed",
    "alias-bomb.yaml": "line 6: anchor &a: anchors and aliases are not allowed",
    "alias.yaml": "line 5: alias *fixture-sources: anchors and aliases are not allowed",
    "deep-nesting.yaml": "line 3: nested more than 8 levels deep",
    "two-documents.yaml": "line 6: a second YAML document",
    "mapping-as-key.yaml": "line 3: a key must be plain text",
    "unreadable-number.yaml": "line 4: '0b_' is not a number YAML can read",
    "raw-control-character.yaml": "line 3: not valid YAML: unacceptable character #x001b",
    "invalid-utf-8.yaml": "line 3: not valid YAML: unacceptable character #x00ff",
    # ids, codes and URLs with line breaks or invisible characters
    "qid-with-newline.yaml": "wikidata: 'Q843\\n' is not a Wikidata id",
    "qid-with-non-ascii-digits.yaml": "wikidata: 'Q\u0668\u0664\u0663' is not a Wikidata id",
    "iso-code-with-newline.yaml": "iso3: 'PAK\\n' is not an ISO 3166-1 alpha-3 code",
    "id-with-newline.yaml": "id: 'moscow\\n' is not a slug",
    "id-with-invisible-character.yaml": "id: 'mos\\u200bcow' is not a slug",
    "url-with-newline.yaml": "url: 'https://example.org/a\\nb' is not an http(s) URL",
    "url-with-invisible-character.yaml": "url: 'https://exa\\u200bmple.org/' is not an http(s) URL",
    "url-without-host.yaml": "url: 'https:///path' is not an http(s) URL",
    # text without control or invisible format characters, and not endless
    "label-with-nul.yaml": "'Paki\\x00stan' holds the invisible or control character U+0000",
    "label-with-escape.yaml": "'\\x1b[31mPakistan' holds the invisible or control character U+001B",
    "label-with-bidi-override.yaml": "holds the invisible or control character U+202E",
    "alias-with-line-break.yaml": "the 'en' names: 'Islamic Republic\\nof Pakistan' holds the invisible or control character U+000A",
    "text-too-long.yaml": "is 2499 characters long; at most 2000 are allowed",
    # numbers and dates in range, with ASCII digits and real calendar days
    "latitude-nan.yaml": "latitude: 'nan' is not a latitude between -90 and 90",
    "latitude-out-of-range.yaml": "latitude: '999' is not a latitude between -90 and 90",
    "negative-area.yaml": "area_km2: '-5' is not a finite non-negative number",
    "month-13.yaml": "date: '2026-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD",
    "year-zero.yaml": "date: '0000' is not a date",
    "date-with-non-ascii-digits.yaml": "start: '\u0662\u0660\u0661\u0667-\u0660\u0666-\u0660\u0669' is not a valid date",
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


def _real_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, folder)
    return folder


def test_an_echoed_value_is_cut_to_a_short_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(f"states:\n  - iso3: PAK\n    iso2: PK\n    wikidata: Q{'1' * 5_000_000}\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_sources([VALID_SOURCES, path])
    message = str(info.value)
    assert "'Q1111111111" in message and "…'" in message and "is 5000001 characters long" in message
    assert len(message) < len(str(path)) + 200


def test_a_file_larger_than_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(SourceError, match=r"big.yaml: is larger than 8 MB"):
        load_sources([VALID_SOURCES, path])


def test_yaml_values_keep_their_types(tmp_path: Path) -> None:
    """Plain YAML scalars still read as numbers, booleans and null; dates stay text until checked."""
    path = tmp_path / "summit.yaml"
    path.write_text("summits:\n  - id: sco-2018-qingdao\n    series: sco\n    ordinal: 18\n    online: false\n"
                    "    wikidata: null\n    start: 2018-06-09\n    end: '2018-06-10'\n    city: astana\n    host: CHN\n"
                    "    labels: {en: 2018 Qingdao summit}\n    sources: [fx-source]\n", encoding="utf-8")
    summit = load_sources([VALID_SOURCES, path])["summits"]["sco-2018-qingdao"]
    assert (summit.ordinal, summit.online, summit.wikidata) == (18, False, None)
    assert (summit.start, summit.end) == (dt.date(2018, 6, 9), dt.date(2018, 6, 10))


def test_byte_order_mark_and_crlf_line_ends_load_alike(tmp_path: Path) -> None:
    folder = tmp_path / "crlf"
    folder.mkdir()
    for path in VALID_SOURCES.glob("*.yaml"):
        (folder / path.name).write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_sources([folder]).records == load_sources([VALID_SOURCES]).records


def test_two_source_files_with_one_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "core.yaml").write_text("places: []\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"core.yaml: another source file has the same name"):
        load_sources([VALID_SOURCES, tmp_path / "core.yaml"])


@pytest.mark.parametrize("text", ["", "# emptied\n", "memberships: []\n"])
def test_an_empty_memberships_file_is_an_error(tmp_path: Path, text: str) -> None:
    folder = _real_copy(tmp_path)
    (folder / "memberships.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_sources([folder])
    assert str(info.value) == (f"{folder / 'memberships.yaml'}: no memberships records in any source file; "
                               "a build needs sources, states, organisations, memberships")


def test_counts_are_per_file_and_section_and_include_empty_files(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    counts = load_sources([VALID_SOURCES, tmp_path / "empty.yaml"]).counts()
    assert counts == {"bibliography.yaml": {"sources": 1}, "empty.yaml": {},
                      "core.yaml": {"decisions": 1, "memberships": 3, "organisations": 1, "places": 1, "states": 2,
                                    "summits": 1}}


def test_a_file_that_loses_most_of_a_section_is_refused() -> None:
    sources = load_sources([VALID_SOURCES])
    check_shrink(sources, None)
    check_shrink(sources, {"core.yaml": {"memberships": 6}, "gone.yaml": {"states": 40}})
    with pytest.raises(SourceError) as info:
        check_shrink(sources, {"core.yaml": {"memberships": 7}})
    assert str(info.value) == (f"{VALID_SOURCES / 'core.yaml'}: memberships: 3 records where the last build had 7; "
                               "a file that loses more than half of a section is refused "
                               "(build with --allow-shrink if that is intended)")


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"records": {"core.yaml": {"states": "many"}}}', '{"triples": 5}'])
def test_a_missing_or_foreign_manifest_gives_nothing_to_compare(tmp_path: Path, text: str) -> None:
    path = tmp_path / "manifest.json"
    if text:
        path.write_text(text, encoding="utf-8")
    assert previous_counts(path) is None


def test_a_build_refuses_a_shrunken_file_and_keeps_the_last_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = _real_copy(tmp_path)
    build([folder], out, validate=False)
    before = outputs(out)
    chairs = json.loads((out / "manifest.json").read_text())["records"]["offices.yaml"]["chairs"]
    assert chairs > 2
    offices = (folder / "offices.yaml").read_text(encoding="utf-8")
    first = offices.index("\n  - ", offices.index("\nchairs:"))
    (folder / "offices.yaml").write_text(offices[: offices.index("\n  - ", first + 1)] + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=rf"offices.yaml: chairs: 1 record where the last build had {chairs};"):
        build([folder], out, validate=False)
    assert outputs(out) == before
    result = build([folder], out, validate=False, allow_shrink=True)
    assert result.manifest["records"]["offices.yaml"]["chairs"] == 1


def test_the_cli_says_so_in_one_line_and_builds_a_shrunken_file_only_when_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graph_builder.cli import main

    out, folder = tmp_path / "out", tmp_path / "sources"
    shutil.copytree(VALID_SOURCES, folder)
    assert main(["build", "--sources", str(folder), "--out", str(out), "--no-validate"]) == 0
    core = (folder / "core.yaml").read_text(encoding="utf-8")
    (folder / "core.yaml").write_text(core[: core.index("\n  - state: IND", core.index("\nmemberships:"))] + "\n",
                                      encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--sources", str(folder), "--out", str(out), "--no-validate"]) == 1
    error = capsys.readouterr().err
    assert error == (f"sco-kg: error: {folder / 'core.yaml'}: memberships: 1 record where the last build had 3; a file "
                     "that loses more than half of a section is refused (build with --allow-shrink if that is intended)\n")
    assert main(["build", "--sources", str(folder), "--out", str(out), "--no-validate", "--allow-shrink"]) == 0
