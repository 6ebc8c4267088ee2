"""Held-out scenarios of issue 17 that found the work list and the quarter's figures
apart, each on fixed dates through the API (seed 002, 高良乡 方案)."""

from __future__ import annotations

from datetime import date

from carecenter import clock
from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.ledger.figures import LEDGER_HEADERS, VISITS_HEADER, collect
from carecenter.ledger.quarter import Quarter
from carecenter.overview import work_list as worklist
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder


def _assess(database: Database, pid: int, on: str, colour: str,
            lowering: str | None = None) -> None:
    with clock.at(on):
        CareBook(database).assess(pid, AssessmentInput(
            date.fromisoformat(on), "李主任", ["incapacitated"] if colour == "red" else [],
            colour=colour, reason="复核", lowering=lowering))


def _visit(database: Database, pid: int, *days: str) -> None:
    for day in days:
        with clock.at(day):
            CareBook(database).record_visit(
                VisitInput(pid, date.fromisoformat(day), "home", "王网格员"))


def _visits(database: Database, quarter: Quarter, on: date) -> str:
    with clock.at(on.isoformat()):
        [row] = collect(database, quarter, on).rows
    return str(row[LEDGER_HEADERS.index(VISITS_HEADER)])


def _visit_items(database: Database, pid: int, on: date) -> list[worklist.WorkItem]:
    with clock.at(on.isoformat()):
        return [i for i in worklist.build(database, on).items
                if i.person_id == pid and i.what in ("风险随访", "走访打卡")]


def _lowered_red(database: Database) -> int:
    """Red from 10 January 2028, lowered to green on 15 February with a declared reason:
    the red visits go on until 10 April (seed 002: 持续不低于三个月的关爱服务)."""
    with clock.at("2027-12-01"):
        pid = Register(database).save(elder("降级老人")).person_id
    _assess(database, pid, "2028-01-10", "red")
    _visit(database, pid, "2028-01-12", "2028-01-20", "2028-02-05", "2028-02-06")
    _assess(database, pid, "2028-02-15", "green", lowering="recovered")
    _visit(database, pid, "2028-03-05", "2028-03-25")
    return pid


def test_a_visit_early_in_the_month_a_held_colour_ends_counts_for_that_month(
        database: Database) -> None:
    pid = _lowered_red(database)
    assert _visits(database, Quarter(2028, 1), date(2028, 3, 31)) == "6/6"
    # April: red until 9 April (not most of the month), then the monthly home visit
    # (seed 002: 每月上门走访1次). The visit on 3 April is April's, in the work list
    # and in the quarter's figures alike.
    _visit(database, pid, "2028-04-03")
    assert _visit_items(database, pid, date(2028, 4, 12)) == []
    assert _visits(database, Quarter(2028, 2), date(2028, 4, 30)) == "1/1"
    _visit(database, pid, "2028-05-03", "2028-06-03")
    assert _visits(database, Quarter(2028, 2), date(2028, 6, 30)) == "3/3"


def test_a_held_colour_asks_no_higher_count_for_a_month_mostly_after_its_hold(
        database: Database) -> None:
    pid = _lowered_red(database)
    _visit(database, pid, "2028-04-03")
    # On 5 April the red is still held (until 10 April), but April is owed under the
    # colour after it: one home visit, already made. No "red, two by 30 April".
    assert _visit_items(database, pid, date(2028, 4, 5)) == []


def test_a_hold_ending_late_in_the_month_still_asks_that_months_two_red_visits(
        database: Database) -> None:
    with clock.at("2027-12-01"):
        pid = Register(database).save(elder("降级老人")).person_id
    _assess(database, pid, "2028-01-20", "red")  # held until 20 April
    _visit(database, pid, "2028-02-01", "2028-02-02", "2028-03-01", "2028-03-02")
    _assess(database, pid, "2028-03-10", "green", lowering="recovered")
    _visit(database, pid, "2028-04-02")
    [april] = [i for i in _visit_items(database, pid, date(2028, 4, 5)) if i.what == "风险随访"]
    assert april.rule == "红色每月至少随访2次" and april.due == date(2028, 4, 30)
    assert _visits(database, Quarter(2028, 2), date(2028, 4, 30)) == "1/2"


def test_a_green_file_without_factors_raised_to_red_mid_quarter_exports(
        database: Database) -> None:
    """A green assessment has no factors (stored empty); raising the colour inside the
    quarter must not break the quarter's figures, and March under red counts the visits
    from the day it was set (seed 002: 红色每个月至少随访2次)."""
    with clock.at("2027-12-01"):
        pid = Register(database).save(elder("升级老人")).person_id
    _assess(database, pid, "2027-12-01", "green")
    _visit(database, pid, "2028-01-05", "2028-02-05", "2028-03-03")
    _assess(database, pid, "2028-03-10", "red")
    _visit(database, pid, "2028-03-20")
    assert _visits(database, Quarter(2028, 1), date(2028, 3, 31)) == "3/4"
    [march] = [i for i in _visit_items(database, pid, date(2028, 4, 1)) if i.what == "风险随访"]
    assert march.overdue and march.due == date(2028, 3, 31)


def test_the_factors_in_force_before_a_change_keep_the_weekly_round(
        database: Database) -> None:
    """Seriously ill and refusing an institution: the weekly round (seed 002: 每周巡访
    探视1次) before a re-assessment in the quarter, read from the factors then in force."""
    with clock.at("2027-12-01"):
        pid = Register(database).save(elder("重病老人", refuses_institution=True)).person_id
    with clock.at("2027-12-01"):
        CareBook(database).assess(pid, AssessmentInput(
            date(2027, 12, 1), "李主任", ["serious_illness"], colour="red"))
    with clock.at("2028-02-15"):
        CareBook(database).assess(pid, AssessmentInput(
            date(2028, 2, 15), "李主任", ["serious_illness", "poor"], colour="red"))
    # 13 weeks of the quarter (3 January to 2 April) owed, none visited: 0/13, not the
    # red count of 0/6 a lost list of factors would give.
    assert _visits(database, Quarter(2028, 1), date(2028, 3, 31)) == "0/13"


def test_a_second_lowering_within_red_s_three_months_keeps_red(database: Database) -> None:
    """Red on 10 January, yellow on 1 February, green on 1 March (each with a declared
    reason): red's visits go on until 10 April (seed 002: 持续不低于三个月)."""
    with clock.at("2027-12-01"):
        pid = Register(database).save(elder("两降老人")).person_id
    _assess(database, pid, "2028-01-10", "red")
    _assess(database, pid, "2028-02-01", "yellow", lowering="recovered")
    _assess(database, pid, "2028-03-01", "green", lowering="recovered")
    _visit(database, pid, "2028-03-05")
    with clock.at("2028-03-20"):
        [march] = [i for i in worklist.build(database, date(2028, 3, 20)).items
                   if i.person_id == pid and i.what == "风险随访"]
    assert march.rule == "红色每月至少随访2次" and march.due == date(2028, 3, 31)


def test_a_quarter_worked_out_again_keeps_a_hold_over_before_a_later_assessment(
        database: Database) -> None:
    pid = _lowered_red(database)
    assert _visits(database, Quarter(2028, 1), date(2028, 3, 31)) == "6/6"
    _assess(database, pid, "2028-06-01", "green")  # the hold ended on 10 April
    assert _visits(database, Quarter(2028, 1), date(2028, 6, 1)) == "6/6"


def test_an_exit_ends_a_hold_that_day_and_keeps_it_for_the_days_before(
        database: Database) -> None:
    pid = _lowered_red(database)
    with clock.at("2028-03-20"):
        Register(database).exit(pid, date(2028, 3, 20), "moved")
    # 10 January to 19 March under red: two in each month; March's visit on the 25th
    # came after the exit (without the hold: 4/4, February and March one each).
    assert _visits(database, Quarter(2028, 1), date(2028, 3, 31)) == "5/6"
