"""The benchmark's plumbing: a result row, targets, timing, the context each measurement
gets, and the machine description that goes with every result."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PASS, FAIL, NOT_BUILT, ERROR, INFO = "pass", "fail", "not built", "error", "info"
STATUS_TEXT = {PASS: "✅ 达标 pass", FAIL: "❌ 未达标 fail", NOT_BUILT: "⏳ 尚未实现 not built yet",
               ERROR: "⚠️ 出错 error", INFO: "—"}


class NotBuilt(Exception):
    """The product code this measurement needs has not landed yet (or its API differs)."""


@dataclass(frozen=True)
class Target:
    """Either an absolute limit (``value < limit``) or a ratio to the baseline (``≤``)."""

    limit: float
    ratio: bool = False  # True: value / baseline <= limit
    inclusive: bool = False  # for absolute limits: ``<=`` instead of ``<``

    def text(self, unit: str) -> str:
        if self.ratio:
            return f"≤ {self.limit:g}× 基线"
        return f"{'≤' if self.inclusive else '<'} {self.limit:g} {unit}"

    def met(self, value: float, baseline: float | None) -> bool | None:
        if self.ratio:
            if not baseline:
                return None
            return value / baseline <= self.limit
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass
class Row:
    """One line of the result table."""

    key: str
    label: str
    unit: str
    target: Target | None = None
    value: float | None = None  # median over the runs
    runs: list[float] = field(default_factory=list)
    baseline: float | None = None  # median of the baseline, same unit
    baseline_runs: list[float] = field(default_factory=list)
    baseline_label: str = ""
    status: str = INFO
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def settle(self) -> Row:
        """Fill value, baseline and status from the runs (call once the runs are in)."""
        import statistics

        if self.runs:
            self.value = statistics.median(self.runs)
        if self.baseline_runs:
            self.baseline = statistics.median(self.baseline_runs)
        if self.status in (NOT_BUILT, ERROR):
            return self
        if self.value is not None and self.target is not None:
            met = self.target.met(self.value, self.baseline)
            self.status = INFO if met is None else PASS if met else FAIL
        return self

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = None if self.target is None else {
            "limit": self.target.limit, "ratio": self.target.ratio,
            "text": self.target.text(self.unit)}
        data["ratio"] = self.ratio
        return data


def timed(fn: Callable[..., object], *args: object) -> float:
    """Seconds one call ``fn(*args)`` takes."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


@dataclass
class Context:
    """What every measurement gets: the cached county register and the run settings."""

    db: Path  # the cached demo register: never write to it, use scratch_copy()
    persons: int
    runs: int
    work: Path  # scratch folder for this bench run
    cache: Path  # the cache folder (shared between bench runs)
    python: str = sys.executable
    memo: dict[str, Any] = field(default_factory=dict)  # shared by measurements

    def scratch_copy(self, name: str) -> Path:
        """A private copy of the register for a measurement that writes."""
        import shutil

        from bench.dataset import connect

        target = self.work / name
        for suffix in ("", "-wal", "-shm", ".keys"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.db, target)
        keys = Path(str(self.db) + ".keys")  # an encrypted register's key file (issue 18)
        if keys.exists():
            shutil.copyfile(keys, Path(str(target) + ".keys"))
        connection = connect(target)
        try:  # the copy must be self-contained
            connection.execute("PRAGMA journal_mode=WAL")
        finally:
            connection.close()
        return target


def machine() -> dict[str, Any]:
    """CPU, memory, OS and the versions of everything the measurements touch."""
    import platform
    from importlib import metadata

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gb": _ram_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for name, dist in (("PySide6", "PySide6-Essentials"), ("SQLAlchemy", "SQLAlchemy"),
                       ("openpyxl", "openpyxl"), ("reportlab", "reportlab")):
        try:
            info[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[name] = None
    import sqlite3

    info["SQLite"] = sqlite3.sqlite_version
    try:  # the register's own SQLite: SQLCipher's (issue 18)
        import sqlcipher3.dbapi2

        info["SQLite"] = f"{sqlcipher3.dbapi2.sqlite_version} (SQLCipher)"
    except ImportError:
        pass
    return info


def _cpu_model() -> str:
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    return None
