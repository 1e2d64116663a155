"""Dates known to the day, the month, the year, or only to lie between two dates.

Some facts are dated by their sources only to a year ("took office in 2004") or a month, or only
bracketed by two dated reports (in office on one day, a successor in office on a later one).
Such a date is kept at its true precision rather than rounded to a made-up day: it is the period
in which the day lies, with its first and last possible day, so that a question about one day
can answer "unknown" when the period does not decide it. Kept free of rdflib.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


class Precision(str, Enum):
    """How much of a date the sources give; ``between`` is a span written ``A/B``."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    BETWEEN = "between"


@dataclass(frozen=True)
class PartialDate:
    """A day, or the period (a month, a year, or a span from one date to another) in which an
    unknown day lies.

    >>> d = PartialDate.parse("2004")
    >>> d.precision.value, d.earliest.isoformat(), d.latest.isoformat()
    ('year', '2004-01-01', '2004-12-31')
    >>> PartialDate.parse("2009-05").latest.isoformat()
    '2009-05-31'
    >>> span = PartialDate.parse("2006-09-16/2007-08")
    >>> span.precision.value, span.earliest.isoformat(), span.latest.isoformat()
    ('between', '2006-09-16', '2007-08-31')
    """

    text: str
    precision: Precision
    earliest: dt.date
    latest: dt.date

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, or ``A/B`` (the day lies from the first day of
        A to the last day of B); raises ValueError on anything else."""
        first, slash, last = text.partition("/")
        if slash:
            a, b = cls.parse(first), cls.parse(last)
            if "/" in last or b.latest <= a.earliest:
                raise ValueError(f"{text!r} is not a span from an earlier date to a later one")
            return cls(text, Precision.BETWEEN, a.earliest, b.latest)
        found = _PARTIAL.fullmatch(text)
        if not found:
            raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in found.groups())
        earliest = dt.date(year, month or 1, day or 1)  # a real month and day, or ValueError
        if day is not None:
            return cls(text, Precision.DAY, earliest, earliest)
        last_month = month or 12
        latest = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return cls(text, Precision.MONTH if month else Precision.YEAR, earliest, latest)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.isoformat(), Precision.DAY, day, day)

    def isoformat(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text
