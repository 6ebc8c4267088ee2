"""The 备份 menu as the clerk uses it: the list of backups, restoring one after a
confirmation (the register shown again), the day's backup and the check after start."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.register.people import Register
from carecenter.storage import backups
from carecenter.storage.database import Database
from tests.conftest import elder
from ui.shell import backup_menu
from ui.shell.main_window import MainWindow
from ui.widgets import file_dialogs


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes recorded; questions answered Yes."""
    shown: list[str] = []

    def record(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.Yes

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    return shown


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    win = MainWindow(database)
    qtbot.addWidget(win)
    win.show()
    yield win


def test_the_backup_list_shows_each_backup_and_restores_the_chosen_one(
        qtbot: QtBot, window: MainWindow, database: Database, db_path: Path,
        answers: list[str]) -> None:
    register = Register(database)
    register.save(elder("李秀英", "19440505", "004"))
    backups.take(db_path, kind=backups.DAILY)
    register.save(elder("王建国", "19480101", "003"))
    backups.take(db_path, kind=backups.MANUAL)
    register.save(elder("赵淑珍", "19470101", "021"))
    window.refresh()
    assert window.model.rowCount() == 3
    dialog = backup_menu.BackupList(database, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 2
    texts = [[dialog.table.item(r, c).text() for c in range(5)] for r in range(2)]
    assert [t[1] for t in texts] == ["手动", "每日自动"] and [t[2] for t in texts] == ["2", "1"]
    if os.environ.get("CARECENTER_SHOTS"):
        dialog.grab().save(str(Path(os.environ["CARECENTER_SHOTS"]) / "backup_list.png"))
    dialog.table.selectRow(1)
    assert backup_menu.restore(dialog, database, dialog.selected() or Path(),
                               window._after_restore)
    assert window.model.rowCount() == 1
    assert "原来的登记册已另存为" in answers[-1]
    assert [b.kind for b in backups.listing(db_path)][0] == backups.RESTORE


def test_the_menu_has_the_three_backup_actions(window: MainWindow) -> None:
    names = {a.objectName() for a in window.findChildren(type(window.menuBar().actions()[0]))}
    assert {"backup_to", "backup_list", "restore"} <= names


def test_the_check_after_start_takes_the_days_backup(
        qtbot: QtBot, database: Database, db_path: Path, answers: list[str]) -> None:
    Register(database).save(elder())
    backup_menu.check_after_start(None, database).join(timeout=30)
    assert [b.kind for b in backups.listing(db_path)] == [backups.DAILY]
    backup_menu.check_after_start(None, database).join(timeout=30)
    assert len(backups.listing(db_path)) == 1  # at most one a day
    QApplication.processEvents()
    assert answers == []


def test_file_dialogs_never_start_in_the_registers_folder(db_path: Path) -> None:
    file_dialogs.protect(db_path)
    try:
        assert Path(file_dialogs.start_in(db_path.parent / "导出.xlsx")).parent != db_path.parent
        assert file_dialogs.start_in(db_path.parent) != str(db_path.parent)
        elsewhere = db_path.parent.parent / "报表.xlsx"
        assert file_dialogs.start_in(elsewhere) == str(elsewhere)
    finally:
        file_dialogs._protected.clear()
