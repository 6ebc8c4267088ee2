"""The first run (start page, 帮助) and the 概况 tab, clicked as the clerk clicks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from carecenter.care.care_book import AssessmentInput, CareBook, VisitInput
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder
from ui.shell import help_menu
from ui.shell.main_window import MainWindow


@pytest.fixture
def empty_window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    yield win


def test_an_empty_register_opens_on_the_three_ways_in(
        qtbot: QtBot, empty_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window = empty_window
    assert window.pages.currentWidget() is window.start_page
    opened: list[str] = []
    monkeypatch.setattr(window, "import_ledger", lambda: opened.append("import"))
    monkeypatch.setattr(window, "edit_settings", lambda: opened.append("settings"))
    for name, text in (("start_import", "导入台账"), ("start_settings", "本村设置"),
                       ("start_new", "新增")):
        button = window.start_page.findChild(QPushButton, name)
        assert button is not None and text in button.text() and button.isVisible()
    qtbot.mouseClick(window.start_page.findChild(QPushButton, "start_import"),
                     Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.start_page.findChild(QPushButton, "start_settings"),
                     Qt.MouseButton.LeftButton)
    assert opened == ["import", "settings"]
    assert window.pages.currentWidget() is window.start_page  # still nobody in it


def test_adding_the_first_person_from_the_start_page_shows_the_register(
        qtbot: QtBot, empty_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.register.person_editor import PersonEditor

    window = empty_window

    def add_one(editor: PersonEditor) -> int:
        editor.saved_id = window.register.save(elder()).person_id
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PersonEditor, "exec", add_one)
    qtbot.mouseClick(window.start_page.findChild(QPushButton, "start_new"),
                     Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.tabs
    assert window.model.rowCount() == 1


def test_the_user_guide_is_shipped_with_its_pictures_and_f1_opens_it(
        qtbot: QtBot, empty_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    assert help_menu.GUIDE.is_file()
    html = help_menu.GUIDE.read_text("utf-8")
    assert "导入台账" in html and "概况" in html
    for picture in help_menu.GUIDE.parent.glob("*.png"):
        assert f'src="{picture.name}"' in html
    assert list(help_menu.GUIDE.parent.glob("*.png")), "the guide has screenshots"
    opened: list[str] = []
    monkeypatch.setattr(help_menu.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    qtbot.keyClick(empty_window, Qt.Key.Key_F1)
    assert opened == [str(help_menu.GUIDE)]


@pytest.fixture
def village(database: Database) -> dict[str, int]:
    register = Register(database)
    one = register.groups.add("一组")
    red = register.save(elder("红老人", "19400505", "004", group_id=one,
                              registered_on="2026-01-05")).person_id
    green = register.save(elder("绿老人", "19550505", "006",
                                registered_on="2026-01-05")).person_id
    care = CareBook(database)
    care.assess(red, AssessmentInput(date(2026, 1, 5), "刘主任", ["incapacitated"]))
    care.assess(green, AssessmentInput(date(2026, 1, 5), "刘主任", []))
    care.record_visit(VisitInput(green, date(2026, 10, 12), "home", "王网格员"))
    return {"red": red, "green": green, "group": one}


@pytest.fixture
def window(qtbot: QtBot, database: Database, village: Any) -> Iterator[MainWindow]:
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    win.tabs.setCurrentWidget(win.overview)
    qtbot.waitExposed(win)
    win.overview.repaint()
    yield win


def test_the_overview_draws_the_figures_and_a_colour_opens_the_register(
        qtbot: QtBot, window: MainWindow) -> None:
    page = window.overview
    assert page.figures is not None and page.figures.active == 2
    assert "在册 2 人" in page.headline.text()
    page.colours.repaint()
    qtbot.mouseClick(page.colours, Qt.MouseButton.LeftButton,
                     pos=page.colours.hit_point("red").toPoint())
    assert window.tabs.currentWidget() is window.register_page
    assert window.colour_filter.currentData() == "red"
    assert window.model.rowCount() == 1


def test_a_groups_bar_opens_that_groups_overdue_work(
        qtbot: QtBot, window: MainWindow, village: dict[str, int]) -> None:
    page = window.overview
    page.groups.repaint()
    qtbot.mouseClick(page.groups, Qt.MouseButton.LeftButton,
                     pos=page.groups.hit_point(village["group"]).toPoint())
    assert window.tabs.currentWidget() is window.worklist
    assert window.worklist.group.currentData() == village["group"]
    assert window.worklist.section.currentData() == "overdue"
    assert {i.name for i in window.worklist.model.items} == {"红老人"}


def test_a_month_opens_the_people_not_visited_then(
        qtbot: QtBot, window: MainWindow, village: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.overview.people_list import PeopleList

    shown: list[tuple[str, list[int]]] = []

    def look(dialog: PeopleList) -> int:
        shown.append((dialog.windowTitle(), dialog.ids))
        return 0

    monkeypatch.setattr(PeopleList, "exec", look)
    page = window.overview
    page.months.repaint()
    qtbot.mouseClick(page.months, Qt.MouseButton.LeftButton,
                     pos=page.months.hit_point(date(2026, 10, 1)).toPoint())
    assert shown == [("2026年10月未走访", [village["red"]])]


def test_the_overview_prints_on_one_a4_page(window: MainWindow, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "概况.pdf"
    window.overview.write_pdf(str(out))
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = reader.pages[0].extract_text()
    assert "留守老年人关爱服务概况" in text and "风险等级" in text


def test_the_no_longer_qualifying_bar_opens_the_register_filtered_by_verdict(
        qtbot: QtBot, window: MainWindow) -> None:
    page = window.overview
    page.coverage.repaint()
    qtbot.mouseClick(page.coverage, Qt.MouseButton.LeftButton,
                     pos=page.coverage.hit_point("not").toPoint())
    assert window.tabs.currentWidget() is window.register_page
    assert window.verdict_filter.currentData() == "not"
    assert window.colour_filter.currentData() is None
