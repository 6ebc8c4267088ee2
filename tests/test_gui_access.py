"""Signing in, the first administrator, the lock and the roles at the window (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from carecenter.access import audit, operators
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import (
    SUITE_OPERATOR,
    SUITE_PASSWORD,
    TODAY,
    as_role,
    elder,
    ime_type,
    signed_in,
)
from ui.access.login import ChangePasswordDialog
from ui.shell.main_window import MainWindow


@pytest.fixture
def filled(database: Database) -> Path:
    Register(database, today=lambda: TODAY).save(elder())
    database.close()
    return Path(database.location)


def unsigned_window(qtbot: QtBot, location: Path, opened: list[Database]) -> MainWindow:
    def open_database() -> Database:
        opened.append(Database(location))
        return opened[-1]

    database = open_database()
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_window_shows_no_data_until_the_password_is_right(
        qtbot: QtBot, filled: Path) -> None:
    opened: list[Database] = []
    window = unsigned_window(qtbot, filled, opened)
    guard = window.guard
    qtbot.waitUntil(lambda: guard.page.pages.currentIndex() == 0)
    assert guard.locked and not window.tabs.isVisible()
    assert not window.menuBar().isEnabled()
    page = guard.page
    page.login_name.setCurrentText(SUITE_OPERATOR)
    qtbot.keyClicks(page.login_password, "wrong-one")
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert guard.locked
    assert "姓名或密码不对" in page.login_form.general.text() + \
        page.login_form.errors["password"].text()
    page.login_password.clear()
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not guard.locked and window.tabs.isVisible()
    assert SUITE_OPERATOR in window.windowTitle()
    for database in opened:
        database.close()


def test_first_start_makes_the_administrator_and_shows_the_recovery_code(
        qtbot: QtBot, tmp_path: Path) -> None:
    database = Database(tmp_path / "new.db")
    shown: list[str] = []
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.guard.page._show_code = shown.append
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.pages.currentIndex() == 1)
    ime_type(page.first_name, "李会计")
    qtbot.keyClicks(page.first_password, "secret-1")
    qtbot.keyClicks(page.first_again, "secret-2")
    qtbot.keyClick(page.first_again, Qt.Key.Key_Return)
    assert "两次输入的密码不一样" in page.first_form.errors["again"].text()
    page.first_again.clear()
    qtbot.keyClicks(page.first_again, "secret-1")
    qtbot.keyClick(page.first_again, Qt.Key.Key_Return)
    assert len(shown) == 1 and shown[0].count("-") == 4
    assert not window.guard.locked
    assert database.operator is not None and database.operator.name == "李会计"
    database.close()


def test_the_lock_hides_the_data_and_signs_out_and_the_password_brings_it_back(
        qtbot: QtBot, database: Database) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    assert not window.guard.locked
    window.search.setText("张")
    assert window.operator_actions["lock"].shortcut().toString() == "Ctrl+L"
    window.operator_actions["lock"].trigger()
    assert window.guard.locked and database.operator is None
    assert not window.tabs.isVisible()
    assert not window.new_action.isEnabled()  # no shortcut reaches the data either
    page = window.guard.page
    assert page.login_name.currentText() == SUITE_OPERATOR
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked and window.search.text() == "张"  # the work stays
    assert window.new_action.isEnabled()


def test_idle_time_locks(qtbot: QtBot, database: Database) -> None:
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    window.guard.timer.setInterval(50)
    window.guard.timer.start()
    qtbot.waitUntil(lambda: window.guard.locked, timeout=3000)
    assert database.operator is None


def test_a_key_or_a_click_starts_the_idle_countdown_again(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.access import lock

    monkeypatch.setattr(lock, "REST_MS", 50)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    guard = window.guard
    assert not guard.locked
    guard.timer.stop()
    qtbot.keyClick(window.search, Qt.Key.Key_Shift)
    assert guard.timer.isActive()
    # The watch rests a moment after a key (the work the key started runs without it),
    # then the next click counts again.
    guard.timer.stop()
    qtbot.wait(200)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton)
    assert guard.timer.isActive()


def test_keys_typed_while_the_watch_rests_still_put_the_lock_off(
        qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.access import lock

    monkeypatch.setattr(lock, "REST_MS", 600)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    guard = window.guard
    guard.timer.setInterval(1000)
    qtbot.keyClick(window.search, "a")  # the countdown starts; the watch rests 600 ms
    qtbot.wait(300)
    qtbot.keyClicks(window.search, "bc")  # unseen by the resting watch
    # A second after the first key, the clerk typed only 0.85 s ago: not locked yet. The
    # countdown began again when the rest ended, so the lock comes a second after that.
    qtbot.wait(850)
    assert not guard.locked
    qtbot.waitUntil(lambda: guard.locked, timeout=3000)


def test_a_viewer_finds_the_writing_actions_greyed_and_the_register_masked(
        qtbot: QtBot, database: Database) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    as_role(database, "viewer")
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    window.table.selectRow(0)
    for name in ("new_person", "visit", "assess", "import_ledger", "settings", "operators"):
        assert not window.findChild(type(window.new_action), name).isEnabled(), name
    assert window.findChild(type(window.new_action), "print").isEnabled()
    shown = [window.model.index(0, c).data() for c in range(window.model.columnCount())]
    assert "430524********" + elder().values["id_number"][-4:] in shown
    assert "138****1111" in shown


def test_change_password_checks_the_old_one(qtbot: QtBot, database: Database) -> None:
    dialog = ChangePasswordDialog(database)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.old, "not-it")
    qtbot.keyClicks(dialog.new, "brand-new-1")
    qtbot.keyClicks(dialog.again, "brand-new-1")
    dialog.save()
    assert "原密码不对" in dialog.form.errors["old"].text()
    dialog.old.clear()
    qtbot.keyClicks(dialog.old, SUITE_PASSWORD)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    operators.sign_out(database)
    assert operators.sign_in(database, SUITE_OPERATOR, "brand-new-1").name == SUITE_OPERATOR
    assert audit.entries(database, audit.Filter(entity="operator", limit=1))[0].summary \
        .endswith("修改了自己的密码")
    signed_in(database)


def test_the_files_change_record_shows_who_changed_what_old_to_new(
        qtbot: QtBot, database: Database) -> None:
    from PySide6.QtWidgets import QLineEdit, QListWidget

    from ui.register.person_editor import PersonEditor

    register = Register(database, today=lambda: TODAY)
    person_id = register.save(elder()).person_id
    as_role(database, "clerk")
    editor = PersonEditor(register, person_id)
    qtbot.addWidget(editor)
    phone = editor.input("phone").widget
    assert isinstance(phone, QLineEdit) and phone.text() == "13800001111"  # in full
    phone.clear()
    qtbot.keyClicks(phone, "13911112222")
    editor.save()
    reopened = PersonEditor(register, person_id)
    qtbot.addWidget(reopened)
    history = reopened.findChild(QListWidget, "history")
    assert history is not None
    latest = history.item(0).text()
    assert "经办人甲" in latest and "13800001111 → 13911112222" in latest
