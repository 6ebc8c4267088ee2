"""Storage: migrations from empty, pragmas, a newer database refused, old ones upgraded."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event

from carecenter.errors import DatabaseError
from carecenter.register.people import Register
from carecenter.storage.database import Database, head_revision, resolve
from carecenter.storage.location import is_server
from carecenter.storage.models import metadata
from carecenter.storage.postgres import include_object
from tests.conftest import TODAY, signed_in

# Run on SQLite and again on PostgreSQL (dev.py test's server pass).
pytestmark = pytest.mark.backends

DATA = Path(__file__).with_name("data")


def test_migrations_from_empty_build_exactly_the_declared_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection,
                                             opts={"include_object": include_object})
        diff = compare_metadata(context, metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_new_database_is_at_the_latest_migration_with_wal_and_foreign_keys(
        db_path: Path, database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    with sqlite3.connect(db_path) as raw:
        (version,) = raw.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == head_revision()


@pytest.mark.sqlite_only
def test_database_from_a_newer_program_is_refused_with_a_clear_message(db_path: Path) -> None:
    signed_in(Database(db_path)).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="更新版本"):
        signed_in(Database(db_path))


def test_a_file_that_is_not_a_database_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is an Excel file, not a database" * 100)
    with pytest.raises(DatabaseError, match="无法打开数据库文件"):
        signed_in(Database(path))


@pytest.mark.parametrize("release", sorted(p.name for p in DATA.glob("register-*.db")))
def test_every_released_database_upgrades_with_its_data_intact(release: str,
                                                               tmp_path: Path) -> None:
    copy = tmp_path / release
    shutil.copy(DATA / release, copy)
    database = signed_in(Database(copy))
    register = Register(database, today=lambda: TODAY)
    people = {register.load(i).name: register.load(i) for i in (1, 2)}
    assert people["张桂兰"].status == "exited"
    assert people["张桂兰"].exit_reason == "moved"
    assert people["单雄信"].supporters[0]["name"] == "张强"
    assert [g.name for g in register.groups.list()] == ["一组"]
    database.close()


def test_database_location_comes_from_argument_then_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CARECENTER_DB", str(tmp_path / "env.db"))
    assert resolve(tmp_path / "arg.db") == str(tmp_path / "arg.db")
    assert resolve(None) == str(tmp_path / "env.db")
    monkeypatch.delenv("CARECENTER_DB")
    assert resolve(None).endswith("carecenter.db")
    # A township's server (issue 22): its URL wins over a village file's path.
    url = "postgresql+psycopg://clerk@192.168.1.10/township"
    monkeypatch.setenv("CARECENTER_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("CARECENTER_DATABASE_URL", url)
    assert resolve(None) == url and is_server(resolve(None))
    assert resolve(tmp_path / "arg.db") == str(tmp_path / "arg.db")  # --db wins over both


def test_the_schema_head_the_program_knows_is_alembics_head() -> None:
    from carecenter.storage.database import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


@pytest.mark.sqlite_only
def test_a_locked_database_refuses_the_save_in_chinese_and_keeps_nothing(
        db_path: Path, database: Database) -> None:
    from carecenter.register.people import Register
    from carecenter.storage import cipher
    from tests.conftest import elder

    register = Register(database, today=lambda: TODAY)
    # Through the SQLite library the program uses (SQLCipher's, issue 18): another
    # library in the same process would not see this lock.
    other = cipher.connect(db_path, None)
    other.isolation_level = None
    other.execute("BEGIN EXCLUSIVE")
    try:
        # Fresh connections that wait 50 ms instead of the clerk's five seconds.
        database.engine.dispose()
        event.listen(database.engine, "connect",
                     lambda conn, _rec: conn.execute("PRAGMA busy_timeout=50"))
        with pytest.raises(DatabaseError, match="另一个窗口"):
            register.save(elder())
    finally:
        other.rollback()
        other.close()
    assert register.count() == 0


def test_a_failed_write_rolls_back_schema_changes_too(database: Database) -> None:
    from sqlalchemy import inspect, text

    with pytest.raises(RuntimeError), database.transaction() as session:
        session.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("power cut")
    with database.engine.connect() as connection:
        assert not inspect(connection).has_table("half_done")


def test_a_setting_is_kept_as_written_and_a_missing_one_gives_the_default(
        tmp_path: Path) -> None:
    from carecenter.settings.settings_store import Settings

    database = signed_in(Database(tmp_path / "s.db"))
    settings = Settings(database)
    assert settings.get("mapping", {"x": 1}) == {"x": 1}
    settings.set("village", {"name": "高良村", "phone": "0771-1234567"})
    settings.set("village", {"name": "高良村村民委员会"})
    database.close()
    again = Settings(signed_in(Database(tmp_path / "s.db")))
    assert again.village()["name"] == "高良村村民委员会"
    assert again.village()["phone"] == ""  # the second write replaced the first whole
    again.database.close()
