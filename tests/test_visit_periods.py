"""Visits due and done in a quarter, from the cadences, on fixed dates (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from carecenter.rules.cadences import ELDER_CADENCES, CareFacts
from carecenter.rules.visit_periods import Assessed, VisitTally, periods, tally, visit_kinds

Q4 = (date(2026, 10, 1), date(2026, 12, 31))
END = Q4[1]
BOOK = ELDER_CADENCES
CODE = BOOK.by_code


def facts(**values: object) -> CareFacts:
    base: dict[str, object] = {"person_id": 1, "created_on": date(2025, 1, 1),
                               "birth_date": date(1950, 3, 12)}
    base.update(values)
    return CareFacts(**base)  # type: ignore[arg-type]


def coloured(colour: str | None, on: date = date(2026, 6, 1)) -> list[Assessed]:
    return [Assessed(on, colour)] if colour else []


def count(colour: str | None, visits: Sequence[tuple[date, str]] = (),
          stay: tuple[date, date] = Q4, as_of: date = END, **values: object) -> VisitTally:
    return tally(BOOK, facts(**values), stay, Q4, as_of, coloured(colour), visits)


def home(*days: str) -> list[tuple[date, str]]:
    return [(date.fromisoformat(d), "home") for d in days]


def test_periods_follow_the_policy_wording() -> None:
    # seed 002: red twice a month → each month cut at the 15th
    halves = list(periods(CODE["red"], *Q4))
    assert len(halves) == 6
    assert halves[:2] == [(date(2026, 10, 1), date(2026, 10, 15)),
                          (date(2026, 10, 16), date(2026, 10, 31))]
    assert halves[-1] == (date(2026, 12, 16), date(2026, 12, 31))
    assert periods(CODE["monthly"], *Q4)[1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert periods(CODE["green"], *Q4) == (Q4,)
    # A quarter has 13 weekly blocks whatever its length (90, 91 or 92 days).
    for first, last in ((date(2026, 1, 1), date(2026, 3, 31)), (date(2028, 1, 1),
                        date(2028, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)), Q4):
        weeks = periods(CODE["weekly"], first, last)
        assert len(weeks) == 13 and weeks[0][0] == first and weeks[-1][1] == last
        assert all(weeks[i][1] + timedelta(days=1) == weeks[i + 1][0] for i in range(12))
    feb = list(periods(CODE["red"], date(2026, 1, 1), date(2026, 3, 31))[2:4])
    assert feb == [(date(2026, 2, 1), date(2026, 2, 14)), (date(2026, 2, 15), date(2026, 2, 28))]


def test_visits_due_in_a_whole_quarter_by_colour() -> None:
    # red 2 a month; yellow monthly; green: the monthly home visit (一月一访) is stricter
    # than the quarterly follow-up; not yet assessed: the monthly home visit.
    assert [count(c).due for c in ("red", "yellow", "green", None)] == [6, 3, 3, 3]


def test_weekly_round_for_those_alone_who_refuse_an_institution() -> None:
    assert count("green", refuses_institution=True, living_with=frozenset({"alone"})).due == 13
    assert count("green", living_with=frozenset({"alone"})).due == 3  # not refusing


def test_red_person_visited_on_the_3rd_and_17th_of_each_month_meets_all_six() -> None:
    visits = home("2026-10-03", "2026-10-17", "2026-11-03", "2026-11-17", "2026-12-03",
                  "2026-12-17")
    assert count("red", visits) == VisitTally(6, 6)


def test_two_visits_in_one_half_month_make_up_for_no_other() -> None:
    assert count("red", home("2026-10-03", "2026-10-10")) == VisitTally(6, 1)


def test_health_follow_up_counts_for_the_colour_follow_up_not_for_the_home_visit() -> None:
    health = [(date(2026, 10, 5), "health"), (date(2026, 10, 20), "health")]
    assert count("red", health) == VisitTally(6, 2)
    assert count("green", health) == VisitTally(3, 0)  # 走访打卡 is a home visit
    assert count("yellow", health) == VisitTally(3, 0)  # as strict: the home visit governs
    assert count("yellow", [(date(2026, 10, 5), "checkup"), (date(2026, 11, 5), "phone")]) \
        == VisitTally(3, 0)


def test_entered_mid_quarter_owes_only_the_periods_mostly_on_the_register() -> None:
    # Came in on 10 November: 1-15 November had 6 of its 15 days, not owed.
    stay = (date(2026, 11, 10), END)
    assert count("red", stay=stay).due == 3
    # Came in on 8 November: 8 of 15 days, owed.
    assert count("red", stay=(date(2026, 11, 8), END)).due == 4
    # Green from 20 October: October had 12 of its 31 days.
    assert count("green", stay=(date(2026, 10, 20), END)).due == 2
    # A visit before they came onto the register does not count.
    assert count("yellow", home("2026-11-05", "2026-12-05"),
                 stay=(date(2026, 11, 10), END)) == VisitTally(2, 1)


def test_exited_mid_quarter_owes_the_periods_before_leaving() -> None:
    # Exit on 20 November: on the register to the 19th; 16-30 November had 4 days.
    stay = (date(2026, 10, 1), date(2026, 11, 19))
    assert count("red", home("2026-10-03", "2026-11-04"), stay=stay) == VisitTally(3, 2)
    assert count("yellow", stay=stay).due == 2  # October and most of November
    # Exit on the quarter's first day: no day on the register, nothing owed.
    assert count("red", stay=(date(2026, 10, 1), date(2026, 9, 30))) == VisitTally(0, 0)


def test_before_the_quarter_ends_a_running_period_counts_once_visited() -> None:
    visits = [*home("2026-10-03", "2026-10-17"), (date(2026, 11, 2), "health")]
    on = date(2026, 11, 23)
    assert count("red", visits, as_of=on) == VisitTally(3, 3)
    assert count("red", [*visits, *home("2026-11-20")], as_of=on) == VisitTally(4, 4)
    assert count("yellow", as_of=on) == VisitTally(1, 0)  # November not over yet


def test_a_new_colour_mid_quarter_changes_the_cadence_from_that_day() -> None:
    history = [Assessed(date(2026, 6, 1), "yellow"), Assessed(date(2026, 11, 16), "red")]
    # Yellow: October (November only half); red: 16-30 November and both halves of December.
    assert tally(BOOK, facts(), Q4, Q4, END, history, []).due == 4
    # Re-assessed with the same colour: the cadence does not restart.
    same = [Assessed(date(2026, 6, 1), "yellow"), Assessed(date(2026, 11, 16), "yellow")]
    assert tally(BOOK, facts(), Q4, Q4, END, same, []).due == 3


def test_turning_80_brings_the_weekly_round_from_the_birthday() -> None:
    # 80 on 16 November, lives with a spouse, refuses an institution (seed 002: 高龄).
    person = dict(birth_date=date(1946, 11, 16), refuses_institution=True)
    # Monthly until then: October; weekly blocks from 19 November: 6.
    assert count("green", **person).due == 1 + 6


@pytest.mark.parametrize("kind", ["home", "health"])
def test_the_visit_kinds_come_from_the_cadences(kind: str) -> None:
    assert kind in visit_kinds([BOOK])
    assert not {"phone", "video", "checkup"} & visit_kinds([BOOK])
