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
from carecenter.rules import roles
from carecenter.rules.roles import Operator
from carecenter.storage.location import (
    SCHEMA_HEAD,
    resolve,  # noqa: F401 (callers open what they resolve)
    url_for,
)

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


def make_engine(db: str) -> Engine:
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


def _explain(error: OperationalError) -> str:
    """What the clerk can do about a write the database refused."""
    text_ = str(error.orig).lower()
    if "locked" in text_ or "busy" in text_:
        return "数据库正被另一个窗口或程序使用,请关闭其他“留守关爱”窗口后重试。本次修改未保存。"
    if "readonly" in text_ or "read-only" in text_:
        return "数据库文件是只读的,无法保存。请检查文件权限或换一个位置。本次修改未保存。"
    if "disk" in text_ or "full" in text_:
        return "磁盘空间不足,无法保存。请清理磁盘后重试。本次修改未保存。"
    return f"保存失败:{error.orig}。本次修改未保存。"


class Database:
    """An open database: the engine and a session factory, schema up to date."""

    def __init__(self, db: str | os.PathLike[str] | None = None, migrate: bool = True) -> None:
        self.location = resolve(db)
        self.engine = make_engine(self.location)
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            if migrate:
                upgrade(self.engine)
        except SADatabaseError as e:
            self.engine.dispose()
            raise DatabaseError(
                f"无法打开数据库文件 {self.location}:它可能已损坏或不是本程序的数据文件。"
                f"({e.orig})"
            ) from e
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Who is signed in (``carecenter.access.operators.sign_in``): every write is
        # theirs, checked against their role here and named in the audit log.
        self.operator: Operator | None = None

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def transaction(self, need: str = roles.CLERK, what: str = "修改登记册"
                    ) -> Iterator[Session]:
        """One write: all of it is saved, or none of it (the one way the core writes).

        Only for a signed-in operator whose role allows ``need`` (issue 18: the role is
        checked here, in the core, whatever path the write came by); the session
        carries the operator (``session.info["operator"]``) for the audit log."""
        operator = roles.require(self.operator, need, what)
        try:
            with self.sessions() as session, session.begin():
                session.info["operator"] = operator
                yield session
        except OperationalError as e:
            raise DatabaseError(_explain(e)) from e
        except IntegrityError as e:
            # Another window saved the same ID number a moment before this one.
            raise DatabaseError(
                f"保存与已有数据冲突:{e.orig}。本次修改未保存,请刷新后重试。"
            ) from e

    def close(self) -> None:
        self.engine.dispose()
