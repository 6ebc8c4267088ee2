"""A register that can no longer be opened — emptied to 0 bytes, its first page damaged,
its key file not its own — is never taken for a new one, and an administrator of a
backup restores it from the command line (issue 15: nothing lost)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecenter.access import audit, operators
from carecenter.access.operators import OperatorBook
from carecenter.cli.entry import main
from carecenter.errors import DatabaseError, KnownError
from carecenter.register.people import Register
from carecenter.rules.roles import CLERK
from carecenter.storage import backups
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, elder, opened

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def kept(tmp_path: Path) -> tuple[Path, Path]:
    """An encrypted register with two people and a clerk, and a backup of it."""
    path = tmp_path / "村里.db"
    database = Database(path)
    operators.create_first(database, SUITE_OPERATOR, SUITE_PASSWORD)
    register = Register(database)
    register.save(elder())
    register.save(elder(name="李四", sequence="004"))
    OperatorBook(database).add("小王", "clerk-pass-1", CLERK)
    database.close()
    database = opened(path)
    backup = database.back_up(backups.MANUAL)
    database.close()
    assert backup is not None
    return path, backup


def people(path: Path) -> int:
    database = opened(path)
    try:
        return Register(database).count()
    finally:
        database.close()


def test_an_emptied_register_is_refused_not_made_new_and_its_key_file_is_kept(
        kept: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = kept
    keys = Path(f"{path}.keys").read_bytes()
    path.write_bytes(b"")
    with pytest.raises(DatabaseError, match="0 字节") as refused:
        opened(path)
    assert str(backup) in refused.value.message and "restore" in refused.value.message
    assert main(["worklist", "--db", str(path)]) == 1
    assert "是空的" in capsys.readouterr().err
    assert path.stat().st_size == 0 and Path(f"{path}.keys").read_bytes() == keys


def test_an_administrator_of_the_backup_restores_an_emptied_register(
        kept: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = kept
    path.write_bytes(b"")
    assert main(["restore", str(backup), "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "原样移到" in out
    assert people(path) == 2
    database = opened(path)
    try:
        logged = [(e.operator, e.summary) for e in audit.entries(database)]
    finally:
        database.close()
    assert any(who == SUITE_OPERATOR and "登记册打不开" in what for who, what in logged)
    # The emptied file itself was moved aside, never deleted (and encrypted there since,
    # as every plain backup of an encrypted register is: still without anyone in it).
    aside = [b for b in backups.listing(path) if b.kind == backups.RESTORE]
    assert len(aside) == 1 and not aside[0].persons


def test_a_damaged_register_is_restored_only_by_an_administrator_of_the_backup(
        kept: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, backup = kept
    data = bytearray(path.read_bytes())
    data[0:100] = b"\x7f" * 100  # the file header, where SQLCipher keeps its salt
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="打不开|损坏"):
        opened(path)
    monkeypatch.setenv("CARECENTER_OPERATOR", "小王")
    monkeypatch.setenv("CARECENTER_PASSWORD", "clerk-pass-1")
    assert main(["restore", str(backup), "--db", str(path)]) == 1
    assert "只有管理员" in capsys.readouterr().err
    monkeypatch.setenv("CARECENTER_OPERATOR", SUITE_OPERATOR)
    monkeypatch.setenv("CARECENTER_PASSWORD", "not-the-password")
    assert main(["restore", str(backup), "--db", str(path)]) == 1
    capsys.readouterr()
    assert path.read_bytes() == bytes(data)  # refused: the register untouched
    monkeypatch.setenv("CARECENTER_PASSWORD", SUITE_PASSWORD)
    assert main(["restore", str(backup), "--db", str(path)]) == 0
    assert people(path) == 2


def test_the_rescue_is_refused_while_the_register_is_held(kept: tuple[Path, Path]) -> None:
    from carecenter.access import rescue
    from carecenter.storage.register_lock import RegisterLock

    path, backup = kept
    path.write_bytes(b"")
    lock = RegisterLock(path, lasting=True)
    lock.acquire()
    try:
        with pytest.raises(KnownError):
            rescue.restore(path, backup, SUITE_OPERATOR, SUITE_PASSWORD)
    finally:
        lock.release()
    assert path.stat().st_size == 0


def test_the_app_offers_the_backup_when_the_register_will_not_open(
        qtbot: object, kept: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """At start, an emptied register: the clerk is told why and restores the newest
    backup there and then, as its administrator; a wrong password is said, not fatal."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QPushButton

    from ui.shell import app as ui_app
    from ui.shell import rescue_dialog
    from ui.widgets import file_dialogs

    path, backup = kept
    path.write_bytes(b"")
    offered: list[str] = []
    monkeypatch.setattr(file_dialogs, "open_file",
                        lambda _p, _t, start, _f: offered.append(str(start)) or str(backup))
    seen: list[str] = []
    tries = iter(["wrong-password", SUITE_PASSWORD])

    def answer() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox) and modal.objectName() == "rescue_box":
            seen.append(modal.text())
            modal.findChild(QPushButton, "rescue_restore").click()
        elif isinstance(modal, rescue_dialog.RescueSignIn):
            error = modal.findChild(QLabel, "rescue_error").text()
            if error:
                seen.append(error)
            modal.findChild(QLineEdit, "rescue_name").setText(SUITE_OPERATOR)
            modal.findChild(QLineEdit, "rescue_password").setText(next(tries))
            modal.findChild(QPushButton, "rescue_ok").click()
        elif isinstance(modal, QMessageBox):
            seen.append(modal.text())
            modal.accept()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(30)
    try:
        assert ui_app.open_database(str(path)) is None  # restored: the program starts anew
    finally:
        timer.stop()
    assert "0 字节" in seen[0] and offered == [str(backup)]
    assert "密码不对" in seen[1] and "已从备份恢复登记册(2 人)" in seen[2]
    assert people(path) == 2


def test_a_file_that_is_not_a_register_is_refused_and_nothing_is_left_beside_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("村委会会议记录", encoding="utf-8")
    for command in (["worklist"], ["settings"], ["import", str(notes), "--dry-run"]):
        assert main([*command, "--db", str(notes)]) == 1
        assert "不是本程序的数据文件" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert notes.read_text(encoding="utf-8") == "村委会会议记录"
