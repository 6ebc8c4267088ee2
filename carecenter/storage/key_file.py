"""The register's key, wrapped for each operator and for the recovery code (issue 18).

An encrypted register has one random 32-byte key for its whole life. Beside it,
``<register>.keys`` (JSON) holds that key wrapped once per operator and once for the
recovery code: a secret (the password) goes through scrypt with a salt of its own, an
HMAC of the result is the wrapping key, and the register key XOR it is stored, with an
HMAC of the register key to tell a wrong password from a damaged file. Adding an
operator, changing a password, a new recovery code: a new wrap in this small file, the
data is never encrypted again.

A wrap may also be made from an operator's stored password hash (``from_hash``): the
hash is that same scrypt of the password, with the hash's own salt. That is how the
operators of a plain register get their wraps when it is converted (their passwords are
not known then), and how an administrator gives a re-enabled operator theirs back; a
sign-in with the password replaces it by a wrap with a fresh salt. ``for`` fingerprints
the password hash a wrap was made for: the register's operator table stays the
authority, and wraps for an old password are pruned once the new one is saved.

The file is replaced whole (temp file, fsync, rename), never edited in place: a kill
leaves the old file or the new one. No SQLAlchemy here; the scrypt call is the caller's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from carecenter.errors import DatabaseError
from carecenter.storage.location import keep_private, sync_folder

KEY_SUFFIX = ".keys"
FORMAT = "carecenter-register-keys"
OPERATOR, RECOVERY = "operator", "recovery"
_WRAP_LABEL = b"carecenter register key wrap"
_CHECK_LABEL = b"carecenter register key check"


def key_path(register: Path) -> Path:
    return register.with_name(register.name + KEY_SUFFIX)


def fingerprint(stored_hash: str) -> str:
    """Which password hash a wrap was made for (not the hash itself)."""
    return hashlib.sha256(stored_hash.encode("utf-8")).hexdigest()[:16]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _check(key: bytes) -> bytes:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class Wrap:
    """The register key wrapped for one secret: an operator's password or the code."""

    who: str  # OPERATOR or RECOVERY
    name: str  # the operator's name ("" for the recovery code)
    operator_id: int | None
    made_for: str  # fingerprint of the password hash this wrap belongs with
    from_hash: bool
    n: int
    r: int
    p: int
    salt: str
    wrapped: str
    check: str

    @classmethod
    def make(cls, key: bytes, derived: bytes, *, who: str, name: str,
             operator_id: int | None, made_for: str, salt: bytes, n: int, r: int, p: int,
             from_hash: bool = False) -> Wrap:
        """``derived``: scrypt(secret, salt, n, r, p), 32 bytes."""
        kek = hmac.new(derived, _WRAP_LABEL, hashlib.sha256).digest()
        return cls(who, name, operator_id, made_for, from_hash, n, r, p, _b64(salt),
                   _b64(_xor(key, kek)), _b64(_check(key)))

    @property
    def salt_bytes(self) -> bytes:
        return base64.b64decode(self.salt)

    def open(self, derived: bytes) -> bytes | None:
        """The register key, or None when ``derived`` is not this wrap's secret."""
        kek = hmac.new(derived, _WRAP_LABEL, hashlib.sha256).digest()
        key = _xor(base64.b64decode(self.wrapped), kek)
        return key if hmac.compare_digest(_check(key), base64.b64decode(self.check)) else None

    def fits(self, key: bytes) -> bool:
        return hmac.compare_digest(_check(key), base64.b64decode(self.check))


@dataclass
class KeyFile:
    wraps: list[Wrap] = field(default_factory=list)

    def for_operator(self, name: str) -> list[Wrap]:
        return [w for w in self.wraps if w.who == OPERATOR and w.name == name.strip()]

    def for_recovery(self) -> list[Wrap]:
        return [w for w in self.wraps if w.who == RECOVERY]

    def names(self) -> list[str]:
        seen: list[str] = []
        for w in self.wraps:
            if w.who == OPERATOR and w.name not in seen:
                seen.append(w.name)
        return seen

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": 1, "cipher": "sqlcipher4-raw-key",
                           "wraps": [asdict(w) for w in self.wraps]},
                          ensure_ascii=False, indent=1)


def damaged(path: Path, why: str) -> DatabaseError:
    return DatabaseError(
        f"登记册的钥匙文件 {path} 已损坏或不是本程序的文件({why}),无法解开登记册。"
        "请从备份恢复:每份备份旁都有它自己的钥匙文件(同名加 .keys)。")


def read(register: Path) -> KeyFile | None:
    """The key file beside ``register``, or None when there is none."""
    path = key_path(register)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise DatabaseError(f"无法读取登记册的钥匙文件 {path}({e.strerror})") from e
    try:
        raw: Any = json.loads(text)
        if raw.get("format") != FORMAT:
            raise damaged(path, "格式不对")
        return KeyFile([Wrap(**w) for w in raw["wraps"]])
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise damaged(path, str(e)[:80]) from e


def write(register: Path, keys: KeyFile) -> Path:
    """Replace the key file beside ``register`` whole: temp file, fsync, rename."""
    path = key_path(register)
    partial = path.with_name(path.name + ".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(keys.to_json().encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"无法写入登记册的钥匙文件 {path}({e.strerror}),未做修改") from e
    keep_private(path)
    sync_folder(path)
    return path


SQLITE_HEADER = b"SQLite format 3\x00"


def looks_encrypted(path: Path) -> bool:
    """Whether the file's first bytes are not SQLite's header (an encrypted page, or not a
    database at all); an empty or missing file is neither."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


def encrypted(register: Path) -> bool:
    """Whether ``register`` is an encrypted register: not SQLite's header, a key file."""
    return looks_encrypted(register) and key_path(register).exists()
