"""Restoring a register that can no longer be opened (issue 15: nothing lost).

A register emptied by a failed copy or a power cut, one whose first page is damaged, or
one whose key file is not its own cannot be opened, so it cannot say who may restore it
either: its own operators are in it. Its backups can: an administrator of the backup
(their password unwraps the backup's key, and the backup names them 管理员) restores it.
The register's files are moved aside whole first, as they are, and the backup comes in
with its key file.
"""

from __future__ import annotations

from pathlib import Path

from carecenter.access import passwords
from carecenter.errors import KnownError
from carecenter.rules.roles import ADMIN, ROLES
from carecenter.storage import backups, cipher
from carecenter.storage.register_lock import RegisterLock


def restore(register: Path, backup: Path, name: str, password: str,
            held: RegisterLock | None = None) -> backups.Restored:
    """Replace an unopenable register by ``backup``, for an administrator of the backup;
    the register's own files are kept aside whole (``Restored.set_aside``). ``held``: the
    register's lock, which the caller (the app) holds already."""
    # Nobody else may have it open meanwhile. (A second lock of the same file in this
    # process would not do: on POSIX, closing it would drop the caller's lock too.)
    lock = held or RegisterLock(register, lasting=True)
    if held is None:
        lock.acquire()
    try:
        key = None
        if cipher.looks_encrypted(backup):
            from carecenter.access import register_keys

            key = register_keys.unlock(backup, name, password)
            cipher.remember(key)
        _require_admin(backup, key, name, password)
        return backups.restore(backup, register, damaged=True)
    finally:
        if held is None:
            lock.release()


def _require_admin(backup: Path, key: bytes | None, name: str, password: str) -> None:
    error = cipher.dbapi().Error
    try:
        connection = cipher.connect(backup, key, read_only=True)
    except error as e:
        raise KnownError(f"备份文件 {backup.name} 打不开,不能用来恢复({e})") from e
    try:
        row = connection.execute(
            "SELECT role, password_hash, active FROM operator WHERE name = ?",
            (name.strip(),)).fetchone()
    except error as e:
        raise KnownError(f"{backup.name} 不是本程序的登记册备份,不能用来恢复({e})") from e
    finally:
        connection.close()
    if row is None or not passwords.verify(password, row[1]):
        raise KnownError("姓名或密码与这份备份里的操作员不符,未恢复。")
    if row[0] != ADMIN or not row[2]:
        raise KnownError(f"只有{ROLES[ADMIN]}可以从备份恢复登记册;{name} 在这份备份里"
                         f"是{ROLES.get(row[0], row[0])}。未恢复。")
