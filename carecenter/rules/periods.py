"""The periods a cadence counts in, as data (seed 002 words each rule by its period).

A cadence asks for ``count`` records in each of its periods. A period is either

* **calendar**: each calendar month, quarter, half-year or year (``months`` 1, 3, 6, 12),
  or each calendar week, Monday to Sunday (``weeks`` 1). Seed 002: 红色每个月至少随访2次
  is two visits in every calendar month, not one every 15 days; 每季度 is each calendar
  quarter; 每半年 each half-year (January-June, July-December).
* **rolling**: an interval after the last record (``days`` or ``months``), for what the
  seeds word as a time since something: 三个月后再次评估 is three months after the colour.

The work list's due dates (``carecenter.rules.cadences``) and the quarter's visits due
and done (``carecenter.rules.visit_periods``) both cut time with these, so the two
always count the same periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from carecenter.calendar import add_months

Span = tuple[date, date]  # first and last day, both included


@dataclass(frozen=True)
class Period:
    code: str
    label: str  # as the rule reads: 每月, 每季度
    months: int = 0  # calendar: months per period (1, 3, 6, 12) ...
    weeks: int = 0  # ... or calendar weeks, Monday first
    rolling_days: int = 0  # rolling: so many days after the last record ...
    rolling_months: int = 0  # ... or so many months

    @property
    def rolling(self) -> bool:
        return not (self.months or self.weeks)

    @property
    def length(self) -> int:
        """Roughly the days of one period (to tell the stricter of two cadences)."""
        if self.months or self.rolling_months:
            return 30 * (self.months or self.rolling_months) + (self.months // 2)
        return 7 * self.weeks or self.rolling_days

    def start(self, on: date) -> date:
        """The first day of the calendar period ``on`` falls in."""
        if self.months:
            return date(on.year, (on.month - 1) // self.months * self.months + 1, 1)
        if self.weeks:
            return on - timedelta(days=on.weekday())
        raise ValueError(f"{self.code} is not a calendar period")

    def following(self, start: date) -> date:
        """The first day of the period after the one starting on ``start``."""
        if self.months:
            return add_months(start, self.months)
        if self.weeks:
            return start + timedelta(days=7 * self.weeks)
        raise ValueError(f"{self.code} is not a calendar period")

    def span(self, on: date) -> Span:
        first = self.start(on)
        return first, self.following(first) - timedelta(days=1)

    def after(self, last: date) -> date:
        """Rolling: the day the next record is due, ``last`` being the latest."""
        if self.rolling_months:
            return add_months(last, self.rolling_months)
        return last + timedelta(days=self.rolling_days)

    def spans(self, first: date, last: date) -> list[Span]:
        """The calendar periods that overlap ``first``..``last``, cut to it."""
        out = []
        start = self.start(first)
        while start <= last:
            after = self.following(start)
            out.append((max(start, first), min(after - timedelta(days=1), last)))
            start = after
        return out


def mostly_inside(period: Span, first: date, last: date, from_change: bool = False) -> bool:
    """Is more than half of ``period`` within ``first``..``last``? A period is owed only
    then: someone who came onto the register on the 20th owes nothing for that month.
    ``from_change``: ``first`` is the day a new cadence took over from another (a new
    colour): then half is enough, so that a month cut in two equal halves is owed under
    the new cadence and never falls between the two."""
    p0, p1 = period
    inside = (min(p1, last) - max(p0, first)).days + 1
    length = (p1 - p0).days + 1
    return 2 * inside > length or (from_change and p0 < first and 2 * inside == length)


WEEK = Period("week", "每周", weeks=1)
MONTH = Period("month", "每月", months=1)
QUARTER = Period("quarter", "每季度", months=3)
HALF_YEAR = Period("half_year", "每半年", months=6)
YEAR = Period("year", "每年", months=12)


def rolling_days(days: int) -> Period:
    return Period(f"days{days}", f"每{days}天", rolling_days=days)


def rolling_months(months: int) -> Period:
    return Period(f"months{months}", f"每{months}个月", rolling_months=months)
