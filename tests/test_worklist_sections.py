"""The work list is the whole job (issue 17): who no longer qualifies (with a one-step
exit), data to fill in, unpaired people, missing agreements, helpers short of their
duties, unsafe living alone, away supporters without 去向, the flood-season round; each
item says its rule and the policy text it comes from."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from carecenter.care.care_book import CareBook, VisitInput
from carecenter.cli.entry import main
from carecenter.errors import KnownError
from carecenter.overview import work_list as worklist
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder

AWAY = {"name": "张强", "relation": "儿子", "phone": "13900001111", "whereabouts": "广东东莞",
        "location_scope": "省外", "away_since": "2023-03-01"}


def add(register: Register, name: str, sequence: str, **values: Any) -> int:
    return register.save(elder(name, sequence=sequence, **values)).person_id


def section(database: Database, code: str, on: date = TODAY) -> dict[int, worklist.WorkItem]:
    return {i.person_id: i for i in worklist.build(database, on).section(code)}


def test_people_who_no_longer_qualify_are_listed_with_the_reason(
        register: Register, database: Database) -> None:
    back = add(register, "返乡户", "002", supporters=[dict(
        AWAY, returned_on="2026-10-01", return_kind="长期返乡")])
    young = add(register, "年轻人", "004", birth="19670101")
    local = add(register, "本地户", "006", supporters=[dict(AWAY, location_scope="本县内")])
    fine = add(register, "留守户", "008")
    missing = add(register, "缺资料", "010", supporters=[dict(AWAY, location_scope=None)])
    listed = section(database, "not_qualifying")
    assert set(listed) == {back, young, local}
    assert "已于 2026-10-01 长期返乡" in listed[back].rule
    assert "未满 60 周岁" in listed[young].rule
    assert "张强在本县内" in listed[local].rule
    assert "依据:高良乡农村留守老年人关爱服务实施方案" in listed[back].line(TODAY)
    # Only incomplete: its own section, naming what is missing, not "does not qualify".
    undecided = section(database, "undecided")
    assert set(undecided) == {missing} and "缺少张强的所在范围" in undecided[missing].rule
    assert fine not in listed and fine not in undecided


def test_one_step_exits_a_person_who_no_longer_qualifies(
        register: Register, database: Database, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    back = add(register, "返乡户", "002", supporters=[dict(
        AWAY, returned_on="2026-10-01", return_kind="长期返乡")])
    young = add(register, "年轻人", "004", birth="19670101")
    fine = add(register, "留守户", "008")
    assert register.exit_not_qualifying(back) == "赡养人返乡"
    file = register.load(back)
    assert file.status == "exited" and file.exit_date == TODAY
    assert "长期返乡" in (file.exit_note or "")
    with pytest.raises(KnownError, match="符合留守认定"):
        register.exit_not_qualifying(fine)
    assert main(["worklist", "--db", str(db_path), "--exit", str(young)]) == 0
    assert "经核实不符合条件" in capsys.readouterr().out
    assert section(database, "not_qualifying") == {}
    assert register.load(fine).status == "active"


def test_unpaired_people_and_missing_agreements_are_on_the_list(
        register: Register, database: Database) -> None:
    paired = add(register, "已结对", "002")
    alone = add(register, "未结对", "004")
    helper = HelperBook(database).add(HelperDraft("王网格员", "grid", "13700000000"))
    PairingBook(database, today=lambda: TODAY).pair(paired, helper)
    unpaired = section(database, "unpaired")
    assert set(unpaired) == {alone}
    assert "结对帮扶人" in unpaired[alone].rule and unpaired[alone].seed == "002"
    agreements = section(database, "agreement")
    assert {paired, alone} <= set(agreements)
    assert "尚无已签订的委托照顾协议" in agreements[alone].rule


def test_an_elder_who_cannot_look_after_themselves_living_alone_is_flagged(
        register: Register, database: Database) -> None:
    risky = add(register, "独居失能", "002", living_with=["alone"], health_status="disabled")
    add(register, "独居健康", "004", living_with=["alone"], health_status="healthy")
    add(register, "与配偶住", "006", living_with=["spouse"], health_status="disabled")
    unsafe = section(database, "unsafe")
    assert set(unsafe) == {risky}
    assert "避免单独居住" in unsafe[risky].rule


def test_away_supporters_without_whereabouts_or_phone_are_flagged(
        register: Register, database: Database) -> None:
    silent = add(register, "无去向", "002", supporters=[dict(AWAY, whereabouts="", phone="")])
    add(register, "有去向", "004")
    listed = section(database, "whereabouts")
    assert set(listed) == {silent}
    assert "张强缺去向、电话" in listed[silent].rule


def test_helpers_short_of_their_duties_at_the_end_of_the_period(
        register: Register, database: Database) -> None:
    pid = add(register, "老人甲", "002")
    helper = HelperBook(database).add(HelperDraft("李帮扶", "volunteer", "13700000001"))
    PairingBook(database, today=lambda: TODAY).pair(pid, helper, on=date(2026, 1, 1))
    care = CareBook(database, today=lambda: TODAY)
    for day in (2, 9, 16):
        care.record_visit(VisitInput(pid, date(2026, 11, day), "phone", "李帮扶",
                                     helper_id=helper))
    [item] = worklist.build(database, TODAY).section("helper")
    assert item.ref == helper and item.name == "帮扶人李帮扶"
    assert "本月电话问候老人不足 4 次的 1 人" in item.rule
    assert item.due == date(2026, 11, 30) and item.seed == "001"
    care.record_visit(VisitInput(pid, date(2026, 11, 23), "phone", "李帮扶", helper_id=helper))
    assert worklist.build(database, TODAY).section("helper") == []


def test_a_helpers_calls_count_by_their_id_or_their_name_never_another_helpers(
        register: Register, database: Database) -> None:
    first, second = add(register, "老人甲", "002"), add(register, "老人乙", "003")
    helpers = HelperBook(database)
    li = helpers.add(HelperDraft("李帮扶", "volunteer", "13700000001"))
    wang = helpers.add(HelperDraft("王帮扶", "volunteer", "13700000002"))
    pairs = PairingBook(database, today=lambda: TODAY)
    pairs.pair(first, li, on=date(2026, 1, 1))
    pairs.pair(second, li, on=date(2026, 1, 1))
    care = CareBook(database, today=lambda: TODAY)
    for day in (2, 9):  # two calls naming 李帮扶, two entered by name only
        care.record_visit(VisitInput(first, date(2026, 11, day), "phone", "李帮扶",
                                     helper_id=li))
        care.record_visit(VisitInput(first, date(2026, 11, day + 1), "phone", "李帮扶"))
    for day in (2, 9, 16, 20):  # 王帮扶's calls are not 李帮扶's
        care.record_visit(VisitInput(second, date(2026, 11, day), "phone", "王帮扶",
                                     helper_id=wang))
    care.record_visit(VisitInput(second, date(2026, 10, 5), "phone", "李帮扶", helper_id=li))
    [item] = worklist.build(database, TODAY).section("helper")
    assert item.ref == li and "本月电话问候老人不足 4 次的 1 人(如老人乙)" in item.rule
    assert item.person_id == second


def test_the_flood_round_lists_everyone_at_housing_risk(
        register: Register, database: Database, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flood", "--db", str(db_path), "--to", "2026-12-31"]) == 1
    assert "没有标记住房安全隐患" in capsys.readouterr().err
    risky = add(register, "危房户", "002", housing_risks=["dilapidated"])
    flooded = add(register, "洪涝户", "004", housing_risks=["flood_zone"])
    add(register, "安全户", "006")
    assert main(["flood", "--db", str(db_path), "--to", "2026-12-31"]) == 0
    assert "2 人" in capsys.readouterr().out
    rounds = section(database, "round")
    assert set(rounds) == {risky, flooded}
    assert "汛期前检查并提前转移到安全地方" in rounds[risky].rule
    assert rounds[risky].seed == "001"


def test_each_sections_count_is_its_items_and_is_known_before_they_are_read(
        database: Database) -> None:
    """The counts come from SQL; a section's items are read when first asked for (a
    county's list is 200,000 items), and they are exactly as many, for the whole village
    and for one group."""
    from carecenter.demo import register_demo
    from carecenter.register.groups import GroupBook

    register_demo.generate(database, 80, seed=3, today=TODAY)
    group = GroupBook(database).list()[0].id
    for group_id in (None, group):
        result = worklist.build(database, TODAY, group_id=group_id)
        counts = result.counts()
        assert sum(counts.values()) == result.total and result.total > 0
        unread = [c for c, n in counts.items() if n and not result.is_read(c)]
        assert "agreement" in unread  # counted, not read yet
        for code, n in counts.items():
            assert len(result.section(code)) == n, code
        assert len(result.items) == result.total
        if group_id:
            assert all(i.group == GroupBook(database).list()[0].name
                       for i in result.items if i.section != "helper")
