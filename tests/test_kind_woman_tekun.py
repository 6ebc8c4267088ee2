"""留守妇女 and 特困群众: their definitions and their yearly items as duties with due
dates on the work list, on fixed dates (issue 21, seed 000)."""

from __future__ import annotations

from datetime import date

from carecenter import clock
from carecenter.care.care_book import CareBook, VisitInput
from carecenter.overview.work_list import build
from carecenter.register.people import PersonDraft, Register
from carecenter.rules.kinds import TEKUN, WOMAN
from carecenter.storage.database import Database
from tests.conftest import elder, make_id


def woman(birth: str = "19880305", husband_back: str | None = None) -> PersonDraft:
    husband = {"role": "husband", "name": "刘军", "relation": "丈夫", "phone": "13911112222",
               "whereabouts": "广东省深圳市", "location_scope": "省外",
               "away_since": "2024-03-01"}
    if husband_back:
        husband.update(returned_on=husband_back, return_kind="长期返乡")
    return PersonDraft({"name": "陈秀英", "id_number": make_id(birth, "024")}, [husband],
                       kind="woman")


def items_of(database: Database, pid: int) -> dict[str, object]:
    return {i.what: i for i in build(database, clock.today()).items if i.person_id == pid}


def test_a_woman_whose_husband_works_away_is_left_behind_until_he_is_home(
        database: Database) -> None:
    register = Register(database)
    pid = register.save(woman()).person_id
    verdict = register.verdict(register.load(pid))
    assert verdict.left_behind and "丈夫刘军在广东省深圳市务工" in verdict.text
    home = register.load(register.save(woman(birth="19900101", husband_back="2026-10-01"))
                         .person_id)
    assert "长期返乡" in register.verdict(home).text
    assert not register.verdict(home).left_behind


def test_a_woman_turning_60_leaves_the_definition_on_her_birthday() -> None:
    husband = [{"role": "husband", "name": "刘军", "location_scope": "out_province",
                "away_since": date(2020, 1, 1)}]
    values = {"birth_date": date(1966, 12, 10), "sex": "female"}
    before = WOMAN.judge(values, husband, date(2026, 12, 9))
    assert before.left_behind and before.until == date(2026, 12, 10)
    assert not WOMAN.judge(values, husband, date(2026, 12, 10)).left_behind


def test_her_yearly_items_fall_due_by_the_years_end_and_move_on_when_done(
        database: Database) -> None:
    """Once in each calendar year, owed for a year she was on the register most of
    (the same rule as the elders' yearly check)."""
    register = Register(database)
    with clock.at("2026-03-02"):  # on the register most of 2026: its items are owed
        pid = register.save(woman()).person_id
    with clock.at("2026-12-01"):
        mine = items_of(database, pid)
    for duty in ("技能培训", "心理健康讲座", "夫妻团聚", "两癌筛查"):
        assert mine[duty].due == date(2026, 12, 31), duty  # type: ignore[attr-defined]
    assert "两癌" in mine["两癌筛查"].rule  # type: ignore[attr-defined]
    care = CareBook(database, today=clock.today)
    with clock.at("2026-12-15"):
        care.record_visit(VisitInput(pid, clock.today(), "screening", "镇卫生院", "已筛查"))
        mine = items_of(database, pid)
    assert "两癌筛查" not in mine  # next due 31 December 2027
    assert "技能培训" in mine


def test_tekun_is_a_conferred_status_and_its_aid_falls_due_by_its_own_rules(
        database: Database) -> None:
    register = Register(database)
    draft = elder("赵老汉", birth="19450101", sequence="011", tekun_since="2019-05-01",
                  tekun_cert="TK0012", disability="肢体残疾", disability_grade="二级")
    draft.kinds = ["elder", "tekun"]
    with clock.at("2026-03-02"):
        pid = register.save(draft).person_id
    file = register.load(pid)
    verdicts = register.verdicts(file)
    assert verdicts["tekun"].label == "特困" and "TK0012" in verdicts["tekun"].text
    assert verdicts["elder"].left_behind
    with clock.at("2026-12-01"):
        mine = items_of(database, pid)
    assert mine["两项补贴"].due == date(2026, 12, 31)  # type: ignore[attr-defined]
    # a service each quarter: none recorded since coming on in March, so the second
    # quarter's (the first owed in full) is overdue since 30 June
    assert mine["服务送达"].due == date(2026, 6, 30)  # type: ignore[attr-defined]
    assert mine["服务送达"].overdue  # type: ignore[attr-defined]
    assert "大病救助" not in mine  # no serious illness on file
    assert "走访打卡" in mine  # the elder's duties too: one file, both kinds
    not_yet = TEKUN.judge({"tekun_since": date(2027, 1, 1)}, [], date(2026, 12, 1))
    assert not not_yet.left_behind and not_yet.until == date(2027, 1, 1)
