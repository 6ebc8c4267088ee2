"""Visits due and visits done over a stretch of days, from the cadences (季度走访应访/已访).

The township asks each quarter for "visits done against visits due". Both are read
from the cadence data the work list uses (``carecenter.rules.cadences``), never from a rule of
their own:

* **Which visits.** For each day, the person's visit duties (``VISIT_DUTIES``: the
  follow-up by risk colour and the monthly home visit) are looked up in their kind's
  ``CadenceBook``, and the strictest of them governs (a red person's twice-monthly
  follow-up, which a home visit also satisfies, rather than the monthly visit); of two
  as strict, the one asking for the more particular visit (a yellow person's monthly
  home visit rather than the follow-up, which a health follow-up would also meet).
* **Periods.** A cadence asks for ``count`` visits in each of its periods
  (``carecenter.rules.periods``), the same periods the work list's due dates use: red
  two in each calendar month, yellow one, the monthly home visit one, green one in the
  quarter, the weekly round one in each calendar week (Monday to Sunday). A red person
  owes 6 visits in a quarter, yellow 3, green 3 (the monthly home visit is stricter than
  the green quarterly follow-up), unassessed 3, the weekly round 13 or 14 (the weeks
  with most of their days in the quarter).
* **Days on the register, by whole periods.** The person is on the register from the
  entry date up to the day before the exit date. A period is owed when the person was
  on the register, under that cadence, for more than half of its days: someone who
  came in on 10 November owes no visit for 1-15 November but does for 16-30 November.
  When the colour changes (a new assessment) or the person turns 80, the days are cut
  into stretches, each with its own cadence.
* **Up to a date.** When the quarter is exported before it ends, a period that has not
  ended yet is owed only once a visit has been made in it: a visit made counts, one
  still to come is not yet late.
* **Done.** An owed period is met by as many visits (distinct days) of a kind its
  cadence accepts (home visit; for the colour follow-up a health follow-up too) as it
  asks for, made within it while the person was on the register. Visits on 3 and 10
  January meet January's two; three visits in one month make up for none in another:
  visits done never exceed visits due.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import NamedTuple

from carecenter.rules import periods as periods_module
from carecenter.rules.cadences import VISIT_DUTIES, Cadence, CadenceBook, CareFacts
from carecenter.rules.periods import mostly_inside
from carecenter.rules.risk import ADVANCED_AGE

Period = tuple[date, date]  # first and last day, both included


# Small caches keyed by the object's id: the books and cadences are module constants, and
# hashing a frozen dataclass field by field on every person costs seconds on a county.
_VISIT_BOOKS: dict[int, tuple[CadenceBook, CadenceBook]] = {}
_PERIODS: dict[tuple[int, date, date], tuple[Cadence, tuple[Period, ...]]] = {}


def _visits_only(book: CadenceBook) -> CadenceBook:
    """The book's visit duties alone (fewer rules to try for each person)."""
    kept = _VISIT_BOOKS.get(id(book))
    if kept is None or kept[0] is not book:
        kept = (book, CadenceBook(tuple(c for c in book.cadences if c.duty in VISIT_DUTIES)))
        _VISIT_BOOKS[id(book)] = kept
    return kept[1]


def visit_cadence(book: CadenceBook, facts: CareFacts, on: date) -> Cadence | None:
    """The strictest visit cadence that applies to the person on that day; of two as
    strict, the one that accepts fewer kinds of visit (yellow's monthly follow-up may be a
    health follow-up, the monthly visit must be a home visit, and one home visit meets
    both)."""
    chosen = _visits_only(book).governing(facts, on)
    return min(chosen, key=lambda c: (c.strictness, len(c.evidence)), default=None)


def visit_kinds(books: Iterable[CadenceBook]) -> frozenset[str]:
    """Every kind of record that can meet a visit duty of these books."""
    return frozenset(kind for book in books for c in book.cadences
                     if c.duty in VISIT_DUTIES for kind in c.evidence)


def periods(cadence: Cadence, first: date, last: date) -> tuple[Period, ...]:
    """The whole periods overlapping ``first``..``last`` (a quarter), each asking for
    the cadence's ``count`` of visits."""
    key = (id(cadence), first, last)
    kept = _PERIODS.get(key)
    if kept is None or kept[0] is not cadence:
        kept = (cadence, tuple(_periods(cadence, first, last)))
        _PERIODS[key] = kept
    return kept[1]


def _periods(cadence: Cadence, first: date, last: date) -> list[Period]:
    period = cadence.period
    if not period.rolling:  # whole periods: a week across two quarters keeps its 7 days
        out = []
        start = period.start(first)
        while start <= last:
            after = period.following(start)
            out.append((start, after - timedelta(days=1)))
            start = after
        return out
    # A rolling interval has no calendar periods; the quarter is cut in blocks of it
    # from its first day (a left-over shorter than half a block goes to the last one).
    if period.rolling_months:
        return _periods(replace(cadence, period=rolling_calendar(period.rolling_months)),
                        first, last)
    step = max(1, period.rolling_days)
    total = (last - first).days + 1
    count = max(1, total // step + (2 * (total % step) >= step))
    return [(first + timedelta(days=k * step),
             last if k == count - 1 else first + timedelta(days=(k + 1) * step - 1))
            for k in range(count)]


def rolling_calendar(months: int) -> periods_module.Period:
    return periods_module.Period(f"calendar{months}", "", months=months)


class Assessed(NamedTuple):
    """From ``on``, the person's colour and factors (an assessment)."""

    on: date
    colour: str | None
    factors: frozenset[str] = frozenset()


class VisitTally(NamedTuple):
    due: int = 0
    done: int = 0


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return date(birth.year + age, 3, 1)


def _as_assessed(facts: CareFacts, assessed: Assessed | None) -> CareFacts:
    """The person's facts with the colour and factors of that assessment (or none)."""
    colour, factors = (assessed.colour, assessed.factors) if assessed else (None, frozenset())
    if (colour, factors) == (facts.colour, facts.factors):
        return facts
    return replace(facts, colour=colour, colour_on=assessed.on if assessed else None,
                   factors=factors)


def stretches(book: CadenceBook, facts: CareFacts, first: date, last: date,
              history: Sequence[Assessed] | None = None
              ) -> list[tuple[date, date, Cadence | None]]:
    """The days ``first``..``last`` cut where the governing visit cadence changes.

    ``history`` is the person's assessments in date order; before the first one the
    person is unassessed. ``None``: the colour and factors in ``facts`` held all along.
    ``facts`` gives everything else (living alone, illnesses...).
    """
    eighty = None
    if facts.birth_date is not None:  # the weekly round starts at 80 (高龄)
        eighty = _birthday(facts.birth_date, ADVANCED_AGE)
        if not first < eighty <= last:
            eighty = None
    held = facts.held_until  # a lowered colour's three months end (seed 002)
    if held is not None and not first < held <= last:
        held = None
    if history is None:
        if eighty is None and held is None:  # nothing changes: the usual case
            return [(first, last, visit_cadence(book, facts, first))]
        history = (Assessed(date.min, facts.colour, facts.factors),) if facts.colour else ()
    cuts = [first]
    before: Assessed | None = None  # the assessment in force on the first day
    previous: Assessed | None = None
    for a in history:
        if a.on > last:
            break
        if a.on <= first:
            before = a
        elif previous is None or (a.colour, a.factors) != (previous.colour, previous.factors):
            cuts.append(a.on)  # a re-assessment that changes nothing changes no cadence
        previous = a
    if eighty is not None:
        cuts.append(eighty)
    if held is not None:
        cuts.append(held)
    if len(cuts) == 1:  # nothing changes in the stretch: the usual case
        return [(first, last, visit_cadence(book, _as_assessed(facts, before), first))]
    days = sorted(set(cuts))
    out: list[tuple[date, date, Cadence | None]] = []
    for i, start in enumerate(days):
        end = days[i + 1] - timedelta(days=1) if i + 1 < len(days) else last
        current = None
        for a in history:
            if a.on <= start:
                current = a
        cadence = visit_cadence(book, _as_assessed(facts, current), start)
        if out and out[-1][2] == cadence:
            out[-1] = (out[-1][0], end, cadence)
        else:
            out.append((start, end, cadence))
    return out


Window = tuple[date, date, bool]  # look for a visit from .. to; owed even if none found
_WINDOWS: dict[tuple[int, date, date, date, date, date, bool, date | None, date | None],
               tuple[Cadence, tuple[Window, ...]]] = {}


def windows(cadence: Cadence, quarter: Period, stretch: Period, as_of: date,
            from_change: bool = False, stay: Period | None = None) -> tuple[Window, ...]:
    """The owed periods of a stretch under one cadence, each as the days a visit must
    fall on, and whether it is owed when none did (a period still running is not).
    Worked out once for everyone on the register all quarter long.

    A cadence that follows the colour (``anchor_on_colour``) counts only the visits made
    under that colour, as the work list does; any other (the monthly home visit, the
    weekly round) counts every visit of its period while the person was on the register
    (``stay``): a red colour held until 10 April then lowered leaves April to the monthly
    visit, and the visit on 3 April is April's (seed 002: 每月上门走访1次)."""
    a, b = stretch
    lo_clip, hi_clip = (a, b) if cadence.anchor_on_colour or stay is None else stay
    key = (id(cadence), *quarter, *stretch, as_of, from_change, lo_clip, hi_clip)
    kept = _WINDOWS.get(key)
    if kept is not None and kept[0] is cadence:
        return kept[1]
    if len(_WINDOWS) > 20_000:  # one export needs a few hundred; keep a long session small
        _WINDOWS.clear()
    out = []
    for p0, p1 in periods(cadence, *quarter):
        if not mostly_inside((p0, p1), a, b, from_change):
            continue  # on the register under this cadence for half the period or less
        out.append((max(p0, lo_clip), min(p1, hi_clip, as_of), min(p1, quarter[1]) <= as_of))
    _WINDOWS[key] = (cadence, tuple(out))
    return _WINDOWS[key][1]


def tally(book: CadenceBook, facts: CareFacts, stay: Period, quarter: Period, as_of: date,
          history: Sequence[Assessed] | None, visits: Sequence[tuple[date, str]]
          ) -> VisitTally:
    """Visits due and done for one person in the quarter, up to ``as_of``.

    ``stay`` is the person's days on the register within the quarter (first > last when
    none); ``history`` as for ``stretches``; ``visits`` their records (day, kind) in the
    quarter, in any order.
    """
    first, last = stay
    if first > last:
        return VisitTally()
    due = done = 0
    for a, b, cadence in stretches(book, facts, first, last, history):
        if cadence is None:
            continue
        evidence = cadence.evidence
        need = cadence.count
        days = sorted({d for d, kind in visits if kind in evidence})
        # A stretch after the first began with a change of cadence (a new colour).
        for lo, hi, owed in windows(cadence, quarter, (a, b), as_of, a > first, stay):
            i = bisect_left(days, lo)
            j = bisect_right(days, hi, lo=i)
            made = min(need, j - i)  # seed 002: 每个月至少2次 — more make up for no other
            done += made
            due += need if owed else made
    return VisitTally(due, done)
