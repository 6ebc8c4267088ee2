"""Every list on paper and in Excel (carecenter.overview.printed_lists), and the buttons
that make them, as the clerk clicks them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from carecenter.errors import KnownError
from carecenter.overview import printed_lists
from carecenter.overview.printed_lists import write_pdf, write_xlsx
from carecenter.pairing.helper_book import HelperBook, HelperDraft
from carecenter.pairing.pairs import PairingBook
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder, make_id
from tests.pdfcheck import text_of
from ui.shell.main_window import MainWindow


@pytest.fixture
def village(database: Database) -> dict[str, int]:
    register = Register(database)
    one = register.groups.add("一组")
    ids = [register.save(elder(name, birth, seq, group_id=one)).person_id
           for name, birth, seq in (("张桂兰", "19500312", "002"), ("李秀英", "19440505", "004"),
                                    ("王春花", "19470101", "006"))]
    helper = HelperBook(database).add(HelperDraft("刘网格", "网格员", "13800002222"))
    for pid in ids[:2]:
        PairingBook(database).pair(pid, helper)
    return {"helper": helper, "first": ids[0]}


def test_the_register_list_prints_and_exports_with_id_numbers_as_text(
        database: Database, village: dict[str, int], tmp_path: Path) -> None:
    from carecenter.register.listing import Listing, RegisterQuery

    ids = Listing(database).ids(RegisterQuery())
    table = printed_lists.register_list(database, ids, "留守老年人名单")
    assert [r[1] for r in table.rows] == ["李秀英", "王春花", "张桂兰"]
    assert {r[5] for r in table.rows} == {"未评估"}  # the colour as the clerk reads it
    pages = write_pdf(table, tmp_path / "名单.pdf")
    text = text_of((tmp_path / "名单.pdf").read_bytes())
    assert pages == 1 and "留守老年人名单" in text and "李秀英" in text
    assert write_xlsx(table, tmp_path / "名单.xlsx") == 3
    sheet = load_workbook(tmp_path / "名单.xlsx").active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    # Privacy by default (issue 18): a list printed or exported from the window keeps
    # the ID number's middle hidden; only the township's export carries it in full.
    full = make_id("19500312", "002")
    assert full not in cells and full[:6] + "*" * 8 + full[-4:] in cells


def test_a_helpers_people_and_a_list_to_a_missing_folder(
        database: Database, village: dict[str, int], tmp_path: Path) -> None:
    from datetime import date

    table = printed_lists.helper_people(database, village["helper"], date(2026, 11, 23))
    assert table.title == "刘网格 帮扶对象名单" and len(table.rows) == 2
    with pytest.raises(KnownError, match="不存在"):
        write_xlsx(table, tmp_path / "没有这个文件夹" / "名单.xlsx")


@pytest.fixture
def window(qtbot: QtBot, database: Database, village: dict[str, int]) -> Iterator[MainWindow]:
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    win.worklist.reload()
    yield win


def test_the_work_list_and_the_filtered_register_export_from_their_buttons(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.widgets import list_output

    chosen = iter([str(tmp_path / "工作台.xlsx"), str(tmp_path / "名单.xlsx")])
    monkeypatch.setattr(list_output, "ask_save_path", lambda *a, **k: next(chosen))
    qtbot.mouseClick(window.worklist.findChild(QPushButton, "worklist_xlsx"),
                     Qt.MouseButton.LeftButton)
    sheet = load_workbook(tmp_path / "工作台.xlsx").active
    assert sheet["A1"].value == "工作台"
    assert sheet.max_row - 3 == window.worklist.model.rowCount() > 0
    window.tabs.setCurrentWidget(window.register_page)
    window.search.setText("李")
    window.search_now()
    qtbot.mouseClick(window.findChild(QPushButton, "register_xlsx"), Qt.MouseButton.LeftButton)
    sheet = load_workbook(tmp_path / "名单.xlsx").active
    names = [row[1].value for row in sheet.iter_rows(min_row=4)]
    assert names == ["李秀英"]
    assert "搜索:李" in sheet["A2"].value


def test_the_helpers_window_prints_a_helpers_monthly_visit_sheet(
        qtbot: QtBot, database: Database, village: dict[str, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from ui.pairing import helpers_window
    from ui.pairing.helpers_window import HelpersWindow

    monkeypatch.setattr(helpers_window.QDesktopServices, "openUrl", lambda url: True)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(str(a[2])))
    window = HelpersWindow(database, today=date(2026, 11, 23))
    qtbot.addWidget(window)
    window.show()
    window.table.selectRow(0)
    out = window.print_sheet(date(2026, 11, 1), str(tmp_path / "走访记录表.pdf"))
    assert out is not None
    text = text_of((tmp_path / "走访记录表.pdf").read_bytes())
    assert "刘网格" in text and "张桂兰" in text
    assert window.print_sheet(date(2026, 11, 1), str(tmp_path / "无" / "表.pdf")) is None
    assert warned and "不存在" in warned[0]


def test_the_save_dialog_opens_in_the_folder_last_saved_into_not_the_programs(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSettings

    from ui.widgets import save_place

    monkeypatch.setattr(QSettings, "value", lambda self, key, *a: kept.get(key))
    monkeypatch.setattr(QSettings, "setValue", lambda self, key, value: kept.update({key: value}))
    kept: dict[str, object] = {}
    monkeypatch.setattr(save_place.QStandardPaths, "writableLocation",
                        lambda _where: str(tmp_path / "文档"))
    offered: list[str] = []
    folder = tmp_path / "村里的表"
    folder.mkdir()

    def dialog(_parent: object, _title: str, suggested: str, _filters: str) -> str:
        offered.append(suggested)
        return str(folder / "名单")

    # The dialog that never reads the register's own folder (issue 15).
    monkeypatch.setattr(save_place.file_dialogs, "save_file", dialog)
    first = save_place.ask_save_path(None, "保存", "名单.pdf", "PDF 文件 (*.pdf)", ".pdf")
    assert first == str(folder / "名单.pdf")  # the suffix added
    assert offered[0] == str(tmp_path / "文档" / "名单.pdf")  # Documents, made if missing
    assert (tmp_path / "文档").is_dir()
    save_place.ask_save_path(None, "保存", "表.pdf", "PDF 文件 (*.pdf)", ".pdf")
    assert offered[1] == str(folder / "表.pdf")  # where the clerk saved last time


def _long_list(count: int) -> printed_lists.PrintedList:
    rows = [(str(n), f"姓名{n}", "女", "80", "一组", "未评估", "", "", "", "在册")
            for n in range(1, count + 1)]
    return printed_lists.PrintedList("名单", printed_lists.REGISTER_HEADERS, rows,
                                     printed_lists.REGISTER_WIDTHS)


@pytest.mark.parametrize("write", [write_pdf, write_xlsx])
def test_a_long_list_tells_its_progress_and_a_cancel_half_way_writes_nothing(
        write: object, tmp_path: Path) -> None:
    from carecenter.storage.long_work import Steps, WorkCancelled

    assert callable(write)
    table = _long_list(1200)
    out = tmp_path / ("名单.pdf" if write is write_pdf else "名单.xlsx")
    out.write_bytes(b"the list printed last week")
    told: list[tuple[int, str]] = []
    steps = Steps(lambda done, total, label: told.append((done, label)),
                  lambda: len(told) >= 3)  # the clerk presses 取消 half-way
    with pytest.raises(WorkCancelled, match="已取消"):
        write(table, out, steps)
    assert out.read_bytes() == b"the list printed last week"  # the old file untouched
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # and nothing beside it
    told.clear()
    write(table, out, Steps(lambda done, total, label: told.append((done, label))))
    assert out.read_bytes() != b"the list printed last week"
    done = [d for d, _label in told]
    assert len(told) > 3 and done == sorted(done)
    how_far = "共 " if write is write_pdf else "/1200"  # 第 11 页,共 24 页 / (500/1200)
    assert any(how_far in label for _d, label in told)


def test_the_register_button_writes_the_list_through_the_progress_dialog(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QProgressDialog

    from ui.widgets import background, list_output

    monkeypatch.setattr(list_output, "ask_save_path", lambda *a, **k: str(tmp_path / "名单.pdf"))
    monkeypatch.setattr(list_output.QDesktopServices, "openUrl", lambda url: True)
    shown: list[QProgressDialog] = []
    made = background.QProgressDialog

    def dialog(*args: object) -> QProgressDialog:
        shown.append(made(*args))  # type: ignore[arg-type]
        return shown[-1]

    monkeypatch.setattr(background, "QProgressDialog", dialog)
    window.tabs.setCurrentWidget(window.register_page)
    qtbot.mouseClick(window.findChild(QPushButton, "register_pdf"), Qt.MouseButton.LeftButton)
    text = text_of((tmp_path / "名单.pdf").read_bytes())
    assert "关爱对象名单" in text  # all kinds shown: not only the elders
    assert "张桂兰" in text and "李秀英" in text
    assert shown and shown[0].windowTitle() == "打印名单(PDF)"
    assert shown[0].labelText().startswith("正在")
