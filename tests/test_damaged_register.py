"""A register that fails SQLite's check is found before the first write of a session;
writing is refused naming the newest good backup and how to restore it; reading still
works; the command line refuses to import into it (issue 15, finding 6)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from carecenter.cli.entry import main
from carecenter.errors import DatabaseError
from carecenter.register.people import Register
from carecenter.storage import backups
from carecenter.storage.database import Database
from tests.conftest import elder, make_id, signed_in
from tests.ledger_books import save


def damage_index(path: Path) -> None:
    """Garbage in the middle of the register's search index: the file still opens and
    most reads work, as with a real bad sector."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_person_search'").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + page_size // 2:start + page_size - 8] = b"\x5a" * (page_size // 2 - 8)
    data[start + 8:start + 16] = b"\x00\x10" * 4  # cell pointers into the garbage
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(db_path: Path) -> Path:
    database = signed_in(Database(db_path))
    register = Register(database)
    for n, name in enumerate(("张桂兰", "李秀英", "王建国")):
        register.save(elder(name, sequence=f"{n * 2 + 2:03d}"))
    database.close()
    backups.take(db_path, kind=backups.MANUAL)
    damage_index(db_path)
    return db_path


def test_the_first_write_of_a_session_is_refused_naming_the_good_backup(
        damaged: Path) -> None:
    database = signed_in(Database(damaged))
    try:
        with pytest.raises(DatabaseError) as refused:
            Register(database).save(elder("赵淑珍", "19470101", "021"))
    finally:
        database.close()
    message = refused.value.message
    assert "完整性检查" in message and "不能再写入" in message
    assert "-manual.db" in message and "3 人" in message and "restore" in message


def test_an_import_into_a_damaged_register_is_refused_and_writes_nothing(
        damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = damaged.read_bytes()
    ledger = save([["姓名", "身份证号"], ["赵淑珍", make_id("19470101", "021")]],
                  tmp_path / "ledger.xlsx")
    assert main(["import", str(ledger), "--db", str(damaged)]) == 1
    assert "完整性检查" in capsys.readouterr().err
    assert damaged.read_bytes() == before


def test_restoring_the_named_backup_gives_a_sound_register_back(
        damaged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = backups.newest_sound(damaged)
    assert good is not None
    assert main(["restore", str(good.path), "--db", str(damaged)]) == 0
    database = signed_in(Database(damaged))
    try:
        assert database.check_soundness() == ""
        Register(database).save(elder("赵淑珍", "19470101", "021"))
        assert Register(database).count() == 4
    finally:
        database.close()


def test_a_read_only_folder_is_called_read_only_not_damaged(
        db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # As root nothing is read-only, so the folder's refusal is simulated where the
    # program first meets it: creating the lock file beside the register.
    signed_in(Database(db_path)).close()
    import carecenter.storage.register_lock as register_lock

    real_open = register_lock.os.open

    def refuse(path: str, *args: object) -> int:
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(register_lock.os, "open", refuse)
    assert main(["settings", "--db", str(db_path), "--set", "village.name=白竹村"]) == 1
    err = capsys.readouterr().err
    assert "只读" in err and "损坏" not in err
    assert main(["worklist", "--db", str(db_path)]) == 0  # reading still works
