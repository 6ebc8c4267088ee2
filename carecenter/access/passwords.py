"""Passwords and recovery codes, stored only as a slow salted hash (issue 18).

scrypt from the standard library (no new dependency): n=2**14, r=8, p=1 is the
interactive setting its authors give (16 MB, some tens of milliseconds), slow enough
that guessing a short password from a stolen file costs a great deal, fast enough that
signing in does not keep the clerk waiting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from carecenter.errors import FieldError

_N, _R, _P = 2**14, 8, 1
# The same cost wraps the register's key for a password (``access.register_keys``).
PARAMETERS = (_N, _R, _P)
MIN_LENGTH = 6
# The recovery code: 20 letters and digits without the look-alikes (0/O, 1/I/L), in
# groups of four, to be printed and kept; 100 bits of chance.
_CODE_LETTERS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def derive(secret: str, salt: bytes, n: int = _N, r: int = _R, p: int = _P) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=32)


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(derive(secret, salt))}"


Parsed = tuple[int, int, int, bytes, bytes]  # n, r, p, salt, digest


def parse(stored: str) -> Parsed | None:
    """A stored ``scrypt$n$r$p$salt$digest`` hash's parts; None for another kind."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return None
    if scheme != "scrypt":
        return None
    return int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)


def verify(secret: str, stored: str) -> bool:
    parts = parse(stored)
    if parts is None:
        return False
    n, r, p, salt, digest = parts
    return hmac.compare_digest(derive(secret, salt, n, r, p), digest)


def check_new(password: str, field: str = "password") -> str:
    """A new password as typed, or a FieldError saying what is wrong with it."""
    if len(password) < MIN_LENGTH:
        raise FieldError(field, f"密码至少 {MIN_LENGTH} 个字符")
    if password.strip() != password:
        raise FieldError(field, "密码的开头和结尾不能是空格")
    return password


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_LETTERS) for _ in range(20))
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


def normalise_code(text: str) -> str:
    """A recovery code as typed (lower case, spaces, no dashes) in its printed form."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))
