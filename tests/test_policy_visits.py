"""Seed 002's visit counts on fixed dates, through the API and the commands: red at least
twice in each calendar month, yellow once, green once a quarter; the work list and the
quarter's figures count the same periods (issue 17)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from carecenter import clock
from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.cli.entry import main
from carecenter.ledger.figures import VISITS_HEADER, collect
from carecenter.ledger.quarter import Quarter
from carecenter.overview import work_list as worklist
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder

Q1 = Quarter(2027, 1)
COLOURS = {"red": ["incapacitated"], "yellow": ["advanced_age"], "green": []}


def person(database: Database, colour: str, sequence: str = "002") -> int:
    """On the register since 1 December 2026, the colour set the same day."""
    with clock.at("2026-12-01"):
        pid = Register(database).save(elder(f"{colour}老人", sequence=sequence)).person_id
        CareBook(database).assess(pid, AssessmentInput(date(2026, 12, 1), "李主任",
                                                       COLOURS[colour], colour=colour,
                                                       reason="测试"))
    return pid


def visit(database: Database, pid: int, *days: str) -> None:
    for day in days:
        with clock.at(day):
            CareBook(database).record_visit(
                VisitInput(pid, date.fromisoformat(day), "home", "王网格员"))


def follow_up(database: Database, pid: int, on: date) -> list[worklist.WorkItem]:
    return [i for i in worklist.build(database, on).items
            if i.person_id == pid and i.what == "风险随访"]


def visits(database: Database, pid: int, on: date) -> str:
    """The person's 本季走访(已访/应访) in the quarter's export as of ``on``."""
    data = collect(database, Q1, on)
    [row] = [r for r in data.rows if r[1].endswith("老人")]
    from carecenter.ledger.figures import LEDGER_HEADERS
    return str(row[LEDGER_HEADERS.index(VISITS_HEADER)])


def january(start: int = 1, end: int = 31) -> list[date]:
    return [date(2027, 1, d) for d in range(start, end + 1)]


def test_red_visited_on_3_and_10_january_is_never_overdue_and_reports_2_of_2(
        database: Database) -> None:
    pid = person(database, "red")
    visit(database, pid, "2027-01-03", "2027-01-10")
    for day in january(11):
        with clock.at(day.isoformat()):
            assert not any(i.overdue for i in follow_up(database, pid, day)), day
    assert follow_up(database, pid, date(2027, 1, 31)) == []  # January met; Feb by 28th
    assert visits(database, pid, date(2027, 1, 31)) == "2/2"
    [february] = follow_up(database, pid, date(2027, 2, 25))
    assert february.due == date(2027, 2, 28) and not february.overdue
    assert february.rule == "红色每月至少随访2次"


def test_red_visited_twice_in_every_month_of_the_quarter_reports_6_of_6(
        database: Database, db_path: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    pid = person(database, "red")
    visit(database, pid, "2027-01-03", "2027-01-10", "2027-02-01", "2027-02-28",
          "2027-03-15", "2027-03-16")
    assert visits(database, pid, date(2027, 3, 31)) == "6/6"
    with clock.at("2027-04-02"):
        out = tmp_path / "q1.xlsx"
        assert main(["export", "quarter", "2027Q1", "--db", str(db_path),
                     "--out", str(out)]) == 0
        sheet = openpyxl.load_workbook(out)["台账"]
        header = [c.value for c in sheet[3]]
        assert sheet.cell(4, header.index(VISITS_HEADER) + 1).value == "6/6"
        # The work list on the quarter's last day: nothing overdue, April's two by 30th.
        capsys.readouterr()
        assert main(["worklist", "--db", str(db_path), "--date", "2027-03-31"]) == 0
        lines = [ln for ln in capsys.readouterr().out.splitlines() if "风险随访" in ln]
        assert lines == []


def test_visits_on_20_and_31_january_and_14_february_leave_february_short(
        database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pid = person(database, "red")
    visit(database, pid, "2027-01-20", "2027-01-31", "2027-02-14")
    [item] = follow_up(database, pid, date(2027, 2, 28))
    assert item.due == date(2027, 2, 28) and item.section == "week" and not item.overdue
    assert item.last == date(2027, 2, 14)
    [late] = follow_up(database, pid, date(2027, 3, 1))
    assert late.overdue and late.section == "overdue"
    assert visits(database, pid, date(2027, 2, 28)) == "3/4"
    with clock.at("2027-03-01"):
        capsys.readouterr()
        assert main(["worklist", "--db", str(db_path), "--date", "2027-02-28"]) == 0
        [line] = [ln for ln in capsys.readouterr().out.splitlines() if "风险随访" in ln]
        assert "红色每月至少随访2次" in line and "应于 2027-02-28 前" in line


def test_yellow_counts_calendar_months_in_the_work_list_as_in_the_export(
        database: Database) -> None:
    pid = person(database, "yellow")
    # 31 January, then 1 March: January met, February missed, March met.
    visit(database, pid, "2027-01-31")
    assert follow_up(database, pid, date(2027, 2, 1))[0].due == date(2027, 2, 28)
    [late] = follow_up(database, pid, date(2027, 3, 1))
    assert late.overdue and late.due == date(2027, 2, 28)  # a rolling month: 3 March
    visit(database, pid, "2027-03-01")
    assert visits(database, pid, date(2027, 3, 31)) == "2/3"
    # After the visit on 1 March, March is met: April's falls due by 30 April (a rolling
    # month would have said 1 April).
    assert follow_up(database, pid, date(2027, 4, 1))[0].due == date(2027, 4, 30)


def test_green_once_in_each_calendar_quarter(database: Database) -> None:
    pid = person(database, "green")
    visit(database, pid, "2027-01-02")
    items = [i for i in worklist.build(database, date(2027, 3, 31)).items
             if i.person_id == pid and i.what == "风险随访"]
    assert items == []  # Q1 met; Q2 due by 30 June (not this month)


@pytest.mark.parametrize("colour,days", [
    ("red", ["2027-01-03", "2027-01-10", "2027-02-14", "2027-03-01", "2027-03-30"]),
    ("red", ["2027-01-31", "2027-02-01", "2027-02-02", "2027-03-31"]),
    ("red", ["2027-01-05", "2027-01-05", "2027-03-01", "2027-03-02"]),
    ("yellow", ["2027-01-15", "2027-03-02"]),
    ("yellow", ["2027-01-01", "2027-02-28", "2027-03-31"]),
])
def test_the_work_list_is_overdue_exactly_when_the_export_finds_the_month_short(
        database: Database, colour: str, days: list[str]) -> None:
    pid = person(database, colour)
    before = (0, 0)
    for month in (1, 2, 3):
        # The month's visits are written as they happen, then the month is looked at
        # the day after it ends, in the work list and in the quarter's figures.
        visit(database, pid, *(d for d in days if int(d[5:7]) == month))
        end = date(2027, month + 1, 1) - timedelta(days=1)
        done, due = (int(x) for x in visits(database, pid, end).split("/"))
        short = (due - before[1]) > (done - before[0])
        before = (done, due)
        overdue = any(i.overdue for i in follow_up(database, pid, end + timedelta(days=1)))
        assert overdue == short, (colour, days, month, done, due)
