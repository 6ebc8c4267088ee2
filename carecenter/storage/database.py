"""Opening the database: the SQLite pragmas, schema migrations, one way to write.

SQLite in the user's data folder by default; ``--db PATH`` or ``CARECENTER_DB`` picks
another file, and a ``postgresql+psycopg://`` URL a township server (where:
``carecenter.storage.location``). The schema is created and upgraded only by the Alembic
migrations in ``carecenter/migrations``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from carecenter.errors import DatabaseError
from carecenter.storage.location import (
    SCHEMA_HEAD,
    resolve,  # noqa: F401 (callers open what they resolve)
    sqlite_file,
    url_for,
)
from carecenter.storage.register_lock import RegisterLock

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite commits before every CREATE or ALTER on its own, so a migration cut off
    # halfway would stay half-done. Take over: no implicit transactions, and an explicit
    # BEGIN when SQLAlchemy starts one (_sqlite_begin), so DDL rolls back like any write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # A power cut must not lose the last save the clerk was told had succeeded.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write starts as BEGIN IMMEDIATE: it takes the write lock at once and waits
    # busy_timeout for it. A plain BEGIN upgrades late and is refused at once (BUSY)
    # when another writer got there first, whatever busy_timeout says (PLATFORM.md).
    if connection.get_execution_options().get(_WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


_WRITE_OPTION = "carecenter_write"


def make_engine(db: str, read_only: bool = False) -> Engine:
    url = url_for(db)
    if url.startswith("sqlite:///") and read_only:
        # Read-only connections cannot checkpoint, so closing them never deletes the
        # WAL the register's holder still writes into (PLATFORM.md, SQLite locks).
        path = Path(url.removeprefix("sqlite:///"))
        engine = create_engine("sqlite:///" + path.as_uri() + "?mode=ro&uri=true")
        event.listen(engine, "connect", _sqlite_read_only_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatabaseError(
                f"无法在 {path.parent} 建立数据库文件:该位置不是文件夹或没有写入权限"
                f"({e.strerror})"
            ) from e
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to this program's version; refuse a newer database."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseError(
            "这个数据库文件是更新版本的程序建立的(版本 "
            f"{current}),本程序无法打开。请先把程序升级到最新版本。"
        )
    if current == script.get_current_head():
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _explain(error: OperationalError, path: Path | None = None) -> str:
    """What the clerk can do about a write the database refused."""
    text_ = str(error.orig).lower()
    if "locked" in text_ or "busy" in text_:
        return "数据库正被另一个窗口或程序使用,请关闭其他“留守关爱”窗口后重试。本次修改未保存。"
    if "readonly" in text_ or "read-only" in text_ or (path and not _writable(path)):
        return (f"登记册所在的文件夹或文件是只读的({path.parent if path else ''}),无法保存。"
                "请检查权限或把登记册放到可以写入的文件夹。本次修改未保存。")
    if "disk" in text_ or "full" in text_:
        return "磁盘空间不足,无法保存。请清理磁盘后重试。本次修改未保存。"
    return f"保存失败:{error.orig}。本次修改未保存。"


def _writable(path: Path) -> bool:
    """Whether the register can be written where it is (its folder and the file itself)."""
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def missing_register(path: Path) -> DatabaseError:
    return DatabaseError(
        f"登记册文件 {path} 不存在。请检查路径是否写错;"
        "要新建登记册,请用 python -m carecenter create --db 路径。")


class Database:
    """An open database: the engine and a session factory, schema up to date.

    ``hold=True`` (the app, a writing command) holds the register's lock from here to
    ``close``: nobody else may write meanwhile. Without it, each write takes the lock
    for its own length, and is refused while someone holds the register. ``create=False``
    refuses a SQLite path that does not exist (a mistyped ``--db``), before anything is
    created.
    """

    def __init__(self, db: str | os.PathLike[str] | None = None, migrate: bool = True,
                 hold: bool = False, create: bool = True,
                 lock: RegisterLock | None = None) -> None:
        self.location = resolve(db)
        self.path = sqlite_file(self.location)
        # ``lock``: the app took the register's lock before anything read it; it is
        # this database's from here and released by ``close``.
        self.lock = lock or (RegisterLock(self.path, lasting=True) if self.path else None)
        self._writing_depth = 0
        self._soundness: str | None = None  # None: not checked yet; "": sound
        if self.path is not None and not create and not self.path.exists():
            raise missing_register(self.path)
        if hold and self.lock is not None:
            self.lock.acquire()  # before SQLite opens the file at all
        # Held by another window: this one only reads, and through read-only connections.
        self.read_only = (self.path is not None and not self.holds and self.path.exists()
                          and not self.can_write())
        try:
            self.engine = make_engine(self.location, read_only=self.read_only)
            self._open(migrate)
        except BaseException:
            if self.lock is not None:
                self.lock.release()
            raise
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.writer = self.engine.execution_options(**{_WRITE_OPTION: True})
        self.write_sessions = sessionmaker(self.writer, expire_on_commit=False)

    def _open(self, migrate: bool) -> None:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if migrate and current_revision(self.engine) != SCHEMA_HEAD:
                if self.read_only:
                    raise DatabaseError(
                        f"登记册 {self.path} 的数据版本与本程序不同,而它正在别处打开,"
                        "无法升级。请先关闭那里的“留守关爱”,再重试。")
                with self.writing():
                    self._back_up_before_migration()
                    upgrade(self.engine.execution_options(**{_WRITE_OPTION: True}))
        except SADatabaseError as e:
            self.engine.dispose()
            if self.path is not None and not _writable(self.path):
                raise DatabaseError(
                    f"登记册所在的文件夹或文件是只读的({self.path.parent}),无法打开来修改。"
                    "文件本身没有损坏;请检查权限,或把登记册复制到可以写入的文件夹。"
                    f"({e.orig})") from e
            raise DatabaseError(
                f"无法打开数据库文件 {self.location}:它可能已损坏或不是本程序的数据文件。"
                f"({e.orig})") from e
        except BaseException:
            self.engine.dispose()
            raise

    def _back_up_before_migration(self) -> None:
        if self.path is None or current_revision(self.engine) is None:
            return  # a new register: nothing to keep yet
        from carecenter.storage import backups

        backups.take(self.path, kind=backups.MIGRATION)

    def back_up(self, kind: str, folder: Path | None = None) -> Path | None:
        """A backup of the register now (``storage.backups``); None for a server."""
        if self.path is None:
            return None
        from carecenter.storage import backups

        return backups.take(self.path, folder, kind=kind)

    def restore_from(self, backup: Path) -> Path:
        """Replace the register's content by a backup's (checked first); the current
        register is kept aside, its path returned. Refused while held elsewhere."""
        if self.path is None:
            raise DatabaseError("服务器上的数据库请用服务器自己的工具恢复")
        from carecenter.storage import backups

        with self.writing():
            self.engine.dispose()  # no connection of ours on the old content
            restored = backups.restore(backup, self.path)
            self._soundness = None
            if current_revision(self.engine) != SCHEMA_HEAD:
                upgrade(self.engine.execution_options(**{_WRITE_OPTION: True}))
        return restored.set_aside

    def session(self) -> Session:
        return self.sessions()

    @property
    def holds(self) -> bool:
        """Whether this window holds the register for as long as it is open."""
        return self.lock is not None and self.lock.held

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The register's lock for the length of one write (kept if already held)."""
        if self.lock is None or self.lock.held or self._writing_depth:
            self._writing_depth += 1
            try:
                yield
            finally:
                self._writing_depth -= 1
            return
        assert self.path is not None
        with RegisterLock(self.path).waiting():
            self._writing_depth += 1
            try:
                yield
            finally:
                self._writing_depth -= 1

    def can_write(self) -> bool:
        """Whether a write would get the register's lock now (nobody else holds it)."""
        if self.lock is None or self.lock.held or self._writing_depth:
            return True
        assert self.path is not None
        probe = RegisterLock(self.path)
        try:
            probe.acquire()
        except DatabaseError:
            return False
        probe.release()
        return True

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A transaction that is always rolled back: derived tables brought up to date
        for one reading, while someone else holds the register."""
        with self.sessions() as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()

    def check_soundness(self) -> str:
        """SQLite's quick check, once per session: "" if sound, else what is wrong."""
        if self._soundness is None:
            with self.engine.connect() as connection:
                rows = [r[0] for r in connection.exec_driver_sql(
                    "PRAGMA quick_check(20)").fetchall()]
            self._soundness = "" if rows == ["ok"] else "；".join(map(str, rows))
        return self._soundness

    def ensure_sound(self) -> None:
        """Refuse to write into a damaged register, naming the backup to restore."""
        try:
            problem = self.check_soundness()
        except SADatabaseError as e:
            problem = str(e.orig)
            self._soundness = problem
        if problem:
            raise damaged_register(self.path or Path(self.location), problem)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write: all of it is saved, or none of it (the one way the core writes)."""
        with self.writing():
            self.ensure_sound()
            try:
                with self.write_sessions() as session, session.begin():
                    yield session
            except OperationalError as e:
                raise DatabaseError(_explain(e, self.path)) from e
            except IntegrityError as e:
                # Another window saved the same ID number a moment before this one.
                raise DatabaseError(
                    f"保存与已有数据冲突:{e.orig}。本次修改未保存,请刷新后重试。"
                ) from e

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()


def damaged_register(path: Path, problem: str) -> DatabaseError:
    from carecenter.storage import backups

    good = backups.newest_sound(path)
    if good is None:
        advice = "没有找到可用的备份;请把文件交给维护人员检查。"
    else:
        advice = (f"最近一份完好的备份是 {good.path}({good.taken:%Y-%m-%d %H:%M},"
                  f"{good.persons} 人)。请在菜单“文件 → 从备份恢复”中选择它,或运行 "
                  f"python -m carecenter restore \"{good.path}\" --db \"{path}\"。")
    return DatabaseError(
        f"登记册 {path} 未通过 SQLite 完整性检查(文件已损坏:{problem[:200]})。"
        f"为免损坏扩大,不能再写入。{advice}")
