"""Read a news text against the graph: which entities it names, and whether its claims hold.

Entity linking uses only the graph's own names (the ``entity_labels`` query: labels and aliases in
English, Chinese and Russian) plus forms derived from them cheaply: "Tianjin Summit" from a summit's
city, a non-Chinese person's surname, Russian case endings. The longest match wins; a name that
belongs to two entities is reported with both candidates, never guessed.

Claims are the kinds the graph can judge: counts of members, observers, dialogue partners,
partners or "countries"; who holds an office or the chair; when a state got a status; where and
when a summit met; the organisation's age. Each is judged as of one day by a named catalogue query,
and the verdict carries that query, its rows and their sources.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from ..api import KnowledgeGraph
from ..core.errors import ScoKgError
from ..core.dates import PartialDate
from ..core.keys import ROLE_LABELS, Office, Role

SUPPORTED, CONTRADICTED, UNKNOWN = "supported", "contradicted", "not in graph"
# True on the day the text is judged as of, false on the day it is read: "outdated since ...".
OUTDATED = "outdated"
# A dateline or publication date this close to the start of a text dates the whole text.
DATELINE_CHARS = 400
SCO_IRI = "https://w3id.org/sco-kg/id/org/sco"
# About 2 MB of English: hundreds of news articles; the CLI reads no further than this.
MAX_TEXT_CHARS = 2_000_000

_CJK = re.compile(r"[\u3400-\u9fff]")
_MONTHS_EN = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS_RU = {m: i for i, m in enumerate(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(), 1)}
_NUMBERS_EN = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50}
_DIGITS_ZH = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A number word starts a word and is taken whole (possessive), so a long run of letters is read
# once, not again from each of its letters.
_NUMBER = r"(?P<n>\d{1,3}|(?<![a-z])[a-z]++(?:-[a-z]++)?|[零一二两三四五六七八九十]{1,3})"
# Russian case endings by how a word ends: enough for place, state and person names in news.
_RU_ENDINGS = (("ия", "(?:ия|ии|ию|ией)"), ("ая", "(?:ая|ой|ую)"), ("ий", "(?:ий|ого|ому|им|ом)"),
               ("ый", "(?:ый|ого|ому|ым|ом)"), ("а", "(?:а|ы|и|е|у|ой)"), ("я", "(?:я|и|е|ю|ей)"),
               ("й", "(?:й|я|ю|ем|е)"), ("ь", "(?:ь|и|ю|ью|я|ем|е)"))


@dataclass(frozen=True)
class Mention:
    """A span of the text that names an entity (or, when ``candidates`` has several, may name
    any of them)."""

    text: str
    start: int
    end: int
    candidates: tuple[str, ...]
    kind: str
    label: str
    wikidata: str | None

    @property
    def entity(self) -> str | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "entity": self.entity, "wikidata": self.wikidata,
                               "label": self.label, "kind": self.kind, "start": self.start, "end": self.end}
        if self.entity is None:
            out["candidates"] = list(self.candidates)
        return out


@dataclass
class Claim:
    """One claim of the text, the verdict on it and the evidence for the verdict."""

    text: str
    start: int
    end: int
    kind: str
    verdict: str
    reason: str
    query: str
    params: dict[str, str]
    rows: list[dict[str, Any]]
    sources: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "verdict": self.verdict, "kind": self.kind, "reason": self.reason,
                "query": self.query, "params": self.params, "rows": self.rows, "sources": self.sources,
                "start": self.start, "end": self.end}


@dataclass
class TextReport:
    """Mentions and judged claims of one text, as of ``date``."""

    date: dt.date
    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    basis: str = "given"

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "basis": self.basis, "mentions": [m.to_json() for m in self.mentions],
                "claims": [c.to_json() for c in self.claims]}

    def table(self) -> str:
        """A plain-text report for the terminal."""
        lines = [f"as of {self.date.isoformat()} ({_BASIS[self.basis]})", "", "mentions:"]
        for m in self.mentions:
            who = f"{m.label} <{m.entity}>" if m.entity else "ambiguous: " + ", ".join(m.candidates)
            lines.append(f"  {m.text!r:32} {m.kind:12} {who}" + (f" {m.wikidata}" if m.wikidata else ""))
        lines += ["", "claims:"]
        for c in self.claims:
            lines.append(f"  [{c.verdict}] {c.text!r}")
            lines.append(f"      {c.reason} (query {c.query} {_params_text(c.params)}, {len(c.rows)} rows)")
            lines += [f"      source: {url}" for url in c.sources[:5]]
            if len(c.sources) > 5:
                lines.append(f"      ... and {len(c.sources) - 5} more sources")
        if not self.claims:
            lines.append("  none recognised")
        return "\n".join(lines)


_BASIS = {"given": "the date given", "text": "the date at the head of the text", "today": "today: the text names no date of its own"}


def _params_text(params: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


@dataclass(frozen=True)
class _Entity:
    iri: str
    kind: str
    label: str
    wikidata: str | None


_RUSSIAN = re.compile(r"[а-яё]", re.IGNORECASE)
_YO = str.maketrans("ёЁ", "еЕ")


@lru_cache(maxsize=1)
def _morph() -> Any:
    """pymorphy3's analyser: its dictionary and suffix predictor decline Russian names far better
    than a table of endings (fleeting vowels, plurals, instrumental surnames). Loaded on first use."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _declines(word: str) -> bool:
    """Whether a word of a name takes Russian case endings: Cyrillic words longer than three letters."""
    return len(word) > 3 and bool(_RUSSIAN.search(word))


@lru_cache(maxsize=65_536)
def _lemmas(word: str) -> frozenset[str]:
    """The word and every dictionary form pymorphy3 can read it as, lower case, with ё as е."""
    folded = word.lower().translate(_YO)
    return frozenset({folded} | {p.normal_form.translate(_YO) for p in _morph().parse(word)})


@lru_cache(maxsize=4_096)
def _inflections(word: str) -> frozenset[str]:
    """The six cases of a name word as written (nominative): those of its noun, adjective or
    participle reading, lower case, with ё as е; the word alone when pymorphy3 finds it
    indeclinable or reads it as nothing else ("Моди")."""
    forms = {word.lower().translate(_YO)}
    for parse in _morph().parse(word):
        tag = parse.tag
        if tag.case != "nomn" or tag.POS not in ("NOUN", "ADJF", "PRTF") or "Fixd" in tag:
            continue
        for case in ("nomn", "gent", "datv", "accs", "ablt", "loct"):
            form = parse.inflect({case, tag.number} if tag.number else {case})
            if form is not None:
                forms.add(form.word.translate(_YO))
        break
    return frozenset(forms)


def _same_word(name_word: str, token: str) -> bool:
    """Whether ``token`` in a text is a case form of the Russian ``name_word``: one of its
    inflections, or a word pymorphy3 reads as having a dictionary form in common with it. A few
    endings stay for the foreign names its predictor declines with the wrong gender
    ("Тяньцзинь", "в Тяньцзине")."""
    folded = token.lower().translate(_YO)
    if folded in _inflections(name_word) or _lemmas(name_word) & _lemmas(token):
        return True
    stem, endings = _endings(name_word)
    return re.fullmatch(re.escape(stem.lower().translate(_YO)) + endings, folded) is not None


def _endings(word: str) -> tuple[str, str]:
    """A Russian word as a stem and a pattern of the endings its class takes."""
    for ending, pattern in _RU_ENDINGS:
        if word.lower().endswith(ending):
            return word[: -len(ending)], pattern
    return word, "(?:а|у|ом|е|ы|ов)?"


def _stem(word: str) -> str:
    """What every case form of a Russian name word starts with, as far as a match needs to know:
    the word less its last letters (two of a long word, where a vowel may drop: "Египет",
    "Египта"), never shorter than three letters."""
    cut = 2 if len(word) > 5 else 1
    return word[: max(3, len(word) - cut)]


def _yo(text: str) -> str:
    """A regular expression for ``text`` in which е and ё stand for each other, as news write them."""
    return re.sub(r"[её]", "[её]", re.escape(text), flags=re.IGNORECASE)


def _word_pattern(form: str) -> str:
    """A regular expression for a name: exact for Chinese, with word boundaries elsewhere. A
    Russian word matches its stem and any ending; :func:`_same_word` then decides."""
    if _CJK.search(form):
        return re.escape(form)
    words = [_yo(_stem(w)) + r"[а-яё]{0,6}" if _declines(w) else _yo(w) for w in form.split()]
    return r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w])"


# A name is filed under its first three characters; white space (U+3000 at most) counts as one space.
_HEAD = 3
_SPACES = str.maketrans({chr(i): " " for i in range(0x3001) if chr(i).isspace()} | {"ё": "е", "Ё": "е"})


def _fold(text: str) -> str:
    """Lower case with every kind of white space as one space and ё as е: how heads are compared."""
    return text.translate(_SPACES).lower()


def _head(form: str) -> str:
    """The first characters (folded, at most ``_HEAD``) that every match of ``form`` starts with,
    so that a text position is tried only against the names that can start there."""
    if _CJK.search(form):
        return _fold(form)[:_HEAD]
    words = form.split()
    first = _stem(words[0]) if _declines(words[0]) else words[0] + (" " if len(words) > 1 else "")
    return _fold(first)[:_HEAD]


class _Taken:
    """Which characters of a text are already claimed by a span: testing a span costs its own
    length, not the number of spans taken before it."""

    def __init__(self, size: int) -> None:
        self._marks = bytearray(size)

    def free(self, start: int, end: int) -> bool:
        """Whether no character from ``start`` to ``end`` is taken."""
        return self._marks.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        """Mark ``start``..``end`` as taken."""
        self._marks[start:end] = b"\x01" * (end - start)


class Gazetteer:
    """Every name of every entity in the graph, compiled for matching."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.entities: dict[str, _Entity] = {}
        names: dict[str, set[str]] = defaultdict(set)
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for row in kg.query("entity_labels").records():
            iri, name, lang = str(row.entity), str(row.name), str(row.lang or "")
            if row.nameKind == "label" and lang:
                labels[iri].setdefault(lang, name)
            names[iri].add(name)
            self.entities.setdefault(iri, _Entity(iri, str(row.kind), "", str(row.wikidata) if row.wikidata else None))
        for iri, entity in self.entities.items():
            en = labels[iri].get("en") or next(iter(labels[iri].values()), iri)
            self.entities[iri] = _Entity(iri, entity.kind, en, entity.wikidata)
        self._derive(kg, names, labels)
        self.forms: dict[str, set[str]] = defaultdict(set)
        for iri, forms in names.items():
            for form in forms:
                if len(form) >= 2 and (len(form) >= 3 or _CJK.search(form) or form.isupper()):
                    self.forms[form].add(iri)
        # Names by their first characters: each place in a text is tried only against the few
        # names that can start there, so the work grows with the text, not text times names.
        self._by_head: dict[str, list[tuple[re.Pattern[str], str, tuple[str, ...] | None]]] = defaultdict(list)
        for f in sorted(self.forms):
            flags = 0 if f.isupper() and len(f) <= 5 else re.IGNORECASE
            declined = tuple(f.split()) if not _CJK.search(f) and any(map(_declines, f.split())) else None
            self._by_head[_head(f)].append((re.compile(_word_pattern(f), flags), f, declined))
        firsts = "".join(sorted({re.escape(f[0]) for f in self.forms if _CJK.search(f)}))
        # Where a name may start: a word's first character, or any character a Chinese name opens with.
        self._starts = re.compile(r"(?<![\w-])\S" + (f"|[{firsts}]" if firsts else ""), re.IGNORECASE)

    def _derive(self, kg: KnowledgeGraph, names: dict[str, set[str]], labels: dict[str, dict[str, str]]) -> None:
        """Names news use but nobody curates: "Tianjin Summit", "саммит ШОС в Тяньцзине",
        "天津峰会", and the surname of a person whose name is not written surname first (every
        name but those of China's nationals and delegates: "Путин" is a surname, "Цзиньпин" is not)."""
        for row in kg.query("summits").records():
            city = labels.get(str(row.city), {})
            year = str(row.start)[:4]
            series = "SCO" if row.series == "sco" else "Shanghai Five"
            if "en" in city:
                c = city["en"]
                names[str(row.event)] |= {f"{c} summit", f"{series} {c} summit", f"{year} {c} summit",
                                          f"{year} {series} summit", f"{c} {series} summit"}
            if "zh" in city:
                names[str(row.event)] |= {f"{city['zh']}峰会", f"上合组织{city['zh']}峰会", f"上海合作组织{city['zh']}峰会"}
            if "ru" in city and row.series == "sco":
                names[str(row.event)] |= {f"саммит ШОС в {city['ru']}", f"{year} саммит ШОС"}
        china = "https://w3id.org/sco-kg/id/state/CHN"
        chinese = {str(r.person) for r in kg.query("persons_by_nationality").records() if str(r.nationality or "") == china}
        chinese |= {str(r.person) for r in kg.query("delegations").records() if str(r.state) == china}
        for iri, entity in self.entities.items():
            if entity.kind == "person" and iri not in chinese:
                for lang in ("en", "ru"):
                    parts = labels[iri].get(lang, "").split()
                    if len(parts) > 1:
                        names[iri].add(parts[-1])

    def find(self, text: str) -> list[Mention]:
        """Mentions in ``text``, longest match first, left to right, never overlapping."""
        spans: dict[tuple[int, int], set[str]] = defaultdict(set)
        for start in self._starts.finditer(text):
            at = start.start()
            head = _fold(text[at:at + _HEAD])
            for size in range(len(head), 0, -1):
                for pattern, form, declined in self._by_head.get(head[:size], ()):
                    m = pattern.match(text, at)
                    if m and (declined is None or _declined_match(declined, m.group(0).split())):
                        spans[(m.start(), m.end())] |= self.forms[form]
        taken = _Taken(len(text))
        mentions = []
        for (start, end), iris in sorted(spans.items(), key=lambda s: (-(s[0][1] - s[0][0]), s[0][0])):
            if not taken.free(start, end):
                continue
            taken.take(start, end)
            candidates = tuple(sorted(iris))
            first = self.entities[candidates[0]]
            one = len(candidates) == 1
            mentions.append(Mention(text[start:end], start, end, candidates,
                                    first.kind if one or len({self.entities[c].kind for c in candidates}) == 1 else "ambiguous",
                                    first.label if one else "", first.wikidata if one else None))
        return sorted(mentions, key=lambda m: m.start)


def _declined_match(name: tuple[str, ...], tokens: list[str]) -> bool:
    """Whether the words a name's pattern matched are case forms of the name's words."""
    return len(name) == len(tokens) and all(
        not _declines(w) or t.lower().translate(_YO) == w.lower().translate(_YO) or _same_word(w, t)
        for w, t in zip(name, tokens))


def _number(text: str) -> int | None:
    text = text.lower()
    if text.isdigit():
        return int(text)
    if text in _NUMBERS_EN:
        return _NUMBERS_EN[text]
    if "-" in text:
        tens, _, unit = text.partition("-")
        if tens in _NUMBERS_EN and unit in _NUMBERS_EN:
            return _NUMBERS_EN[tens] + _NUMBERS_EN[unit]
    if text and all(ch in _DIGITS_ZH or ch == "十" for ch in text):
        if "十" not in text:
            return _DIGITS_ZH[text] if len(text) == 1 else None
        tens, _, unit = text.partition("十")
        return (_DIGITS_ZH[tens] if tens else 1) * 10 + (_DIGITS_ZH[unit] if unit else 0)
    return None


@dataclass(frozen=True)
class _Date:
    """A day or a whole year (``day`` is None) named in the text, and a second day for ranges."""

    year: int
    day: dt.date | None
    until: dt.date | None
    start: int
    end: int

    def matches(self, start: dt.date, end: dt.date | None = None) -> bool:
        """Whether the stated day, range or year agrees with an event from ``start`` to ``end``."""
        if self.day is None:
            return start.year == self.year
        last = end or start
        if self.until is not None:
            return self.day == start and self.until == last
        return start <= self.day <= last

    def text(self) -> str:
        if self.day is None:
            return str(self.year)
        return self.day.isoformat() + (f"/{self.until.isoformat()}" if self.until else "")


_MONTH_EN = "(?P<m>" + "|".join(_MONTHS_EN) + ")"
_MONTH_RU = "(?P<m>" + "|".join(_MONTHS_RU) + ")"
_DATE_PATTERNS = [
    (re.compile(r"(?P<d1>\d{1,2})\s+(?P<m1>" + "|".join(_MONTHS_EN) + r")\s*[-–—]\s*(?P<d>\d{1,2})\s+" + _MONTH_EN + r",?\s+(?P<y>\d{4})", re.I), "en"),
    (re.compile(r"(?P<d1>\d{1,2})\s*[-–—]\s*(?P<d>\d{1,2})\s+" + _MONTH_EN + r",?\s+(?P<y>\d{4})", re.I), "en"),
    (re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_EN + r",?\s+(?P<y>\d{4})", re.I), "en"),
    (re.compile(_MONTH_EN + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})", re.I), "en"),
    (re.compile(r"(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})"), "iso"),
    (re.compile(r"(?P<y>\d{4})年(?P<mm>\d{1,2})月(?P<d>\d{1,2})日"), "zh"),
    (re.compile(r"(?P<d1>\d{1,2})\s*[-–—]\s*(?P<d>\d{1,2})\s+" + _MONTH_RU + r"\s+(?P<y>\d{4})", re.I), "ru"),
    (re.compile(r"(?P<d>\d{1,2})\s+" + _MONTH_RU + r"\s+(?P<y>\d{4})", re.I), "ru"),
]
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<![\d-])(?P<y>(?:19|20)\d{2})(?![\d-])")


def _dates(sentence: str, offset: int) -> list[_Date]:
    """Days, day ranges and bare years in a sentence, earliest first (none without a digit)."""
    found: list[_Date] = []
    if not _DIGIT.search(sentence):
        return found
    taken = _Taken(len(sentence))
    for pattern, lang in _DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if not taken.free(m.start(), m.end()):
                continue
            g = m.groupdict()
            months = _MONTHS_RU if lang == "ru" else _MONTHS_EN
            month = int(g["mm"]) if g.get("mm") else months[g["m"].lower()]
            try:
                last = dt.date(int(g["y"]), month, int(g["d"]))
                first = None
                if g.get("d1"):
                    first_month = months[g["m1"].lower()] if g.get("m1") else month
                    first = dt.date(int(g["y"]), first_month, int(g["d1"]))
            except ValueError:
                continue
            day, until = (first, last) if first else (last, None)
            found.append(_Date(int(g["y"]), day, until, offset + m.start(), offset + m.end()))
            taken.take(m.start(), m.end())
    for m in _YEAR.finditer(sentence):
        if taken.free(m.start(), m.end()):
            found.append(_Date(int(m.group("y")), None, None, offset + m.start(), offset + m.end()))
    return sorted(found, key=lambda d: d.start)


_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|$)", re.MULTILINE)

# What a count counts: a role key, or "any" for states with any status ("countries"). Russian
# endings are at most eight word characters: an unbounded tail would make one long word cost its
# length at every place a match is tried.
_COUNT_NOUNS = [
    (r"member\s+(?:states?|countries|nations)|full\s+members|members", Role.MEMBER.value),
    (r"observer\s+(?:states?|countries)|observers", Role.OBSERVER.value),
    (r"dialogue\s+partners?", Role.DIALOGUE_PARTNER.value),
    (r"partner\s+(?:states?|countries)|partners", Role.PARTNER.value),
    (r"countries\s+and\s+regions|countries|nations", "any"),
    (r"成员国", Role.MEMBER.value), (r"观察员国?", Role.OBSERVER.value), (r"对话伙伴(?:国)?", Role.DIALOGUE_PARTNER.value),
    (r"伙伴国", Role.PARTNER.value), (r"国家和地区|个?国家", "any"),
    (r"государств\w{0,8}[- ]член\w{0,8}|стран\w{0,8}[- ]член\w{0,8}|член\w{0,8}", Role.MEMBER.value),
    (r"государств\w{0,8}[- ]наблюдател\w{0,8}|наблюдател\w{0,8}", Role.OBSERVER.value),
    (r"партн[её]р\w{0,8}\s+по\s+диалогу", Role.DIALOGUE_PARTNER.value),
    (r"партн[её]р\w{0,8}", Role.PARTNER.value), (r"стран\w{0,8}(?:\s+и\s+регион\w{0,8})?", "any"),
]
_QUALIFIER = r"(?:(?P<q>over|more than|at least|nearly|almost|about|around|超过|逾|近|более|свыше|почти|около)\s*)?"
_COUNT = re.compile(_QUALIFIER + _NUMBER + r"\s*(?:个\s*)?(?:SCO\s+)?(?P<noun>" + "|".join(f"(?:{n})" for n, _ in _COUNT_NOUNS) + r")(?:(?<=[\u3400-\u9fff])|(?![\w]))",
                    re.IGNORECASE)
_OFFICES = [
    (re.compile(r"Secretary[- ]General|秘书长|Генеральн\w{1,8}\s+секретар\w{1,8}|генсек\w{0,8}", re.I), Office.SECRETARY_GENERAL),
    (re.compile(r"(?:Director|head)\s+of\s+the\s+(?:SCO\s+)?(?:RATS|Regional\s+Anti-Terrorist\s+Structure)(?:\s+Executive\s+Committee)?"
                r"|地区反恐怖机构执委会主任|директор\w{0,8}\s+Исполнительного\s+комитета\s+РАТС|директор\w{0,8}\s+Исполкома\s+РАТС", re.I),
     Office.RATS_DIRECTOR),
]
_FORMER = re.compile(r"(?:former|ex-|then|бывш\w{0,8}|前任|前)\s*(?:SCO\s+|上合组织)?$", re.I)
_CHAIR = re.compile(r"presidency|chairmanship|chairs?\b|presides|轮值主席国|主席国|председательств\w{0,8}", re.I)
# A chair claim without years must speak of the present: "holds the chair", "under its presidency".
_CHAIR_NOW = re.compile(r"\b(?:holds?|holding|currently|under|presides|chairs)\b|现任|担任|正在|председательствует|под председательством", re.I)
_JOIN = re.compile(r"\b(?:joined|join|became|become|becomes|admitted|granted|acceded|gained|obtained|received)\b"
                   r"|加入|成为|获得|вступил\w{0,8}|стал\w{0,8}|получил\w{0,8}|присоедин\w{0,8}", re.I)
_ROLE_WORDS = [
    (re.compile(r"dialogue\s+partner|对话伙伴|партн[её]р\w{0,8}\s+по\s+диалогу", re.I), Role.DIALOGUE_PARTNER.value),
    (re.compile(r"observer|观察员|наблюдател", re.I), Role.OBSERVER.value),
    (re.compile(r"\bpartner|伙伴|партн[её]р", re.I), Role.PARTNER.value),
    (re.compile(r"member|成员国?|член", re.I), Role.MEMBER.value),
]
_SUMMIT = re.compile(r"summit|峰会|саммит", re.I)
# "the 23rd meeting of the Council of Heads of Government", "the 24th SCO heads of government meeting"
_BODY_WORDS = (r"(?P<body>heads?\s+of\s+government|prime\s+ministers|heads?\s+of\s+state|"
               r"foreign\s+ministers|ministers\s+of\s+foreign\s+affairs)")
_ORDINAL_MEETING = [
    re.compile(r"(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:meeting|session)\s+of\s+the\s+(?:SCO\s+)?(?:Council\s+of\s+(?:the\s+)?)?"
               + _BODY_WORDS, re.I),
    re.compile(r"(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?:SCO\s+)?(?:Council\s+of\s+)?" + _BODY_WORDS + r"(?:\s+council)?\s+(?:meeting|session|summit)", re.I),
]
_BODY_KEYS = {"government": "heads_of_government", "ministers": "heads_of_government", "state": "heads_of_state",
              "foreign": "foreign_ministers"}
_ATTEND = re.compile(r"\b(?:attended|attends|attending|took\s+part\s+in|takes\s+part\s+in|participated\s+in|"
                     r"led\s+\w+(?:'s)?\s+delegation\s+(?:to|at))\b|出席|参加|принял\w*\s+участие|участвовал\w*", re.I)
_AGE = [
    (re.compile(r"(?:^|\b)(?P<q>over|more than|nearly|almost|for|in)\s+(?:the\s+(?:past|last)\s+)?" + _NUMBER + r"\s+years", re.I), "years"),
    (re.compile(_NUMBER + r"\s*years?\s+(?:ago|old)", re.I), "years"),
    (re.compile(r"(?P<n>\d{1,3})(?:st|nd|rd|th)\s+anniversary|成立(?P<n2>\d{1,3}|[一二三四五六七八九十]{1,3})周年|(?P<n3>\d{1,3})-?(?:летие|й\s+годовщин)", re.I), "anniversary"),
    (re.compile(r"(?:founded|established|created|set up|成立于|创立于|создан\w{0,8}|основан\w{0,8}|учрежд\w{0,8})\s*(?:in|в)?\s*(?P<y>(?:19|20)\d{2})", re.I), "founded"),
    (re.compile(r"(?P<q>超过|近)?" + _NUMBER + r"\s*年来|(?P<q2>более|свыше|почти|за)\s+(?P<n4>\d{1,3})\s+(?:лет|год)", re.I), "years"),
]


class TextChecker:
    """Links and judges texts against one graph; names and query answers are computed once."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.gazetteer = Gazetteer(kg)
        self._answers: dict[tuple[str, tuple[tuple[str, str], ...]], list[dict[str, Any]]] = {}

    def check(self, text: str, date: dt.date | None = None, *, max_chars: int = MAX_TEXT_CHARS,
              today: dt.date | None = None) -> TextReport:
        """Mentions and judged claims of ``text`` as of its own date: ``date`` when given, else
        a day named at the head of the text (its dateline), else ``today``. A count or office
        claim true on that day and false ``today`` is judged ``outdated``, since the change
        that made it so.

        A text longer than ``max_chars`` is refused before any work: the work grows with the
        text, and a news article is far shorter than the default.
        """
        if len(text) > max_chars:
            raise ScoKgError(f"the text has {len(text):,} characters, over check-text's limit of {max_chars:,}; "
                             "split it into articles or raise max_chars (--max-chars)")
        now = today or dt.date.today()
        head = [d.day for d in _dates(text[:DATELINE_CHARS], 0) if d.day is not None and d.until is None and d.day <= now]
        day, basis = (date, "given") if date else (head[0], "text") if head else (now, "today")
        mentions = self.gazetteer.find(text)
        starts = [x.start for x in mentions]
        about_sco = any(x.entity == SCO_IRI for x in mentions)
        report = TextReport(day, mentions, basis=basis)
        for m in _SENTENCE.finditer(text):
            sentence, offset = m.group(0), m.start()
            inside = [x for x in mentions[bisect_left(starts, offset):bisect_left(starts, m.end())] if x.end <= m.end()]
            dates = _dates(sentence, offset)
            counts = self._counts(sentence, offset, day)
            offices = self._offices(text, sentence, offset, inside, day, dates)
            if day < now:
                self._outdate(counts, self._counts(sentence, offset, now), day, now)
                self._outdate(offices, self._offices(text, sentence, offset, inside, now, dates), day, now)
            report.claims += counts + offices
            report.claims += self._joins(sentence, offset, inside, dates)
            report.claims += self._summits(sentence, offset, inside, dates)
            report.claims += self._ordinal_meetings(sentence, offset, inside, dates)
            report.claims += self._attendance(sentence, offset, inside)
            if about_sco:
                report.claims += self._ages(sentence, offset, inside, day)
        report.claims.sort(key=lambda c: (c.start, c.end))
        return report

    def _outdate(self, then: list[Claim], now: list[Claim], day: dt.date, today: dt.date) -> None:
        """Claims true on ``day`` and false ``today`` become ``outdated``, naming the first day
        they no longer held and the change behind it."""
        later = {(c.start, c.kind): c for c in now}
        for claim in then:
            current = later.get((claim.start, claim.kind))
            if claim.verdict != SUPPORTED or current is None or current.verdict != CONTRADICTED:
                continue
            since = self._since(claim, day, today)
            claim.verdict = OUTDATED
            claim.reason = f"{claim.reason}; outdated" + (f" since {since}" if since else f" by {today.isoformat()}") + f": {current.reason}"
            claim.sources = sorted(set(claim.sources) | set(current.sources))

    def _since(self, claim: Claim, day: dt.date, today: dt.date) -> str | None:
        """The first day after ``day`` on which the claim no longer held, with what changed."""
        if claim.kind == "office":
            ends = [r["end"] for r in claim.rows if r.get("end") is not None]
            return f"{ends[0]}, the end of that term" if ends else None
        if claim.kind == "count":
            changes = self._ask("changes_between", **{"from": (day + dt.timedelta(days=1)).isoformat(), "to": today.isoformat()})
            then = {r["state"] for r in claim.rows}
            for change_day in sorted({str(r["date"]) for r in changes}):
                rows = self._ask("members", **(claim.params | {"date": change_day}))
                if len({r["state"] for r in rows}) != len(then):
                    who = sorted({str(r.get("stateLabel", r["state"])) for r in changes if str(r["date"]) == change_day})
                    return f"{change_day}, when the statuses of {', '.join(who)} changed"
        return None

    def _ask(self, name: str, **params: str) -> list[dict[str, Any]]:
        key = (name, tuple(sorted(params.items())))
        if key not in self._answers:
            self._answers[key] = [{k: v for k, v in row._asdict().items() if v is not None}
                                  for row in self.kg.query(name, **params).records()]
        return self._answers[key]

    def _claim(self, kind: str, text: str, start: int, verdict: str, reason: str, query: str,
               params: dict[str, str], rows: list[dict[str, Any]]) -> Claim:
        sources = sorted({url for row in rows for url in str(row.get("sources", "")).split()})
        return Claim(text.strip(), start, start + len(text.strip()), kind, verdict, reason, query, params, rows, sources)

    def _counts(self, sentence: str, offset: int, day: dt.date) -> list[Claim]:
        claims = []
        for m in _COUNT.finditer(sentence):
            n = _number(m.group("n"))
            noun = m.group("noun")
            role = next(r for pattern, r in _COUNT_NOUNS if re.fullmatch(pattern, noun, re.IGNORECASE))
            if n is None:
                continue
            params = {"date": day.isoformat()} | ({} if role == "any" else {"role": role})
            rows = self._ask("members", **params)
            actual = len({r["state"] for r in rows})
            stated = m.group(0)
            q = (m.group("q") or "").lower()
            if q in ("over", "more than", "超过", "逾", "более", "свыше"):
                holds, relation = actual > n, "more than"
            elif q == "at least":
                holds, relation = actual >= n, "at least"
            elif q in ("nearly", "almost", "近", "почти"):
                holds, relation = n - 3 <= actual < n, "nearly"
            elif q in ("about", "around", "около"):
                holds, relation = abs(actual - n) <= max(1, n // 10), "about"
            else:
                holds, relation = actual == n, "exactly"
            what = "states with any SCO status" if role == "any" else f"{ROLE_LABELS[role]}s"
            reason = f"the graph has {actual} {what} on {day.isoformat()}; the text says {relation} {n}".replace(" exactly", "")
            claims.append(self._claim("count", stated, offset + m.start(), SUPPORTED if holds else CONTRADICTED,
                                      reason, "members", params, rows))
        return claims

    def _offices(self, text: str, sentence: str, offset: int, inside: list[Mention], day: dt.date,
                 dates: list[_Date]) -> list[Claim]:
        """Who held an office: judged on the day the text is read as of, unless the sentence
        names its own time ("was Secretary-General in 2023"), which then decides."""
        claims = []
        mentions = _InOrder(inside)
        persons = _InOrder([x for x in inside if x.kind == "person" and x.entity])
        named = dates[0] if dates else None
        for pattern, office in _OFFICES:
            for m in pattern.finditer(sentence):
                start, end = offset + m.start(), offset + m.end()
                around = mentions.covering(start, end) if end > start else None
                if around is not None and around.kind == "body":
                    continue
                former = bool(_FORMER.search(text[max(0, start - 20):start]))
                person = _nearest_person(persons, start, end)
                name = person.label if person else _capitalised_name(text, end)
                if person is None and name is None:
                    continue
                span_start = min(start, person.start) if person else start
                span_end = max(end, person.end) if person else end + len(name or "") + 1
                span = text[span_start:span_end]
                title = "Secretary-General" if office is Office.SECRETARY_GENERAL else "RATS director"
                if named is not None and named.day is None and not former:
                    claims.append(self._office_in_year(span, span_start, office, title, person, name, named.year))
                    continue
                when = named.day if named is not None and named.day is not None and not former else day
                note = " (the day the sentence names)" if when != day else ""
                params = {"office": office.value} | ({} if former else {"date": when.isoformat()})
                rows = self._ask("office_holders", **params)
                holders = {r["person"]: r.get("personLabel", r["person"]) for r in rows}
                # A term the sources date only roughly may or may not cover the day: no verdict.
                undecided = {r["person"] for r in rows if r.get("held") == "unknown"}
                if undecided and (person is None or person.entity in undecided or person.entity not in holders):
                    verdict = UNKNOWN
                    reason = (f"the graph dates the term of {', '.join(sorted(holders[p] for p in undecided))} as "
                              f"{title} too roughly to tell who held it on {when.isoformat()}")
                elif person and person.entity in holders:
                    verdict = SUPPORTED
                    tense = "held" if former or when < day else "holds"
                    reason = f"{holders[person.entity]} {tense} the office of {title}" + ("" if former else f" on {when.isoformat()}")
                elif not holders:
                    verdict, reason = UNKNOWN, f"the graph knows no {title} on {when.isoformat()}"
                else:
                    verdict = CONTRADICTED
                    who = ", ".join(sorted(holders.values()))
                    reason = (f"{name} never held the office of {title}; holders: {who}" if former
                              else f"the {title} on {when.isoformat()} was {who}, not {name}")
                claims.append(self._claim("office", span, span_start, verdict, reason + note, "office_holders", params, rows))
        if _CHAIR.search(sentence):
            claims += self._chairs(sentence, offset, inside, day)
        return claims

    def _office_in_year(self, span: str, span_start: int, office: Office, title: str, person: Mention | None,
                        name: str | None, year: int) -> Claim:
        """An office claim about a year ("was Secretary-General in 2023"): supported when the
        person's term covers some day of that year, contradicted when it covers none and others'
        terms do, unknown where a term known only roughly may or may not reach into the year."""
        params = {"office": office.value}
        rows = self._ask("office_holders", **params)
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        surely, maybe = [], []
        for row in rows:
            start_from, start_by = _bounds(row["start"])
            end_from, end_by = _bounds(row["end"]) if row.get("end") is not None else (None, None)
            if start_by <= last and (end_from is None or end_from > first):
                surely.append(row)
            elif start_from <= last and (end_by is None or end_by > first):
                maybe.append(row)
        names = lambda rs: ", ".join(sorted(str(r.get("personLabel", r["person"])) for r in rs))  # noqa: E731
        who = person.entity if person else None
        if who is not None and any(r["person"] == who for r in surely):
            verdict, reason = SUPPORTED, f"{person.label} held the office of {title} in {year}"  # type: ignore[union-attr]
        elif who is not None and any(r["person"] == who for r in maybe) or not surely:
            verdict = UNKNOWN
            reason = (f"the graph dates the terms of {names(maybe)} as {title} too roughly to tell who held it in {year}"
                      if maybe else f"the graph knows no {title} in {year}")
        else:
            verdict, reason = CONTRADICTED, f"the {title} in {year} was {names(surely)}, not {name}"
        return self._claim("office", span, span_start, verdict, reason + " (the year the sentence names)",
                           "office_holders", params, surely + maybe or rows)

    def _chairs(self, sentence: str, offset: int, inside: list[Mention], day: dt.date) -> list[Claim]:
        states = [x for x in inside if x.kind == "state" and x.entity]
        if len(states) != 1:
            return []
        state = states[0]
        m = re.search(r"(?P<y1>(?:19|20)\d{2})\s*[-–/]\s*(?P<y2>(?:19|20)?\d{2})(?!\d)", sentence)
        if m:
            y1 = int(m.group("y1"))
            y2 = int(m.group("y2")) if len(m.group("y2")) == 4 else y1 // 100 * 100 + int(m.group("y2"))
            rows = [r for r in self._ask("offices") if r.get("office") == "chair" and r.get("holder") == state.entity]
            spans = [r for r in rows if r["start"].year == y1 and (not r.get("end") or r["end"].year == y2)]
            start = min(offset + m.start(), state.start)
            text = sentence[start - offset:max(offset + m.end(), state.end) - offset]
            if spans:
                reason = f"{state.label} chaired the SCO from {spans[0]['start']} to {spans[0].get('end', 'today')}"
            else:
                reason = f"the graph records no chairmanship of {state.label} from {y1} to {y2}; its terms: " + \
                    ", ".join(f"{r['start']} to {r.get('end', 'today')}" for r in rows)
            return [self._claim("chair", text, start, SUPPORTED if spans else CONTRADICTED, reason, "offices", {}, spans or rows)]
        if not _CHAIR_NOW.search(sentence):
            return []
        rows = self._ask("chair", date=day.isoformat())
        holders = {r.get("state"): r.get("stateLabel") for r in rows}
        if not holders:
            return [self._claim("chair", state.text, state.start, UNKNOWN, f"the graph knows no chair on {day.isoformat()}", "chair", {"date": day.isoformat()}, rows)]
        verdict = SUPPORTED if state.entity in holders else CONTRADICTED
        reason = f"the chair on {day.isoformat()} was {', '.join(str(v) for v in holders.values())}"
        return [self._claim("chair", sentence, offset, verdict, reason, "chair", {"date": day.isoformat()}, rows)]

    def _joins(self, sentence: str, offset: int, inside: list[Mention], dates: list[_Date]) -> list[Claim]:
        verb = _JOIN.search(sentence)
        states = [x for x in inside if x.kind == "state" and x.entity]
        if not verb or not dates or not states or _SUMMIT.search(sentence) and not _role_in(sentence):
            return []
        role = _role_in(sentence) or Role.MEMBER.value
        state, when = states[0], dates[-1]
        iso = state.entity.rsplit("/", 1)[1]  # type: ignore[union-attr]
        rows = self._ask("state_history", state=iso)
        with_role = [r for r in rows if r.get("role") == role]
        said = _role_span(sentence)
        start = min(state.start, offset + verb.start(), when.start)
        end = max(state.end, offset + verb.end(), when.end, offset + said if said else 0)
        text = sentence[start - offset:end - offset]
        label = ROLE_LABELS[role]
        if not rows:
            verdict, reason = UNKNOWN, f"the graph records no SCO status of {state.label}"
        elif any(when.matches(r["start"]) for r in with_role):
            verdict = SUPPORTED
            reason = f"{state.label} became {label} on " + ", ".join(str(r["start"]) for r in with_role if when.matches(r["start"]))
        elif with_role:
            verdict = CONTRADICTED
            reason = f"{state.label} became {label} on " + ", ".join(str(r["start"]) for r in with_role) + f", not {when.text()}"
        else:
            verdict = CONTRADICTED
            reason = f"{state.label} was never {label}; its statuses: " + ", ".join(f"{r['role']} from {r['start']}" for r in rows)
        return [self._claim("joined", text, start, verdict, reason, "state_history", {"state": iso}, with_role or rows)]

    def _summits(self, sentence: str, offset: int, inside: list[Mention], dates: list[_Date]) -> list[Claim]:
        word = _SUMMIT.search(sentence)
        if not word or not dates:
            return []
        summits = [x for x in inside if x.kind == "summit" and x.entity]
        places = [x for x in inside if x.kind == "place" and x.entity]
        when = dates[0]
        params = {"from": str(when.year), "to": str(when.year)}
        if summits:
            target = summits[0]
            rows = [r for r in self._ask("summits") if r["event"] == target.entity]
            r = rows[0]
            holds = when.matches(r["start"], r["end"])
            reason = f"{r['eventLabel']} met in {r['cityLabel']} from {r['start']} to {r['end']}"
            text = sentence[min(target.start, when.start) - offset:max(target.end, when.end) - offset]
            return [self._claim("summit", text, min(target.start, when.start), SUPPORTED if holds else CONTRADICTED,
                                reason + ("" if holds else f", not {when.text()}"), "summits", {}, rows)]
        if not places:
            return []
        place = places[0]
        rows = self._ask("summits", **params)
        text = sentence[min(place.start, when.start, offset + word.start()) - offset:max(place.end, when.end, offset + word.end()) - offset]
        start = min(place.start, when.start, offset + word.start())
        if not rows:
            return [self._claim("summit", text, start, UNKNOWN, f"the graph knows no summit in {when.year}", "summits", params, rows)]
        here = [r for r in rows if r["city"] == place.entity and when.matches(r["start"], r["end"])]
        if here:
            reason = f"{here[0]['eventLabel']} met in {here[0]['cityLabel']} from {here[0]['start']} to {here[0]['end']}"
            return [self._claim("summit", text, start, SUPPORTED, reason, "summits", params, here)]
        reason = "the graph's summits that year: " + "; ".join(f"{r['eventLabel']} in {r['cityLabel']} from {r['start']} to {r['end']}" for r in rows)
        return [self._claim("summit", text, start, CONTRADICTED, reason, "summits", params, rows)]

    def _ordinal_meetings(self, sentence: str, offset: int, inside: list[Mention], dates: list[_Date]) -> list[Claim]:
        """"The 23rd meeting of the heads of government in Islamabad": the council's meeting of
        that ordinal, checked against the city and the time the sentence names."""
        claims = []
        for pattern in _ORDINAL_MEETING:
            for m in pattern.finditer(sentence):
                n = int(m.group("n"))
                words = m.group("body").lower()
                body = next(v for k, v in _BODY_KEYS.items() if k in words)
                if body == "heads_of_government" and "state" in words:
                    body = "heads_of_state"
                params = {"body": body}
                rows = [r for r in self._ask("meetings", **params) if r.get("ordinal") == n]
                start = offset + m.start()
                places = [x for x in inside if x.kind == "place" and x.entity]
                text = m.group(0)
                if not rows:
                    claims.append(self._claim("meeting", text, start, UNKNOWN,
                                              f"the graph knows no {n}th meeting of the {body.replace('_', ' ')}", "meetings", params, rows))
                    continue
                r = rows[0]
                where = f"in {r['cityLabel']}" if r.get("cityLabel") else "by video link"
                fact = f"the {r['meetingLabel']} met {where} from {r['start']} to {r['end']}"
                wrong = []
                if places and places[0].entity != r.get("city"):
                    wrong.append(f"not in {places[0].label}")
                if dates and not dates[0].matches(r["start"], r["end"]):
                    wrong.append(f"not {dates[0].text()}")
                claims.append(self._claim("meeting", text, start, CONTRADICTED if wrong else SUPPORTED,
                                          fact + (", " + " and ".join(wrong) if wrong else ""), "meetings", params, rows))
        return claims

    def _attendance(self, sentence: str, offset: int, inside: list[Mention]) -> list[Claim]:
        """"Modi attended the Tianjin summit": supported when the graph has the person heading a
        delegation there, contradicted when their state's delegation was headed by someone else."""
        verb = _ATTEND.search(sentence)
        persons = [x for x in inside if x.kind == "person" and x.entity]
        summits = [x for x in inside if x.kind == "summit" and x.entity]
        if not verb or not persons or not summits:
            return []
        person, summit = persons[0], summits[0]
        params = {"meeting": str(summit.entity)}
        rows = self._ask("delegations", **params)
        start = min(person.start, summit.start)
        text = sentence[start - offset:max(person.end, summit.end) - offset]
        mine = [r for r in rows if r["person"] == person.entity]
        if mine:
            r = mine[0]
            reason = f"{r['personLabel']} headed the delegation of {r['stateLabel']} at the {r['meetingLabel']} (as {r['position'].replace('_', ' ')})"
            return [self._claim("attendance", text, start, SUPPORTED, reason, "delegations", params, mine)]
        states = {r.get("state") for r in self._ask("person_profile", person=str(person.entity)) if r.get("kind") == "delegation"}
        others = [r for r in rows if r["state"] in states]
        if others:
            r = others[0]
            reason = f"the graph has {r['personLabel']} heading the delegation of {r['stateLabel']} at the {r['meetingLabel']}, not {person.label}"
            return [self._claim("attendance", text, start, CONTRADICTED, reason, "delegations", params, others)]
        reason = f"the graph records no delegation headed by {person.label} at the {summit.label}"
        return [self._claim("attendance", text, start, UNKNOWN, reason, "delegations", params, rows)]

    def _ages(self, sentence: str, offset: int, inside: list[Mention], day: dt.date) -> list[Claim]:
        """Age claims of a text about the SCO; "N years" alone must sit in a sentence naming the
        SCO or open the sentence ("Over 24 years, it has ...")."""
        about_sco = any(x.entity == SCO_IRI for x in inside)
        claims = []
        for pattern, kind in _AGE:
            for m in pattern.finditer(sentence):
                g = {k: v for k, v in m.groupdict().items() if v}
                if kind == "years" and not about_sco and m.start() > 2:
                    continue
                params = {"entity": SCO_IRI}
                rows = [r for r in self._ask("entity_profile", **params) if str(r.get("predicate", "")).endswith("foundingDate")]
                if not rows:
                    claims.append(self._claim("age", m.group(0), offset + m.start(), UNKNOWN, "the graph has no founding date of the SCO", "entity_profile", params, rows))
                    continue
                founded = rows[0]["value"]
                founded = founded if isinstance(founded, dt.date) else dt.date.fromisoformat(str(founded))
                age = day.year - founded.year - ((day.month, day.day) < (founded.month, founded.day))
                q = (g.get("q") or g.get("q2") or "").lower()
                if kind == "founded":
                    year = int(g["y"])
                    holds, reason = founded.year == year, f"the SCO was founded on {founded.isoformat()}"
                elif kind == "anniversary":
                    n = _number(g.get("n") or g.get("n2") or g.get("n3") or "")
                    if n is None:
                        continue
                    holds, reason = day.year - founded.year == n, f"founded on {founded.isoformat()}, the SCO marks its {day.year - founded.year}th anniversary in {day.year}"
                else:
                    n = _number(g.get("n") or g.get("n4") or "")
                    if n is None:
                        continue
                    if q in ("over", "more than", "超过", "более", "свыше"):
                        holds = age >= n
                    elif q in ("nearly", "almost", "近", "почти"):
                        holds = age == n - 1
                    else:
                        holds = age == n
                    reason = f"founded on {founded.isoformat()}, the SCO is {age} years old on {day.isoformat()}"
                claims.append(self._claim("age", m.group(0), offset + m.start(), SUPPORTED if holds else CONTRADICTED,
                                          reason, "entity_profile", params, rows))
        return claims


def _bounds(value: Any) -> tuple[dt.date, dt.date]:
    """The first and last day a start or end from a query can be: a day, or a month, year or
    span (``2006-09-16/2007-08-31``) as the graph keeps it."""
    if isinstance(value, dt.date):
        return value, value
    when = PartialDate.parse(str(value))
    return when.earliest, when.latest


def _role_in(sentence: str) -> str | None:
    for pattern, role in _ROLE_WORDS:
        if pattern.search(sentence):
            return role
    return None


def _role_span(sentence: str) -> int | None:
    """Where the first status word of the sentence ends."""
    ends = [m.end() for pattern, _ in _ROLE_WORDS for m in [pattern.search(sentence)] if m]
    return min(ends) if ends else None


class _InOrder:
    """Mentions in text order, found by position: they never overlap, so their ends are in order
    too, and a sentence naming thousands of entities costs a binary search per look-up."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions
        self.starts = [x.start for x in mentions]
        self.ends = [x.end for x in mentions]

    def covering(self, start: int, end: int) -> Mention | None:
        """The mention that holds ``start``..``end``: only the last one starting by ``start`` can."""
        i = bisect_right(self.starts, start) - 1
        return self.mentions[i] if i >= 0 and end <= self.ends[i] else None

    def near(self, start: int, end: int, after: int, before: int) -> list[Mention]:
        """Mentions starting at most ``after`` characters after ``end`` or ending at most
        ``before`` characters before ``start``, in text order."""
        following = range(bisect_left(self.starts, end), bisect_right(self.starts, end + after))
        preceding = range(bisect_left(self.ends, start - before), bisect_right(self.ends, start))
        return [self.mentions[i] for i in sorted({*following, *preceding})]


def _nearest_person(persons: _InOrder, start: int, end: int) -> Mention | None:
    """The person named right after the office ("Secretary-General Nurlan Yermekbayev") or right
    before it ("Yermekbayev, the SCO Secretary-General")."""
    near = persons.near(start, end, after=6, before=12)
    return min(near, key=lambda x: min(abs(x.start - end), abs(start - x.end))) if near else None


def _capitalised_name(text: str, end: int) -> str | None:
    """An unknown English name right after an office title, to say whom the text names."""
    m = re.match(r"\s+((?:[A-Z][a-z'’-]+\s?){2,3})", text[end:end + 60])
    return m.group(1).strip() if m else None


def check_text(kg: KnowledgeGraph, text: str, date: dt.date | None = None, *,
               max_chars: int = MAX_TEXT_CHARS, today: dt.date | None = None) -> TextReport:
    """Mentions and judged claims of ``text``, as of ``date`` or the text's own date
    (:meth:`TextChecker.check`).

    >>> kg = KnowledgeGraph.open()
    >>> report = check_text(kg, "Iran joined the SCO as a member in 2023.", dt.date(2024, 1, 1))
    >>> [(c.kind, c.verdict) for c in report.claims]
    [('joined', 'supported')]
    """
    checker = _CHECKERS.get(kg)
    if checker is None:
        checker = _CHECKERS[kg] = TextChecker(kg)
    return checker.check(text, date, max_chars=max_chars, today=today)


# One checker per open graph: its gazetteer is built once from the graph's names.
_CHECKERS: WeakKeyDictionary[KnowledgeGraph, TextChecker] = WeakKeyDictionary()


__all__ = ["CONTRADICTED", "MAX_TEXT_CHARS", "OUTDATED", "SUPPORTED", "UNKNOWN", "Claim", "Gazetteer", "Mention", "TextChecker", "TextReport", "check_text"]
