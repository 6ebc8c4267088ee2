"""The register encrypted at rest: SQLCipher connections with a raw 32-byte key (issue 18).

Every connection to an encrypted register is ``sqlcipher3`` with ``PRAGMA key`` as its
very first statement. The key is used raw (``x'<64 hex>'``): no key derivation per
connection, so opening one costs what a plain SQLite connection costs; the slow part
(scrypt) is done once, when an operator's password unwraps the key
(``storage.key_file``). Which registers are encrypted: a file that does not start with
SQLite's header and has its key file beside it.

``export`` copies a whole database into a new file with another key (or none) through
``sqlcipher_export``: used to convert a plain register once, and to restore a plain
backup into an encrypted register. A server's encryption (PostgreSQL) is the server's
business: nothing here touches a URL.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from carecenter.errors import DatabaseError
from carecenter.storage import key_file
from carecenter.storage.key_file import looks_encrypted
from carecenter.storage.location import sync_folder

__all__ = ["looks_encrypted"]  # callers ask it here, beside the connections

KEY_BYTES = 32
CACHE_KB = 16 * 1024  # per connection, for an encrypted register
HEAP_LIMIT = 64 * 1024 * 1024  # all of SQLite's memory in this process, softly


# The register keys this process has unwrapped (usually one): what backups and the
# restore try on an encrypted file. Only in memory, as the open register's key is.
_KNOWN: list[bytes] = []


def remember(key: bytes) -> None:
    if key not in _KNOWN:
        _KNOWN.append(key)


def known_keys() -> list[bytes]:
    return list(_KNOWN)


def known_key_for(path: Path) -> bytes | None:
    """The key of the encrypted register at ``path`` if this process has unwrapped it
    already (an operator signed in to it here: a command that converted it, a restore),
    checked against its key file; None otherwise (a plain file, or a key not known)."""
    if not _KNOWN or not looks_encrypted(path):
        return None
    try:
        keys = key_file.read(path)
    except DatabaseError:
        return None
    if keys is None:
        return None
    return next((k for k in _KNOWN if any(w.fits(k) for w in keys.wraps)), None)


class RegisterEncrypted(DatabaseError):
    """An encrypted register opened without its key."""


def encrypted_message(path: Path) -> str:
    return (f"登记册 {path} 已加密,请先登录:在程序中输入操作员姓名和密码;命令行请用 "
            "--operator 或环境变量 CARECENTER_OPERATOR 指明操作员,密码取自 "
            "CARECENTER_PASSWORD 或在提示时输入。")


def dbapi() -> Any:
    """The SQLCipher DB-API module (sqlite3's interface)."""
    import sqlcipher3.dbapi2

    if not _QUIET:
        # A wrong key is an answer here (a backup tried with the keys this process
        # knows), not an error for SQLCipher to print on stderr.
        quiet = sqlcipher3.dbapi2.connect(":memory:")
        quiet.execute("PRAGMA cipher_log_level = NONE")
        # The page caches of all connections together stay within this (SQLite frees
        # the least used pages beyond it): a pool of connections each with its own
        # large cache would otherwise add up (bench: peak memory).
        quiet.execute(f"PRAGMA soft_heap_limit = {HEAP_LIMIT}")
        quiet.close()
        # None is bound as NULL either way, but the module finds that out the slow way,
        # asking the value and the protocol to adapt themselves (attribute look-ups that
        # fail) for each None: a ledger's person rows, half their 49 values None, went
        # in at 45 µs a row instead of 9 (measured: 10,000 rows, 0.43 s -> 0.09 s).
        # An adapter for None is found at once in the module's table.
        sqlcipher3.dbapi2.register_adapter(type(None), _null)
        _QUIET.append(True)
    return sqlcipher3.dbapi2


def _null(_value: None) -> None:
    return None


_QUIET: list[bool] = []


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a register key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(target: str | Path, key: bytes | None, *, uri: bool = False,
            read_only: bool = False) -> Any:
    """A DB-API connection to ``target``, keyed before anything else is said to it;
    ``read_only`` opens the file with ``mode=ro``. No key: a plain SQLite file, through
    the same module (so a caller has one kind of error to catch)."""
    module = dbapi()
    if read_only:
        target = Path(target).resolve().as_uri() + "?mode=ro"
        uri = True
    connection = module.connect(str(target), uri=uri, check_same_thread=False)
    if key is not None:
        connection.execute(key_pragma(key))
        # Each page read from the file is decrypted and its HMAC checked; a page in
        # SQLite's own cache is not. SQLite's default 2 MB cache cannot hold the indexes a
        # search reads (the name and ID-number ones are ~10 MB at 100,000 people), so
        # every keystroke decrypted them again: twice the plain file's CPU time; with
        # 16 MB, no more than the plain file's (measured at 100,000 people).
        connection.execute(f"PRAGMA cache_size = -{CACHE_KB}")
    return connection


def readable(path: Path, key: bytes | None) -> bool:
    """Whether ``key`` (None: no key) opens the file as a database."""
    module = dbapi()
    try:
        connection = connect(path, key, read_only=True)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except module.Error:
        return False
    return True


def export(source: Any, target: Path, key: bytes | None) -> None:
    """The whole database of the open connection ``source`` into the new file ``target``
    encrypted with ``key`` (None: plain), in rollback-journal mode, fsynced. The file is
    not renamed into place here: the caller decides when (an atomic ``os.replace``)."""
    target.unlink(missing_ok=True)
    secret = "''" if key is None else f"\"x'{key.hex()}'\""
    escaped = str(target).replace("'", "''")
    source.execute(f"ATTACH DATABASE '{escaped}' AS converted KEY {secret}")
    try:
        source.execute("SELECT sqlcipher_export('converted')")
        # user_version is not exported: carried over by hand (Alembic does not use it,
        # but whatever set it keeps it).
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA converted.user_version = {int(version)}")
    finally:
        source.execute("DETACH DATABASE converted")
    sync(target)


def put_in_place(converted: Path, register: Path, backup: Path | None) -> None:
    """Rename the ``converted`` file over the ``register`` (atomic) and make it last.

    On Windows the rename fails while any other program holds the register open (a
    second copy of the program, a backup or sync tool, an antivirus scan, a database
    viewer): then the converted file and the key file written for it are removed, the
    register is left as it was (not encrypted), and the clerk is told what to do; the
    backup taken before the conversion (``backup``) stays."""
    try:
        os.replace(converted, register)
    except OSError as error:
        for written in (converted, key_file.key_path(register)):
            with contextlib.suppress(OSError):
                written.unlink(missing_ok=True)
        kept = f",加密前做的备份已保留({backup.name})" if backup is not None else ""
        if isinstance(error, PermissionError):
            raise DatabaseError(
                f"登记册文件 {register.name} 正被其他程序使用,无法加密。请关闭正在使用该文件的"
                f"程序后重试。登记册未改变(仍未加密){kept}。") from error
        raise DatabaseError(
            f"无法加密登记册:替换登记册文件 {register.name} 时出错({error.strerror or error})。"
            f"请检查磁盘空间和文件夹的权限后重试。登记册未改变(仍未加密){kept}。") from error
    sync(register)


def sync(path: Path) -> None:
    with open(path, "rb+") as written:
        os.fsync(written.fileno())
    sync_folder(path)  # the rename that follows must survive a power cut too
