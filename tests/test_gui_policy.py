"""Issue 17 through real widgets: the work list's 不再符合 section exits a person in one
step (after a confirmation), and the register filters by 留守认定 and housing risk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import elder
from ui.shell.main_window import MainWindow


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered 'yes' (recorded), so nothing waits offscreen."""
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    register = Register(database)
    register.save(elder("留守户", sequence="002"))
    register.save(elder("返乡户", sequence="004", housing_risks=["flood_zone"], supporters=[{
        "name": "张强", "relation": "儿子", "location_scope": "省外", "phone": "13900001111",
        "away_since": "2020-03-01", "returned_on": "2026-10-01", "return_kind": "长期返乡"}]))
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    win.worklist.reload()
    yield win


def test_enter_on_a_not_qualifying_row_exits_the_person_after_asking(
        qtbot: QtBot, window: MainWindow, database: Database, answers: list[str]) -> None:
    view = window.worklist
    view.section.setCurrentIndex(view.section.findData("not_qualifying"))
    assert [i.name for i in view.model.items] == ["返乡户"]
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert "确认为其办理退出登记吗" in answers[0] and "长期返乡" in answers[0]
    assert "已退出(赡养人返乡)" in answers[1]
    assert view.model.items == []
    pid = next(p for p in range(1, 3) if Register(database).load(p).name == "返乡户")
    assert Register(database).load(pid).status == "exited"


def test_the_register_filters_by_verdict_and_housing_risk(
        qtbot: QtBot, window: MainWindow) -> None:
    window.tabs.setCurrentIndex(1)
    window.finish_start()
    window.verdict_filter.setCurrentIndex(window.verdict_filter.findData("not"))
    names = {window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())}
    assert names == {"返乡户"}
    window.verdict_filter.setCurrentIndex(0)
    window.housing_filter.setCurrentIndex(window.housing_filter.findData("flood_zone"))
    names = {window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())}
    assert names == {"返乡户"}
