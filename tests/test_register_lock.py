"""One writer per register: the app holds it, a second writer is refused by name,
readers still read, a dead holder's lock is taken over; writes begin IMMEDIATE."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text

from carecenter.cli.entry import main
from carecenter.register.people import Register
from carecenter.storage.database import Database
from carecenter.storage.register_lock import RegisterHeld, RegisterLock, holder_of
from tests.conftest import elder, signed_in

ROOT = Path(__file__).resolve().parent.parent

# The app, reduced to what matters here: it holds the register and has saved one person.
HOLDER = """
import sys
from carecenter.storage.database import Database
from carecenter.register.people import Register
from tests.conftest import elder, signed_in
database = signed_in(Database(sys.argv[1], hold=True))
Register(database).save(elder())
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def app_holding(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()
    assert process.stdin is not None
    process.stdin.close()


def test_a_second_holder_is_refused_naming_computer_user_and_since(db_path: Path) -> None:
    first = signed_in(Database(db_path, hold=True))
    try:
        with pytest.raises(RegisterHeld) as refused:
            signed_in(Database(db_path, hold=True))
        message = refused.value.message
        assert socket.gethostname() in message and "2026-11-23 10:00" in message
        assert "只能在一处修改" in message
    finally:
        first.close()
    signed_in(Database(db_path, hold=True)).close()  # released with the first window


def test_a_write_from_elsewhere_is_refused_while_a_window_holds_the_register(
        db_path: Path) -> None:
    holding = signed_in(Database(db_path, hold=True))
    other = signed_in(Database(db_path))
    try:
        with pytest.raises(RegisterHeld):
            Register(other).save(elder())
        assert Register(other).count() == 0  # reading still works
        Register(holding).save(elder())
        assert Register(other).count() == 1
    finally:
        other.close()
        holding.close()


def test_a_running_app_refuses_writing_commands_but_not_reading_ones(
        db_path: Path, app_holding: subprocess.Popen[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "--db", str(db_path), "--set", "village.name=白竹村"]) == 1
    err = capsys.readouterr().err
    assert "正由计算机" in err and socket.gethostname() in err
    assert main(["import", str(ROOT / "tests/data/does-not-matter.xlsx"),
                 "--db", str(db_path)]) == 1
    assert "正由计算机" in capsys.readouterr().err
    assert main(["worklist", "--db", str(db_path)]) == 0
    assert main(["check", "--db", str(db_path)]) == 0
    assert main(["backup", "--db", str(db_path)]) == 0
    capsys.readouterr()
    # A power cut: the holder dies without letting go; its lock goes with it.
    app_holding.send_signal(signal.SIGKILL)
    app_holding.wait()
    assert main(["settings", "--db", str(db_path), "--set", "village.name=白竹村"]) == 0
    assert holder_of(db_path) is None
    database = signed_in(Database(db_path))
    assert Register(database).count() == 1
    database.close()


def test_a_second_app_window_is_refused_with_the_holder_named(
        db_path: Path, app_holding: subprocess.Popen[str]) -> None:
    holder = holder_of(db_path)
    assert holder is not None and holder.pid == app_holding.pid and holder.lasting
    with pytest.raises(RegisterHeld) as refused:
        signed_in(Database(db_path, hold=True))
    assert holder.user in refused.value.message


def test_a_stale_lock_file_of_a_dead_holder_is_taken_over(db_path: Path) -> None:
    signed_in(Database(db_path)).close()
    lock = db_path.with_name(db_path.name + ".lock")
    lock.write_text('{"computer": "村委会", "user": "old", "since": "2026-01-01T08:00:00",'
                    ' "pid": 999999, "lasting": true}', encoding="utf-8")
    assert holder_of(db_path) is None
    database = signed_in(Database(db_path, hold=True))
    assert f'"pid": {os.getpid()}' in lock.read_text(encoding="utf-8")
    database.close()


def test_writes_begin_immediate_and_reads_begin_deferred(database: Database) -> None:
    begun: list[str] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.startswith("BEGIN"):
            begun.append(statement)

    database.ensure_sound()  # its own reading, once a session
    begun.clear()
    with database.transaction() as session:
        session.execute(text("UPDATE setting SET value = value"))
    assert begun == ["BEGIN IMMEDIATE"]
    begun.clear()
    Register(database).count()
    assert begun == ["BEGIN"]


def test_a_save_waits_for_another_writer_instead_of_failing_at_once(
        database: Database, db_path: Path) -> None:
    register = Register(database)
    register.save(elder())
    from carecenter.storage import cipher

    # The program's own SQLite library (SQLCipher's): another one in this process would
    # not see the lock at all.
    other = cipher.connect(db_path, None)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE setting SET value = value")
    def release() -> None:
        time.sleep(0.3)  # a plain sleep: a timed wait (threading.Timer) never ends under
        other.execute("COMMIT")  # faketime, whose monotonic clock the kernel does not share

    releaser = threading.Thread(target=release)
    releaser.start()
    try:
        with database.transaction() as session:
            # A deferred BEGIN would read a snapshot here and then fail with BUSY.
            assert session.execute(text("SELECT count(*) FROM person")).scalar() == 1
            session.execute(text("UPDATE person SET note = 'x'"))
    finally:
        releaser.join()
        other.close()


def test_a_lock_file_in_the_way_names_the_folder(tmp_path: Path) -> None:
    register = tmp_path / "nope" / "register.db"
    with pytest.raises(Exception) as refused:
        RegisterLock(register).acquire()
    assert "nope" in str(refused.value)


def test_a_register_opened_during_another_commands_write_can_still_write(
        db_path: Path) -> None:
    """Only a window (a lasting holder) makes a newly opened register read-only; a
    command's write holding the lock for a moment is waited for (it had left the second
    writer read-only for good, refused as "只读")."""
    signed_in(Database(db_path)).close()
    writing = RegisterLock(db_path, lasting=False)
    writing.acquire()
    try:
        database = Database(db_path)
        assert not database.read_only
    finally:
        writing.release()
    try:
        Register(signed_in(database)).save(elder())
        assert Register(database).count() == 1
    finally:
        database.close()
    window = RegisterLock(db_path, lasting=True)
    window.acquire()
    try:
        reader = Database(db_path)
        assert reader.read_only
        reader.close()
    finally:
        window.release()
