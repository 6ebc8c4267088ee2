"""留守儿童 as a kind of person: the definition, the file, the duties of seed 000, the
16th birthday, and the official registration form (issue 21)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecenter import clock
from carecenter.documents.document_data import printable
from carecenter.documents.person_form import person_form
from carecenter.errors import ValidationFailed
from carecenter.overview.work_list import build
from carecenter.register.people import PersonDraft, Register
from carecenter.rules.kinds import CHILD, combined
from carecenter.storage.database import Database
from tests.conftest import TODAY, make_id
from tests.pdfcheck import text_of, unembedded_fonts


def parents(father_away: str | None = "2025-02-20", mother_away: str | None = "2025-02-20",
            **mother: Any) -> list[dict[str, Any]]:
    def parent(name: str, relation: str, away: str | None, **extra: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"role": "parent", "name": name, "relation": relation,
                               "phone": "13900002222", "whereabouts": "浙江省义乌市"}
        if away:
            row.update(location_scope="out_province", away_since=date.fromisoformat(away))
        else:
            row.update(location_scope="in_county")
        return {**row, **extra}
    return [parent("李建国", "father", father_away),
            parent("王小红", "mother", mother_away, **mother)]


def child(birth: str = "20150610", sequence: str = "021", **values: Any) -> PersonDraft:
    supporters = values.pop("supporters", [
        *parents(),
        {"role": "guardian", "name": "李福贵", "relation": "祖父", "phone": "13700003333",
         "address": "白竹村三组"},
    ])
    base = {"name": "李小明", "id_number": make_id(birth, sequence), "school": "白竹村小学",
            "grade": "五年级二班", "schooling": "小学", **values}
    return PersonDraft(base, supporters, kind="child")


def test_a_child_whose_parents_both_work_away_is_left_behind(register: Register) -> None:
    pid = register.save(child()).person_id
    file = register.load(pid)
    assert file.kinds == ("child",)
    verdict = register.verdict(file)
    assert verdict.left_behind
    assert "父母双方均外出务工" in verdict.text and "浙江省义乌市" in verdict.text


def test_one_parent_away_and_the_other_unable_to_guard_is_left_behind(
        register: Register) -> None:
    rows = parents(mother_away=None, unable=True)
    file = register.load(register.save(child(supporters=rows)).person_id)
    verdict = register.verdict(file)
    assert verdict.left_behind and "无监护能力" in verdict.text


def test_a_mother_at_home_and_able_means_not_left_behind(register: Register) -> None:
    file = register.load(register.save(child(supporters=parents(mother_away=None)))
                         .person_id)
    verdict = register.verdict(file)
    assert not verdict.left_behind and not verdict.undecided
    assert "母亲王小红在家" in verdict.text


@pytest.fixture
def clocked(database: Database) -> Register:
    """A register that reads the suite's clock (which a test may move)."""
    return Register(database)


def test_a_parent_coming_home_for_good_ends_it_a_festival_visit_does_not(
        clocked: Register) -> None:
    register = clocked
    pid = register.save(child()).person_id
    festival = parents(returned_on=date(2026, 2, 10), return_kind="temporary")
    draft = register.load(pid).draft()
    draft.supporters = [*festival, *[s for s in draft.supporters if s["role"] == "guardian"]]
    register.save(draft, pid)
    assert register.verdict(register.load(pid)).left_behind
    with clock.at("2026-12-01"):
        home = parents(returned_on=date(2026, 11, 30), return_kind="permanent")
        draft = register.load(pid).draft()
        draft.supporters = home
        register.save(draft, pid)
        verdict = register.verdict(register.load(pid))
    assert not verdict.left_behind
    assert "2026-11-30 长期返乡" in verdict.text


def test_without_parents_or_birth_date_the_verdict_waits_for_them(register: Register) -> None:
    kinds = combined(["child"])
    no_parents = kinds.verdict({"birth_date": date(2015, 6, 10)}, [], TODAY)
    assert no_parents.undecided and "父母" in no_parents.text
    no_birth = kinds.verdict({}, parents(), TODAY)
    assert no_birth.undecided


def test_the_sixteenth_birthday_ends_the_definition_that_very_day() -> None:
    values = {"birth_date": date(2010, 12, 5)}
    assert CHILD.judge(values, parents(), date(2026, 12, 4)).left_behind
    on_the_day = CHILD.judge(values, parents(), date(2026, 12, 5))
    assert not on_the_day.left_behind and "已满 16 周岁" in on_the_day.text


def test_the_child_turning_16_is_proposed_to_leave_on_the_work_list_that_day(
        clocked: Register, database: Database) -> None:
    register = clocked
    pid = register.save(child(birth="20101205")).person_id
    with clock.at("2026-12-04"):
        assert [i for i in build(database, clock.today()).items
                if i.section == "age_out"] == []
    with clock.at("2026-12-05"):
        items = [i for i in build(database, clock.today()).items if i.section == "age_out"]
    assert [(i.person_id, i.due) for i in items] == [(pid, date(2026, 12, 5))]
    assert "年满 16 周岁" in items[0].rule
    with clock.at("2026-12-05"):
        exited = register.leave_kind(pid, "child", clock.today())
        assert exited
        assert register.load(pid).status == "exited"
        assert [i for i in build(database, clock.today()).items if i.person_id == pid] == []


def test_a_child_who_is_also_tekun_keeps_the_file_when_turning_16(
        clocked: Register) -> None:
    register = clocked
    draft = child(birth="20101205", tekun_since="2020-01-01", tekun_cert="特2020-01")
    draft.kinds = ["child", "tekun"]
    pid = register.save(draft).person_id
    with clock.at("2026-12-06"):
        assert not register.leave_kind(pid, "child", clock.today())
        file = register.load(pid)
    assert file.status == "active" and file.kinds == ("tekun",)
    assert file.values["tekun_cert"] == "特2020-01"
    assert "不再是农村留守儿童" in file.events[-1][3]


def test_weekly_contact_and_monthly_visit_are_on_the_work_list_on_fixed_dates(
        clocked: Register, database: Database) -> None:
    register = clocked
    from carecenter.care.care_book import CareBook, VisitInput

    with clock.at("2026-11-02"):  # a Monday: the child comes onto the register
        pid = register.save(child()).person_id
    care = CareBook(database, today=clock.today)
    with clock.at("2026-11-05"):
        care.record_visit(VisitInput(pid, clock.today(), "contact", "儿童督导主任王芳",
                                          "爷爷每周和孩子视频,孩子情绪好"))
    # seed 000 每周: once in each calendar week (Monday to Sunday), as the elders'
    # weekly round; the contact on Thursday 5 November meets that week, so the next
    # falls due by Sunday 15 November.
    with clock.at("2026-11-12"):
        mine = {i.what: i for i in build(database, clock.today()).items if i.person_id == pid}
    assert mine["监护人联系"].due == date(2026, 11, 15)
    assert mine["监护人联系"].section == "week"
    assert "每周" in mine["监护人联系"].rule
    # 每月至少入户走访一次: once in each calendar month, November owed in full
    assert mine["入户走访"].due == date(2026, 11, 30)
    assert "村社干部每月至少入户走访" in mine["入户走访"].rule
    with clock.at("2026-11-16"):
        overdue = {i.what: i for i in build(database, clock.today()).items
                   if i.person_id == pid}
    assert overdue["监护人联系"].overdue
    with clock.at("2026-11-17"):
        care.record_visit(VisitInput(pid, clock.today(), "contact", "儿童督导主任王芳", "已通话"))
        care.record_visit(VisitInput(pid, clock.today(), "home", "村干部李四", "在校正常"))
        mine = {i.what: i for i in build(database, clock.today()).items if i.person_id == pid}
    assert mine["监护人联系"].due == date(2026, 11, 29) and not mine["监护人联系"].overdue
    assert "入户走访" not in mine  # November met; December's is due 31 December


def test_parents_rows_are_checked_by_their_own_fields(register: Register) -> None:
    bad = child(supporters=[{"role": "parent", "name": "李建国", "relation": "儿子"}])
    with pytest.raises(ValidationFailed) as failure:
        register.save(bad)
    assert any("父母第 1 行" in e.message and "关系" in e.message
               for e in failure.value.errors)


def test_the_child_prints_on_the_official_form_with_ticks_from_the_declarations(
        register: Register, database: Database) -> None:
    draft = child(boarding=True, hardship="事实无人抚养儿童", guardianship="监护情况一般",
                  child_health="健康", income_sources="打工、种养殖业")
    pid = register.save(draft).person_id
    pdf = person_form(printable(database, pid), TODAY)
    assert pdf is not None
    text = text_of(pdf)
    assert "农村留守儿童基本情况登记表" in text
    for expected in ("李小明", "白竹村小学", "李建国", "王小红", "浙江省义乌市", "李福贵",
                     "祖父", "监护情况一般(√)", "事实无人抚养儿童(√)", "健康(√)",
                     "小学(√)", "打工(√)", "单位负责人", "不满十六周岁"):
        assert expected in text.replace(" ", ""), expected
    assert unembedded_fonts(pdf) == []


def test_the_childs_care_card_names_parents_and_guardian_by_role(
        register: Register, database: Database) -> None:
    from carecenter.documents.care_card import care_card

    pid = register.save(child()).person_id
    pdf = care_card(printable(database, pid))
    assert pdf is not None
    text = text_of(pdf).replace(" ", "")
    for expected in ("留守儿童关爱服务卡", "父亲(父母)", "母亲(父母)", "祖父(委托监护人)",
                     "李福贵", "13700003333", "方式:监护人联系交流、入户走访"):
        assert expected in text, expected
    assert unembedded_fonts(pdf) == []
