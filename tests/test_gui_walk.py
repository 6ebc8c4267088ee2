"""Rough edges found walking the app as a new clerk in a real X window (issue 20): each
test presses the keys the clerk pressed there."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QMessageBox,
    QPushButton,
    QToolBar,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder
from tests.ledger_books import messy_ledger
from ui.ledger import import_wizard
from ui.ledger.import_wizard import ImportWizard
from ui.register.person_editor import PersonEditor
from ui.shell.app import choose_font
from ui.shell.main_window import MainWindow


def clerk_window(qtbot: QtBot, database: Database, qapp: QApplication) -> Iterator[MainWindow]:
    """The main window at the program's font and the size openbox gives it on a
    1366×768 screen, with one group and one elder (both walks use it)."""
    font = qapp.font()
    choose_font(qapp)  # the program's 11 pt, as the clerk sees it
    register = Register(database)
    register.groups.add("一组")
    register.save(elder("李秀英", birth="19440505", sequence="004"))
    win = MainWindow(database)
    qtbot.addWidget(win)
    # The size openbox gives the window on a 1366×768 screen.
    win.resize(1185, 640)
    win.show()
    yield win
    qapp.setFont(font)


@pytest.fixture
def window(qtbot: QtBot, database: Database, qapp: QApplication) -> Iterator[MainWindow]:
    yield from clerk_window(qtbot, database, qapp)


def to_front(qtbot: QtBot, widget: QWidget) -> None:
    """The window the clerk is typing in is the active one: window shortcuts (Ctrl+PgDown,
    F1) only reach an active window. After other tests offscreen Qt may not activate it
    on request, so it is made active directly (a deprecated call, fine in a test)."""
    widget.activateWindow()
    if not widget.isActiveWindow():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            QApplication.setActiveWindow(widget)
    qtbot.waitUntil(widget.isActiveWindow)


@pytest.fixture
def no_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def answer(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, answer)
    return shown


def test_menus_show_each_shortcut_once_and_the_toolbar_says_it(window: MainWindow) -> None:
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert len(menus) >= 5  # 登记册, 走访与需求, 备份, 操作员, 帮助
    for menu in menus:
        for act in menu.actions():
            if not act.shortcut().isEmpty():
                # The menu's own column shows Ctrl+N; "新增(Ctrl+N)  Ctrl+N" said it twice.
                assert act.shortcut().toString() not in act.text(), act.text()
    toolbar = window.findChild(QToolBar, "toolbar")
    assert toolbar is not None
    button = toolbar.widgetForAction(window.new_action)
    assert button is not None and button.text() == "新增(Ctrl+N)"
    assert window.new_action.text() == "新增"
    assert window.open_action.text().split("\t") == ["打开档案", "Enter"]
    opened = toolbar.widgetForAction(window.open_action)
    assert opened is not None and opened.text() == "打开档案(Enter)"


def test_ctrl_pgdown_in_a_choice_field_turns_the_tab_and_keeps_the_choice(
        qtbot: QtBot, register: Register, no_boxes: list[str]) -> None:
    editor = PersonEditor(register, None)
    qtbot.addWidget(editor)
    editor.show()
    to_front(qtbot, editor)
    education = editor.input("education").widget
    assert isinstance(education, QComboBox)
    education.setFocus()
    before = education.currentIndex()
    qtbot.keyClick(education, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 1  # 赡养人
    assert education.currentIndex() == before
    qtbot.keyClick(editor.focusWidget() or editor, Qt.Key.Key_PageUp,
                   Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 0


def test_ctrl_pgdown_in_the_registers_filters_turns_the_main_tabs(
        qtbot: QtBot, window: MainWindow) -> None:
    to_front(qtbot, window)
    window.tabs.setCurrentIndex(1)
    window.status_filter.setFocus()
    qtbot.keyClick(window.status_filter, Qt.Key.Key_PageDown,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.status_filter.currentText() == "在册"
    assert window.tabs.currentIndex() == 2


def test_register_search_box_is_readable_beside_the_filters_on_a_small_screen(
        window: MainWindow) -> None:
    window.tabs.setCurrentIndex(1)
    wanted = window.search.fontMetrics().horizontalAdvance("搜索:姓名 / 拼音首字母")
    assert window.search.width() >= wanted  # it was 50 px wide and showed "…"
    # The window still fits beside openbox's frame on a 1366×768 screen, and each filter
    # shows its choice whole.
    assert window.minimumSizeHint().width() <= 1185
    for box in (window.group_filter, window.kind_filter, window.colour_filter,
                window.verdict_filter, window.housing_filter, window.status_filter):
        longest = max(box.fontMetrics().horizontalAdvance(box.itemText(i))
                      for i in range(box.count()))
        assert box.width() >= longest, box.objectName()


def test_enter_after_choosing_a_ledger_goes_on_and_enter_at_the_end_finishes(
        qtbot: QtBot, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        no_boxes: list[str]) -> None:
    (tmp_path / "台账").mkdir()
    path = messy_ledger(tmp_path / "台账" / "花名册.xlsx")
    asked: list[object] = []

    def open_file(parent: object, title: str, start: object, filters: str) -> str:
        asked.append(start)
        return str(path)

    saved: list[str] = []
    monkeypatch.setattr(import_wizard.file_dialogs, "open_file", open_file)
    monkeypatch.setattr(import_wizard.file_dialogs, "save_file",
                        lambda *a: saved.append("save") or "")
    wizard = ImportWizard(database)
    qtbot.addWidget(wizard)
    wizard.show()
    browse = wizard.file_page.findChild(QPushButton, "browse")
    assert browse is not None
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert asked == [None]  # 文档, not the program's folder or home
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Return)
    assert len(asked) == 1  # Enter did not open the file dialog again
    assert wizard.currentPage() is wizard.mapping_page
    wizard.back()
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert asked[-1] == str(path.parent)  # the folder the ledger came from
    wizard.next()
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.result_page
    report = wizard.result_page.findChild(QPushButton, "save_report")
    assert report is not None
    report.setFocus()
    qtbot.keyClick(report, Qt.Key.Key_Return)
    assert saved == []
    assert wizard.result() == QWizard.DialogCode.Accepted


def test_the_quarterly_export_names_every_kind_it_wrote(
        qtbot: QtBot, database: Database, register: Register, tmp_path: Path,
        no_boxes: list[str]) -> None:
    from tests.conftest import TODAY
    from tests.test_kind_child import child
    from ui.ledger.report_window import ReportWindow

    register.groups.add("一组")
    register.save(elder("张桂兰", registered_on="2026-01-05"))
    register.save(child(registered_on="2026-01-05"))
    window = ReportWindow(database, today=lambda: TODAY)
    qtbot.addWidget(window)
    # The workbook holds every kind: its suggested name is not the elders' alone.
    assert "留守老年人台账" not in Path(window.out.text()).name
    assert "两张表" not in window.export_result.placeholderText()
    window.out.setText(str(tmp_path / "台账.xlsx"))
    window.export()
    said = window.export_result.toPlainText()
    # "126 人" for a register of 200 read as people left out; each sheet's count is said.
    assert "留守老年人 1 人、留守儿童 1 人" in said, said


def test_the_guide_without_a_browser_shows_its_pictures_whole_and_esc_closes_it(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QDialog, QTextBrowser

    from ui.shell import help_menu

    monkeypatch.setattr(help_menu.QDesktopServices, "openUrl", lambda url: False)
    brought: list[str] = []
    monkeypatch.setattr(QDialog, "activateWindow",
                        lambda self: brought.append(self.windowTitle()))
    to_front(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = next(d for d in window.findChildren(QDialog) if d.windowTitle() == "使用说明")
    browser = guide.findChild(QTextBrowser)
    assert browser is not None
    widest = max(QImage(str(p)).width() for p in help_menu.GUIDE.parent.glob("*.png"))
    qtbot.waitUntil(lambda: browser.viewport().width() > 0)
    assert browser.viewport().width() >= widest  # no sideways scrolling of a screenshot
    assert guide.width() <= 1366
    assert brought == ["使用说明"]  # in front, with the keyboard
    qtbot.keyClick(browser, Qt.Key.Key_Escape)
    assert not guide.isVisible()


def test_the_overview_in_a_short_window_scrolls_rather_than_squeezing_twelve_groups(
        qtbot: QtBot, database: Database) -> None:
    from PySide6.QtGui import QFontMetricsF

    from ui.overview.charts import Bar
    from ui.overview.overview_page import OverviewPage

    page = OverviewPage()
    qtbot.addWidget(page)
    page.resize(1080, 330)  # the 概况 tab of a 480 px high window
    page.show()
    qtbot.waitExposed(page)
    groups = "一二三四五六七八九十"
    page.groups.set_bars([Bar(f"{n}组", 10, 20, "#c0392b", n) for n in [*groups, "十一", "十二"]])
    line = QFontMetricsF(page.groups.font()).height()

    def each_row() -> float:  # less the title, the note under the bars and the margins
        return (page.groups.height() - 3 * line - 30) / 12

    # Each group's name has its line; in a short window they drew over each other.
    qtbot.waitUntil(lambda: each_row() >= line, timeout=2000)
    bar = page.charts_area.verticalScrollBar()
    assert bar.maximum() > 0  # the rest is a scroll away
