"""Whose place decides the 留守 verdict: 子女或其他赡养义务人 (seeds 001, 002). A 儿媳 or 女婿
assists and owes no 赡养 (老年人权益保障法 第14条); a 孙子女 owes it only when the elder's
children have died or cannot support (民法典 第1074条): on the file, when no son or
daughter is among the current supporters. The age leads the verdict, it is no reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from carecenter import clock
from carecenter.register.people import Register
from carecenter.rules.leftbehind import PersonFacts, SupporterFacts, assess, duty_bearers
from carecenter.storage.database import Database
from carecenter.storage.models import person
from tests.conftest import elder

BORN = date(1950, 3, 12)
ON = date(2026, 11, 23)


def son_away(name: str = "王强") -> SupporterFacts:
    return SupporterFacts(name, "out_province", date(2020, 3, 1), relation="son")


def at_home(name: str, relation: str) -> SupporterFacts:
    return SupporterFacts(name, "in_county", relation=relation)


def test_a_daughter_in_law_at_home_does_not_stop_an_elder_being_left_behind() -> None:
    verdict = assess(PersonFacts(BORN, [son_away(), at_home("李芳", "daughter_in_law")]), ON)
    assert verdict.left_behind
    assert verdict.text == ("符合留守认定(76 岁):全部 1 名赡养人均离开县域外出半年以上"
                            "(最早 2020-03-01 外出);未计入李芳(儿媳):不是赡养义务人")


def test_a_son_in_law_at_home_does_not_count_either() -> None:
    daughter = SupporterFacts("王丽", "out_county", date(2024, 1, 5), relation="daughter")
    verdict = assess(PersonFacts(BORN, [daughter, at_home("赵军", "son_in_law")]), ON)
    assert verdict.left_behind and "赵军(女婿)" in verdict.text


def test_a_grandchild_at_home_does_not_count_while_a_child_is_on_the_file() -> None:
    verdict = assess(PersonFacts(BORN, [son_away(), at_home("王小明", "grandchild")]), ON)
    assert verdict.left_behind
    assert "未计入王小明(孙子女,已登记子女):不是赡养义务人" in verdict.text


def test_a_grandchild_counts_when_the_file_has_no_son_or_daughter() -> None:
    # The children died (ended on the file) or were never there: 民法典 第1074条.
    grandson = at_home("王小明", "grandchild")
    verdict = assess(PersonFacts(BORN, [grandson]), ON)
    assert verdict.code == "not"
    assert verdict.text == "不符合留守认定(76 岁):王小明在本县内,未离开县域"
    away = SupporterFacts("王小明", "out_province", date(2025, 1, 1), relation="grandchild")
    assert assess(PersonFacts(BORN, [away]), ON).left_behind


def test_a_child_or_other_supporter_in_the_county_still_says_no() -> None:
    for relation in ("son", "daughter", "other", None):
        verdict = assess(PersonFacts(BORN, [son_away(), at_home("张丽", relation)]), ON)
        assert verdict.code == "not", relation
        assert verdict.text == "不符合留守认定(76 岁):张丽在本县内,未离开县域"


def test_in_laws_alone_leave_the_verdict_undecided_saying_why() -> None:
    verdict = assess(PersonFacts(BORN, [at_home("李芳", "daughter_in_law")]), ON)
    assert verdict.undecided
    assert verdict.text == "暂无法认定是否留守:缺少子女或其他赡养义务人(儿媳不是赡养义务人)"


def test_who_bears_the_duty_is_one_function() -> None:
    rows = [son_away(), at_home("李芳", "daughter_in_law"), at_home("赵军", "son_in_law"),
            at_home("王小明", "grandchild"), at_home("李桂英", "spouse"),
            at_home("王叔", "other")]
    counted, left_out = duty_bearers(rows)
    assert [s.name for s in counted] == ["王强", "王叔"]
    assert [s.name for s in left_out] == ["李芳", "赵军", "王小明", "李桂英"]


def test_the_age_leads_the_verdict_and_is_not_one_of_its_reasons() -> None:
    verdict = assess(PersonFacts(BORN, [son_away()]), ON)
    assert verdict.age == 76
    assert not any("岁" in r for r in verdict.reasons)
    assert verdict.text.startswith("符合留守认定(76 岁):全部 1 名赡养人")
    young = assess(PersonFacts(date(1966, 11, 24), [son_away()]), ON)
    assert young.text == "不符合留守认定(59 岁):未满 60 周岁(2026-11-24 满)"


def test_on_the_register_a_daughter_in_law_at_home_leaves_the_elder_left_behind(
        database: Database) -> None:
    register = Register(database)  # today from the one clock, moved below
    son = {"name": "王强", "relation": "儿子", "phone": "13900001111",
           "location_scope": "省外", "away_since": "2026-03-01"}
    in_law = {"name": "李芳", "relation": "儿媳", "phone": "13700002222",
              "location_scope": "本县内"}
    with clock.at("2026-08-31"):
        pid = register.save(elder("王大爷", supporters=[son, in_law])).person_id
        file = register.load(pid)
        assert register.verdict(file).code == "not"  # the son is away under six months
        assert "王强外出不满半年(2026-09-01 满半年)" in register.verdict(file).text
    with clock.at("2026-09-01"):
        verdict = register.verdict(register.load(pid))
        assert verdict.left_behind and "未计入李芳(儿媳)" in verdict.text
        register.save(elder("王大爷", supporters=[son, in_law]), person_id=pid)
        with database.session() as session:
            code = session.execute(select(person.c.verdict).where(person.c.id == pid)).scalar()
        assert code == "left_behind"
