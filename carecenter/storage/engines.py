"""Engines for each kind of register: a SQLite file through SQLCipher (its key, pragmas,
read-only connections that never delete the WAL, BEGIN IMMEDIATE for writes, a pooled
connection dropped when its file was replaced), a PostgreSQL server, or any other URL.
``database.Database`` opens one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError

from carecenter.errors import DatabaseError
from carecenter.storage import cipher, key_file, postgres
from carecenter.storage.location import (
    resolve,  # noqa: F401 (callers open what they resolve)
    url_for,
)
from carecenter.storage.postgres import TOWNSHIP


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
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


WRITE_OPTION = "carecenter_write"


class KeyHolder:
    """The key an SQLite engine's connections are opened with (None: a plain file). One
    object per engine, read at each new connection: converting a register to encrypted
    swaps the key and empties the pool, and every holder of the engine goes on."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key


def _sqlite_engine(path: Path, keys: KeyHolder, read_only: bool) -> Engine:
    # Every SQLite register is opened through SQLCipher's module (sqlite3's interface):
    # with a key for an encrypted register, without for a plain one (issue 18).

    def connect() -> Any:
        if keys.key is None and key_file.looks_encrypted(path):
            # Encrypted since this engine was made, by a sign-in in this process (a
            # command's conversion): the key it unwrapped then. By another process: this
            # one has to sign in again.
            keys.key = cipher.known_key_for(path)
            if keys.key is None and key_file.encrypted(path):
                raise cipher.RegisterEncrypted(cipher.encrypted_message(path))
        return cipher.connect(path, keys.key, read_only=read_only)

    # The URL names the file so that SQLAlchemy pools as for a file (QueuePool), though
    # the connections come from ``creator``.
    engine = create_engine("sqlite:///" + str(path), creator=connect, module=cipher.dbapi())
    event.listen(engine, "connect", _note_file)
    event.listen(engine, "checkout", _same_file)
    return engine


def _file_id(record: Any) -> tuple[int, int] | None:
    path = record.info.get("carecenter_path")
    try:
        found = os.stat(path) if path else None
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if found else None


def _note_file(dbapi_connection: Any, record: Any) -> None:
    # Which file this connection has open: the register's path may come to name another
    # (encrypted by a conversion, or a backup restored, each renamed into place).
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    record.info["carecenter_path"] = next((r[2] for r in rows if r[1] == "main"), None)
    record.info["carecenter_file"] = _file_id(record)


def _same_file(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A pooled connection to a file since replaced is dropped, not read stale: the pool
    opens a new one, on the file the path names now (with its key, ``KeyHolder``)."""
    if record.info.get("carecenter_file") != _file_id(record):
        raise DisconnectionError("the register file was replaced")


def make_engine(db: str, read_only: bool = False,
                scope: postgres.Scope | None = None, keys: KeyHolder | None = None) -> Engine:
    url = url_for(db)
    keys = keys or KeyHolder()
    if url.startswith("sqlite:///") and read_only:
        # Read-only connections cannot checkpoint, so closing them never deletes the
        # WAL the register's holder still writes into (PLATFORM.md, SQLite locks).
        path = Path(url.removeprefix("sqlite:///"))
        engine = _sqlite_engine(path, keys, read_only=True)
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
        engine = _sqlite_engine(path, keys, read_only=False)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        return postgres.make_engine(url, scope or postgres.Scope(TOWNSHIP))
    return create_engine(url, pool_pre_ping=True)
