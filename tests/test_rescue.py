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
