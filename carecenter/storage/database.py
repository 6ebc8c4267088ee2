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
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from carecenter.errors import DatabaseError
from carecenter.storage import postgres, villages
from carecenter.storage.backends import Conflict, conflict_message, is_retryable
from carecenter.storage.location import (
    SCHEMA_HEAD,
    is_server,
    resolve,  # noqa: F401 (callers open what they resolve)
    shown,
    url_for,
)
from carecenter.storage.postgres import TOWNSHIP
from carecenter.storage.villages import ONLY_VILLAGE

# Which village of a township's server to open (its id, name or code, or '*' for all),
# until operators are bound to villages (issue 18).
SCOPE_VAR = "CARECENTER_VILLAGE"

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


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(db: str, scope: postgres.Scope | None = None) -> Engine:
    url = url_for(db)
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
    if url.startswith("postgresql"):
        return postgres.make_engine(url, scope or postgres.Scope(TOWNSHIP))
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
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table to change its keys (SQLite cannot ALTER them), and
            # dropping the original would break every reference to it with foreign keys
            # on: off for the migration (only outside a transaction), checked at its end.
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                if not sqlite:
                    # The schema is the township's: a migration moves every village's rows.
                    connection.execute(text("SELECT set_config(:name, :value, true)"),
                                       {"name": postgres.SCOPE_SETTING, "value": TOWNSHIP})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError(
                        "数据库升级后有记录指向不存在的记录,升级已撤销,数据未改变。")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=ON")


def _busy(error: OperationalError) -> bool:
    text_ = str(error.orig).lower()
    return "locked" in text_ or "busy" in text_


def _explain(error: OperationalError) -> str:
    """What the clerk can do about a write the database refused."""
    text_ = str(error.orig).lower()
    if _busy(error):
        return "数据库正被另一个窗口或程序使用,请关闭其他“留守关爱”窗口后重试。本次修改未保存。"
    if "readonly" in text_ or "read-only" in text_:
        return "数据库文件是只读的,无法保存。请检查文件权限或换一个位置。本次修改未保存。"
    if "disk" in text_ or "full" in text_:
        return "磁盘空间不足,无法保存。请清理磁盘后重试。本次修改未保存。"
    return f"保存失败:{error.orig}。本次修改未保存。"


class Database:
    """An open database: the engine and a session factory, schema up to date.

    ``scope`` is what this program may see of a township's server: one village's id, or
    ``TOWNSHIP`` for all (a village's SQLite file holds that one village only)."""

    def __init__(self, db: str | os.PathLike[str] | None = None, migrate: bool = True,
                 scope: str | int | None = None) -> None:
        self.location = resolve(db)
        wanted = str(scope) if scope is not None else os.environ.get(SCOPE_VAR) or None
        self._scope = postgres.Scope(TOWNSHIP)
        self.engine = make_engine(self.location, self._scope)
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if migrate:
                upgrade(self.engine)
            self._settle_scope(wanted)
        except SADatabaseError as e:
            self.engine.dispose()
            what = "数据库" if is_server(self.location) else "数据库文件"
            raise DatabaseError(
                f"无法打开{what} {shown(self.location)}:它可能已损坏或不是本程序的数据文件。"
                f"({e.orig})"
            ) from e
        except DatabaseError:
            self.engine.dispose()
            raise
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def scope(self) -> str:
        """The village this program sees (its id as text), or TOWNSHIP for all of them."""
        return self._scope.value

    @property
    def on_server(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def _settle_scope(self, wanted: str | None) -> None:
        """Which villages this program sees. A village's file is its one village; on a
        server, the village asked for, else the only one there, else the township."""
        if not self.on_server:
            if wanted not in (None, TOWNSHIP, str(ONLY_VILLAGE)):
                raise DatabaseError("村的数据库文件只有本村一个村,无法按其他村打开。")
            self._scope.value = str(ONLY_VILLAGE)
            return
        with self.engine.connect() as connection:
            known = villages.listed(connection)  # a township connection still: all
            bypass = postgres.bypasses_policies(connection)
        if wanted is None:
            wanted = str(known[0].id) if len(known) == 1 else TOWNSHIP
        elif wanted != TOWNSHIP:
            match = [v for v in known if wanted in (str(v.id), v.name, v.code)]
            if not match:
                raise DatabaseError(f"服务器上没有“{wanted}”这个村。")
            wanted = str(match[0].id)
        if wanted != TOWNSHIP and bypass:
            raise DatabaseError(
                "连接服务器所用的账户不受行级安全策略限制(超级用户或 BYPASSRLS),"
                "无法只看本村的数据。请为本程序建立一个普通账户。")
        self._scope.value = wanted
        self.engine.dispose()  # connections made from now on carry the scope

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write: all of it is saved, or none of it (the one way the core writes)."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except DBAPIError as e:
            if is_retryable(e):  # backends.retrying runs the whole write again
                raise Conflict(conflict_message(e)) from e
            if isinstance(e, OperationalError):
                message = _explain(e)
                if _busy(e):
                    # SQLite's own "another writer came first": the same case as a
                    # server's serialization failure, and run again the same way.
                    raise Conflict(message) from e
                raise DatabaseError(message) from e
            if not isinstance(e, IntegrityError):
                raise
            # Another window saved the same ID number a moment before this one.
            raise DatabaseError(
                f"保存与已有数据冲突:{e.orig}。本次修改未保存,请刷新后重试。"
            ) from e

    def close(self) -> None:
        self.engine.dispose()
