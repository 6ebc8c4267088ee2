"""Rows the clerk hid in Excel (people who left, drafts, a filter) are flagged in the
preview, never taken in unseen (issue 16): calamine reads them like any other row, so
the file itself is read for them (``<row hidden="1">`` in an .xlsx, the ROW record of an
.xls or .et, ``table:visibility`` in an .ods), in the elders' ledgers and in the other
kinds', the same in every format."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from carecenter.cli.entry import main
from carecenter.ledger import kind_import
from carecenter.ledger.hidden_rows import HIDDEN_WARNING, hidden_parts, hidden_rows
from carecenter.ledger.importer import LedgerImport
from carecenter.storage.database import Database
from tests import workbook_files
from tests.conftest import make_id

ELDERS = [["序号", "姓名", "性别", "身份证号", "组别", "子女姓名", "关系", "子女电话", "务工地"],
          [1, "龙凤英", "女", make_id("19430303", "152"), "二组", "龙大山", "儿子",
           "13700000011", "广东东莞"],
          [2, "田光明", "男", make_id("19450606", "161"), "二组", "田小明", "儿子",
           "13700000012", "广东惠州"],
          [None, None, None, None, None, "田小红", "女儿", "13700000013", "浙江宁波"],
          [3, "石翠兰", "女", make_id("19470909", "172"), "二组", "石勇", "儿子",
           "13700000014", "浙江宁波"]]


def workbook(path: Path, sheets: list[tuple[str, list[list[Any]], list[int]]],
             columns: list[int] | None = None) -> Path:
    """``path`` in the format its suffix names; ``columns`` hidden in every sheet."""
    return workbook_files.write(path, [(t, rows, hidden, columns or [])
                                       for t, rows, hidden in sheets])


@pytest.mark.parametrize("suffix", workbook_files.FORMATS)
def test_the_hidden_rows_of_the_sheet_named_are_found(tmp_path: Path, suffix: str) -> None:
    path = workbook(tmp_path / f"b{suffix}", [("说明", [["填表说明"]] * 5, [2]),
                                              ("台账", ELDERS, [3, 5])], columns=[1])
    assert hidden_rows(path, "台账") == {3, 5}
    assert hidden_rows(path, "说明") == {2}
    assert hidden_rows(path, "没有") == set()
    assert hidden_parts(path, "台账")[1] == {1}
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


@pytest.mark.parametrize("suffix", workbook_files.FORMATS)
def test_an_elders_ledger_flags_each_hidden_row(tmp_path: Path, database: Database,
                                                suffix: str) -> None:
    path = workbook(tmp_path / f"e{suffix}", [("台账", ELDERS, [3, 4])])
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    preview = importer.preview(path, data, layout)
    by_name = {r.name: r for r in preview.rows if r.name}
    assert HIDDEN_WARNING in by_name["田光明"].why()
    assert HIDDEN_WARNING not in by_name["龙凤英"].why()
    # the hidden row under him holds only his daughter: his row says so too
    assert any("第 4 行(田小红)在表格中被隐藏" in w.message
               for w in by_name["田光明"].warnings)
    assert "其中 1 行在表格中被隐藏" in preview.summary()


def test_the_dry_run_names_the_hidden_rows(tmp_path: Path, database: Database,
                                           capsys: Any) -> None:
    path = workbook(tmp_path / "e.xlsx", [("台账", ELDERS, [5])])
    assert main(["import", str(path), "--db", str(database.location), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "第 5 行 [新增] 石翠兰:" in out and HIDDEN_WARNING in out


@pytest.mark.parametrize("suffix", workbook_files.FORMATS)
def test_a_childrens_ledger_flags_each_hidden_row(tmp_path: Path, database: Database,
                                                  suffix: str) -> None:
    rows = [["序号", "姓名", "身份证号", "组别", "父亲姓名", "父亲务工地点", "母亲姓名",
             "母亲务工地点", "监护人姓名", "与儿童关系"],
            [1, "王小丫", make_id("20150101", "042"), "一组", "王大", "广东东莞", "李二",
             "浙江义乌", "王奶奶", "奶奶"],
            [2, "王小虎", make_id("20160202", "051"), "一组", "王三", "广东东莞", "李四",
             "浙江义乌", "王爷爷", "爷爷"]]
    path = workbook(tmp_path / f"c{suffix}", [("留守儿童", rows, [3])])
    found = kind_import.preview(database, path, "child")
    flagged = {r.name: HIDDEN_WARNING in r.why() for r in found.rows}
    assert flagged == {"王小丫": False, "王小虎": True}
    assert "其中 1 行在表格中被隐藏" in found.summary()
    assert any(HIDDEN_WARNING in line and "王小虎" in line for line in found.lines())


@pytest.mark.parametrize("suffix", workbook_files.FORMATS)
def test_a_hidden_column_is_named_whether_imported_or_not(
        tmp_path: Path, database: Database, suffix: str) -> None:
    rows = [[*r, *([None] * (9 - len(r))), None] for r in ELDERS]
    rows[0][9], rows[1][9] = "户主姓名", "龙大山"  # another person's: not read
    # H 子女电话: read, and said so; J 户主姓名: hidden and not imported
    path = workbook(tmp_path / f"e{suffix}", [("台账", rows, [])], columns=[7, 9])
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    preview = importer.preview(path, data, layout)
    assert ("H 列", "子女电话", True) in preview.hidden_columns
    assert ("J 列", "户主姓名", False) in preview.hidden_columns
    assert "H 列“子女电话”(已导入,请核对)" in preview.summary()
    rows = [["序号", "姓名", "身份证号", "父亲姓名", "父亲电话", "母亲姓名", "监护人姓名"],
            [1, "王小丫", make_id("20150101", "042"), "王大", "13900001111", "李二", "王奶奶"]]
    path = workbook(tmp_path / f"c{suffix}", [("留守儿童", rows, [])], columns=[4])
    found = kind_import.preview(database, path, "child")
    assert "E 列“父亲电话”(已导入,请核对)" in found.summary()


def test_rows_zero_high_and_rows_hidden_by_default_in_an_xlsx(
        tmp_path: Path, database: Database) -> None:
    """``ht="0"`` hides a row as well as ``hidden="1"``; under ``<sheetFormatPr
    zeroHeight="1">`` every row is hidden that does not say otherwise (Excel writes a
    ``<row>`` for each row it shows)."""
    path = workbook(tmp_path / "z.xlsx", [("台账", ELDERS, [])])
    _rewrite_sheet(path, lambda xml: xml.replace(b'<row r="5"',  # 石翠兰
                                                 b'<row r="5" ht="0" customHeight="1"'))
    assert hidden_rows(path, "台账") == {5}
    preview = _preview(database, path)
    assert HIDDEN_WARNING in preview["石翠兰"] and HIDDEN_WARNING not in preview["田光明"]
    _rewrite_sheet(path, lambda xml: xml.replace(b"<sheetFormatPr ",
                                                 b'<sheetFormatPr zeroHeight="1" ', 1))
    # Rows 6 and 7 have no <row>: hidden by default (here up to the 7 rows read).
    assert hidden_rows(path, "台账", 7) == {5, 6, 7}
    assert hidden_rows(path, "台账") == {5}


def test_an_xls_whose_empty_rows_are_hidden_by_default(tmp_path: Path) -> None:
    """The DEFAULTROWHEIGHT record's fDyZero: rows without a ROW record of their own are
    hidden; the rows written show unless they say they are hidden."""
    rows = [*ELDERS, [None], [None], ["经办人:石勇"]]
    path = workbook_files.xls(tmp_path / "d.xls", [("台账", rows, [3], [])],
                              hidden_by_default=True)
    assert hidden_rows(path, "台账", 8) == {3, 6, 7}


def test_an_ods_counts_rows_that_stand_for_many(tmp_path: Path, database: Database) -> None:
    """``number-rows-repeated``: one element for a run of rows (blank rows, or a million
    of them hidden after the table, as LibreOffice writes them): the rows after a run
    keep their numbers, and a hidden run is listed only as far as the values go."""
    blank = ('<table:table-row table:number-rows-repeated="3"><table:table-cell '
             'table:number-columns-repeated="9"/></table:table-row>')
    late = workbook_files.ods_cell
    moved = ('<table:table-row table:visibility="collapse">'
             + "".join(late(v) for v in [4, "杨秀英", "女", make_id("19440404", "182"),
                                         "二组", "杨军", "儿子", "13700000015", "广东深圳"])
             + "</table:table-row>")
    tail = (blank + moved + '<table:table-row table:visibility="collapse" '
            'table:number-rows-repeated="1048000"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    path = workbook_files.ods(tmp_path / "r.ods", [("台账", ELDERS, [3], [], tail)])
    assert hidden_rows(path, "台账") == {3, 9}
    preview = _preview(database, path)
    assert HIDDEN_WARNING in preview["杨秀英"] and HIDDEN_WARNING in preview["田光明"]
    assert HIDDEN_WARNING not in preview["石翠兰"]


def _preview(database: Database, path: Path) -> dict[str, str]:
    importer = LedgerImport(database)
    data, layout = importer.open(path)
    return {r.name: r.why() for r in importer.preview(path, data, layout).rows if r.name}


def _rewrite_sheet(path: Path, change: Any) -> None:
    with zipfile.ZipFile(path) as book:
        parts = {i.filename: book.read(i.filename) for i in book.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for part, data in parts.items():
            book.writestr(part, data)
