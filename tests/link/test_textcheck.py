"""check-text: entity linking in three languages and claims judged on a day, with evidence."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import CHECKOUT, FIXTURES

from graph_builder.api import KnowledgeGraph
from graph_builder.core.errors import ScoKgError
from graph_builder.link.textcheck import (
    CONTRADICTED,
    MAX_TEXT_CHARS,
    OUTDATED,
    SUPPORTED,
    UNKNOWN,
    TextReport,
    check_text,
)

# The full text sits beside the checkout (shared/sources); the repository keeps only short quotes.
FULL_TEXT = CHECKOUT.parent / "shared" / "sources" / "cgtn-leaders-talk-sco-secretary-general.txt"
ARTICLE = FULL_TEXT if FULL_TEXT.exists() else FIXTURES / "articles" / "cgtn-leaders-talk-excerpts.txt"
ID = "https://w3id.org/sco-kg/id/"


def verdicts(report: TextReport) -> list[tuple[str, str, str]]:
    return [(c.kind, c.text, c.verdict) for c in report.claims]


def linked(report: TextReport) -> list[tuple[str, str | None]]:
    return [(m.text, m.entity) for m in report.mentions]


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def test_source_article_claims_are_judged_with_evidence(kg: KnowledgeGraph, article: str) -> None:
    # Written before the Tianjin summit and read in December 2026: its status counts were true
    # then and are outdated since the reform of 1 September 2025.
    report = check_text(kg, article, dt.date(2025, 8, 30), today=dt.date(2026, 12, 2))
    by_text = {c.text: c for c in report.claims}
    assert {t: c.verdict for t, c in by_text.items()} == {
        "Over 24 years": SUPPORTED, "10 member states": SUPPORTED, "2 observers": OUTDATED,
        "14 dialogue partners": OUTDATED, "26 countries and regions": OUTDATED,
        "Secretary-General Nurlan Yermekbayev": SUPPORTED, "2024-2025 presidency, China": SUPPORTED}
    assert "outdated since 2025-09-01" in by_text["14 dialogue partners"].reason
    partners = by_text["14 dialogue partners"]
    assert partners.query == "members" and partners.params == {"date": "2025-08-30", "role": "dialogue_partner"}
    assert len({r["state"] for r in partners.rows}) == 14 and {"Egypt", "Maldives"} <= {r["stateLabel"] for r in partners.rows}
    assert all(url.startswith("http") for url in partners.sources) and len(partners.sources) >= 14
    office = by_text["Secretary-General Nurlan Yermekbayev"]
    assert office.rows[0]["person"] == f"{ID}person/nurlan-yermekbayev" and office.sources
    assert by_text["Over 24 years"].rows[0]["value"] == dt.date(2001, 6, 15)


def test_source_article_counts_change_with_the_day(kg: KnowledgeGraph, article: str) -> None:
    """A year after Tianjin the dialogue partners had become partners and Laos had joined them."""
    report = check_text(kg, article, dt.date(2026, 1, 1))
    got = {c.text: c.verdict for c in report.claims}
    assert got["10 member states"] == SUPPORTED
    assert got["14 dialogue partners"] == CONTRADICTED and got["26 countries and regions"] == CONTRADICTED


def test_source_article_mentions(kg: KnowledgeGraph, article: str) -> None:
    report = check_text(kg, article, dt.date(2025, 8, 30))
    found = {m.text: m.entity for m in report.mentions}
    assert found["China"] == found["Chinese mainland"] == f"{ID}state/CHN"
    assert "China’s push" in article and sum(m.entity == f"{ID}state/CHN" for m in report.mentions) == 3
    assert found["Tianjin Summit"] == f"{ID}summit/sco-2025-tianjin"
    assert found["Shanghai Spirit"] == f"{ID}principle/shanghai-spirit"
    assert found["Nurlan Yermekbayev"] == f"{ID}person/nurlan-yermekbayev"
    assert found["Shanghai Cooperation Organization"] == f"{ID}org/sco"
    assert "South Asia" not in found and "West Asia" not in found  # regions are not in the graph
    china = next(m for m in report.mentions if m.text == "China")
    assert china.wikidata == "http://www.wikidata.org/entity/Q148"


def test_recorded_mentions_are_everything_the_linker_finds(kg: KnowledgeGraph, article: str) -> None:
    """The article's named graph names exactly the entities its text mentions (the quotes kept in
    the repository name most of them)."""
    recorded = {str(r.entity) for r in kg.query("articles_mentioning").records()}
    linked_now = {m.entity for m in check_text(kg, article, dt.date(2025, 8, 30)).mentions if m.entity}
    assert linked_now == recorded if ARTICLE == FULL_TEXT else linked_now <= recorded and len(linked_now) >= 10


def test_which_articles_mention_an_entity(kg: KnowledgeGraph) -> None:
    rows = kg.query("articles_mentioning", entity="China").records()
    assert [(r.publisher, r.how) for r in rows] == [("CGTN", "mentions")]
    assert kg.query("articles_mentioning", entity="2025 SCO Tianjin summit").records()[0].how == "about"
    assert kg.query("articles_mentioning", entity="Belarus").records() == []


@pytest.mark.parametrize("text, day, expected", [
    ("The SCO has 8 member states and 4 observers.", "2023-07-03",
     [("count", "8 member states", SUPPORTED), ("count", "4 observers", SUPPORTED)]),
    ("The SCO has 8 member states and 4 observers.", "2023-07-05",
     [("count", "8 member states", CONTRADICTED), ("count", "4 observers", CONTRADICTED)]),
    ("It has nine members and more than twenty countries.", "2023-12-01",
     [("count", "nine members", SUPPORTED), ("count", "more than twenty countries", SUPPORTED)]),
    ("上海合作组织现有9个成员国和3个观察员国。", "2023-12-01",
     [("count", "9个成员国", SUPPORTED), ("count", "3个观察员国", SUPPORTED)]),
    ("上海合作组织现有十个成员国。", "2023-12-01", [("count", "十个成员国", CONTRADICTED)]),
    ("В ШОС входят 9 государств-членов и 14 партнеров по диалогу.", "2023-12-01",
     [("count", "9 государств-членов", SUPPORTED), ("count", "14 партнеров по диалогу", SUPPORTED)]),
])
def test_counts(kg: KnowledgeGraph, text: str, day: str, expected: list) -> None:
    assert verdicts(check_text(kg, text, dt.date.fromisoformat(day), today=dt.date.fromisoformat(day))) == expected


@pytest.mark.parametrize("text, day, verdict", [
    ("SCO Secretary-General Zhang Ming met the press.", "2023-03-01", SUPPORTED),
    ("SCO Secretary-General Zhang Ming met the press.", "2019-03-01", CONTRADICTED),
    ("SCO Secretary-General John Smith met the press.", "2019-03-01", CONTRADICTED),
    ("SCO Secretary-General Zhang Deguang met the press.", "2003-06-01", UNKNOWN),
    ("Former Secretary-General Rashid Alimov spoke.", "2024-01-01", SUPPORTED),
    ("上合组织秘书长张明表示。", "2023-03-01", SUPPORTED),
    ("Генеральный секретарь ШОС Владимир Норов заявил.", "2023-03-01", CONTRADICTED),
    # Kasymov's and Subanov's terms are bracketed only by dated reports: on a day between the last
    # report of the one and the first of the other, neither yes nor no.
    ("Myrzakan Subanov, Director of the RATS Executive Committee, spoke.", "2007-03-01", UNKNOWN),
    ("Director of the RATS Executive Committee John Smith spoke.", "2007-03-01", UNKNOWN),
    ("Myrzakan Subanov, Director of the RATS Executive Committee, spoke.", "2008-03-01", SUPPORTED),
    ("Vyacheslav Kasymov, Director of the RATS Executive Committee, spoke.", "2008-03-01", CONTRADICTED),
])
def test_office_claims(kg: KnowledgeGraph, text: str, day: str, verdict: str) -> None:
    claims = check_text(kg, text, dt.date.fromisoformat(day), today=dt.date.fromisoformat(day)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("office", verdict)]
    assert claims[0].query == "office_holders"


@pytest.mark.parametrize("text, verdict, reason", [
    ("India joined the SCO as a member on 9 June 2017.", SUPPORTED, "2017-06-09"),
    ("Iran became a full member of the SCO in 2023.", SUPPORTED, "2023-07-04"),
    ("Iran became a full member of the SCO in 2022.", CONTRADICTED, "not 2022"),
    ("Turkey joined the SCO as an observer in 2012.", CONTRADICTED, "never observer"),
    ("Belarus became an observer in 2015.", SUPPORTED, "observer"),
    ("伊朗于2023年成为上合组织成员国。", SUPPORTED, "2023-07-04"),
    ("Белоруссия стала членом ШОС в 2024 году.", SUPPORTED, "2024-07-04"),
    ("Белоруссия стала членом ШОС в 2021 году.", CONTRADICTED, "not 2021"),
])
def test_join_claims(kg: KnowledgeGraph, text: str, verdict: str, reason: str) -> None:
    claims = check_text(kg, text, dt.date(2026, 1, 1)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("joined", verdict)]
    assert reason in claims[0].reason and claims[0].query == "state_history" and claims[0].sources


@pytest.mark.parametrize("text, verdict", [
    ("The Tianjin Summit takes place on 31 August–1 September 2025.", SUPPORTED),
    ("The Tianjin Summit takes place on 15 June 2025.", CONTRADICTED),
    ("The 2019 summit was held in Bishkek on 13-14 June 2019.", SUPPORTED),
    ("The 2018 summit took place in Astana in 2018.", CONTRADICTED),
    ("A summit was held in Moscow in 1995.", UNKNOWN),
    ("上合组织天津峰会于2025年8月31日举行。", SUPPORTED),
    ("Саммит ШОС в Тяньцзине пройдет 1 сентября 2025 года.", SUPPORTED),
])
def test_summit_claims(kg: KnowledgeGraph, text: str, verdict: str) -> None:
    claims = check_text(kg, text, dt.date(2026, 1, 1)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("summit", verdict)]
    assert claims[0].query == "summits"


@pytest.mark.parametrize("text, day, verdict", [
    ("Over 24 years, the SCO has grown.", "2025-08-30", SUPPORTED),
    ("Over 24 years, the SCO has grown.", "2025-06-01", CONTRADICTED),
    ("This year marks the 25th anniversary of the SCO.", "2026-06-15", SUPPORTED),
    ("The SCO was founded in 2002.", "2026-06-15", CONTRADICTED),
    ("上合组织成立25周年。", "2026-06-15", SUPPORTED),
    ("ШОС была создана в 2001 году.", "2026-06-15", SUPPORTED),
])
def test_age_claims(kg: KnowledgeGraph, text: str, day: str, verdict: str) -> None:
    claims = check_text(kg, text, dt.date.fromisoformat(day), today=dt.date.fromisoformat(day)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("age", verdict)]


def test_mentions_with_tricky_boundaries(kg: KnowledgeGraph) -> None:
    text = ("China's envoy in Indiana spoke Chinese about the Shanghai Five and Shanghai, "
            "not about SCOPE; the Bishkek summit and Russia’s role.")
    got = linked(check_text(kg, text, dt.date(2026, 1, 1)))
    assert got[:3] == [("China", f"{ID}state/CHN"), ("Shanghai Five", f"{ID}org/shanghai-five"), ("Shanghai", f"{ID}place/shanghai")]
    assert ("Russia", f"{ID}state/RUS") in got and not any(t in ("Indiana", "Chinese", "SCO") for t, _ in got)
    ambiguous = next(m for m in check_text(kg, text).mentions if m.text == "Bishkek summit")
    assert ambiguous.entity is None and len(ambiguous.candidates) == 4
    assert ambiguous.to_json()["candidates"][0].startswith(f"{ID}summit/")


def test_mentions_in_chinese_and_russian(kg: KnowledgeGraph) -> None:
    zh = linked(check_text(kg, "习近平在天津峰会上谈到上海精神和印度。"))
    assert (("天津峰会", f"{ID}summit/sco-2025-tianjin") in zh and ("印度", f"{ID}state/IND") in zh)
    ru = linked(check_text(kg, "Переговоры Китая и Индии в Тяньцзине; визит в Россию."))
    assert [e for _, e in ru] == [f"{ID}state/CHN", f"{ID}state/IND", f"{ID}place/tianjin", f"{ID}state/RUS"]


def test_russian_names_in_every_case(kg: KnowledgeGraph) -> None:
    # Forms a table of endings missed: a vowel that drops (Египет, Египта), plurals (Мальдивы),
    # surnames in the instrumental (Путиным), е written for ё, and an adjective before a noun.
    text = ("Путиным и Токаевым подписано письмо Египта; делегации Мальдив и Объединенных Арабских "
            "Эмиратов приняли Мирзиеев и Ермекбаеву; в Тяньцзине был Цзиньпин.")
    assert [e for _, e in linked(check_text(kg, text))] == [
        f"{ID}person/vladimir-putin", f"{ID}person/kassym-jomart-tokayev", f"{ID}state/EGY", f"{ID}state/MDV",
        f"{ID}state/ARE", f"{ID}person/shavkat-mirziyoyev", f"{ID}person/nurlan-yermekbayev", f"{ID}place/tianjin"]


def test_cli_json_shape_and_errors(built: object, article: str, tmp_path) -> None:  # noqa: ANN001
    run = [sys.executable, "-m", "graph_builder", "check-text"]
    out = subprocess.run(run + [str(ARTICLE), "--date", "2025-08-30", "--format", "json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert set(data) >= {"mentions", "claims"} and len(data["mentions"]) >= 10 and len(data["claims"]) >= 6
    assert all({"text", "entity", "wikidata"} <= set(m) for m in data["mentions"])
    assert all({"text", "verdict", "query", "rows", "sources"} <= set(c) for c in data["claims"])
    piped = subprocess.run(run + ["-", "--date", "2025-08-30"], input="The SCO has 10 member states.", capture_output=True, text=True, check=True)
    assert "[supported] '10 member states'" in piped.stdout
    missing = subprocess.run(run + [str(tmp_path / "none.txt")], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "none.txt" in missing.stderr
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    broken = subprocess.run(run + [str(bad)], capture_output=True, text=True)
    assert broken.returncode == 1 and "bad.txt" in broken.stderr and "Traceback" not in broken.stderr


def test_a_surname_alone_names_a_person_unless_it_is_a_given_name(kg: KnowledgeGraph) -> None:
    got = linked(check_text(kg, "Yermekbayev met Alimov; Ming did not come."))
    assert got == [("Yermekbayev", f"{ID}person/nurlan-yermekbayev"), ("Alimov", f"{ID}person/rashid-alimov")]


@pytest.mark.parametrize("text, day, verdict", [
    ("Under its 2024-2025 presidency, China called for unity.", "2025-08-30", SUPPORTED),
    ("India held the SCO presidency in 2022-2023.", "2025-08-30", SUPPORTED),
    ("Under its 2023-2024 presidency, China called for unity.", "2025-08-30", CONTRADICTED),
    ("Kazakhstan currently holds the SCO chairmanship.", "2024-01-01", SUPPORTED),
    ("Kazakhstan currently holds the SCO chairmanship.", "2025-01-01", CONTRADICTED),
])
def test_chair_claims(kg: KnowledgeGraph, text: str, day: str, verdict: str) -> None:
    claims = check_text(kg, text, dt.date.fromisoformat(day), today=dt.date.fromisoformat(day)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("chair", verdict)]
    assert claims[0].sources


def test_a_chair_in_the_future_is_not_judged(kg: KnowledgeGraph) -> None:
    assert check_text(kg, "India will take over the chairmanship.", dt.date(2025, 1, 1)).claims == []


@contextmanager
def finishes_within(seconds: int) -> Iterator[None]:
    """Fail rather than hang: SIGALRM interrupts even a regular expression stuck in backtracking."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("filler", ["a" * 50_000, "1государств" * 4_600, "Генеральн" * 5_000],
                         ids=["letters", "digits-and-cyrillic", "russian-stems"])
def test_a_long_pathological_sentence_changes_nothing_around_it(kg: KnowledgeGraph, filler: str) -> None:
    """50 kB of one long word once took many minutes (each regex retried the word from each of its
    letters); now it is read once, and the claims and names around it are found as without it."""
    before, after = "The SCO has 10 member states.", "Iran became a full member of the SCO in 2023, said Zhang Ming."
    plain = check_text(kg, f"{before} {after}", dt.date(2025, 8, 30))
    with finishes_within(60):
        padded = check_text(kg, f"{before} {filler} {after}", dt.date(2025, 8, 30))
    assert verdicts(padded) == verdicts(plain) == [
        ("count", "10 member states", SUPPORTED), ("joined", "Iran became a full member of the SCO in 2023", SUPPORTED)]
    shift = len(filler) + 1
    assert [(m.text, m.entity, m.start) for m in padded.mentions] == [
        (m.text, m.entity, m.start + (shift if m.start > len(before) else 0)) for m in plain.mentions]


def test_a_text_over_the_limit_is_refused_before_any_work(kg: KnowledgeGraph) -> None:
    assert check_text(kg, "The SCO has 10 member states.", max_chars=29).claims
    with pytest.raises(ScoKgError) as exc:
        check_text(kg, "x" * 1_001, max_chars=1_000)
    message = str(exc.value)
    assert "\n" not in message and "1,001 characters" in message and "limit of 1,000" in message
    assert MAX_TEXT_CHARS == 2_000_000


def test_cli_refuses_a_text_over_the_limit_without_reading_it_all(built: object, tmp_path: Path) -> None:
    run = [sys.executable, "-m", "graph_builder", "check-text"]
    huge = tmp_path / "huge.txt"
    huge.write_text("The SCO has 10 member states. " * (MAX_TEXT_CHARS // 30 + 1), encoding="utf-8")
    refused = subprocess.run(run + [str(huge)], capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "huge.txt" in refused.stderr and f"{huge.stat().st_size:,} bytes" in refused.stderr
    assert f"limit of {MAX_TEXT_CHARS:,} characters" in refused.stderr and "--max-chars" in refused.stderr
    piped = subprocess.run(run + ["-", "--max-chars", "10"], input="The SCO has 10 member states.",
                           capture_output=True, text=True, check=False)
    assert piped.returncode == 1 and "limit of 10 characters" in piped.stderr and piped.stderr.count("\n") == 1


@pytest.mark.parametrize("text, verdict, reason", [
    # a claim that names its own time is judged at that time, not on the day the text is read as of
    ("Zhang Ming was Secretary-General in 2023.", SUPPORTED, "in 2023 (the year the sentence names)"),
    ("Zhang Ming was Secretary-General in 2019.", CONTRADICTED, "in 2019 was Vladimir Norov, not Zhang Ming"),
    ("On 15 June 2011 the Director of the RATS Executive Committee Dzhenisbek Dzhumanbekov spoke.", SUPPORTED,
     "on 2011-06-15 (the day the sentence names)"),
    ("Myrzakan Subanov, Director of the RATS Executive Committee, in 2007.", SUPPORTED, "in 2007"),
    # Kasymov's term ends somewhere from 16 Sep 2006 to 16 Aug 2007: 2007 may or may not be his
    ("Vyacheslav Kasymov, Director of the RATS Executive Committee, in 2007.", UNKNOWN, "too roughly"),
])
def test_office_claims_at_the_time_the_sentence_names(kg: KnowledgeGraph, text: str, verdict: str, reason: str) -> None:
    claims = check_text(kg, text, dt.date(2025, 9, 5)).claims
    assert [(c.kind, c.verdict) for c in claims] == [("office", verdict)]
    assert reason in claims[0].reason


@pytest.mark.parametrize("text, kind, verdict, reason", [
    ("The 23rd meeting of the SCO heads of government was held in Islamabad.", "meeting", SUPPORTED,
     "met in Islamabad from 2024-10-15 to 2024-10-16"),
    ("The 23rd meeting of the Council of Heads of Government was held in Tashkent.", "meeting", CONTRADICTED,
     "not in Tashkent"),
    ("The 40th meeting of the SCO heads of government took place.", "meeting", UNKNOWN, "no 40th meeting"),
    ("Narendra Modi attended the Tianjin summit.", "attendance", SUPPORTED,
     "Narendra Modi headed the delegation of India at the 2025 SCO Tianjin summit (as prime minister)"),
    ("Nawaz Sharif attended the Tianjin summit.", "attendance", CONTRADICTED,
     "Shehbaz Sharif heading the delegation of Pakistan"),
])
def test_meeting_and_attendance_claims(kg: KnowledgeGraph, text: str, kind: str, verdict: str, reason: str) -> None:
    claims = [c for c in check_text(kg, text, dt.date(2025, 9, 5)).claims if c.kind == kind]
    assert [(c.kind, c.verdict) for c in claims] == [(kind, verdict)]
    assert reason in claims[0].reason


def test_a_claim_true_then_and_false_now_is_outdated_since_the_change(kg: KnowledgeGraph) -> None:
    text = "The SCO has 2 observers and 14 dialogue partners."
    report = check_text(kg, text, dt.date(2025, 8, 28), today=dt.date(2026, 12, 2))
    assert [(c.text, c.verdict) for c in report.claims] == [("2 observers", "outdated"), ("14 dialogue partners", "outdated")]
    assert all("outdated since 2025-09-01" in c.reason for c in report.claims)
    # judged on a day after the change, the same claims are plainly contradicted
    later = check_text(kg, text, dt.date(2025, 9, 2), today=dt.date(2026, 12, 2))
    assert [c.verdict for c in later.claims] == [CONTRADICTED, CONTRADICTED]


def test_a_text_is_judged_as_of_its_own_dateline(kg: KnowledgeGraph) -> None:
    text = "BEIJING, 28 August 2025 - The SCO has 14 dialogue partners."
    report = check_text(kg, text, today=dt.date(2026, 12, 2))
    assert (report.date, report.basis) == (dt.date(2025, 8, 28), "text")
    assert [c.verdict for c in report.claims if c.kind == "count"] == ["outdated"]
    undated = check_text(kg, "The SCO has 10 member states.", today=dt.date(2026, 12, 2))
    assert (undated.date, undated.basis) == (dt.date(2026, 12, 2), "today")
    assert "today: the text names no date of its own" in undated.table()
