"""Backups through SQLite's backup API, their rotation, and restoring one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from carecenter import clock
from carecenter.cli.entry import main
from carecenter.errors import KnownError
from carecenter.register.people import Register
from carecenter.storage import backups
from carecenter.storage.database import Database
from tests.conftest import elder, signed_in


def test_a_backup_of_a_live_register_holds_the_saves_still_in_the_wal(
        database: Database, db_path: Path, tmp_path: Path) -> None:
    register = Register(database)
    for n, name in enumerate(("张一", "张二", "张三", "张四", "张五")):
        register.save(elder(name, sequence=f"{n * 2 + 2:03d}"))
    assert Path(str(db_path) + "-wal").stat().st_size > 0  # not yet in the .db file
    target = backups.take(db_path, tmp_path / "usb")
    assert backups.persons_in(target) == 5
    assert not Path(str(target) + "-wal").exists()  # one self-contained file


def test_backup_change_restore_gives_back_exactly_the_backed_up_content(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = signed_in(Database(db_path))
    register = Register(database)
    kept = register.save(elder("李秀英")).person_id
    database.close()
    assert main(["backup", "--db", str(db_path)]) == 0
    assert "1 人" in capsys.readouterr().out
    database = signed_in(Database(db_path))
    Register(database).save(elder("王建国", "19480101", "003"))
    database.close()
    assert main(["backups", "--db", str(db_path)]) == 0
    # The manual backup, and the one taken before the register was encrypted at the
    # first command's sign-in (issue 18).
    lines = [line for line in capsys.readouterr().out.splitlines() if "加密前" not in line]
    assert len(lines) == 1 and "2026-11-23 10:00" in lines[0] and "1 人" in lines[0]
    chosen = lines[0].split("\t")[0]
    assert main(["restore", chosen, "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "另存为" in out
    database = signed_in(Database(db_path))
    names = [Register(database).load(kept).name]
    assert Register(database).count() == 1 and names == ["李秀英"]
    database.close()
    # The register as it was before the restore is kept, with both people.
    kinds = {b.kind: b for b in backups.listing(db_path)}
    assert kinds[backups.RESTORE].persons == 2


def test_restore_refuses_a_damaged_backup_and_leaves_the_register_alone(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = signed_in(Database(db_path))
    Register(database).save(elder())
    database.close()
    target = backups.take(db_path, tmp_path / "b")
    damage(target)
    assert main(["restore", str(target), "--db", str(db_path)]) == 1
    assert "完整性检查" in capsys.readouterr().err
    not_a_register = tmp_path / "notes.db"
    not_a_register.write_bytes(b"hello" * 100)
    assert main(["restore", str(not_a_register), "--db", str(db_path)]) == 1
    assert "不是本程序的登记册备份" in capsys.readouterr().err
    database = signed_in(Database(db_path))
    assert Register(database).count() == 1
    database.close()


def damage(path: Path) -> None:
    """Garbage over the header of every b-tree page after the first."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):
        data[start + 1:start + 12] = b"\x7f" * 11
    path.write_bytes(bytes(data))


def test_restore_is_refused_while_a_window_holds_the_register(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = signed_in(Database(db_path, hold=True))
    Register(database).save(elder())
    target = backups.take(db_path, tmp_path / "b")
    try:
        assert main(["restore", str(target), "--db", str(db_path)]) == 1
        assert "正由计算机" in capsys.readouterr().err
    finally:
        database.close()


def test_backup_to_a_chosen_folder_and_the_folder_setting(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = signed_in(Database(db_path))
    Register(database).save(elder())
    from carecenter.settings.settings_store import Settings

    Settings(database).set(backups.FOLDER_SETTING, str(tmp_path / "设置的文件夹"))
    database.close()
    assert backups.folder_for(db_path) == tmp_path / "设置的文件夹"
    assert main(["backup", "--db", str(db_path), "--to", str(tmp_path / "U盘")]) == 0
    assert len(list((tmp_path / "U盘").glob("register-*-manual.db"))) == 1
    assert main(["backup", "--db", str(db_path)]) == 0
    assert [b.kind for b in backups.listing(db_path)] == ["manual", "encrypt"]


def test_daily_backup_is_taken_at_most_once_a_day(db_path: Path) -> None:
    signed_in(Database(db_path)).close()
    assert backups.daily(db_path) is not None
    assert backups.daily(db_path) is None
    with clock.at("2026-11-24T08:00:00"):
        assert backups.daily(db_path) is not None
    assert len(backups.listing(db_path)) == 2


def test_rotation_keeps_seven_days_four_weeks_twelve_months() -> None:
    today = date(2026, 11, 23)
    moments = [datetime(2026, 11, 23, 9) - timedelta(days=d) for d in range(800)]
    kept = backups.to_keep(moments, today)
    days = {m.date() for m in kept}
    assert {today - timedelta(days=d) for d in range(7)} <= days
    assert len({(d.isocalendar()[0], d.isocalendar()[1]) for d in days}) >= 4
    assert len({(d.year, d.month) for d in days}) == 12
    assert len(kept) <= 7 + 4 + 12


def test_prune_deletes_only_old_automatic_backups(db_path: Path, tmp_path: Path) -> None:
    signed_in(Database(db_path)).close()
    folder = backups.folder_for(db_path)
    manual = backups.take(db_path, kind=backups.MANUAL)
    for d in range(40, 0, -1):
        with clock.at(datetime(2026, 11, 23, 9) - timedelta(days=d)):
            backups.take(db_path, kind=backups.DAILY)
    left = backups.listing(db_path, folder)
    automatic = [b for b in left if b.kind == backups.DAILY]
    assert manual.exists()
    assert len(automatic) < 40 and len(automatic) <= 7 + 4 + 12
    assert max(b.taken for b in automatic).date() == date(2026, 11, 22)


def test_a_backup_of_a_missing_register_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="不存在"):
        backups.take(tmp_path / "typo.db")


def test_the_backup_folder_is_a_setting_of_the_village(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Database(db_path).close()
    folder = tmp_path / "备份盘"
    assert main(["settings", "--db", str(db_path), "--set", f"backup.folder={folder}"]) == 0
    assert "备份文件夹" in capsys.readouterr().out
    assert main(["backup", "--db", str(db_path)]) == 0
    assert [b.path.parent for b in backups.listing(db_path)] == [folder]
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert main(["settings", "--db", str(db_path), "--set",
                 f"backup.folder={not_a_folder}"]) == 1
    assert "不是文件夹" in capsys.readouterr().err


def test_an_import_that_changes_the_register_leaves_a_backup_of_it_before(
        database: Database, db_path: Path, tmp_path: Path) -> None:
    """The way back from an import the clerk regrets (issue 15): the register as it was,
    taken before the first row is written; an import that changes nothing takes none."""
    from carecenter.ledger.importer import LedgerImport
    from tests.ledger_books import LI, ZHANG, save

    Register(database).save(elder("张桂兰", "19500312", "002"))
    path = save([["姓名", "身份证号", "联系电话"], ["张桂兰", ZHANG, "13700000001"],
                 ["李秀英", LI, "13700000002"]], tmp_path / "ledger.xlsx")

    def run() -> None:
        importer = LedgerImport(database)
        data, layout = importer.open(path)
        importer.apply(importer.preview(path, data, layout))

    assert not [b for b in backups.listing(db_path) if b.kind == backups.IMPORT]
    run()
    taken = [b for b in backups.listing(db_path) if b.kind == backups.IMPORT]
    assert len(taken) == 1 and taken[0].persons == 1  # before: 张桂兰 alone
    assert backups.verify(taken[0].path) == 1
    run()  # the same ledger again: nothing to change, no second backup
    assert len([b for b in backups.listing(db_path) if b.kind == backups.IMPORT]) == 1
