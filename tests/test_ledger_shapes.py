"""Ledgers laid out the way village offices lay them out (issue 7): merged two-row
headers, several supporters in a row or a supporter per row, group headings, title and
particulars above, totals, signatures, notes and a second table below, hidden columns,
and files that are not what their name says. Each is built here with openpyxl."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from carecenter.cli.entry import main
from carecenter.errors import KnownError
from carecenter.ledger.importer import IGNORED, NEW, LedgerImport, Preview
from carecenter.ledger.mapping import Layout
from carecenter.storage.database import Database
from carecenter.storage.models import person, supporter, village_group
from tests.conftest import TODAY, make_id, raw_connection, signed_in
from tests.conftest import dump as dump_register
from tests.ledger_books import save

LIU = make_id("19480315", "022")  # a woman
CHEN = make_id("19520601", "031")  # a man
ZHAO = make_id("19400909", "014")  # a woman
DATA = Path(__file__).parent / "data"


def importer(database: Database) -> LedgerImport:
    return LedgerImport(database, today=lambda: TODAY)


def opened(database: Database, path: Path) -> tuple[Layout, Preview]:
    imp = importer(database)
    data, layout = imp.open(path)
    return layout, imp.preview(path, data, layout)


def imported(database: Database, path: Path) -> Preview:
    imp = importer(database)
    data, layout = imp.open(path)
    preview = imp.preview(path, data, layout)
    assert not preview.refused, [r.problems_text() for r in preview.refused]
    imp.apply(preview)
    return preview


def targets(layout: Layout) -> dict[str, str]:
    return {c.label: c.target for c in layout.columns}


def supporters_of(database: Database) -> dict[str, list[tuple[str, str | None]]]:
    """Each person's supporters as (name, relation), in their order."""
    with database.session() as session:
        rows = session.execute(
            select(person.c.name, supporter.c.name, supporter.c.relation)
            .join(supporter, supporter.c.person_id == person.c.id)
            .order_by(person.c.id, supporter.c.position)).all()
    found: dict[str, list[tuple[str, str | None]]] = {}
    for elder, name, relation in rows:
        found.setdefault(elder, []).append((name, relation))
    return found


def groups_of(database: Database) -> dict[str, str]:
    with database.session() as session:
        return dict(session.execute(
            select(person.c.name, village_group.c.name)
            .join(village_group, village_group.c.id == person.c.group_id)).all())


def dump(path: Path) -> str:
    return dump_register(path)


# -- the shapes ----------------------------------------------------------------------


def merged_headings(path: Path) -> Path:
    """基本信息 over 姓名/性别/身份证号码/年龄, 赡养人情况 over 姓名/关系/电话/去向."""
    return save([
        ["某某镇某某村农村留守老年人关爱服务台账"],
        ["填报单位: 某某村  填报时间: 2026年9月"],
        ["序号", "基本信息", None, None, None, "所在村民小组", "赡养人情况", None, None, None,
         "备注"],
        [None, "姓名", "性别", "身份证号码", "年龄", None, "姓名", "关系", "电话", "去向", None],
        [1, "刘桂英", "女", LIU, 78, "一组", "刘军", "儿子", "13912345678", "广东深圳", None],
        [2, "陈德明", "男", CHEN, 74, "二组", "陈红", "女儿", "13812345678", "浙江杭州", "独居"],
        [3, "赵秀兰", "女", ZHAO, 86, "二组", "赵强", "长子", "13712345678", "本县县城", None],
        [None, "合计", None, None, None, None, None, None, None, None, None],
        ["填表人:张三", None, None, "审核人:李四", None, None, "联系电话:13800001234"],
    ], path, merges=("A1:K1", "A2:K2", "B3:E3", "G3:J3", "A3:A4", "F3:F4", "K3:K4"))


def children_numbered(path: Path) -> Path:
    """子女1姓名, 子女1电话, 子女1务工地, 子女2姓名 … in one row, under a title."""
    return save([
        ["留守老人花名册"],
        ["序号", "老人姓名", "性别", "公民身份号码", "组别", "联系方式", "子女1姓名", "子女1电话",
         "子女1务工地", "子女2姓名", "子女2电话", "子女2务工地", "子女3姓名", "子女3电话"],
        [1, "刘桂英", "女", LIU, "1组", "13800001111", "刘军", "13912345678", "广东深圳",
         "刘芳", "13912345679", "江苏苏州", None, None],
        [2, "陈德明", "男", CHEN, "2组", None, "陈红", "13812345678", "浙江杭州", None, None,
         None, "陈亮", "13812345670"],
    ], path, merges=("A1:N1",))


def supporters_repeated(path: Path) -> Path:
    """赡养人姓名 / 赡养人电话 twice, no numbers; 姓 名 with a space inside."""
    return save([
        ["姓 名", "身份证号", "所在组", "赡养人姓名", "赡养人电话", "赡养人姓名", "赡养人电话",
         "家庭住址"],
        ["刘桂英", LIU, "一组", "刘军", "13912345678", "刘芳", "13912345679", "一组12号"],
        ["陈德明", CHEN, "二组", "陈红", "13812345678", None, None, "二组3号"],
    ], path)


def variants(path: Path, filed: str = "填报日期:2026.9.30") -> Path:
    """编号, 老人姓名, 证件号码, 出生年月, 年龄, 组别, 联系方式, 风险等级 红黄绿, notes."""
    return save([
        ["2026年第三季度留守老年人信息登记表"],
        ["乡镇:某某镇", None, "村(社区):某某村", None, None, filed],
        ["编号", "老人姓名", "性别", "证件号码", "出生年月", "年龄", "组别", "联系方式", "家庭住址",
         "风险等级", "备注"],
        [1, "刘桂英", "女", LIU, "1948.3", 78, "第一村民小组", "13800001111", "某某村一组", "红",
         "失能"],
        [2, "陈德明", "男", CHEN, 19520601, 74, "二组", None, "某某村二组", "黄", None],
        [3, "赵秀兰", "女", ZHAO, datetime(1940, 9, 9), 86, "二组", None, None, "绿", None],
        [4, "孙玉梅", "女", None, "1956年1月", 70, "三组", None, None, "绿", "身份证号待补充"],
        [None] * 11,
        ["说明:1.风险等级按红黄绿填写;2.年龄按2026年计算。"],
    ], path, merges=("A1:K1",))


def second_table(path: Path) -> Path:
    return save([
        ["一、留守老年人名单"],
        ["序号", "姓名", "性别", "身份证号", "组别", "联系电话"],
        [1, "刘桂英", "女", LIU, "一组", "13800001111"],
        [2, "陈德明", "男", CHEN, "二组", None],
        [None] * 6,
        ["二、本季度退出人员"],
        ["序号", "姓名", "性别", "身份证号", "组别", "退出原因"],
        [1, "赵秀兰", "女", ZHAO, "二组", "死亡"],
        [None] * 6,
        ["注:本表一式两份。"],
    ], path, merges=("A1:F1", "A6:F6"))


def group_headings(path: Path) -> Path:
    """No group column: 一组 / 第二村民小组 as headings between the people."""
    return save([
        ["某某村留守老人名册"],
        ["序号", "姓名", "性别", "身份证号", "联系电话"],
        ["一组"],
        [1, "刘桂英", "女", LIU, "13800001111"],
        [2, "陈德明", "男", CHEN, None],
        ["第二村民小组"],
        [3, "赵秀兰", "女", ZHAO, None],
        ["合计", "3人"],
    ], path, merges=("A1:E1", "A3:E3", "A6:E6"))


def supporter_rows(path: Path) -> Path:
    """A supporter per row, the elder's cells merged down over them."""
    return save([
        ["序号", "姓名", "性别", "身份证号", "组别", "子女姓名", "关系", "联系电话", "务工地"],
        [1, "刘桂英", "女", LIU, "一组", "刘军", "儿子", "13912345678", "广东深圳"],
        [None, None, None, None, None, "刘芳", "女儿", "13912345679", "江苏苏州"],
        [None, None, None, None, None, "刘强", "儿子", "13912345670", "本县"],
        [2, "陈德明", "男", CHEN, "二组", "陈红", "女儿", "13812345678", "浙江杭州"],
    ], path, merges=("A2:A4", "B2:B4", "C2:C4", "D2:D4", "E2:E4"))


def hidden_and_householder(path: Path) -> Path:
    """户主姓名 before 老人姓名, a hidden 旧身份证号 before 身份证号, 帮扶责任人电话."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["序号", "户主姓名", "老人姓名", "旧身份证号", "身份证号", "组别", "帮扶责任人电话"],
        [1, "刘军", "刘桂英", "430524480315022", LIU, "一组", "13700001111"],
        [2, "陈红", "陈德明", None, CHEN, "二组", "13700002222"],
    ):
        sheet.append(row)
    sheet.column_dimensions["D"].hidden = True
    book.save(path)
    return path


SHAPES: dict[str, Callable[[Path], Path]] = {
    "merged_headings": merged_headings, "children_numbered": children_numbered,
    "supporters_repeated": supporters_repeated, "variants": variants,
    "second_table": second_table, "group_headings": group_headings,
    "supporter_rows": supporter_rows, "hidden_and_householder": hidden_and_householder,
}


# -- header detection and mapping -------------------------------------------------------


def test_merged_headings_over_basic_information_and_supporters(
        database: Database, tmp_path: Path) -> None:
    path = merged_headings(tmp_path / "a.xlsx")
    layout, preview = opened(database, path)
    assert layout.header_rows == (2, 3)
    assert targets(layout) == {
        "序号": "extra:seq", "基本信息/姓名": "person:name", "基本信息/性别": "person:sex",
        "基本信息/身份证号码": "person:id_number", "基本信息/年龄": "extra:age",
        "所在村民小组": "person:group_id", "赡养人情况/姓名": "supporter:1:name",
        "赡养人情况/关系": "supporter:1:relation", "赡养人情况/电话": "supporter:1:phone",
        "赡养人情况/去向": "supporter:1:whereabouts", "备注": "person:note"}
    assert [r.action for r in preview.rows] == [NEW, NEW, NEW, IGNORED, IGNORED]
    imported(database, path)
    assert supporters_of(database) == {"刘桂英": [("刘军", "son")],
                                       "陈德明": [("陈红", "daughter")],
                                       "赵秀兰": [("赵强", "son")]}  # 长子
    with database.session() as session:
        scope = session.execute(select(supporter.c.location_scope)
                                .where(supporter.c.name == "赵强")).scalar_one()
    assert scope == "in_county"  # 本县县城


def test_a_title_above_the_header_is_not_part_of_it(database: Database, tmp_path: Path) -> None:
    layout, _ = opened(database, children_numbered(tmp_path / "b.xlsx"))
    assert layout.header_rows == (1,)
    assert targets(layout)["老人姓名"] == "person:name"  # not 留守老人花名册/老人姓名
    assert [targets(layout)[f"子女{i}姓名"] for i in (1, 2, 3)] == [
        "supporter:1:name", "supporter:2:name", "supporter:3:name"]


def test_several_supporters_in_one_row(database: Database, tmp_path: Path) -> None:
    imported(database, children_numbered(tmp_path / "b.xlsx"))
    imported(database, supporters_repeated(tmp_path / "c.xlsx"))  # the same people again
    assert {k: [n for n, _ in v] for k, v in supporters_of(database).items()} == {
        "刘桂英": ["刘军", "刘芳"], "陈德明": ["陈红", "陈亮"]}


def test_header_variants_and_the_forms_particulars_above(
        database: Database, tmp_path: Path) -> None:
    layout, preview = opened(database, variants(tmp_path / "d.xlsx"))
    assert layout.header_rows == (2,)
    assert targets(layout) == {
        "编号": "extra:seq", "老人姓名": "person:name", "性别": "person:sex",
        "证件号码": "person:id_number", "出生年月": "person:birth_date", "年龄": "extra:age",
        "组别": "person:group_id", "联系方式": "person:phone", "家庭住址": "person:address",
        "风险等级": "extra:colour", "备注": "person:note"}
    assert [r.action for r in preview.rows] == [NEW] * 4 + [IGNORED, IGNORED]
    # Next quarter's ledger, filed on another day, is the same layout: its mapping is reused.
    next_quarter, _ = opened(database, variants(tmp_path / "d2.xlsx", "填报日期:2026.12.30"))
    assert next_quarter.key == layout.key


def test_the_plainest_header_keeps_the_field(database: Database, tmp_path: Path) -> None:
    layout, preview = opened(database, hidden_and_householder(tmp_path / "e.xlsx"))
    assert targets(layout) == {
        "序号": "extra:seq", "户主姓名": "", "老人姓名": "person:name", "旧身份证号": "",
        "身份证号": "person:id_number", "组别": "person:group_id", "帮扶责任人电话": ""}
    assert [(r.name, r.id_number) for r in preview.rows] == [("刘桂英", LIU), ("陈德明", CHEN)]


def test_a_supporters_own_id_or_age_is_not_the_elders(database: Database,
                                                     tmp_path: Path) -> None:
    path = save([["姓名", "组别", "子女姓名", "子女身份证号", "子女年龄"],
                 ["刘桂英", "一组", "刘军", make_id("19750101", "011"), 51]], tmp_path / "x.xlsx")
    layout, preview = opened(database, path)
    assert targets(layout) == {"姓名": "person:name", "组别": "person:group_id",
                               "子女姓名": "supporter:1:name", "子女身份证号": "",
                               "子女年龄": ""}
    assert preview.rows[0].action == NEW and preview.rows[0].id_number == ""


# -- rows that are not a person's ----------------------------------------------------------


def test_a_second_table_below_is_not_imported(database: Database, tmp_path: Path) -> None:
    path = second_table(tmp_path / "g.xlsx")
    _, preview = opened(database, path)
    assert [(r.row, r.action) for r in preview.rows if r.action != IGNORED] == [(3, NEW),
                                                                                (4, NEW)]
    assert "第 6 行“二、本季度退出人员”起是另一张表或说明,未导入" in preview.summary()
    assert all(r.action == IGNORED for r in preview.rows if r.row >= 6)
    imported(database, path)
    assert set(groups_of(database)) == {"刘桂英", "陈德明"}  # 赵秀兰 exited: not added


def test_a_header_of_another_table_ends_the_table(database: Database, tmp_path: Path) -> None:
    path = save([["姓名", "身份证号", "组别"], ["刘桂英", LIU, "一组"], [None] * 3,
                 ["姓名", "身份证号", "退出原因"], ["赵秀兰", ZHAO, "死亡"]], tmp_path / "h.xlsx")
    _, preview = opened(database, path)
    assert [r.action for r in preview.rows] == [NEW, IGNORED, IGNORED, IGNORED]
    # The table's own header repeated (one per printed page) does not end it.
    path = save([["姓名", "身份证号", "组别"], ["刘桂英", LIU, "一组"],
                 ["姓名", "身份证号", "组别"], ["陈德明", CHEN, "二组"]], tmp_path / "p.xlsx")
    _, preview = opened(database, path)
    assert [r.action for r in preview.rows] == [NEW, IGNORED, NEW]


def test_group_headings_between_people_give_their_group(
        database: Database, tmp_path: Path) -> None:
    preview = imported(database, group_headings(tmp_path / "r.xlsx"))
    assert [r.action for r in preview.rows] == [IGNORED, NEW, NEW, IGNORED, NEW, IGNORED]
    assert "合计" in preview.rows[-1].problems_text()  # 合计 | 3人 is not a person
    assert groups_of(database) == {"刘桂英": "一组", "陈德明": "一组", "赵秀兰": "第二村民小组"}


def test_a_supporter_per_row_joins_the_elder_above(database: Database, tmp_path: Path) -> None:
    preview = imported(database, supporter_rows(tmp_path / "s.xlsx"))
    assert [r.action for r in preview.rows] == [NEW, IGNORED, IGNORED, NEW]
    assert "赡养人并入第 2 行刘桂英" in preview.rows[1].problems_text()
    assert supporters_of(database) == {
        "刘桂英": [("刘军", "son"), ("刘芳", "daughter"), ("刘强", "son")],
        "陈德明": [("陈红", "daughter")]}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_shape_previews_with_dry_run_and_imports_again_as_updates(
        name: str, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = SHAPES[name](tmp_path / f"{name}.xlsx")
    signed_in(Database(db_path)).close()
    empty = dump(db_path)
    # A second table's people are not read: said by exit code 3 (reviewer item 7).
    code = 3 if name == "second_table" else 0
    assert main(["import", "ledger", str(path), "--db", str(db_path), "--dry-run"]) == code
    assert "预览完毕" in capsys.readouterr().out
    assert dump(db_path) == empty
    assert main(["import", "ledger", str(path), "--db", str(db_path)]) == code
    with raw_connection(db_path) as connection:
        count = connection.execute("SELECT count(*) FROM person").fetchone()[0]
    assert main(["import", "ledger", str(path), "--db", str(db_path)]) == code
    out = capsys.readouterr().out
    assert "新增 0 人" in out and f"更新 {count} 人" in out
    with raw_connection(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM person").fetchone()[0] == count


# -- files ------------------------------------------------------------------------------


def test_an_old_xls_ledger_is_read(database: Database) -> None:
    """tests/data/ledger-2003.xls: an Excel 97-2003 workbook (written with xlwt)."""
    preview = imported(database, DATA / "ledger-2003.xls")
    assert [r.action for r in preview.rows] == [NEW, NEW, NEW, IGNORED, IGNORED]
    assert groups_of(database)["刘桂英"] == "一组"


def test_a_workbook_under_the_wrong_suffix_is_read_by_its_content(
        database: Database, tmp_path: Path) -> None:
    renamed = tmp_path / "台账.xls"
    shutil.copy(children_numbered(tmp_path / "b.xlsx"), renamed)
    assert [r.action for r in imported(database, renamed).rows] == [NEW, NEW]
    wps = tmp_path / "台账.et"
    shutil.copy(DATA / "ledger-2003.xls", wps)
    assert sum(r.accepted for r in opened(database, wps)[1].rows) == 3


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_a_csv_ledger_is_read_as_text(database: Database, tmp_path: Path,
                                      encoding: str) -> None:
    path = tmp_path / "台账.csv"
    path.write_text(f"序号,姓名,性别,身份证号,组别,电话\n1,刘桂英,女,{LIU},一组,13800001111\n"
                    f"2,陈德明,男,{CHEN},二组,\n", encoding=encoding)
    preview = imported(database, path)
    assert [(r.name, r.id_number) for r in preview.rows] == [("刘桂英", LIU), ("陈德明", CHEN)]


def test_the_first_sheet_that_holds_a_table_is_used(database: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["填表说明:请按要求如实填写"])
    table = book.create_sheet("花名册")
    table.append(["姓名", "身份证号", "组别"])
    table.append(["刘桂英", LIU, "一组"])
    book.save(tmp_path / "two.xlsx")
    _, preview = opened(database, tmp_path / "two.xlsx")
    assert preview.sheet == "花名册" and preview.count(NEW) == 1
    with pytest.raises(KnownError, match="没有名为"):
        importer(database).open(tmp_path / "two.xlsx", "别的表")


def _two_sheets_without_table(path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["说明"])
    book.create_sheet("统计").append(["甲", "乙"])
    book.save(path)


def _truncated(path: Path) -> None:
    """A workbook cut short, as a copy broken off half-way leaves it."""
    save([["姓名", "组别"], ["刘桂英", "一组"]], path)
    path.write_bytes(path.read_bytes()[:300])


@pytest.mark.parametrize("name, make, message", [
    ("a.xls", lambda p: p.write_text("<html><body><table><tr><td>姓名</td></tr></table>"
                                     "</body></html>", encoding="utf-8"), "网页(HTML)"),
    ("a.xlsx", lambda p: p.write_bytes(b"%PDF-1.4 whatever"), "PDF"),
    ("a.xlsx", lambda p: p.write_bytes(b""), "文件是空的"),
    ("a.xlsx", _truncated, "已损坏"),
    ("a.et", lambda p: p.write_bytes(b"\x00\x01garbage" * 20), "WPS 表格"),
    ("a.xlsx", _two_sheets_without_table, "2 张工作表(Sheet、统计)里都找不到表头"),
    ("a.csv", lambda p: p.write_text("", encoding="utf-8"), "是空的"),
])
def test_unreadable_files_say_what_they_are_and_change_nothing(
        db_path: Path, tmp_path: Path, name: str, make: Callable[[Path], Any], message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    signed_in(Database(db_path)).close()
    main(["import", "ledger", str(supporter_rows(tmp_path / "ok.xlsx")), "--db", str(db_path)])
    before = dump(db_path)
    capsys.readouterr()
    bad = tmp_path / name
    make(bad)
    assert main(["import", "ledger", str(bad), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert dump(db_path) == before


def test_cells_as_clerks_fill_them(database: Database, tmp_path: Path) -> None:
    from carecenter.register.people import Register

    register = Register(database, today=lambda: TODAY)
    three = register.groups.add("三组")
    path = save([
        ["姓名", "身份证号", "年龄", "组别", "子女姓名", "关系", "务工地"],
        ["刘桂英(户主)", LIU, None, "白竹村三组", "刘军", "侄子", "深圳"],
        ["孙玉梅", "暂未办理", "78岁", "白竹村第三村民小组", "孙强", "长子", "外省务工"],
    ], tmp_path / "cells.xlsx")
    preview = imported(database, path)
    assert preview.new_groups == {}  # 白竹村三组 is the register's 三组
    assert "姓名后的“户主”记入备注" in preview.rows[0].problems_text()
    with database.session() as session:
        stored = {r.name: r for r in session.execute(select(person))}
        scopes = dict(session.execute(select(supporter.c.name, supporter.c.location_scope)).all())
        relations = dict(session.execute(select(supporter.c.name, supporter.c.relation)).all())
    assert stored["刘桂英"].group_id == stored["孙玉梅"].group_id == three
    assert "户主" in stored["刘桂英"].note
    assert stored["孙玉梅"].id_number is None and "暂未办理" in stored["孙玉梅"].note
    assert stored["孙玉梅"].birth_date.year == TODAY.year - 78  # from 78岁
    assert relations == {"刘军": "other", "孙强": "son"}  # a nephew is not a son
    assert scopes == {"刘军": "out_province", "孙强": "out_province"}  # 深圳 from 湖南


def test_a_person_the_ledger_says_has_left_is_not_added_and_is_only_flagged(
        database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "组别", "状态"], ["刘桂英", LIU, "一组", "在册"],
            ["赵秀兰", ZHAO, "二组", "已退出(死亡)"]]
    preview = imported(database, save(rows, tmp_path / "s1.xlsx"))
    assert [r.action for r in preview.rows] == [NEW, IGNORED]
    assert "不新建档案" in preview.rows[1].problems_text()
    assert preview.new_groups == {"#1": "一组"}  # 二组 was only 赵秀兰's
    rows[1][3] = "死亡"
    _, again = opened(database, save(rows, tmp_path / "s2.xlsx"))
    assert again.rows[0].action == "update"
    # issue 16: 死亡 proposes the exit (reason, date) for the clerk to confirm
    assert "建议办理退出,原因“死亡”" in again.rows[0].problems_text()
    assert again.exits == [again.rows[0]]
