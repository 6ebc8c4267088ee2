"""红黄绿: assessments, the three-month hold, visits, cadences, needs, rounds, work list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecenter.care import due_dates as duestore
from carecenter.care.care_book import AssessmentInput, CareBook, NeedInput, VisitInput, review_date
from carecenter.errors import NotFound, ValidationFailed
from carecenter.overview import work_list as worklist
from carecenter.register.people import Register
from carecenter.rules.cadences import ELDER_CADENCES, CareFacts, dues
from carecenter.rules.risk import propose, suggested_factors
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder

RED_FACTORS = ["incapacitated"]
YELLOW_FACTORS = ["advanced_age"]


@pytest.fixture
def care(database: Database) -> CareBook:
    return CareBook(database, today=lambda: TODAY)


def add(register: Register, name: str, sequence: str, **values: Any) -> int:
    values.setdefault("registered_on", "2026-01-05")
    return register.save(elder(name, sequence=sequence, **values)).person_id


def assess(care: CareBook, pid: int, on: date, factors: list[str], **kw: Any) -> Any:
    return care.assess(pid, AssessmentInput(on, "李主任", factors, **kw))


def home(care: CareBook, pid: int, on: date, kind: str = "home") -> int:
    return care.record_visit(VisitInput(pid, on, kind, "王网格员"))


def follow_up(care: CareBook, on: date, pid: int) -> Any:
    items = worklist.build(care.database, on).items
    return [i for i in items if i.person_id == pid and i.what == "风险随访"]


# -- the proposal ------------------------------------------------------------------------


def test_any_red_factor_proposes_red_and_says_which() -> None:
    proposal = propose(["advanced_age", "serious_illness", "poor"])
    assert proposal.colour == "red"
    assert "患有重大疾病" in proposal.text and "高龄" not in proposal.text
    assert propose(["poor", "care_inadequate"]).colour == "yellow"
    assert propose([]).colour == "green"


def test_the_file_suggests_factors_with_the_fact_behind_each() -> None:
    found = suggested_factors(
        {"birth_date": date(1940, 1, 1), "health_status": "dementia", "assistance": ["dibao"],
         "disability": "physical"}, TODAY)
    assert found["advanced_age"] == "86 岁"
    assert found["incapacitated"] == "失智"
    assert set(found) == {"advanced_age", "incapacitated", "poor", "physical_disability"}


# -- assessments -------------------------------------------------------------------------


def test_assessment_is_kept_and_sets_the_colour(register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    assess(care, pid, date(2026, 6, 1), YELLOW_FACTORS)
    record = assess(care, pid, date(2026, 9, 1), RED_FACTORS, notes={"self": "卧床"})
    assert record.colour == "red" and record.review_on == date(2026, 12, 1)
    history = care.assessments(pid)
    assert [a.colour for a in history] == ["red", "yellow"]  # latest first, both kept
    assert history[0].assessor == "李主任" and history[0].notes["self"] == "卧床"
    file = register.load(pid)
    assert file.values  # the file itself is untouched by the assessment
    rows = care.database.engine.connect().exec_driver_sql(
        f"SELECT colour, colour_on FROM person WHERE id = {pid}").one()
    assert tuple(rows) == ("red", "2026-09-01")


def test_an_older_assessment_entered_late_does_not_replace_the_colour(
        register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    assess(care, pid, date(2026, 9, 1), RED_FACTORS)
    assess(care, pid, date(2026, 3, 1), [])  # a paper record from spring, typed in now
    with care.database.engine.connect() as c:
        assert c.exec_driver_sql(f"SELECT colour FROM person WHERE id={pid}").scalar() == "red"


def test_a_colour_other_than_proposed_needs_a_written_reason(
        register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    with pytest.raises(ValidationFailed) as refused:
        assess(care, pid, date(2026, 11, 1), YELLOW_FACTORS, colour="red")
    assert "须写明理由" in refused.value.for_field("reason")[0]
    assert care.assessments(pid) == []  # nothing kept
    record = assess(care, pid, date(2026, 11, 1), YELLOW_FACTORS, colour="red",
                    reason="独自居住在山上,雨季道路中断")
    assert record.overridden and record.proposed == "yellow" and record.colour == "red"


def test_a_colour_holds_three_months_before_it_may_be_lowered_without_reason(
        register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    assess(care, pid, date(2026, 8, 31), RED_FACTORS)
    assert review_date(date(2026, 8, 31)) == date(2026, 11, 30)
    with pytest.raises(ValidationFailed) as refused:
        assess(care, pid, date(2026, 11, 20), [])  # lowering to green inside the hold
    assert "至少保持三个月(至 2026-11-30)" in refused.value.message
    # Any written reason is not enough: one of the declared reasons (seed 002).
    with pytest.raises(ValidationFailed, match="须选择理由"):
        assess(care, pid, date(2026, 11, 20), [], reason="已入住敬老院")
    lowered = assess(care, pid, date(2026, 11, 20), [], lowering="recovered")
    assert lowered.colour == "green" and lowered.reason.startswith("病情好转")
    # Red's two visits a month go on until the three months are over (30 November).
    [red] = follow_up(care, TODAY, pid)
    assert red.cadence is not None and red.cadence.code == "red"
    assert [i.cadence.code for i in follow_up(care, date(2026, 12, 1), pid)
            if i.cadence is not None] in ([], ["green"])
    care.today = lambda: date(2026, 12, 5)
    assert assess(care, pid, date(2026, 12, 1), []).colour == "green"
    # Raising is allowed at any time.
    assert assess(care, pid, date(2026, 12, 2), ["violence"]).colour == "red"


def test_refused_assessment_names_each_bad_field(register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    with pytest.raises(ValidationFailed) as refused:
        care.assess(pid, AssessmentInput(date(2026, 12, 1), " ", ["flying"]))
    fields = {e.field for e in refused.value.errors}
    assert fields == {"assessor", "assessed_on", "factors"}
    with pytest.raises(NotFound):
        assess(care, 999, TODAY, [])


# -- cadences ------------------------------------------------------------------------------


def test_red_visited_once_in_a_month_is_overdue_yellow_is_not(
        register: Register, care: CareBook) -> None:
    red = add(register, "红老人", "002")
    yellow = add(register, "黄老人", "004")
    assess(care, red, date(2026, 10, 1), RED_FACTORS)
    assess(care, yellow, date(2026, 10, 1), YELLOW_FACTORS)
    for pid in (red, yellow):
        home(care, pid, date(2026, 11, 2))  # once in November
    on = date(2026, 11, 30)
    [red_item] = follow_up(care, on, red)  # seed 002: twice in each calendar month
    assert red_item.due == date(2026, 11, 30) and red_item.section == "week"
    assert red_item.rule == "红色每月至少随访2次"
    [late] = follow_up(care, date(2026, 12, 1), red)
    assert late.overdue and late.due == date(2026, 11, 30)
    assert follow_up(care, on, yellow) == []  # November has its one; December's by 31 Dec
    # A second visit in the month puts red right until the end of December.
    home(care, red, date(2026, 11, 16))
    assert follow_up(care, on, red) == []
    [december] = follow_up(care, date(2026, 12, 1), red)
    assert december.due == date(2026, 12, 31) and not december.overdue


def test_green_visited_in_the_quarter_is_not_overdue(
        register: Register, care: CareBook) -> None:
    green = add(register, "绿老人", "002")
    assess(care, green, date(2026, 8, 1), [])
    home(care, green, date(2026, 10, 10))
    assert follow_up(care, date(2026, 12, 20), green) == []  # Q4 met: Q1 due by 31 March
    [item] = follow_up(care, date(2027, 3, 20), green)
    assert item.cadence is not None and item.cadence.code == "green"
    assert item.due == date(2027, 3, 31) and not item.overdue
    [late] = follow_up(care, date(2027, 4, 1), green)
    assert late.overdue and late.days_late(date(2027, 4, 1)) == 1


def test_the_strictest_cadence_of_a_duty_wins() -> None:
    alone = CareFacts(1, date(2026, 1, 1), birth_date=date(1950, 1, 1), colour="red",
                      colour_on=date(2026, 10, 1), living_with=frozenset({"alone"}),
                      refuses_institution=True, illnesses=frozenset({"hypertension"}))
    got = {d.cadence.duty: d for d in dues(ELDER_CADENCES, alone,
                                           {"home": [date(2026, 11, 1)]}, TODAY)}
    assert got["follow_up"].cadence.code == "weekly"  # weekly beats red's twice a month
    # Sunday 1 November met its week (26 Oct - 1 Nov); the next week ends Sunday 8th.
    assert got["follow_up"].due == date(2026, 11, 8)
    assert got["health"].cadence.code == "health_monthly"  # hypertension: monthly
    willing = CareFacts(1, date(2026, 1, 1), colour="red", colour_on=date(2026, 10, 1),
                        living_with=frozenset({"alone"}), refuses_institution=False)
    got = {d.cadence.duty: d for d in dues(ELDER_CADENCES, willing, {}, TODAY)}
    assert got["follow_up"].cadence.code == "red"
    assert got["health"].cadence.code == "health_quarterly"


def test_reassessment_falls_due_three_months_after_the_colour(
        register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    never = add(register, "李秀英", "004")
    assess(care, pid, date(2026, 8, 20), YELLOW_FACTORS)
    result = worklist.build(care.database, TODAY)
    [item] = [i for i in result.section("assess") if i.person_id == pid]
    assert item.due == date(2026, 11, 20) and item.overdue
    assert item.rule == "定级满三个月,再次评估"
    [first] = [i for i in result.section("assess") if i.person_id == never]
    assert first.rule == "尚未评估风险等级"
    # Key categories (高龄 is one of the eight) are re-checked every half year.
    assert any(i.person_id == pid for i in
               worklist.build(care.database, date(2027, 2, 20)).section("key_check"))


# -- visits, needs and rounds ----------------------------------------------------------------


def test_a_paper_sheet_goes_in_whole_or_not_at_all(register: Register, care: CareBook) -> None:
    a = add(register, "张桂兰", "002")
    b = add(register, "李秀英", "004")
    sheet = [VisitInput(a, date(2026, 11, 3), "home", "王网格员", "身体好"),
             VisitInput(b, date(2026, 12, 3), "home", "王网格员"),
             VisitInput(b, date(2026, 11, 3), "fly", "")]
    with pytest.raises(ValidationFailed) as refused:
        care.record_visits(sheet)
    messages = [e.message for e in refused.value.errors]
    assert "第 2 行:走访日期不能在今天之后" in messages
    assert {"第 3 行:请选择走访方式", "第 3 行:请填写走访人"} <= set(messages)
    assert care.visits(a) == []
    sheet[1:] = [VisitInput(b, date(2026, 11, 4), "phone", "王网格员")]
    assert len(care.record_visits(sheet)) == 2
    assert care.visits(a)[0].found == "身体好" and care.visits(b)[0].kind_label == "电话问候"


def test_needs_raised_on_a_visit_stay_open_until_resolved(
        register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    care.record_visit(VisitInput(pid, date(2026, 11, 3), "home", "王网格员", "屋顶漏雨",
                                 needs=[NeedInput("daily_care", "屋顶漏雨需修缮")]))
    [need] = care.needs()
    assert need.raised_by == "王网格员" and need.raised_on == date(2026, 11, 3)
    assert [i.rule for i in worklist.build(care.database, TODAY).section("need")] == \
        ["屋顶漏雨需修缮"]
    care.handle_need(need.id, "已联系村建筑队")
    with pytest.raises(ValidationFailed):
        care.resolve_need(need.id, date(2026, 11, 1), "已修好")  # before it was raised
    care.resolve_need(need.id, date(2026, 11, 20), "已修好")
    assert care.needs() == [] and care.needs(open_only=False)[0].resolution == "已修好"
    assert worklist.build(care.database, TODAY).section("need") == []


def test_a_special_round_shows_until_each_member_is_visited(
        register: Register, care: CareBook) -> None:
    a = add(register, "张桂兰", "002")
    b = add(register, "李秀英", "004")
    rid = care.declare_round("寒潮走访", date(2026, 11, 20), date(2026, 11, 30), [a, b])
    on_list = worklist.build(care.database, TODAY).section("round")
    assert {i.person_id for i in on_list} == {a, b}
    home(care, a, date(2026, 11, 21))
    home(care, b, date(2026, 11, 19))  # before the round: does not count
    assert [i.person_id for i in worklist.build(care.database, TODAY).section("round")] == [b]
    [record] = care.rounds()
    assert (record.id, record.members, record.visited) == (rid, 2, 1)


def test_exited_people_leave_the_work_list(register: Register, care: CareBook) -> None:
    pid = add(register, "张桂兰", "002")
    assert any(i.person_id == pid for i in worklist.build(care.database, TODAY).items)
    register.exit(pid, TODAY, "moved")
    assert not any(i.person_id == pid for i in worklist.build(care.database, TODAY).items)
    with pytest.raises(ValidationFailed):
        assess(care, pid, TODAY, [])


def test_kept_due_dates_follow_an_80th_birthday_and_a_rules_change(
        register: Register, care: CareBook) -> None:
    # Turns 80 on 2026-12-10 and will not enter an institution.
    pid = register.save(elder("张桂兰", birth="19461210", registered_on="2026-01-05",
                              living_with=["spouse", "grandchildren"],
                              refuses_institution=True)).person_id
    assess(care, pid, date(2026, 11, 1), [])
    home(care, pid, date(2026, 11, 20))

    def follow_up_rule(on: date) -> str:
        with care.database.transaction() as session:
            duestore.ensure_current(session.connection(), on)
            return str(session.connection().exec_driver_sql(
                f"SELECT cadence FROM care_due WHERE person_id={pid} AND duty='follow_up'"
            ).scalar())

    assert follow_up_rule(date(2026, 12, 9)) == "green"
    assert follow_up_rule(date(2026, 12, 10)) == "weekly"  # 高龄 from the birthday on
    with care.database.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM care_due")
        c.exec_driver_sql("UPDATE setting SET value='\"0\"' WHERE key='care_due_rules'")
    assert follow_up_rule(date(2026, 12, 11)) == "weekly"  # rebuilt whole


def test_agreements_running_out_or_with_changed_supporters_are_on_the_work_list(
        register: Register, care: CareBook) -> None:
    from carecenter.documents.agreement_book import Agreements, Terms

    pid = add(register, "张桂兰", "002")
    other = add(register, "李秀英", "004")
    book = Agreements(care.database, today=lambda: TODAY)
    book.draw_up(pid, Terms("王大嫂", "邻居", "13700001111", starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 12, 10)))
    book.draw_up(other, Terms("李二叔", "亲属", "13700002222", starts_on=date(2026, 1, 1)))
    file = register.load(other)
    draft = file.draft()
    draft.supporters.append({"name": "李新", "relation": "女儿", "phone": "13900002222",
                             "whereabouts": "浙江省杭州市", "location_scope": "省外",
                             "away_since": "2025-03-01"})
    register.save(draft, person_id=other)
    items = worklist.build(care.database, TODAY).section("agreement")
    by_person = {i.person_id: i.rule for i in items}
    assert "17 天后(2026-12-10)到期" in by_person[pid]
    assert "新增:李新" in by_person[other]
    assert "委托协议" in worklist.build(care.database, TODAY).lines()[-1]
