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
    # seed 002: red at least twice in each calendar month → the calendar months, count 2
    months = periods(CODE["red"], *Q4)
    assert months == ((date(2026, 10, 1), date(2026, 10, 31)),
                      (date(2026, 11, 1), date(2026, 11, 30)),
                      (date(2026, 12, 1), date(2026, 12, 31)))
    assert CODE["red"].count == 2 and CODE["yellow"].count == 1
    assert periods(CODE["monthly"], *Q4)[1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert periods(CODE["green"], *Q4) == (Q4,)
    # Calendar weeks, Monday to Sunday, whole: the first and last may cross the quarter.
    weeks = periods(CODE["weekly"], *Q4)
    assert weeks[0] == (date(2026, 9, 28), date(2026, 10, 4))
    assert weeks[-1] == (date(2026, 12, 28), date(2027, 1, 3))
    assert all(weeks[i][1] + timedelta(days=1) == weeks[i + 1][0]
               for i in range(len(weeks) - 1))


def test_visits_due_in_a_whole_quarter_by_colour() -> None:
    # red 2 a month; yellow monthly; green: the monthly home visit (一月一访) is stricter
    # than the quarterly follow-up; not yet assessed: the monthly home visit.
    assert [count(c).due for c in ("red", "yellow", "green", None)] == [6, 3, 3, 3]


def test_weekly_round_for_those_alone_who_refuse_an_institution() -> None:
    # The weeks with most of their days in Q4 2026: 5 October (Mon) .. 3 January, plus
    # 28 Sep - 4 Oct (4 days in October): 14.
    assert count("green", refuses_institution=True, living_with=frozenset({"alone"})).due == 14
    assert count("green", living_with=frozenset({"alone"})).due == 3  # not refusing


def test_red_person_visited_twice_in_each_month_meets_all_six() -> None:
    visits = home("2026-10-03", "2026-10-10", "2026-11-03", "2026-11-29", "2026-12-01",
                  "2026-12-02")
    assert count("red", visits) == VisitTally(6, 6)


def test_three_visits_in_one_month_make_up_for_no_other() -> None:
    assert count("red", home("2026-10-03", "2026-10-10", "2026-10-20")) == VisitTally(6, 2)
    # Two visits on one day are one visit.
    assert count("red", home("2026-10-03", "2026-10-03")) == VisitTally(6, 1)


def test_health_follow_up_counts_for_the_colour_follow_up_not_for_the_home_visit() -> None:
    health = [(date(2026, 10, 5), "health"), (date(2026, 10, 20), "health")]
    assert count("red", health) == VisitTally(6, 2)
    assert count("green", health) == VisitTally(3, 0)  # 走访打卡 is a home visit
    assert count("yellow", health) == VisitTally(3, 0)  # as strict: the home visit governs
    assert count("yellow", [(date(2026, 10, 5), "checkup"), (date(2026, 11, 5), "phone")]) \
        == VisitTally(3, 0)


def test_entered_mid_quarter_owes_only_the_periods_mostly_on_the_register() -> None:
    # Came in on 20 November: 11 of November's 30 days, not owed; December: 2.
    assert count("red", stay=(date(2026, 11, 20), END)).due == 2
    # Came in on 10 November: 21 of 30 days, November owed (twice).
    assert count("red", stay=(date(2026, 11, 10), END)).due == 4
    # Green from 20 October: October had 12 of its 31 days.
    assert count("green", stay=(date(2026, 10, 20), END)).due == 2
    # A visit before they came onto the register does not count.
    assert count("yellow", home("2026-11-05", "2026-12-05"),
                 stay=(date(2026, 11, 10), END)) == VisitTally(2, 1)


def test_exited_mid_quarter_owes_the_periods_before_leaving() -> None:
    # Exit on 20 November: on the register to the 19th, 19 of November's 30 days.
    stay = (date(2026, 10, 1), date(2026, 11, 19))
    assert count("red", home("2026-10-03", "2026-11-04"), stay=stay) == VisitTally(4, 2)
    # Exit on 10 November: November not owed.
    assert count("red", stay=(date(2026, 10, 1), date(2026, 11, 9))).due == 2
    assert count("yellow", stay=stay).due == 2  # October and most of November
    # Exit on the quarter's first day: no day on the register, nothing owed.
    assert count("red", stay=(date(2026, 10, 1), date(2026, 9, 30))) == VisitTally(0, 0)


def test_before_the_quarter_ends_a_running_period_counts_once_visited() -> None:
    visits = [*home("2026-10-03", "2026-10-17"), (date(2026, 11, 2), "health")]
    on = date(2026, 11, 23)
    assert count("red", visits, as_of=on) == VisitTally(3, 3)
    assert count("red", [*visits, *home("2026-11-20")], as_of=on) == VisitTally(4, 4)
    assert count("red", [*visits, *home("2026-11-20", "2026-11-21")], as_of=on) \
        == VisitTally(4, 4)
    assert count("yellow", as_of=on) == VisitTally(1, 0)  # November not over yet


def test_a_new_colour_mid_quarter_changes_the_cadence_from_that_day() -> None:
    history = [Assessed(date(2026, 6, 1), "yellow"), Assessed(date(2026, 11, 10), "red")]
    # Yellow: October (9 days of November, not owed); red: November (21 days) and
    # December, twice each.
    assert tally(BOOK, facts(), Q4, Q4, END, history, []).due == 1 + 4
    # Re-assessed with the same colour: the cadence does not restart.
    same = [Assessed(date(2026, 6, 1), "yellow"), Assessed(date(2026, 11, 16), "yellow")]
    assert tally(BOOK, facts(), Q4, Q4, END, same, []).due == 3


def test_turning_80_brings_the_weekly_round_from_the_birthday() -> None:
    # 80 on 16 November, lives with a spouse, refuses an institution (seed 002: 高龄).
    person = dict(birth_date=date(1946, 11, 16), refuses_institution=True)
    # Monthly until then: October (November: 15 of 30 days, not more than half);
    # weekly from the week of Mon 16 November to the one ending 3 January: 7.
    assert count("green", **person).due == 1 + 7


@pytest.mark.parametrize("kind", ["home", "health"])
def test_the_visit_kinds_come_from_the_cadences(kind: str) -> None:
    assert kind in visit_kinds([BOOK])
    assert not {"phone", "video", "checkup"} & visit_kinds([BOOK])


def test_a_colour_lowered_within_three_months_keeps_the_higher_visits_until_then() -> None:
    # Red lowered to green, red held until 16 November (seed 002: 持续不低于三个月).
    held = facts(colour="green", held_colour="red", held_until=date(2026, 11, 16))
    # October red (2); November: green from the 16th, from a change: the monthly home
    # visit (1); December (1).
    assert tally(BOOK, held, Q4, Q4, END, None, []).due == 2 + 1 + 1
    # Without the hold: three monthly visits.
    assert tally(BOOK, facts(colour="green"), Q4, Q4, END, None, []).due == 3
