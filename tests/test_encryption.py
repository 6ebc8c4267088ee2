"""The register encrypted at rest (issue 18): the file and its backups read nothing
without an operator's password; the key is wrapped per operator, so operators and
passwords change without encrypting the data again; plain registers are converted once.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from carecenter.access import operators, register_keys
from carecenter.access.operators import OperatorBook, WrongPassword
from carecenter.register.people import Register
from carecenter.storage import backups, cipher, key_file
from carecenter.storage.database import Database
from tests.conftest import SUITE_OPERATOR, SUITE_PASSWORD, TODAY, elder, opened, signed_in

pytestmark = pytest.mark.sqlite_only
ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "register-0.1.0.db"


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "carecenter", *args], capture_output=True,
                          text=True, encoding="utf-8", check=False, cwd=ROOT,
                          env={**os.environ, **env}, timeout=120)


def unreadable_by_sqlite3(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as e:
        return "file is not a database" in str(e)
    return False


def persons(location: Path, password: str = SUITE_PASSWORD) -> int:
    db = opened(location, password=password)
    try:
        return Register(db).count("active") + Register(db).count("exited")
    finally:
        db.close()


@pytest.fixture(scope="module")
def demo_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "演示.db"
    made = cli("demo", "--persons", "12", "--db", str(db))
    assert made.returncode == 0, made.stderr
    return db


@pytest.fixture
def demo(demo_made: Path, tmp_path: Path) -> Path:
    """A copy of one demo register (made once: a command line start costs seconds), with
    its key file: the two go together."""
    db = tmp_path / demo_made.name
    shutil.copyfile(demo_made, db)
    shutil.copyfile(key_file.key_path(demo_made), key_file.key_path(db))
    return db


def test_a_demo_register_and_its_backup_cannot_be_read_by_plain_sqlite3(
        demo: Path, tmp_path: Path) -> None:
    assert unreadable_by_sqlite3(demo)
    assert key_file.key_path(demo).exists()
    made = cli("backup", "--db", str(demo), "--to", str(tmp_path / "U盘"))
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "U盘").glob("*.db")
    assert unreadable_by_sqlite3(backup)
    assert key_file.key_path(backup).exists()  # it restores on its own
    listed = cli("backups", "--db", str(demo), "--folder", str(tmp_path / "U盘"))
    assert listed.returncode == 0 and "12 人" in listed.stdout


def test_command_lines_open_it_with_the_operator_and_password_from_the_environment(
        demo: Path) -> None:
    assert cli("worklist", "--db", str(demo)).returncode == 0
    assert cli("check", "--db", str(demo)).returncode in (0, 1)
    changed = cli("settings", "--db", str(demo), "--set", "village.name=白竹村")
    assert changed.returncode == 0, changed.stderr
    wrong = cli("worklist", "--db", str(demo), CARECENTER_PASSWORD="not-the-one")
    assert wrong.returncode == 1 and "姓名或密码不对" in wrong.stderr
    nobody = cli("worklist", "--db", str(demo), "--operator", "外人")
    assert nobody.returncode == 1 and "姓名或密码不对" in nobody.stderr


def test_without_its_key_the_register_is_refused_with_a_message_to_sign_in(
        demo: Path) -> None:
    with pytest.raises(cipher.RegisterEncrypted, match="已加密,请先登录"):
        Database(demo)
    db = opened(demo)
    assert db.encrypted and persons(demo) == 12
    db.close()


def test_create_makes_an_encrypted_register_with_its_administrator(tmp_path: Path) -> None:
    db = tmp_path / "新.db"
    made = cli("create", "--db", str(db))
    assert made.returncode == 0, made.stderr
    assert "恢复码" in made.stderr and "已加密" in made.stdout
    assert unreadable_by_sqlite3(db)
    assert register_keys.names(db) == [SUITE_OPERATOR]


def test_a_wrong_password_is_refused_before_anything_opens(demo: Path) -> None:
    with pytest.raises(WrongPassword, match="姓名或密码不对"):
        register_keys.unlock(demo, SUITE_OPERATOR, "wrong-password")
    with pytest.raises(WrongPassword):
        register_keys.unlock(demo, "没有这人", SUITE_PASSWORD)


def test_a_damaged_key_file_is_told_apart_from_a_wrong_password(demo: Path) -> None:
    key_file.key_path(demo).write_text("{not json", encoding="utf-8")
    with pytest.raises(Exception, match="钥匙文件.*已损坏"):
        register_keys.unlock(demo, SUITE_OPERATOR, SUITE_PASSWORD)


def test_the_recovery_code_opens_the_register_and_sets_a_new_password(
        tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    db = Database(path)
    code = operators.create_first(db, "李会计", "first-pass")
    db.close()
    assert unreadable_by_sqlite3(path)
    key = register_keys.unlock_with_code(path, code.lower().replace("-", " "))
    db = Database(path, key=key)
    fresh = operators.recover(db, code, "李会计", "second-pass")
    db.close()
    with pytest.raises(WrongPassword):
        register_keys.unlock(path, "李会计", "first-pass")
    assert register_keys.unlock(path, "李会计", "second-pass") == key
    with pytest.raises(WrongPassword, match="恢复码不对"):
        register_keys.unlock_with_code(path, code)  # spent
    assert register_keys.unlock_with_code(path, fresh) == key


def test_the_command_line_sets_a_forgotten_password_with_the_recovery_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``recover`` is the sign-in page's 忘记密码 for a script or a maintainer: the code
    unwraps the key, the password is set, the code is spent and a new one printed."""
    from carecenter.cli.entry import main

    path = tmp_path / "r.db"
    db = Database(path)
    code = operators.create_first(db, "李会计", "first-pass")
    db.close()
    monkeypatch.setenv("CARECENTER_OPERATOR", "李会计")
    monkeypatch.setenv("CARECENTER_NEW_PASSWORD", "second-pass")
    monkeypatch.delenv("CARECENTER_PASSWORD", raising=False)
    before = path.read_bytes()
    monkeypatch.setenv("CARECENTER_RECOVERY_CODE", "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert main(["recover", "--db", str(path)]) == 1
    assert "恢复码不对" in capsys.readouterr().err
    assert path.read_bytes() == before  # a wrong code changes nothing
    assert main(["recover", "--db", str(tmp_path / "typo.db")]) == 1
    assert "不存在" in capsys.readouterr().err and not (tmp_path / "typo.db").exists()
    monkeypatch.setenv("CARECENTER_RECOVERY_CODE", code.lower())
    assert main(["recover", "--db", str(path)]) == 0
    fresh = capsys.readouterr().out.rpartition(":")[2].strip()
    assert len(fresh.replace("-", "")) >= 20 and fresh != code
    with pytest.raises(WrongPassword):
        register_keys.unlock(path, "李会计", "first-pass")
    key = register_keys.unlock(path, "李会计", "second-pass")
    assert register_keys.unlock_with_code(path, fresh) == key
    assert main(["recover", "--db", str(path)]) == 1  # the old code is spent
    assert "恢复码不对" in capsys.readouterr().err
    monkeypatch.setenv("CARECENTER_PASSWORD", "second-pass")
    assert main(["audit", "--db", str(path)]) == 0
    assert "重设了 李会计 的密码" in capsys.readouterr().out


def test_operators_and_passwords_change_without_encrypting_the_data_again(
        demo: Path) -> None:
    db = opened(demo)
    key = db.key
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = demo.read_bytes()
    book = OperatorBook(db)
    clerk = book.add("王经办", "clerk-pass", "clerk")
    book.change_own_password(SUITE_PASSWORD, "new-admin-pass")
    book.reset_password(clerk, "clerk-pass-2")
    book.new_recovery_code()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    after = demo.read_bytes()
    db.close()
    # The same key opens it, and the pages not written (every person, every visit)
    # are the same bytes: only the operator rows and the log were written.
    page = 4096
    same = sum(before[i:i + page] == after[i:i + page] for i in range(0, len(before), page))
    assert before[:16] == after[:16] and same > 0.8 * (len(before) // page)
    assert register_keys.unlock(demo, "王经办", "clerk-pass-2") == key
    assert register_keys.unlock(demo, SUITE_OPERATOR, "new-admin-pass") == key
    with pytest.raises(WrongPassword):
        register_keys.unlock(demo, SUITE_OPERATOR, SUITE_PASSWORD)
    with pytest.raises(WrongPassword):
        register_keys.unlock(demo, "王经办", "clerk-pass")


def test_a_disabled_operators_password_no_longer_opens_the_file(demo: Path) -> None:
    db = opened(demo)
    book = OperatorBook(db)
    clerk = book.add("王经办", "clerk-pass", "clerk")
    book.set_active(clerk, False)
    with pytest.raises(WrongPassword):
        register_keys.unlock(demo, "王经办", "clerk-pass")
    book.set_active(clerk, True)  # back from the stored hash
    assert register_keys.unlock(demo, "王经办", "clerk-pass") == db.key
    db.close()


def test_operator_changes_the_server_refused_once_run_again_and_leave_one_wrap_each(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A serialization failure (issue 22) inside the write, after the new password's wrap
    went into the key file: the whole change runs again, is saved once, and the refused
    attempt's wrap (made for a hash never saved) is pruned."""
    from carecenter.access import audit
    from carecenter.storage.backends import Conflict

    db = opened(demo)
    book = OperatorBook(db)
    real = audit.record
    calls: list[str] = []

    def refused_first(session: object, *args: object, **kw: object) -> None:
        calls.append(str(kw.get("summary")))
        if len(calls) == 1:
            raise Conflict("保存时另一位操作员正在修改同一条记录")
        real(session, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", refused_first)
    clerk = book.add("王经办", "clerk-pass", "clerk")
    calls.clear()
    book.reset_password(clerk, "clerk-pass-2")
    monkeypatch.undo()
    assert len(calls) == 2
    log = [e.summary for e in audit.entries(db)]
    assert log.count("添加操作员 王经办") == 1 and log.count("重设了 王经办 的密码") == 1
    assert [o.name for o in book.list()].count("王经办") == 1
    key = db.key
    db.close()
    keys = key_file.read(demo)
    assert keys is not None and len(keys.for_operator("王经办")) == 1
    assert register_keys.unlock(demo, "王经办", "clerk-pass-2") == key
    with pytest.raises(WrongPassword):
        register_keys.unlock(demo, "王经办", "clerk-pass")


def test_a_password_change_cut_off_before_its_save_leaves_the_old_password_working(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = opened(demo)
    book = OperatorBook(db)

    def killed(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt  # the power cut: after the new wrap, before the save

    monkeypatch.setattr(operators, "_set_password", killed)
    with pytest.raises(KeyboardInterrupt):
        book.change_own_password(SUITE_PASSWORD, "new-admin-pass")
    db.close()
    monkeypatch.undo()
    assert persons(demo) == 12  # the old password opens it and signs in
    with pytest.raises(WrongPassword):  # the new one opens the file but is not saved
        opened(demo, password="new-admin-pass")


def convert_fixture(tmp_path: Path) -> Path:
    old = tmp_path / "村里.db"
    shutil.copy(FIXTURE, old)
    return old


def test_a_plain_register_from_0_1_0_is_converted_once_after_a_backup(
        tmp_path: Path) -> None:
    old = convert_fixture(tmp_path)
    with sqlite3.connect(old) as raw:
        count = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    raw.close()
    first = cli("worklist", "--db", str(old))
    assert first.returncode == 0, first.stderr
    assert unreadable_by_sqlite3(old)
    assert persons(old) == count
    folder = backups.folder_for(old)
    kept = sorted(folder.glob("*.db"))
    assert any(p.name.endswith("-encrypt.db") for p in kept)
    # Its backups are encrypted too, each with the key file beside it.
    assert kept and all(unreadable_by_sqlite3(p) and key_file.key_path(p).exists()
                        for p in kept)
    again = cli("worklist", "--db", str(old))
    assert again.returncode == 0 and "已加密" not in again.stderr


def test_a_plain_register_with_operators_is_converted_at_a_sign_in_and_all_keep_access(
        db_path: Path) -> None:
    db = signed_in(Database(db_path))
    Register(db, today=lambda: TODAY).save(elder())
    OperatorBook(db).add("王经办", "clerk-pass", "clerk")
    db.close()
    said = cli("worklist", "--db", str(db_path))
    assert said.returncode == 0 and "登记册已加密" in said.stderr
    assert unreadable_by_sqlite3(db_path)
    # The other operator's wrap was made from the stored hash: their password works.
    assert register_keys.unlock(db_path, "王经办", "clerk-pass")
    assert persons(db_path) == 1


def test_a_register_held_open_elsewhere_is_left_plain_with_a_message_and_converts_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Windows the rename over the register fails while another program has it open
    (PermissionError, WinError 32): simulated here for the register alone."""
    from carecenter.cli.entry import main

    old = convert_fixture(tmp_path)
    with sqlite3.connect(old) as raw:
        count = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    raw.close()
    real = os.replace

    def held(source: object, target: object) -> None:
        if Path(str(target)) == old:
            raise PermissionError(13, "另一个程序正在使用此文件,进程无法访问。", str(target))
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held)
    assert main(["worklist", "--db", str(old)]) == 1
    said = capsys.readouterr().err
    assert "正被其他程序使用" in said and "请关闭正在使用该文件的程序后重试" in said
    assert "登记册未改变(仍未加密)" in said and "-encrypt.db" in said and "Traceback" not in said
    # Left as it was: plain, whole, nothing beside it but the backup taken first.
    assert not unreadable_by_sqlite3(old)
    with sqlite3.connect(old) as raw:
        assert raw.execute("SELECT count(*) FROM person").fetchone()[0] == count
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    assert not key_file.key_path(old).exists()
    assert not old.with_name(old.name + ".encrypting").exists()
    assert any(p.name.endswith("-encrypt.db") for p in backups.folder_for(old).glob("*.db"))
    # The other program closed: the next sign-in converts it.
    monkeypatch.setattr(os, "replace", real)
    assert main(["worklist", "--db", str(old)]) == 0
    assert unreadable_by_sqlite3(old) and persons(old) == count


KILL_AT = {
    # The step of the conversion at which the process dies.
    "export": "carecenter.storage.cipher.export",
    "key file": "carecenter.storage.key_file.write",
    "rename": "os.replace",
}


@pytest.mark.parametrize("step", [*KILL_AT, "after rename"])
def test_a_conversion_killed_at_any_step_leaves_a_register_that_opens(
        tmp_path: Path, step: str) -> None:
    old = convert_fixture(tmp_path)
    with sqlite3.connect(old) as raw:
        count = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    raw.close()
    target = KILL_AT.get(step, "carecenter.storage.cipher.sync")
    module, _, name = target.rpartition(".")
    after = step == "after rename"
    script = (
        "import importlib, os, sys\n"
        f"m = importlib.import_module({module!r})\n"
        f"real = getattr(m, {name!r})\n"
        "def dying(*a, **k):\n"
        f"    if {after!r}:\n"
        "        real(*a, **k)\n"
        f"    if {step!r} != 'rename' or str(a[1]).endswith('村里.db'):\n"
        "        os._exit(9)\n"
        "    return real(*a, **k)\n"
        f"setattr(m, {name!r}, dying)\n"
        "from carecenter.cli.entry import main\n"
        f"sys.exit(main(['worklist', '--db', {str(old)!r}]))\n")
    died = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=120)
    assert died.returncode == 9, died.stderr
    # Whatever was left opens, with all its people: the plain file or the encrypted one.
    assert persons(old) == count
    finished = cli("worklist", "--db", str(old))
    assert finished.returncode == 0, finished.stderr
    assert unreadable_by_sqlite3(old) and persons(old) == count


def test_an_encrypted_backup_restores_after_the_operators_changed(
        demo: Path, tmp_path: Path) -> None:
    made = cli("backup", "--db", str(demo), "--to", str(tmp_path / "U盘"))
    assert made.returncode == 0, made.stderr
    [backup] = (tmp_path / "U盘").glob("*.db")
    db = opened(demo)
    OperatorBook(db).add("王经办", "clerk-pass", "clerk")
    Register(db, today=lambda: TODAY).save(elder(name="李四", sequence="004"))
    db.close()
    restored = cli("restore", str(backup), "--db", str(demo))
    assert restored.returncode == 0, restored.stderr
    assert unreadable_by_sqlite3(demo) and persons(demo) == 12
    # The backup's operators are the register's again: 王经办 came after it.
    assert register_keys.names(demo) == [SUITE_OPERATOR]
    # The set-aside register keeps what was there, encrypted too.
    [aside] = backups.folder_for(demo).glob("*-restore.db")
    assert unreadable_by_sqlite3(aside)


def test_a_plain_backup_restores_into_an_encrypted_register(database: Database,
                                                            tmp_path: Path) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    plain = database.back_up("manual", tmp_path / "旧")
    assert plain is not None and not unreadable_by_sqlite3(plain)
    register_keys.protect(database, SUITE_OPERATOR, SUITE_PASSWORD)
    assert database.encrypted
    Register(database, today=lambda: TODAY).save(elder(name="李四", sequence="004"))
    register_keys.restore(database, plain)
    assert unreadable_by_sqlite3(Path(database.location))
    assert Register(database).count("active") == 1
    database.close()
    assert persons(Path(database.location)) == 1


def test_a_restore_another_program_holds_the_register_for_leaves_it_unchanged(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Register(database, today=lambda: TODAY).save(elder())
    plain = database.back_up("manual", tmp_path / "旧")
    assert plain is not None
    register_keys.protect(database, SUITE_OPERATOR, SUITE_PASSWORD)
    Register(database, today=lambda: TODAY).save(elder(name="李四", sequence="004"))
    register = Path(database.location)
    real_replace = os.replace

    def refused(source: object, target: object) -> None:
        if Path(str(target)) == register:  # Windows: the file is open in another program
            raise PermissionError(13, "另一个程序正在使用此文件")
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(backups.KnownError, match="正被其他程序使用.*登记册未改变"):
        register_keys.restore(database, plain)
    monkeypatch.undo()
    # The register is as it was: encrypted, both people, its operators, nothing half-made.
    assert not list(register.parent.glob("*.restoring"))
    assert SUITE_OPERATOR in register_keys.names(register)
    database.close()
    assert unreadable_by_sqlite3(register) and persons(register) == 2
