"""季度报送: the quarter's workbook, its figures, the snapshot, and the round trip."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select, update

from carecenter.cli.entry import main
from carecenter.errors import KnownError
from carecenter.ledger.figures import LEDGER_HEADERS, VISITS_HEADER
from carecenter.ledger.importer import IGNORED, UPDATE, LedgerImport
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter, snapshot_workbook, snapshots
from carecenter.ledger.style import text_width
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.models import (
    agreement,
    assessment,
    helper,
    need,
    pairing,
    person,
    supporter,
    visit,
)
from tests.conftest import TODAY, elder

Q4 = Quarter(2026, 4)
NOW = datetime(2026, 11, 1, 9, 0)


def test_quarters() -> None:
    assert Quarter.parse("2026Q4") == Quarter.parse("2026年第四季度") == Q4
    assert Quarter.parse("2026-q1").start == date(2026, 1, 1)
    assert Q4.end == date(2026, 12, 31)
    assert Quarter(2026, 1).end == date(2026, 3, 31)
    assert Q4.previous() == Quarter(2026, 3) and Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Q4.months_until(TODAY) == 2
    with pytest.raises(KnownError, match="不是季度"):
        Quarter.parse("2026Q5")


def small_register(register: Register, database: Database) -> dict[str, int]:
    """Five people in two groups with colours, helpers, agreements, visits and needs."""
    one, two = register.groups.add("一组"), register.groups.add("二组")
    ids = {
        "张桂兰": register.save(elder("张桂兰", "19500312", "002", group_id=one)).person_id,
        "李秀英": register.save(elder("李秀英", "19400101", "022", group_id=one)).person_id,
        "王建国": register.save(elder("王建国", "19550505", "013", group_id=two)).person_id,
        "赵明": register.save(elder("赵明", "19520202", "015", group_id=two)).person_id,
        "钱多": register.save(elder("钱多", "19480808", "017", group_id=two)).person_id,
    }
    register.exit(ids["钱多"], date(2026, 10, 20), "died")
    colours = {"张桂兰": ("red", "incapacitated,advanced_age"),
               "李秀英": ("yellow", "advanced_age"), "王建国": ("green", None)}
    with database.transaction() as session:
        old = datetime(2026, 5, 1)
        session.execute(update(person).values(created_at=old))
        session.execute(update(person).where(person.c.id == ids["赵明"])
                        .values(created_at=datetime(2026, 10, 5)))
        for name, (colour, factors) in colours.items():
            session.execute(update(person).where(person.c.id == ids[name])
                            .values(colour=colour, colour_on=date(2026, 9, 1)))
            session.execute(person.update().where(person.c.id == ids[name])
                            .values(factors=factors.split(",") if factors else []))
        helper_id = session.execute(helper.insert().values(
            name="刘帮扶", role="grid", phone="13700001111", created_at=NOW,
            updated_at=NOW)).inserted_primary_key[0]
        for name in ("张桂兰", "李秀英"):
            session.execute(pairing.insert().values(
                person_id=ids[name], helper_id=helper_id, rank=1,
                started_on=date(2026, 6, 1), created_at=NOW))
        session.execute(pairing.insert().values(  # ended: not a current pairing
            person_id=ids["王建国"], helper_id=helper_id, rank=1, started_on=date(2026, 1, 1),
            ended_on=date(2026, 8, 1), created_at=NOW))
        for name, state, ends in (("张桂兰", "signed", None), ("李秀英", "drawn", None),
                                  ("王建国", "filed", date(2026, 9, 30))):
            session.execute(agreement.insert().values(
                person_id=ids[name], trustee_name="邻居", starts_on=date(2026, 1, 1),
                ends_on=ends, state=state, created_at=NOW, updated_at=NOW))
        for name, day, kind in (("张桂兰", date(2026, 10, 3), "home"),
                                ("张桂兰", date(2026, 10, 17), "home"),
                                ("张桂兰", date(2026, 11, 2), "health"),
                                ("张桂兰", date(2026, 11, 5), "phone"),  # a call is no visit
                                ("李秀英", date(2026, 9, 28), "home"),  # last quarter
                                ("王建国", date(2026, 11, 20), "home")):
            session.execute(visit.insert().values(
                person_id=ids[name], visited_on=day, kind=kind, visitor="刘帮扶",
                created_at=NOW))
        for day, resolved in ((date(2026, 10, 8), date(2026, 10, 20)),
                              (date(2026, 11, 1), None), (date(2026, 8, 1), date(2026, 10, 2))):
            session.execute(need.insert().values(
                person_id=ids["张桂兰"], kind="daily_care", raised_on=day, raised_by="刘帮扶",
                description="买药", resolved_on=resolved, created_at=NOW, updated_at=NOW))
    return ids


def test_export_workbook_reopens_with_text_ids_and_print_setup(
        register: Register, database: Database, tmp_path: Path) -> None:
    ids = small_register(register, database)
    out = tmp_path / "2026Q4.xlsx"
    result = export_quarter(database, Q4, out, today=TODAY)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["台账", "汇总"]
    ledger = book["台账"]
    header = [c.value for c in ledger[3]]
    assert header[:4] == ["序号", "姓名", "性别", "身份证号"]
    rows = {r[1]: r for r in ledger.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == set(ids)  # 钱多 left in the quarter: still on this quarter's ledger
    zhang = dict(zip(header, rows["张桂兰"], strict=False))
    assert isinstance(zhang["身份证号"], str) and len(zhang["身份证号"]) == 18
    assert zhang["风险等级"] == "红色"
    assert zhang["帮扶人"] == "刘帮扶"
    assert zhang["委托照顾协议"] == "已签订"
    assert zhang["最近走访"] == "2026-11-02"
    assert zhang[VISITS_HEADER] == "3/3"
    assert zhang["赡养人1姓名"] == "张强" and zhang["赡养人1电话"] == "13900001111"
    assert rows["钱多"][header.index("状态")] == "已退出(2026-10-20)"
    assert result.persons == 5
    # ID numbers are text cells in the 文本 format: Excel keeps every digit, even when
    # one is typed again; phone numbers are text cells.
    last = ledger.max_row
    for column in ("身份证号", "联系电话", "帮扶人电话", "赡养人1电话"):
        for row in range(4, last + 1):
            cell = ledger.cell(row, header.index(column) + 1)
            if cell.value is not None:
                assert cell.data_type == "s", (column, row)
                if column == "身份证号":
                    assert cell.number_format == "@", row
    assert ledger.cell(4, 1).number_format == "General"  # 序号 stays a number
    # Frozen under the header; every column has a width that fits its longest value.
    assert ledger.freeze_panes == "A4"
    for index, name in enumerate(header, start=1):
        width = ledger.column_dimensions[get_column_letter(index)].width
        longest = max((text_width(r[index - 1]) for r in rows.values() if r[index - 1]),
                      default=0)
        assert width >= min(longest, 38) + 1, name
    # Fonts: 宋体 everywhere, a bigger bold title, a bold header.
    assert ledger["A1"].font.name == "宋体" and ledger["A1"].font.b and ledger["A1"].font.sz == 14
    assert ledger["B3"].font.name == "宋体" and ledger["B3"].font.b
    assert ledger["B4"].font.name == "宋体" and not ledger["B4"].font.b
    # A4 landscape, one page wide, the header on every page, the grid printed; the
    # printed part is the township's columns, the title centred over them.
    for sheet, printed in ((ledger, len(LEDGER_HEADERS)), (book["汇总"], 5)):
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.print_options.gridLines
        column = get_column_letter(printed)
        assert sheet.print_area == f"'{sheet.title}'!$A$1:${column}${sheet.max_row}"
        assert f"A1:{column}1" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet["A1"].alignment.horizontal == "center"
        assert "&P" in sheet.oddFooter.center.text
    # Printed, the township's columns come out at about 8 pt: no smaller than 65%.
    widths = sum(ledger.column_dimensions[get_column_letter(i)].width
                 for i in range(1, len(LEDGER_HEADERS) + 1))
    page = (297 - 2 * 0.4 * 25.4) / 25.4 * 96  # A4 landscape inside the margins, in px
    assert page / (widths * 7 + 5 * len(LEDGER_HEADERS)) > 0.65
    # The quarter is not over: the sheets say up to which day.
    assert "截至 2026年11月23日" in ledger["A2"].value
    assert "截至 2026年11月23日" in book["汇总"]["A2"].value
    # A second reader (as WPS would) sees the same text.
    from python_calamine import CalamineWorkbook

    other = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("台账").to_python()
    assert other[2][:4] == ["序号", "姓名", "性别", "身份证号"]
    assert {r[3] for r in other[3:]} == {r[3] for r in rows.values()}


def test_a_past_quarter_gives_its_dates_not_a_cut_off(
        register: Register, database: Database, tmp_path: Path) -> None:
    small_register(register, database)
    out = tmp_path / "2026Q3.xlsx"
    export_quarter(database, Quarter(2026, 3), out, today=TODAY)
    subtitle = openpyxl.load_workbook(out)["台账"]["A2"].value
    assert "2026年07月01日至2026年09月30日" in subtitle and "截至" not in subtitle


def test_summary_figures_match_the_database(
        register: Register, database: Database, tmp_path: Path) -> None:
    small_register(register, database)
    result = export_quarter(database, Q4, tmp_path / "q.xlsx", today=TODAY)
    f = result.figures
    with database.session() as session:
        active = session.execute(select(func.count()).select_from(person)
                                 .where(person.c.status == "active")).scalar()
    assert f["active"] == active == 4
    assert f["persons"] == 5
    assert f["by_group"] == {"一组": 2, "二组": 2}
    assert f["by_colour"] == {"红色": 1, "黄色": 1, "绿色": 1, "未评估": 1}
    assert f["key_categories"]["高龄"] == 2
    assert f["key_categories"]["失能(失智)"] == 1
    assert f["paired"] == 2
    assert f["agreements"] == 1  # signed and current; drawn and expired do not count
    # As of 23 November (carecenter.rules.visit_periods): red 张桂兰 both halves of October and
    # 1-15 November, all met (a health follow-up counts for red); yellow 李秀英 October,
    # missed; green 王建国 the monthly home visit: October missed, November met early;
    # 赵明 (came 5 October) and 钱多 (left 20 October), not assessed: October, missed.
    assert f["visits_due"] == 3 + 1 + 2 + 1 + 1
    assert f["visits_done"] == 3 + 0 + 1
    assert f["visit_persons"] == 5
    assert f["visited_enough"] == 1  # only 张桂兰
    assert (f["needs_raised"], f["needs_resolved"]) == (2, 2)
    assert (f["entries"], f["exits"]) == (1, 1)
    summary = openpyxl.load_workbook(tmp_path / "q.xlsx")["汇总"]
    lines = {(r[0], r[1]): r[2] for r in summary.iter_rows(min_row=4, values_only=True)}
    assert lines[("结对帮扶", "结对覆盖率")] == "50.0%"
    assert lines[("按风险等级", "红色")] == 1


def test_each_export_is_a_snapshot_compared_with_the_last_one_sent(
        register: Register, database: Database, tmp_path: Path) -> None:
    ids = small_register(register, database)
    q3 = export_quarter(database, Quarter(2026, 3), tmp_path / "q3.xlsx", today=TODAY)
    assert q3.figures["partial"] is False
    assert q3.figures["active"] == 4  # 赵明 came in October
    register.exit(ids["李秀英"], date(2026, 11, 20), "moved")
    q4 = export_quarter(database, Q4, tmp_path / "q4.xlsx", today=TODAY)
    assert q4.previous is not None and q4.previous.period == "2026Q3"
    stored = snapshots(database)
    assert [s.period for s in stored] == ["2026Q4", "2026Q3"]
    assert stored[1].figures == q3.figures  # frozen: the register changed since
    assert snapshot_workbook(database, q3.snapshot_id) == (tmp_path / "q3.xlsx").read_bytes()
    summary = openpyxl.load_workbook(tmp_path / "q4.xlsx")["汇总"]
    assert summary["D3"].value == "上次报送(2026Q3)"
    lines = {(r[0], r[1]): r[2:] for r in summary.iter_rows(min_row=4, values_only=True)}
    assert lines[("进出", "本季度退出")] == (2, 0, 2)


def test_cli_export(register: Register, database: Database, db_path: Path, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    small_register(register, database)
    out = tmp_path / "q3.xlsx"
    assert main(["export", "quarter", "2026Q3", "--db", str(db_path), "--out", str(out)]) == 0
    assert "2026年第三季度" in capsys.readouterr().out
    assert openpyxl.load_workbook(out)["台账"]["B3"].value == "姓名"
    assert main(["export", "--db", str(db_path), "--out", str(out), "--quarter", "2099Q1"]) == 1
    assert "还没有开始" in capsys.readouterr().err
    assert main(["export", "quarter", "2026Q9", "--db", str(db_path), "--out", str(out)]) == 1
    assert "不是季度" in capsys.readouterr().err


def _content(database: Database) -> list[Any]:
    with database.session() as session:
        people = session.execute(select(person).order_by(person.c.id)).mappings().all()
        sups = session.execute(select(supporter).order_by(supporter.c.id)).mappings().all()
    drop = {"updated_at", "created_at", "search_key", "name_pinyin"}
    return ([{k: v for k, v in p.items() if k not in drop} for p in people]
            + [dict(s) for s in sups])


def test_export_then_reimport_gives_the_same_register(
        register: Register, database: Database, tmp_path: Path) -> None:
    small_register(register, database)
    register.save(elder("孙无号", id_number=None, birth_date="1951-04-04", sex="女",
                        supporters=[{"name": "孙甲", "relation": "儿子", "phone": "13911112222",
                                     "whereabouts": "上海市", "location_scope": "省外"},
                                    {"name": "孙乙", "relation": "女儿"}]))
    out = tmp_path / "q.xlsx"
    export_quarter(database, Q4, out, today=TODAY)
    before = _content(database)
    importer = LedgerImport(database, today=lambda: TODAY)
    data, layout = importer.open(out)
    preview = importer.preview(out, data, layout)
    assert {r.action for r in preview.rows} == {UPDATE}
    importer.apply(preview)
    assert _content(database) == before
    # Into an empty register: the same people, groups and supporters come back.
    fresh = Database(tmp_path / "fresh.db")
    try:
        other = LedgerImport(fresh, today=lambda: TODAY)
        data, layout = other.open(out)
        again = other.preview(out, data, layout)
        result = other.apply(again)
        # 钱多 died in October: the 状态 column says so, and no new file is made for him.
        assert result.created == 5
        gone = [r for r in again.rows if r.action == IGNORED]
        assert [r.name for r in gone] == ["钱多"] and "不新建档案" in gone[0].problems_text()
        keep = ("name", "id_number", "birth_date", "sex", "phone", "address")
        mine = sorted(tuple(p[k] for k in keep) for p in _content(database)
                      if "kind" in p and p["status"] == "active")
        theirs = sorted(tuple(p[k] for k in keep) for p in _content(fresh) if "kind" in p)
        assert mine == theirs
        with fresh.session() as session:
            sups = session.execute(select(supporter.c.name, supporter.c.relation,
                                          supporter.c.phone).order_by(supporter.c.name)).all()
        assert ("孙甲", "son", "13911112222") in sups and ("孙乙", "daughter", None) in sups
    finally:
        fresh.close()
    assert IGNORED not in {r.action for r in preview.rows}


def test_a_colour_changed_in_the_quarter_changes_the_visits_owed_from_that_day(
        register: Register, database: Database, tmp_path: Path) -> None:
    pid = register.save(elder("周红梅", "19480404", "024")).person_id
    with database.transaction() as session:
        session.execute(update(person).where(person.c.id == pid).values(
            created_at=datetime(2026, 1, 5), colour="red", colour_on=date(2026, 11, 16),
            factors=["incapacitated"]))
        for on, colour, factors in ((date(2026, 6, 1), "yellow", ["advanced_age"]),
                                    (date(2026, 9, 1), "yellow", ["advanced_age"]),
                                    (date(2026, 11, 16), "red", ["incapacitated"])):
            session.execute(assessment.insert().values(
                person_id=pid, assessed_on=on, assessor="刘主任", factors=factors,
                proposed=colour, colour=colour, created_at=NOW))
        for day in (date(2026, 10, 9), date(2026, 11, 20), date(2026, 12, 3)):
            session.execute(visit.insert().values(
                person_id=pid, visited_on=day, kind="home", visitor="刘帮扶", created_at=NOW))
    later = date(2027, 1, 5)
    q4 = export_quarter(database, Q4, tmp_path / "q4.xlsx", today=later).figures
    # Yellow: October (November was yellow for only half of it); red from 16 November
    # (half of it, from a change: November is owed under red) to December, twice a
    # month; met: October's one, one of November's two (20th), one of December's (3rd).
    assert (q4["visits_due"], q4["visits_done"]) == (1 + 2 + 2, 1 + 1 + 1)
    assert q4["by_colour"]["红色"] == 1 and q4["key_categories"]["失能(失智)"] == 1
    # The third quarter, exported now: yellow all through it, as it was then.
    q3 = export_quarter(database, Quarter(2026, 3), tmp_path / "q3.xlsx", today=later)
    assert q3.figures["by_colour"]["黄色"] == 1 and q3.figures["key_categories"]["高龄"] == 1
    assert q3.figures["visits_due"] == 3
    ledger = openpyxl.load_workbook(tmp_path / "q3.xlsx")["台账"]
    header = [c.value for c in ledger[3]]
    assert ledger.cell(4, header.index("风险等级") + 1).value == "黄色"
