"""A child past the 16th birthday but not yet taken off the register (issue 21): owed no
helper as a child (not 未结对 on the work list or the overview), and counted as a child
only in the quarters they were one — on fixed dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from carecenter import clock
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.overview import village_figures
from carecenter.overview.work_list import build
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.test_kind_child import child

BIRTHDAY = "20101205"  # 16 on Saturday 5 December 2026


def unpaired(database: Database) -> list[int]:
    work = build(database, clock.today())
    listed = [i.person_id for i in work.section("unpaired")]
    assert work.counts().get("unpaired", 0) == len(listed)
    return listed


def test_a_child_past_sixteen_is_no_longer_listed_unpaired(database: Database) -> None:
    register = Register(database)
    with clock.at("2026-11-02"):
        teen = register.save(child(birth=BIRTHDAY)).person_id
        young = register.save(child(name="李小红", birth="20150610", sequence="022")).person_id
    with clock.at("2026-12-04"):  # the last day as a child: owed a helper
        assert sorted(unpaired(database)) == sorted([teen, young])
    for day in ("2026-12-05", "2027-02-01"):
        with clock.at(day):
            assert unpaired(database) == [young], day
            figures = village_figures.build(database, clock.today())
            assert (figures.active, figures.paired, figures.to_pair) == (2, 0, 1)
            assert village_figures.people_behind(
                database, village_figures.UNPAIRED, clock.today()) == [young]


def test_a_tekun_child_past_sixteen_is_still_owed_a_helper(database: Database) -> None:
    register = Register(database)
    draft = child(birth=BIRTHDAY, tekun_since="2020-01-01", tekun_cert="特2020-01")
    draft.kinds = ["child", "tekun"]
    with clock.at("2026-11-02"):
        pid = register.save(draft).person_id
    with clock.at("2026-12-07"):
        assert unpaired(database) == [pid]
        assert village_figures.build(database, clock.today()).to_pair == 1


def _children(path: Path) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path)
    if "留守儿童" not in book.sheetnames:
        return []
    rows = list(book["留守儿童"].iter_rows(values_only=True))
    header = next(r for r in rows if r and "姓名" in r)
    return [dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1:]
            if r and r[1]]


def test_a_child_counts_as_a_child_only_in_the_quarters_before_sixteen(
        tmp_path: Path, database: Database) -> None:
    register = Register(database)
    with clock.at("2026-10-01"):
        register.save(child(birth=BIRTHDAY, registered_on="2026-10-01"))
        register.save(child(name="李小红", birth="20150610", sequence="022",
                            registered_on="2026-10-01"))
    with clock.at("2027-01-05"):
        q4 = export_quarter(database, Quarter.parse("2026Q4"), tmp_path / "q4.xlsx")
        q1 = export_quarter(database, Quarter.parse("2027Q1"), tmp_path / "q1.xlsx",
                            today=clock.today())
    # 2026Q4: a child until 4 December, listed (with visits owed up to then) but not
    # among those on the register as children at the quarter's end.
    rows = {r["姓名"]: r for r in _children(tmp_path / "q4.xlsx")}
    assert set(rows) == {"李小明", "李小红"}
    assert str(rows["李小明"]["状态"]).startswith("到龄待退出(2026-12-05")
    assert rows["李小明"]["入户走访(已/应)"] == "0/2"  # October and November; not December
    # the weeks from 28 September (mostly inside) to 23 November; not the week of the
    # birthday (30 November to 6 December), which the work list never makes due either
    assert rows["李小明"]["监护人联系(已/应)"] == "0/9"
    assert rows["李小红"]["入户走访(已/应)"] == "0/3"
    kids = q4.figures["kinds"]["农村留守儿童"]
    assert kids["在册"] == 1
    assert q4.figures["by_kind"] == {"农村留守儿童": 1}
    # 2027Q1 began after the birthday: not a child in it at all.
    assert [r["姓名"] for r in _children(tmp_path / "q1.xlsx")] == ["李小红"]
    assert q1.figures["kinds"]["农村留守儿童"]["在册"] == 1
    assert q1.figures["by_kind"] == {"农村留守儿童": 1}


def test_the_elders_agreement_is_not_asked_of_a_left_behind_child(database: Database) -> None:
    """The entrusted-care agreement (seed 002: 确保100%签订《委托照顾协议书》) is the
    elder's document: a child's file declares none, so no 委托协议 item for a child."""
    from tests.conftest import elder

    register = Register(database)
    with clock.at("2026-11-02"):
        kid = register.save(child()).person_id
        old = register.save(elder()).person_id
        work = build(database, clock.today())
    listed = [i.person_id for i in work.section("agreement")]
    assert listed == [old] and kid not in listed
    assert work.counts()["agreement"] == 1
    # the overview's 有效协议 is out of those the agreement is for, and lists them alone
    figures = village_figures.build(database, date(2026, 11, 2))
    assert (figures.active, figures.agreements, figures.agreement_due) == (2, 0, 1)
    assert village_figures.people_behind(
        database, village_figures.NO_AGREEMENT, date(2026, 11, 2)) == [old]
