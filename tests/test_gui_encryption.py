"""The encrypted register at the window (issue 18): the first start encrypts it, the
sign-in page unwraps its key, the recovery code opens it, a plain one is converted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from carecenter.access import operators, register_keys
from carecenter.register.first_screen import locked_screen
from carecenter.register.people import Register
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, TODAY, elder, ime_type, signed_in
from tests.test_encryption import unreadable_by_sqlite3
from ui.access.login import Door
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def encrypted(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A register with two people, encrypted by its first administrator; the code."""
    path = tmp_path / "村里.db"
    db = Database(path)
    code = operators.create_first(db, SUITE_OPERATOR, SUITE_PASSWORD)
    register = Register(db, today=lambda: TODAY)
    register.save(elder())
    register.save(elder(name="李四", sequence="004"))
    db.close()
    yield path, code


def starting_window(qtbot: QtBot, path: Path, opened: list[Database]) -> MainWindow:
    """The window as the app starts it on an encrypted register (ui.shell.app._run)."""
    door = Door(path)

    def open_database() -> Database:
        opened.append(Database(path, key=door.key))
        return opened[-1]

    window = MainWindow(first=locked_screen(str(path)), open_database=open_database,
                        door=door)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_sign_in_page_opens_an_encrypted_register_only_with_the_right_password(
        qtbot: QtBot, encrypted: tuple[Path, str]) -> None:
    path, _code = encrypted
    opened: list[Database] = []
    window = starting_window(qtbot, path, opened)
    page = window.guard.page
    qtbot.waitUntil(lambda: page.login_name.count() == 1)
    assert page.login_name.currentText() == SUITE_OPERATOR  # named by the key file
    assert window.model.rowCount() == 0 and window.database is None
    qtbot.keyClicks(page.login_password, "wrong-one")
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert "姓名或密码不对" in page.login_form.general.text() + \
        page.login_form.errors["password"].text()
    assert window.guard.locked and window.database is None and not opened
    page.login_password.clear()
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked and window.database is not None
    assert window.model.rowCount() == 2
    assert "在册 2 人" in window.count_label.text()
    window.close()
    for database in opened:
        database.close()


def test_the_encrypted_window_paints_its_sign_in_page_then_builds_the_rest_behind_it(
        qtbot: QtBot, encrypted: tuple[Path, str]) -> None:
    """Start-up (bench): the sign-in page is painted before the tabs are built; once
    built behind it, nothing of theirs can be reached until the password is given."""
    path, _code = encrypted
    opened: list[Database] = []
    door = Door(path)
    window = MainWindow(open_database=lambda: opened.append(Database(path, key=door.key))
                        or opened[-1], door=door)
    qtbot.addWidget(window)
    assert window.guard.stack.currentWidget() is window.guard.page
    assert not hasattr(window, "tabs")  # nothing but the sign-in page before its paint
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.login_name.count() == 1)
    assert window.guard.stack.currentWidget() is page and window.model.rowCount() == 0
    reachable = [a.objectName() for a in window.findChildren(QAction)
                 if a.isEnabled() and a.objectName() != "lock"]
    assert reachable == []
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert window.guard.stack.currentWidget() is window.pages
    assert window.model.rowCount() == 2 and window.new_action.isEnabled()
    window.close()
    for database in opened:
        database.close()


def test_the_recovery_code_opens_an_encrypted_register_and_sets_a_new_password(
        qtbot: QtBot, encrypted: tuple[Path, str]) -> None:
    path, code = encrypted
    opened: list[Database] = []
    window = starting_window(qtbot, path, opened)
    page = window.guard.page
    shown: list[str] = []
    page._show_code = shown.append
    qtbot.waitUntil(lambda: page.login_name.count() == 1)
    page.show_form("recover")
    ime_type(page.recover_name, SUITE_OPERATOR)
    qtbot.keyClicks(page.recover_code, code)
    qtbot.keyClicks(page.recover_password, "brand-new-1")
    qtbot.keyClicks(page.recover_again, "brand-new-1")
    qtbot.mouseClick(page.findChild(type(page.login_button), "recover"),
                     Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and not window.guard.locked
    assert window.model.rowCount() == 2
    window.close()
    for database in opened:
        database.close()
    assert register_keys.unlock(path, SUITE_OPERATOR, "brand-new-1")


def test_the_first_start_encrypts_the_new_register(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    database = Database(path)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.guard.page._show_code = lambda _code: None
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.pages.currentIndex() == 1)
    ime_type(page.first_name, "李会计")
    qtbot.keyClicks(page.first_password, "secret-1")
    qtbot.keyClicks(page.first_again, "secret-1")
    qtbot.keyClick(page.first_again, Qt.Key.Key_Return)
    assert not window.guard.locked and database.encrypted
    Register(database, today=lambda: TODAY).save(elder())
    window.close()
    database.close()
    assert unreadable_by_sqlite3(path)
    assert register_keys.names(path) == ["李会计"]


def test_signing_in_to_a_plain_register_converts_it_and_says_so(
        qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = signed_in(Database(path))
    Register(db, today=lambda: TODAY).save(elder())
    db.close()
    database = Database(path)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.login_name.count() == 1)
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked and database.encrypted
    notice = window.findChild(QMessageBox, "encrypted_notice")
    assert notice is not None and "登记册已加密" in notice.text()
    notice.grab().save(str(tmp_path / "notice.png"))
    notice.accept()
    assert window.model.rowCount() == 1
    window.close()
    database.close()
    assert unreadable_by_sqlite3(path)


def test_a_plain_register_held_open_elsewhere_says_so_at_sign_in_and_converts_once_closed(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses the rename over a file another program holds open: the sign-in
    page says what to do, the register stays as it was, the next sign-in converts it."""
    import os

    path = tmp_path / "old.db"
    db = signed_in(Database(path))
    Register(db, today=lambda: TODAY).save(elder())
    db.close()
    real = os.replace

    def held(source: object, target: object) -> None:
        if Path(str(target)) == path:
            raise PermissionError(13, "另一个程序正在使用此文件,进程无法访问。", str(target))
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held)
    database = Database(path)
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    page = window.guard.page
    qtbot.waitUntil(lambda: page.login_name.count() == 1)
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    said = page.login_form.general.text() + page.login_form.errors["password"].text()
    assert "请关闭正在使用该文件的程序后重试" in said and "仍未加密" in said
    # All of it shows: the label as high as its wrapped lines need, not cut off.
    label = page.login_form.general
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert window.guard.locked and not database.encrypted
    assert not unreadable_by_sqlite3(path)
    monkeypatch.setattr(os, "replace", real)
    qtbot.keyClicks(page.login_password, SUITE_PASSWORD)
    qtbot.keyClick(page.login_password, Qt.Key.Key_Return)
    assert not window.guard.locked and database.encrypted
    window.close()
    database.close()
    assert unreadable_by_sqlite3(path)
