"""Village events and the half-yearly reviews (seed 002, issue 17): the monthly care and
mutual-help activity and the quarterly health talk with who took part; per person, the
livelihood assessment and the rights/dispute screening each half-year; the key-category
comparison met only by a comparison; all in the quarter's figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecenter import clock
from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.care.events import EventBook, EventInput
from carecenter.cli.entry import main
from carecenter.errors import ValidationFailed
from carecenter.ledger.figures import collect, figure_lines
from carecenter.ledger.quarter import Quarter
from carecenter.overview import work_list as worklist
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder


def items(database: Database, section: str, on: date = TODAY) -> list[worklist.WorkItem]:
    return worklist.build(database, on).section(section)


def test_the_monthly_activity_and_quarterly_health_talk_fall_due_for_the_village(
        register: Register, database: Database, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    pid = register.save(elder(registered_on="2026-10-01")).person_id
    due = {i.what: i for i in items(database, "event")}
    # None since the register began on 1 October: October's is overdue.
    assert due["关爱互助活动"].due == date(2026, 10, 31) and due["关爱互助活动"].overdue
    assert "健康教育" not in due  # Q4's by 31 December, not this month
    assert main(["event", "--db", str(db_path), "--kind", "activity", "--title", "重阳茶话会",
                 "--people", str(pid), "--date", "2026-11-20"]) == 0
    assert "参加 1 人" in capsys.readouterr().out
    assert [i.what for i in items(database, "event")] == []  # December's by 31 Dec
    [december] = [i for i in items(database, "event", date(2026, 12, 1))
                  if i.what == "关爱互助活动"]
    assert december.due == date(2026, 12, 31) and "依据" in december.line(TODAY)
    with pytest.raises(ValidationFailed, match="请选择活动类别"):
        EventBook(database).record(EventInput(TODAY, "party", "聚餐"))
    with pytest.raises(ValidationFailed, match="不在登记册上"):
        EventBook(database).record(EventInput(TODAY, "activity", "聚餐", [999]))


def test_half_yearly_reviews_are_due_per_person_and_met_by_their_own_record(
        register: Register, database: Database) -> None:
    pid = register.save(elder(registered_on="2026-01-05")).person_id
    reviews = {i.what for i in items(database, "review") if i.person_id == pid}
    assert reviews == {"生活保障评估", "权益纠纷排查"}  # due by 31 December
    care = CareBook(database, today=lambda: TODAY)
    care.record_visit(VisitInput(pid, TODAY, "livelihood", "党群服务中心"))
    reviews = {i.what for i in items(database, "review") if i.person_id == pid}
    assert reviews == {"权益纠纷排查"}


def test_the_key_category_comparison_is_met_only_by_a_comparison(
        register: Register, database: Database) -> None:
    pid = register.save(elder(registered_on="2026-01-05")).person_id
    care = CareBook(database, today=lambda: TODAY)
    care.assess(pid, AssessmentInput(date(2026, 3, 1), "李主任", ["advanced_age"]))
    [key] = [i for i in items(database, "key_check") if i.person_id == pid]
    assert key.rule == "八类重点对象每半年比对核实1次"
    # A re-assessment is not a comparison.
    care.assess(pid, AssessmentInput(TODAY, "李主任", ["advanced_age"]))
    assert [i for i in items(database, "key_check") if i.person_id == pid]
    care.record_visit(VisitInput(pid, TODAY, "comparison", "李主任"))
    assert [i for i in items(database, "key_check") if i.person_id == pid] == []
    # Next due by the end of the next half-year.
    with clock.at("2027-06-01"):
        [again] = [i for i in items(database, "key_check", date(2027, 6, 1))
                   if i.person_id == pid]
    assert again.due == date(2027, 6, 30)


def test_events_and_reviews_are_in_the_quarters_figures(
        register: Register, database: Database) -> None:
    a = register.save(elder("甲", sequence="002")).person_id
    b = register.save(elder("乙", sequence="004")).person_id
    events = EventBook(database, today=lambda: TODAY)
    events.record(EventInput(date(2026, 10, 9), "activity", "互助午餐", [a, b]))
    events.record(EventInput(date(2026, 11, 9), "activity", "读书会", [a]))
    events.record(EventInput(date(2026, 11, 12), "health_talk", "高血压讲座", [b], "村卫生室"))
    CareBook(database, today=lambda: TODAY).record_visit(
        VisitInput(a, date(2026, 11, 1), "disputes", "李主任"))
    figures = collect(database, Quarter(2026, 4), TODAY).figures
    assert figures["events"]["关爱服务和互助活动"] == {"times": 2, "people": 2}
    assert figures["events"]["健康教育咨询"] == {"times": 1, "people": 1}
    assert figures["reviews"]["权益纠纷排查"] == 1
    lines = {(s, i): v for s, i, v in figure_lines(figures)}
    assert lines[("村级活动", "关爱服务和互助活动(次)")] == 2
