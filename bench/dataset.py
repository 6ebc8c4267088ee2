"""The county register the measurements run on: built once with ``demo``, then cached.

The cache file is named by the size and a hash of the code that decides its contents
(``carecenter/demo/``, the tables and the migrations), so a change to the demo (say,
helpers and a year of visits) builds a new register on the next run, and a run with
unchanged code reuses the old one. Whatever ``demo`` produces is what gets measured.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.core import ROOT

SEED = 0
DAY = "2026-11-23"  # care records are drawn back from this day, so that runs compare
# The code whose change changes the demo register.
SOURCES = ("carecenter/demo/*.py", "carecenter/storage/models.py",
           "carecenter/storage/migrations/versions/*.py")


def code_hash() -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        for file in sorted(ROOT.glob(source)):
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def register(cache: Path, persons: int, python: str = sys.executable,
             say: object = print) -> Path:
    """The cached demo register of this size, built now if the code changed."""
    cache.mkdir(parents=True, exist_ok=True)
    key = code_hash()
    target = cache / f"register-{persons}-{key}.db"
    if target.exists():
        return target
    for pattern in (f"register-{persons}-*.db*", f"ledger-*-register-{persons}-*.xlsx"):
        for old in cache.glob(pattern):
            old.unlink()  # made from an older demo: no longer what the code would build
    partial = cache / f"building-{persons}-{key}.db"
    for suffix in ("", "-wal", "-shm", ".keys"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    assert callable(say)
    say(f"生成 {persons} 人的演示库 (building the demo register), 缓存于 {target} …")
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [python, "-m", "carecenter", "demo", "--persons", str(persons), "--db", str(partial),
         "--seed", str(SEED), "--today", DAY],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"demo failed ({result.returncode}):\n{result.stderr}")
    # Fold the WAL into the file so that the cache is one self-contained file (with its
    # key file beside it: demo makes an encrypted register, issue 18).
    connection = connect(partial)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    keys = Path(str(partial) + ".keys")
    if keys.exists():
        keys.rename(Path(str(target) + ".keys"))
    partial.rename(target)
    say(f"  {result.stdout.strip()}  ({time.perf_counter() - started:.1f} s)")
    return target


def counts(db: Path) -> dict[str, int]:
    """Rows per table of the register, for the report (what the demo produced)."""
    connection = connect(db, read_only=True)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'alembic_version' ORDER BY name")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in tables}
    finally:
        connection.close()


_KEYS: dict[Path, bytes] = {}


def key_of(db: Path) -> bytes | None:
    """The key of an encrypted register (issue 18), unwrapped with the bench's operator
    and password ($CARECENTER_OPERATOR / $CARECENTER_PASSWORD) once per file and process;
    None for a plain one. Copies of a register share its key."""
    from carecenter.access import register_keys
    from carecenter.storage import key_file

    if not register_keys.encrypted(db):
        return None
    found = key_file.read(db)
    assert found is not None and found.wraps
    for key in _KEYS.values():
        if found.wraps[0].fits(key):
            return key
    _KEYS[db] = register_keys.unlock(db, os.environ["CARECENTER_OPERATOR"],
                                     os.environ["CARECENTER_PASSWORD"])
    return _KEYS[db]


def connect(db: Path, read_only: bool = False) -> Any:
    """A DB-API connection to the register, keyed when it is encrypted; the measures'
    baselines read it through this rather than the standard library's sqlite3."""
    from carecenter.storage import cipher

    return cipher.connect(db, key_of(db), read_only=read_only)
