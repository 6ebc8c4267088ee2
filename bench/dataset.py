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
    for suffix in ("", "-wal", "-shm"):
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
    # Fold the WAL into the file so that the cache is one self-contained file.
    import sqlite3

    with sqlite3.connect(partial) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(target)
    say(f"  {result.stdout.strip()}  ({time.perf_counter() - started:.1f} s)")
    return target


def counts(db: Path) -> dict[str, int]:
    """Rows per table of the register, for the report (what the demo produced)."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'alembic_version' ORDER BY name")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in tables}
