"""比对 of a workbook with a sheet per kind (the quarterly export sent back, issue 21): each
kind's sheet compared with the register's people of that kind, in one pass each."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from carecenter.cli.entry import main
from carecenter.ledger.compare import compare_file, save_differences
from carecenter.ledger.quarter import Quarter
from carecenter.ledger.quarter_export import export_quarter
from carecenter.register.people import PersonDraft, Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, make_id
from tests.test_kind_child import child

XIAOMING = make_id("20150610", "021")


@pytest.fixture
def exported(database: Database, tmp_path: Path) -> Path:
    register = Register(database)
    register.save(elder())
    register.save(child(registered_on="2026-10-01"))
    register.save(child(name="王小花", birth="20160101", sequence="042",
                        registered_on="2026-10-01"))
    register.save(PersonDraft({"name": "赵老汉", "id_number": make_id("19450101", "011"),
                               "tekun_since": "2019-05-01", "tekun_cert": "TK0012",
                               "support_mode": "分散供养"}, [], kind="tekun"))
    out = tmp_path / "2026Q4.xlsx"
    export_quarter(database, Quarter.parse("2026Q4"), out)
    return out


def rows_of(sheet: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1)
                if any(c.value == name for c in sheet[r]))


def test_the_export_compared_again_is_one_pass_per_kind_and_all_the_same(
        database: Database, exported: Path) -> None:
    result = compare_file(database, exported)
    assert [(p.sheet, p.kind) for p in result.passes] == [
        ("台账", "elder"), ("留守儿童", "child"), ("特困群众", "tekun")]
    assert result.matched == 4
    assert not result.ours_only and not result.theirs_only and not result.differences
    assert any("工作表“留守儿童”:对上 2 人" in line for line in result.summary_lines())


def test_a_child_left_off_the_childrens_sheet_is_found_missing(
        database: Database, exported: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(exported)
    children = book["留守儿童"]
    children.delete_rows(rows_of(children, "李小明"))
    children.cell(rows_of(children, "王小花"), 2).value = "王晓花"
    theirs = tmp_path / "乡镇发回.xlsx"
    book.save(theirs)
    result = compare_file(database, theirs)
    assert [(n, m.name, m.sheet) for n, m in result.ours_only] == [
        (XIAOMING, "李小明", "留守儿童")]
    assert [(d.name, d.field, d.theirs, d.sheet) for d in result.differences] == [
        ("王小花", "姓名", "王晓花", "留守儿童")]
    out = save_differences(result, tmp_path / "差异.xlsx", database)
    saved = openpyxl.load_workbook(out)
    ours = [r for r in saved["本村有乡镇无"].iter_rows(values_only=True) if r and r[0] != "档案号"]
    assert any(r[1] == "李小明" and r[-1] == "留守儿童" for r in ours)


def test_a_kind_without_its_sheet_is_said_to_be_uncompared(
        database: Database, exported: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(exported)
    del book["特困群众"]
    theirs = tmp_path / "乡镇发回.xlsx"
    book.save(theirs)
    out = tmp_path / "差异.xlsx"
    assert main(["compare", str(theirs), "--db", str(database.location), "--out",
                 str(out)]) == 0
    printed = capsys.readouterr().out
    assert "本村登记册在册、乡镇名单没有:0 人" in printed
    assert "登记册上在册的特困群众 1 人:名单中没有这一类的工作表,未比对" in printed
    # a sheet named: that sheet alone, as before
    assert main(["compare", str(theirs), "--db", str(database.location), "--out", str(out),
                 "--sheet", "留守儿童"]) == 0
    assert "按“农村留守儿童”名单比对" in capsys.readouterr().out


def test_the_report_window_names_the_sheet_of_each_row(
        qtbot: QtBot, database: Database, exported: Path, tmp_path: Path) -> None:
    from ui.ledger.report_window import ReportWindow

    book = openpyxl.load_workbook(exported)
    children = book["留守儿童"]
    children.delete_rows(rows_of(children, "李小明"))
    theirs = tmp_path / "乡镇发回.xlsx"
    book.save(theirs)
    window = ReportWindow(database, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.theirs.setText(str(theirs))
    window.compare()
    table = window.ours_only
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[0] == "档案号" and headers[-1] == "工作表"
    assert [(table.item(0, 1).text(), table.item(0, len(headers) - 1).text())] == [
        ("李小明", "留守儿童")]
    assert "工作表“留守儿童”" in window.compare_summary.text()
    window.resize(1000, 600)
    window.tabs.setCurrentIndex(2)
    window.compare_tabs.setCurrentWidget(table)
    window.grab().save(str(tmp_path / "compare-kinds.png"))
