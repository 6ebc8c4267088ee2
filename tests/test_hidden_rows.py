"""Rows the clerk hid in Excel (people who left, drafts, a filter) are flagged in the
preview, never taken in unseen (issue 16): calamine reads them like any other row, so
the sheet's XML is read for ``<row hidden="1">``, in the elders' ledgers and in the
other kinds'."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from carecenter.cli.entry import main
from carecenter.ledger import kind_import
from carecenter.ledger.hidden_rows import HIDDEN_WARNING, hidden_rows
from carecenter.ledger.importer import LedgerImport
from carecenter.storage.database import Database
from tests.conftest import make_id

ELDERS = [["序号", "姓名", "性别", "身份证号", "组别", "子女姓名", "关系", "子女电话", "务工地"],
          [1, "龙凤英", "女", make_id("19430303", "152"), "二组", "龙大山", "儿子",
           "13700000011", "广东东莞"],
          [2, "田光明", "男", make_id("19450606", "161"), "二组", "田小明", "儿子",
           "13700000012", "广东惠州"],
          [None, None, None, None, None, "田小红", "女儿", "13700000013", "浙江宁波"],
          [3, "石翠兰", "女", make_id("19470909", "172"), "二组", "石勇", "儿子",
           "13700000014", "浙江宁波"]]


def workbook(path: Path, sheets: list[tuple[str, list[list[Any]], list[int]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows, hidden in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for number in hidden:
            sheet.row_dimensions[number].hidden = True
    book.save(path)
    return path


def test_the_hidden_rows_of_the_sheet_named_are_found(tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", [("说明", [["填表说明"]] * 5, [2]),
                                          ("台账", ELDERS, [3, 5])])
    assert hidden_rows(path, "台账") == {3, 5}
    assert hidden_rows(path, "说明") == {2}
    assert hidden_rows(path, "没有") == set()
    csv = tmp_path / "a.csv"
    csv.write_text("姓名\n张三\n", encoding="utf-8")
    assert hidden_rows(csv, "CSV") == set()


def test_a_sheet_written_with_a_prefix_and_rows_without_numbers(tmp_path: Path) -> None:
    """Some generators write ``x:row`` and leave out ``r`` (optional in the format)."""
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml",
                   f'<x:workbook xmlns:x="{main_ns}" xmlns:r="{rel_ns}"><x:sheets>'
                   '<x:sheet name="名单" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId7" Type="worksheet" '
                   'Target="/xl/worksheets/data.xml"/></Relationships>')
        hide = " hidden='true'"
        rows = "".join(f'<x:row{hide if n in (2, 40000) else ""}>'
                       f'<x:c t="inlineStr"><x:is><x:t>第{n}行</x:t></x:is></x:c></x:row>'
                       for n in range(1, 40001))
        z.writestr("xl/worksheets/data.xml",
                   f'<x:worksheet xmlns:x="{main_ns}"><x:sheetData>{rows}</x:sheetData>'
                   '<x:mergeCells/></x:worksheet>')
    assert hidden_rows(path, "名单") == {2, 40000}


def test_an_elders_ledger_flags_each_hidden_row(tmp_path: Path, database: Database) -> None:
    path = workbook(tmp_path / "e.xlsx", [("台账", ELDERS, [3, 4])])
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    preview = importer.preview(path, data, layout)
    by_name = {r.name: r for r in preview.rows if r.name}
    assert HIDDEN_WARNING in by_name["田光明"].why()
    assert HIDDEN_WARNING not in by_name["龙凤英"].why()
    # the hidden row under him holds only his daughter: his row says so too
    assert any("第 4 行(田小红)在 Excel 中被隐藏" in w.message
               for w in by_name["田光明"].warnings)
    assert "其中 1 行在 Excel 中被隐藏" in preview.summary()


def test_the_dry_run_names_the_hidden_rows(tmp_path: Path, database: Database,
                                           capsys: Any) -> None:
    path = workbook(tmp_path / "e.xlsx", [("台账", ELDERS, [5])])
    assert main(["import", str(path), "--db", str(database.location), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "第 5 行 [新增] 石翠兰:" in out and HIDDEN_WARNING in out


def test_a_childrens_ledger_flags_each_hidden_row(tmp_path: Path, database: Database) -> None:
    rows = [["序号", "姓名", "身份证号", "组别", "父亲姓名", "父亲务工地点", "母亲姓名",
             "母亲务工地点", "监护人姓名", "与儿童关系"],
            [1, "王小丫", make_id("20150101", "042"), "一组", "王大", "广东东莞", "李二",
             "浙江义乌", "王奶奶", "奶奶"],
            [2, "王小虎", make_id("20160202", "051"), "一组", "王三", "广东东莞", "李四",
             "浙江义乌", "王爷爷", "爷爷"]]
    path = workbook(tmp_path / "c.xlsx", [("留守儿童", rows, [3])])
    found = kind_import.preview(database, path, "child")
    flagged = {r.name: HIDDEN_WARNING in r.why() for r in found.rows}
    assert flagged == {"王小丫": False, "王小虎": True}
    assert "其中 1 行在 Excel 中被隐藏" in found.summary()
    assert any(HIDDEN_WARNING in line and "王小虎" in line for line in found.lines())


def test_a_hidden_column_is_named_whether_imported_or_not(
        tmp_path: Path, database: Database) -> None:
    path = workbook(tmp_path / "e.xlsx", [("台账", ELDERS, [])])
    book = openpyxl.load_workbook(path)
    book["台账"].column_dimensions["H"].hidden = True  # 子女电话: read, and said so
    book["台账"]["J1"] = "户主姓名"
    book["台账"]["J2"] = "龙大山"
    book["台账"].column_dimensions["J"].hidden = True  # another person's: not read
    book.save(path)
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    preview = importer.preview(path, data, layout)
    assert ("H 列", "子女电话", True) in preview.hidden_columns
    assert ("J 列", "户主姓名", False) in preview.hidden_columns
    assert "H 列“子女电话”(已导入,请核对)" in preview.summary()
    rows = [["序号", "姓名", "身份证号", "父亲姓名", "父亲电话", "母亲姓名", "监护人姓名"],
            [1, "王小丫", make_id("20150101", "042"), "王大", "13900001111", "李二", "王奶奶"]]
    path = workbook(tmp_path / "c.xlsx", [("留守儿童", rows, [])])
    book = openpyxl.load_workbook(path)
    book["留守儿童"].column_dimensions["E"].hidden = True
    book.save(path)
    found = kind_import.preview(database, path, "child")
    assert "E 列“父亲电话”(已导入,请核对)" in found.summary()
