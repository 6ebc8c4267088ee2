"""季度报送 window: export a quarter off the GUI thread, see what was sent, compare a kept
export with now, and compare the township's list, as the clerk does."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import TODAY, elder, make_id
from ui.ledger.report_window import ReportWindow


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda _p, _t, text, *a, **k: said.append(text) or
                            QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    return said


@pytest.fixture
def window(qtbot: QtBot, database: Database, register: Register) -> ReportWindow:
    register.groups.add("一组")
    register.save(elder("张桂兰", registered_on="2026-01-05"))
    register.save(elder("李秀英", birth="19480101", sequence="004", registered_on="2026-01-05"))
    win = ReportWindow(database, today=lambda: TODAY)
    qtbot.addWidget(win)
    return win


def test_export_then_see_it_kept_and_compare_with_now(
        window: ReportWindow, tmp_path: Path, register: Register) -> None:
    out = tmp_path / "台账.xlsx"
    window.out.setText(str(out))
    window.export()
    assert out.exists()
    text = window.export_result.toPlainText()
    assert "已导出" in text and "2 人" in text
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames[:2] == ["台账", "汇总"]
    book.close()
    window.tabs.setCurrentIndex(1)  # 报送记录 reads the kept exports when first shown
    assert window.kept.rowCount() == 1
    assert window.save_kept.isEnabled()
    assert window.kept_figures.rowCount() > 5
    register.save(elder("王五", birth="19450303", sequence="006", registered_on=str(TODAY)))
    window.compare_with_now()
    assert window.kept_figures.columnCount() == 5
    headers = [window.kept_figures.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers[2] == "现在" and headers[4] == "变化"


def test_an_unwritable_target_is_said_in_chinese(window: ReportWindow, tmp_path: Path,
                                                  no_modal_boxes: list[str]) -> None:
    window.out.setText(str(tmp_path / "no" / "such" / "dir" / "台账.xlsx"))
    window.export()
    # the folder is named as missing, not "perhaps open in Excel" (issue 20)
    assert no_modal_boxes and "不存在" in no_modal_boxes[-1] and "Excel" not in no_modal_boxes[-1]
    window.tabs.setCurrentIndex(1)
    assert window.kept.rowCount() == 0  # nothing kept for an export that failed


def test_the_township_list_is_compared_by_id_number(
        qtbot: QtBot, window: ReportWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    theirs = tmp_path / "乡镇名单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX乡农村留守老年人名单"])
    sheet.append(["序号", "人员姓名", "证件号码", "所属村民小组"])
    sheet.append([1, "张桂兰", make_id("19500312", "002"), "一组"])
    sheet.append([2, "赵六", make_id("19400101", "008"), "二组"])
    book.save(theirs)
    window.theirs.setText(str(theirs))
    window.compare()
    assert window.comparison is not None
    assert window.theirs_only.rowCount() == 1
    assert window.theirs_only.item(0, 1).text() == "赵六"
    assert window.ours_only.rowCount() == 1  # 李秀英 is not on their list
    assert window.save_compare.isEnabled()
    assert "(1)" in window.compare_tabs.tabText(1)
    opened: list[str] = []
    window.open_person = lambda pid: opened.append(Register(window.database).load(pid).name)
    window.show()
    window.tabs.setCurrentIndex(2)
    window.compare_tabs.setCurrentWidget(window.ours_only)
    cell = window.ours_only.visualItemRect(window.ours_only.item(0, 1)).center()
    qtbot.mouseClick(window.ours_only.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(window.ours_only.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert opened == ["李秀英"]  # a double click opens the file the row is about


def test_not_an_excel_file_is_said_in_chinese(window: ReportWindow, tmp_path: Path,
                                               no_modal_boxes: list[str]) -> None:
    bad = tmp_path / "名单.xlsx"
    bad.write_text("这不是工作簿")
    window.theirs.setText(str(bad))
    window.compare()
    assert window.comparison is None
    assert no_modal_boxes and any("\u4e00" <= ch <= "\u9fff" for ch in no_modal_boxes[-1])


def test_a_cancelled_export_writes_nothing(database: Database, register: Register,
                                           tmp_path: Path) -> None:
    from carecenter.ledger.quarter import Quarter
    from carecenter.ledger.quarter_export import ExportCancelled, export_quarter, snapshots

    register.save(elder("张桂兰", registered_on="2026-01-05"))
    out = tmp_path / "out" / "台账.xlsx"
    out.parent.mkdir()
    told: list[tuple[int, str]] = []
    with pytest.raises(ExportCancelled):
        export_quarter(database, Quarter(2026, 3), out, today=TODAY,
                       progress=lambda done, total, label: told.append((done, label)),
                       cancelled=lambda: len(told) >= 2)
    assert len(told) == 2 and not out.exists() and snapshots(database) == []
    assert not list(out.parent.iterdir())  # no half-written file left beside it either
    told.clear()
    export_quarter(database, Quarter(2026, 3), out, today=TODAY,
                   progress=lambda done, total, label: told.append((done, label)))
    assert out.exists() and len(snapshots(database)) == 1
    done = [d for d, _label in told]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 1000  # only forward
    labels = [label for _d, label in told]
    assert labels[0].startswith("正在统计") and any("正在写台账" in x for x in labels)
    assert any(x.startswith("正在保存到 台账.xlsx") for x in labels)
