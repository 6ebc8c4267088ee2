"""The register's key and the operators' passwords (issue 18): unlock, wrap, convert.

Signing in to an encrypted register is two steps: the password unwraps the register's
key from the key file beside it (``unlock``: scrypt, so a wrong password is refused
there, with the same message as ever), the register opens with that key, and the
operator table then signs the operator in as before (it stays the authority on roles
and who is active). The recovery code unwraps the key too (``unlock_with_code``).

Every change of operators keeps the key file in step with the operator table, in an
order that survives a kill: a wrap for a new password is added before the write that
saves it, and wraps that no longer belong to anyone are pruned after (``reconcile``).
Between the two, the old password still opens the register and still signs in, or the
new one does; never neither. The data is never encrypted again.

``protect`` runs after a sign-in with the password: a plain register (made before
encryption) is converted once, after a backup; its plain backups are encrypted too.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select

from carecenter.access import passwords
from carecenter.errors import DatabaseError, KnownError
from carecenter.storage import backups, key_file
from carecenter.storage.cipher import KEY_BYTES
from carecenter.storage.database import Database
from carecenter.storage.key_file import OPERATOR, RECOVERY, KeyFile, Wrap, fingerprint
from carecenter.storage.models import access_secret, operator

log = logging.getLogger("carecenter")

RECOVERY_NAME = "recovery"
WRONG = "操作员姓名或密码不对,请重新输入"
WRONG_CODE = "恢复码不对,请对照打印的恢复码重新输入"


class WrongPassword(KnownError):
    """The name or password (or recovery code) did not match: in the key file, or in the
    operator table (``access.operators`` raises it too)."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encrypted(path: Path | None) -> bool:
    return path is not None and key_file.encrypted(path)


def _keys_of(path: Path) -> KeyFile:
    found = key_file.read(path)
    if found is None:
        raise DatabaseError(
            f"登记册 {path} 已加密,但它旁边的钥匙文件 {key_file.key_path(path).name} 不见了。"
            "请把钥匙文件放回登记册旁,或从备份恢复(每份备份旁有它的钥匙文件)。")
    return found


def names(path: Path) -> list[str]:
    """The operators who can unwrap the key (for the sign-in page's list)."""
    return _keys_of(path).names()


def _open_with(wraps: Iterable[Wrap], secret: str) -> bytes | None:
    for wrap in wraps:
        derived = passwords.derive(secret, wrap.salt_bytes, wrap.n, wrap.r, wrap.p)
        key = wrap.open(derived)
        if key is not None:
            return key
    return None


def unlock(path: Path, name: str, password: str) -> bytes:
    """The register's key, unwrapped with this operator's password."""
    key = _open_with(_keys_of(path).for_operator(name), password)
    if key is None:
        raise WrongPassword(WRONG)
    return key


def unlock_with_code(path: Path, code: str) -> bytes:
    key = _open_with(_keys_of(path).for_recovery(), passwords.normalise_code(code))
    if key is None:
        raise WrongPassword(WRONG_CODE)
    return key


# -- wraps ----------------------------------------------------------------------------

def password_wrap(key: bytes, name: str, operator_id: int | None, password: str,
                  password_hash: str) -> Wrap:
    """``key`` wrapped for this password, with a fresh salt; ``password_hash`` is the
    hash the operator table keeps for it."""
    salt = secrets.token_bytes(16)
    n, r, p = passwords.PARAMETERS
    return Wrap.make(key, passwords.derive(password, salt, n, r, p), who=OPERATOR,
                     name=name, operator_id=operator_id, made_for=fingerprint(password_hash),
                     salt=salt, n=n, r=r, p=p)


def code_wrap(key: bytes, code: str, code_hash: str) -> Wrap:
    salt = secrets.token_bytes(16)
    n, r, p = passwords.PARAMETERS
    return Wrap.make(key, passwords.derive(passwords.normalise_code(code), salt, n, r, p),
                     who=RECOVERY, name="", operator_id=None, made_for=fingerprint(code_hash),
                     salt=salt, n=n, r=r, p=p)


def hash_wrap(key: bytes, who: str, name: str, operator_id: int | None,
              stored_hash: str) -> Wrap | None:
    """``key`` wrapped from a stored hash (scrypt of the secret with the hash's salt):
    for operators whose password is not known now. None for a hash of another kind."""
    parts = passwords.parse(stored_hash)
    if parts is None:
        return None
    n, r, p, salt, digest = parts
    return Wrap.make(key, digest, who=who, name=name, operator_id=operator_id,
                     made_for=fingerprint(stored_hash), salt=salt, n=n, r=r, p=p,
                     from_hash=True)


def _table(database: Database) -> tuple[list[tuple[int, str, bool, str]], str | None]:
    with database.session() as session:
        rows = [(int(r.id), r.name, bool(r.active), r.password_hash) for r in session.execute(
            select(operator.c.id, operator.c.name, operator.c.active,
                   operator.c.password_hash).order_by(operator.c.id))]
        code = session.execute(select(access_secret.c.value)
                               .where(access_secret.c.name == RECOVERY_NAME)).scalar()
    return rows, code


def wraps_from_table(database: Database, key: bytes) -> list[Wrap]:
    """A wrap for every active operator and the recovery code, from their stored hashes."""
    rows, code = _table(database)
    made = [hash_wrap(key, OPERATOR, name, id_, stored)
            for id_, name, active, stored in rows if active]
    if code is not None:
        made.append(hash_wrap(key, RECOVERY, "", None, code))
    return [w for w in made if w is not None]


def add_wraps(database: Database, wraps: Iterable[Wrap]) -> None:
    """New wraps into an encrypted register's key file, before the write they belong to."""
    if not database.encrypted or database.path is None:
        return
    keys = _keys_of(database.path)
    keys.wraps.extend(wraps)
    key_file.write(database.path, keys)


def reconcile(database: Database) -> None:
    """The key file in step with the operator table: a wrap for each active operator's
    current password and for the current recovery code; nothing for anyone else."""
    key, path = database.key, database.path
    if key is None or path is None or database.read_only:
        return
    current = key_file.read(path) or KeyFile()
    rows, code = _table(database)
    by_id = {id_: (name, active, stored) for id_, name, active, stored in rows}
    kept: list[Wrap] = []
    for wrap in current.wraps:
        if not wrap.fits(key):
            continue
        if wrap.who == OPERATOR:
            row = by_id.get(wrap.operator_id or -1)
            if row is None or not row[1] or row[0] != wrap.name \
                    or fingerprint(row[2]) != wrap.made_for:
                continue
        elif code is None or fingerprint(code) != wrap.made_for:
            continue
        kept.append(wrap)
    # A wrap made from the password itself (fresh salt) replaces one made from the hash.
    with_password = {(w.who, w.operator_id) for w in kept if not w.from_hash}
    kept = [w for w in kept if not (w.from_hash and (w.who, w.operator_id) in with_password)]
    covered = {(w.who, w.operator_id) for w in kept}
    for id_, name, active, stored in rows:
        if active and (OPERATOR, id_) not in covered:
            made = hash_wrap(key, OPERATOR, name, id_, stored)
            if made is not None:
                kept.append(made)
    if code is not None and (RECOVERY, None) not in covered:
        made = hash_wrap(key, RECOVERY, "", None, code)
        if made is not None:
            kept.append(made)
    if kept != current.wraps:
        key_file.write(path, KeyFile(kept))


# -- after a sign-in --------------------------------------------------------------------

def protect(database: Database, name: str, password: str) -> str | None:
    """After ``name`` signed in with ``password``: convert a plain register (once, after a
    backup), or give the operator a wrap of their own password if theirs was made from
    the hash. What happened, said for the clerk (None when nothing did)."""
    path = database.path
    if path is None or database.read_only or database.operator is None:
        return None
    if not database.encrypted:
        return encrypt(database, name, password)
    keys = _keys_of(path)
    mine = keys.for_operator(name)
    if mine and all(w.from_hash for w in mine):
        who = database.operator
        rows, _code = _table(database)
        stored = next((s for id_, _n, _a, s in rows if id_ == who.id), None)
        if stored is not None and database.key is not None:
            add_wraps(database, [password_wrap(database.key, who.name, who.id, password,
                                               stored)])
            reconcile(database)
    plain = backups.encrypt_plain(path, database.key) if database.key else []
    if plain:
        log.info("已把登记册 %s 的 %d 份未加密的备份加密", path, len(plain))
    return None


def encrypt(database: Database, name: str | None = None, password: str | None = None,
            code: str | None = None) -> str | None:
    """Convert a plain register to an encrypted one with a new random key, wrapped for
    every active operator (the one signing in with their password, the others from their
    stored hashes) and the recovery code; its plain backups are encrypted after it."""
    path = database.path
    if path is None or database.encrypted:
        return None
    try:
        if database.check_soundness():
            return None  # a damaged register stays as it is, to be restored
    except DatabaseError:
        return None
    key = new_key()
    rows, stored_code = _table(database)
    wraps: list[Wrap] = []
    for id_, who, active, stored in rows:
        if not active:
            continue
        if who == name and password is not None:
            wraps.append(password_wrap(key, who, id_, password, stored))
        else:
            made = hash_wrap(key, OPERATOR, who, id_, stored)
            if made is not None:
                wraps.append(made)
    if stored_code is not None:
        made = (code_wrap(key, code, stored_code) if code is not None
                else hash_wrap(key, RECOVERY, "", None, stored_code))
        if made is not None:
            wraps.append(made)
    if not any(w.who == OPERATOR for w in wraps):
        return None  # nobody could open it afterwards: stays plain until an operator exists
    kept = database.encrypt(key, KeyFile(wraps))
    converted = backups.encrypt_plain(path, key)
    if kept is None:
        log.info("新登记册 %s 已加密", path)
        return None
    message = (f"登记册已加密:没有密码,任何程序都读不出其中的内容。加密前先做了备份,"
               f"备份也已加密({kept.name});另有 {max(0, len(converted) - 1)} 份以前的备份"
               "一并加密。钥匙文件在登记册旁(同名加 .keys),请与登记册放在一起,不要删除。")
    log.info("登记册 %s 已由未加密转为加密(加密前的备份 %s,另加密旧备份 %d 份)", path,
             kept, max(0, len(converted) - 1))
    database.notice = message
    return message


# -- restoring a backup -------------------------------------------------------------------

def _wraps_from_backup(backup: Path, key: bytes) -> list[Wrap]:
    """Wraps of ``key`` for the operators and recovery code kept in ``backup`` (read with
    the register's key, or plain), from their stored hashes."""
    from carecenter.storage import cipher

    found = backups.key_of(backup) if cipher.looks_encrypted(backup) else None
    try:
        connection = cipher.connect(backup, found, read_only=True)
        try:
            rows = connection.execute(
                "SELECT id, name, active, password_hash FROM operator").fetchall()
            code = connection.execute("SELECT value FROM access_secret WHERE name = ?",
                                      (RECOVERY_NAME,)).fetchone()
        finally:
            connection.close()
    except backups.Error:
        return []  # a backup from before operators: the restoring administrator only
    made = [hash_wrap(key, OPERATOR, name, int(id_), stored)
            for id_, name, active, stored in rows if active]
    if code is not None:
        made.append(hash_wrap(key, RECOVERY, "", None, code[0]))
    return [w for w in made if w is not None]


def restore(database: Database, backup: Path) -> Path:
    """``database.restore_from(backup)`` with the key file kept in step: the backup's
    operators get their wraps before its content comes in (a kill between leaves both
    the old operators and the restored ones able to open it), stale ones go after."""
    if database.key is not None:
        add_wraps(database, _wraps_from_backup(backup, database.key))
    aside = database.restore_from(backup)
    if database.path is not None and database.key is None and encrypted(database.path):
        return aside  # an encrypted backup into a plain register: it came with its keys
    reconcile(database)
    return aside
