"""Ledgers a reviewer found coming in silently wrong or missing (issues 15 and 16): a
header repeated below the data, headings and totals in the 姓名 column, far-out cells,
groups called 社 or 队, columns the register has but the import dropped, IDs Excel
damaged, and exit codes that hid skipped rows. Every workbook is built here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from carecenter.cli.entry import main
from carecenter.errors import KnownError
from carecenter.ledger.importer import IGNORED, LedgerImport, Preview
from carecenter.storage.database import Database
from tests.conftest import TODAY, make_id
from tests.test_ledger_unseen import settle_village, stored


def book(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def preview_of(database: Database, path: Path) -> tuple[LedgerImport, Preview]:
    imp = LedgerImport(database, today=lambda: TODAY)
    data, layout = imp.open(path)
    return imp, imp.preview(path, data, layout)


# -- 1. a header repeated below the data ---------------------------------------------------

TOP = ["序号", "基本信息", None, None, None, "子女（赡养人）情况", None, None, None]
MIDDLE = [None, "姓名", "身份证号", "组别", "联系电话", "姓名", "关系", "联系方式", None]
BOTTOM = [None, None, None, None, None, None, None, "电话", "务工地址"]
ELDERS = ["赵桂英", "钱德明", "孙秀兰", "李福生", "周玉梅", "吴长根", "郑冬梅", "王春生", "冯金花"]


def three_row_ledger(path: Path, repeat: list[list[Any]]) -> Path:
    """A three-row header (基本信息 / 子女(赡养人)情况 / 联系方式 over 电话 + 务工地址),
    and ``repeat`` (the header again, or part of it) after the sixth elder."""
    rows: list[list[Any]] = [["白竹村农村留守老年人台账"], TOP, MIDDLE, BOTTOM]
    for i, name in enumerate(ELDERS):
        if i == 6:
            rows += repeat
        rows.append([i + 1, name, make_id(f"194{i}0101", f"{i}12"), "一组",
                     f"1380000000{i}", name[0] + "建国", "儿子", f"1390000000{i}", "广东东莞"])
    return book(path, ("台账", rows))


@pytest.mark.parametrize("repeat", [
    [TOP, MIDDLE, BOTTOM],  # a block copied twice, a header on every printed page
    [BOTTOM],  # only the bottom row
    [MIDDLE],
    [["序号", "姓名", "身份证号", "组别", "联系电话", "姓名", "关系", "电话", "务工地址"]],
    [["序号", "姓名", "身份证号", "组别", "联系电话", "子女姓名", "关系", "子女电话", "务工地址"]],
], ids=["whole", "bottom-row", "middle-row", "flattened", "retyped"])
def test_a_header_repeated_below_the_data_keeps_every_row_above_and_below_it(
        tmp_path: Path, database: Database, repeat: list[list[Any]]) -> None:
    settle_village(database)
    imp, preview = preview_of(database, three_row_ledger(tmp_path / "r.xlsx", repeat))
    assert preview.ended is None
    assert [r.name for r in preview.rows if r.accepted] == ELDERS
    said = [r.errors[0].message for r in preview.rows if r.action == IGNORED]
    assert len(said) == len(repeat) and all("重复的表头" in m for m in said), said
    assert not preview.not_imported()
    imp.apply(preview)
    kept = stored(database)
    assert sorted(kept) == sorted(ELDERS)
    assert kept["赵桂英"]["supporters"] == [("赵建国", "广东东莞", "out_province")]


def test_the_dry_run_counts_every_elder_of_a_ledger_with_its_header_repeated(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    path = three_row_ledger(tmp_path / "r.xlsx", [TOP, MIDDLE, BOTTOM])
    capsys.readouterr()
    assert main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 9 人" in out and "第 5 行 [新增] 赵桂英" in out, out


def test_a_person_like_row_above_the_header_is_reported_not_dropped(
        tmp_path: Path, database: Database) -> None:
    rows: list[list[Any]] = [
        ["白竹村农村留守老年人台账"],
        [1, "陈有福", make_id("19440202", "013"), "一组", "13800000009"],
        ["序号", "姓名", "身份证号", "组别", "联系电话"],
        [2, "林秀英", make_id("19450303", "024"), "一组", "13800000008"]]
    _, preview = preview_of(database, book(tmp_path / "a.xlsx", ("台账", rows)))
    assert [r.name for r in preview.rows if r.accepted] == ["林秀英"]
    above = [r for r in preview.rows if r.row == 2]
    assert len(above) == 1 and above[0].action == IGNORED
    assert "表头" in above[0].errors[0].message and "陈有福" in above[0].errors[0].message


# -- 2. headings and totals in the 姓名 column -------------------------------------------

SECTIONED = ["赵桂英", "钱德明", "孙秀兰", "李福生", "周玉梅", "吴长根", "郑冬梅"]


def sectioned_ledger(path: Path, exits_heading: list[Any]) -> Path:
    """Category headings, totals, 新增 headings and a 退出 section, in the 姓名 column."""
    ids = [make_id(f"194{i}0101", f"{i}12") for i in range(7)]
    row = [[i + 1, SECTIONED[i], ids[i], "一组" if i < 2 else "二组", f"1380000000{i}", None]
           for i in range(7)]
    row[5][5] = "2026年9月病故"
    return book(path, ("台账", [
        ["序号", "姓名", "身份证号", "组别", "联系电话", "备注"],
        [None, "空巢老人"], row[0], row[1], [None, "以上共2人"],
        [None, "贫困户"], row[2],
        [None, "本季度新增"], row[3],
        [None, "新增人员"], row[4],
        [None, "留守老人合计：", None, None, "2人"],
        exits_heading, row[5], row[6]]))


def all_active(database: Database, tmp_path: Path) -> None:
    rows = [["姓名", "身份证号", "组别"]] + [
        [n, make_id(f"194{i}0101", f"{i}12"), "一组" if i < 2 else "二组"]
        for i, n in enumerate(SECTIONED)]
    imp, preview = preview_of(database, book(tmp_path / "first.xlsx", ("台账", rows)))
    imp.apply(preview)


@pytest.mark.parametrize("exits_heading", [
    [None, "退出人员名单"], ["退出人员名单"], ["二、本季度退出人员"]],
    ids=["name-column", "column-a", "numbered"])
def test_headings_and_totals_are_lines_not_people_and_a_exit_section_proposes_exits(
        tmp_path: Path, database: Database, exits_heading: list[Any]) -> None:
    all_active(database, tmp_path)
    imp, preview = preview_of(database, sectioned_ledger(tmp_path / "s.xlsx", exits_heading))
    assert not preview.refused
    assert [r.name for r in preview.rows if r.accepted] == SECTIONED
    said = {r.row: r.errors[0].message for r in preview.rows if r.action == IGNORED}
    assert "合计" in said[5] and "以上共2人" in said[5]
    assert "分类标题" in said[2] and "分类标题" in said[6]
    assert "新增人员标题" in said[8] and "新增人员标题" in said[10]
    assert "合计" in said[12]
    assert "退出人员标题" in said[13]
    exits = {r.name: r.exit.reason for r in preview.exits if r.exit}
    assert exits == {"吴长根": "died", "郑冬梅": "other"}
    preview.confirm_exits = True
    imp.apply(preview)
    assert {n: p["status"] for n, p in stored(database).items()} == {
        **{n: "active" for n in SECTIONED[:5]}, "吴长根": "exited", "郑冬梅": "exited"}


def test_people_under_an_exit_heading_are_not_created(tmp_path: Path,
                                                      database: Database) -> None:
    imp, preview = preview_of(database, sectioned_ledger(tmp_path / "s.xlsx",
                                                         [None, "退出人员名单"]))
    assert [r.name for r in preview.rows if r.accepted] == SECTIONED[:5]
    not_created = [r for r in preview.rows if r.name in SECTIONED[5:]]
    assert all(r.action == IGNORED and "不新建" in r.errors[0].message for r in not_created)
    assert not preview.exits
    imp.apply(preview)
    assert sorted(stored(database)) == sorted(SECTIONED[:5])


def test_the_dry_run_names_each_heading_and_total_by_its_row(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    path = sectioned_ledger(tmp_path / "s.xlsx", [None, "退出人员名单"])
    capsys.readouterr()
    main(["import", str(path), "--db", str(db_path), "--dry-run"])
    out = capsys.readouterr().out
    assert "第 5 行 [忽略] (无姓名):合计行:“以上共2人”" in out, out
    assert "第 2 行 [忽略] (无姓名):分类标题行:“空巢老人”" in out
    assert "姓名里有数字" not in out and "空巢老人:" not in out


def test_a_childs_row_under_an_exit_heading_is_refused_not_imported_as_active(
        tmp_path: Path, database: Database) -> None:
    from carecenter.ledger import kind_import
    from tests.test_kind_import_export import FLAT

    rows = [*FLAT[:4], [None, "本季度退出人员"], FLAT[4][:3] + [make_id("20140101", "031")]
            + FLAT[4][4:]]
    found = kind_import.preview(database, book(tmp_path / "c.xlsx", ("Sheet", rows)), "child")
    assert [r.name for r in found.rows if r.accepted] == ["李小明", "张丽"]
    assert [r.name for r in found.refused] == ["王五"]
    assert "本季度退出人员" in found.refused[0].errors[0]


# -- 3. a far-out cell ---------------------------------------------------------------------

WIDE = ["序号", "姓名", "身份证号", "组别", "联系电话", "性别", "出生日期", "子女姓名", "关系",
        "子女电话", "务工地"]


def far_out(path: Path, cell: str, value: str) -> Path:
    """An 11-column ledger of one elder, and one value (even a space) far below it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(WIDE)
    ws.append([1, "赵桂英", make_id("19400101", "012"), "一组", "13800000001", "女", None,
               "赵建国", "儿子", "13900000001", "广东东莞"])
    ws[cell] = value
    wb.save(path)
    return path


def test_a_far_out_space_is_refused_naming_the_cell_without_reading_a_million_rows(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    path = far_out(tmp_path / "far.xlsx", "K1048576", " ")
    capsys.readouterr()
    assert main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 1
    said = capsys.readouterr().err
    assert "K1048576 单元格" in said and "不能导入" in said and "工作表“台账”" in said, said
    assert "删除第 3 行到第 1048576 行" in said


def test_a_far_out_value_in_column_a_is_refused_naming_the_cell(
        tmp_path: Path, database: Database) -> None:
    path = far_out(tmp_path / "far.xlsx", "A1048576", "x")
    with pytest.raises(KnownError, match="A1048576 单元格里有内容"):
        LedgerImport(database, today=lambda: TODAY).open(path)


def test_a_stray_cell_not_far_below_the_table_is_read_and_shown(
        tmp_path: Path, database: Database) -> None:
    path = far_out(tmp_path / "near.xlsx", "A3000", "x")
    _, preview = preview_of(database, path)
    assert [r.name for r in preview.rows if r.accepted] == ["赵桂英"]
    assert any(r.row == 3000 and r.action == IGNORED for r in preview.rows)


# -- 4. groups named 社 or 队 ---------------------------------------------------------------

def group_sheets(path: Path, *names: str) -> Path:
    """One sheet per group, named by it, with no group column."""
    sheets = []
    for n, title in enumerate(names):
        sheets.append((title, [["序号", "姓名", "身份证号", "联系电话"],
                               [1, f"蒋{'一二三四五'[n]}妹", make_id(f"194{n}0303", f"{n}22"),
                                f"1370000000{n}"]]))
    return book(path, *sheets)


def test_a_sheet_named_yishe_gives_its_rows_that_group(tmp_path: Path,
                                                       database: Database) -> None:
    imp, preview = preview_of(database, group_sheets(tmp_path / "she.xlsx", "一社", "二社"))
    assert [p.group for p in preview.sheets] == ["一社", "二社"]
    assert list(preview.new_groups.values()) == ["一社", "二社"]
    imp.apply(preview)
    assert {n: p["group"] for n, p in stored(database).items()} == {
        "蒋一妹": "一社", "蒋二妹": "二社"}


def test_sandui_goes_into_the_registers_only_group_three_and_says_so(
        tmp_path: Path, database: Database) -> None:
    from carecenter.register.groups import GroupBook

    GroupBook(database).add("第三村民小组")
    imp, preview = preview_of(database, group_sheets(tmp_path / "dui.xlsx", "三队", "四队"))
    said = [p.describe() for p in preview.sheets]
    assert "记入登记册上的“第三村民小组”(工作表写作“三队”)" in said[0], said
    assert "记入“四队”" in said[1]
    assert list(preview.new_groups.values()) == ["四队"]
    assert "台账中的“三队”记入登记册上的“第三村民小组”" in preview.summary()
    imp.apply(preview)
    assert {n: p["group"] for n, p in stored(database).items()} == {
        "蒋一妹": "第三村民小组", "蒋二妹": "四队"}


def test_sandui_is_a_group_of_its_own_where_the_register_has_two_groups_three(
        tmp_path: Path, database: Database) -> None:
    from carecenter.register.groups import GroupBook

    GroupBook(database).add("三组")
    GroupBook(database).add("三社")
    imp, preview = preview_of(database, group_sheets(tmp_path / "dui.xlsx", "三队", "三社"))
    assert list(preview.new_groups.values()) == ["三队"]
    assert "三队" in preview.sheets[0].describe() and "登记册上" not in preview.summary()
    imp.apply(preview)
    assert {n: p["group"] for n, p in stored(database).items()} == {
        "蒋一妹": "三队", "蒋二妹": "三社"}


# -- 5. columns the register has -------------------------------------------------------------

def test_living_housing_assistance_self_care_and_spouse_columns_come_in(
        tmp_path: Path, database: Database) -> None:
    from tests.test_ledger_import import people

    rows: list[list[Any]] = [
        ["序号", "姓名", "身份证号", "联系电话", "是否独居", "居住状况", "房屋状况", "是否危房",
         "低保类型", "是否失能", "自理能力", "配偶情况", None, None],
        [None] * 11 + ["姓名", "电话", "身份证号"],
        [1, "赵桂英", make_id("19400101", "012"), "13800000001", "是", "独居", "C级危房", "是",
         "A类", "是", None, None, None, None],
        [2, "孙秀兰", make_id("19410101", "022"), "13800000002", "否", "与老伴同住", "安全", "否",
         "无", "否", "半自理", "李福生", "13900000002", make_id("19390101", "031")],
        [3, "周玉梅", make_id("19420101", "042"), "13800000003", None, "空巢", "土坯房", None,
         "特困供养", None, "完全不能自理", None, None, None]]
    imp, preview = preview_of(database, book(tmp_path / "c.xlsx", ("台账", rows)))
    dropped = {label: why for _, label, why in preview.not_imported()}
    assert dropped == {"配偶情况/身份证号": "配偶的这一项档案中不保存(只保存配偶姓名和电话)"}
    assert not preview.refused
    # A word not understood is named by row and field and kept in 备注, never guessed.
    third = next(r for r in preview.rows if r.name == "周玉梅")
    assert "住房安全隐患“土坯房”不在可选项中" in third.problems_text()
    first = next(r for r in preview.rows if r.name == "赵桂英")
    assert "按“部分失能”记" in first.problems_text()
    imp.apply(preview)
    kept = people(database)
    assert {n: (p["living_with"], p["housing_risks"], p["assistance"], p["health_status"])
            for n, p in kept.items()} == {
        "赵桂英": (["alone"], ["dilapidated"], ["dibao"], "partly_disabled"),
        "孙秀兰": (["spouse"], [], [], "partly_disabled"),
        "周玉梅": (["empty_nest"], [], ["tekun"], "disabled")}
    assert (kept["孙秀兰"]["spouse_name"], kept["孙秀兰"]["spouse_phone"],
            kept["孙秀兰"]["phone"]) == ("李福生", "13900000002", "13800000002")
    assert "住房安全隐患:土坯房" in str(kept["周玉梅"]["note"])


def test_the_dry_run_lists_no_register_column_as_having_no_field(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    rows = [["姓名", "身份证号", "是否独居", "住房情况", "低保类型", "自理能力"],
            ["赵桂英", make_id("19400101", "012"), "是", "危房", "二类", "半失能"]]
    path = book(tmp_path / "d.xlsx", ("台账", rows))
    capsys.readouterr()
    assert main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "未导入的列" not in out and "档案中没有对应的项目" not in out, out


# -- 6. IDs Excel damaged ---------------------------------------------------------------------

def test_an_id_in_a_number_cell_and_one_ending_in_000_both_come_in_flagged(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_ledger_import import people

    rows = [["序号", "姓名", "身份证号", "组别"],
            [1, "赵桂英", 4.30524194001010e17, "一组"],  # a number cell: 4.30524E+17
            [2, "钱德明", "430524194102020000", "一组"]]  # typed back as text, …000
    path = book(tmp_path / "n.xlsx", ("台账", rows))
    assert main(["create", "--db", str(db_path)]) == 0
    capsys.readouterr()
    assert main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "第 2 行 [新增] 赵桂英:没有身份证号" in out and "4.30524E+17" in out, out
    assert "第 3 行 [新增] 钱德明:没有身份证号" in out
    assert out.count("身份证号待核实") == 2
    assert main(["import", str(path), "--db", str(db_path)]) == 0
    from tests.conftest import opened

    database = opened(db_path)
    try:
        kept = people(database)
    finally:
        database.close()
    assert kept["赵桂英"]["id_number"] is None and kept["钱德明"]["id_number"] is None
    assert str(kept["赵桂英"]["birth_date"]) == "1940-01-01"
    assert "430524194001010000" in str(kept["赵桂英"]["note"])


def test_a_childs_id_damaged_by_excel_is_flagged_not_refused_nor_trusted(
        tmp_path: Path, database: Database) -> None:
    from carecenter.ledger import kind_import
    from tests.test_kind_import_export import FLAT

    rows = [r[:] for r in FLAT[:4]]
    rows[2][3] = 4.30524201506100e17  # a number cell
    rows[3][3] = str(rows[3][3])[:15] + "000"  # typed back as text
    found = kind_import.preview(database, book(tmp_path / "k.xlsx", ("Sheet", rows)), "child")
    assert [(r.name, r.accepted) for r in found.rows] == [("李小明", True), ("张丽", True)]
    said = [" ".join(r.warnings) for r in found.rows]
    assert all("身份证号待核实" in s for s in said), said
    assert "出生日期按前 14 位记为 2015-06-10" in said[0]


# -- 7. exit codes ------------------------------------------------------------------------------

def test_an_import_that_leaves_rows_out_never_exits_0(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", "--db", str(db_path)]) == 0
    twice = make_id("19400101", "012")
    refused = book(tmp_path / "r.xlsx", ("台账", [
        ["姓名", "身份证号", "备注"], ["赵桂英", twice, None], ["钱德明", twice, None],
        ["孙秀兰", make_id("19410101", "022"), "2026年9月病故"]]))
    assert main(["import", str(refused), "--db", str(db_path), "--skip-bad",
                 "--confirm-exits"]) == 3
    said = capsys.readouterr()
    assert "跳过 1 行" in said.out and "退出码 3" in said.err
    another = book(tmp_path / "a.xlsx", ("台账", [
        ["姓名", "身份证号", "组别"], ["李福生", make_id("19430101", "033"), "二组"], [None] * 3,
        ["姓名", "身份证号", "迁入原因"], ["周玉梅", make_id("19440101", "042"), "投靠亲属"]]))
    assert main(["import", str(another), "--db", str(db_path), "--dry-run"]) == 3
    assert main(["import", str(another), "--db", str(db_path)]) == 3
    said = capsys.readouterr()
    assert "第 5 行 [忽略] 周玉梅" not in said.out  # no name read from another table…
    assert "第 5 行 [忽略]" in said.out and "另一张表" in said.out  # …but the row is listed
    assert "1 行像是人员信息但在表格之外" in said.err


def test_import_help_names_the_exit_codes_and_what_sheet_reads(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    said = capsys.readouterr().out
    assert "退出码" in said and "3  已导入" in said
    assert "默认第一个" not in said and "所有人员台账工作表" in said
