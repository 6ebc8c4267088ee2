"""One clock: nothing but ``carecenter.clock`` reads the machine's date or time.

A rule about quarters, Spring Festival or the three-month hold that reads the machine's
clock directly makes the suite pass on one day and fail on the next, and makes the
program disagree with itself around midnight. This test reads every Python file of the
product, its tests, the benchmark and the scripts, and names each direct read.
"""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest

from carecenter import clock
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("carecenter", "ui", "bench", "scripts", "tests", "main.py", "dev.py")
ALLOWED = {ROOT / "carecenter" / "clock.py"}

# attribute → the names it must not be read from
FORBIDDEN_ATTRIBUTES = {
    "today": {"date", "datetime"},
    "now": {"datetime", "func"},
    "utcnow": {"datetime"},
    "current_date": {"func"},
    "current_timestamp": {"func"},
    "localtime": {"func", "time"},
    "time": {"time"},
    "currentDate": {"QDate"},
    "currentDateTime": {"QDateTime"},
    "currentDateTimeUtc": {"QDateTime"},
    "currentSecsSinceEpoch": {"QDateTime"},
    "currentMSecsSinceEpoch": {"QDateTime"},
    "currentTime": {"QTime"},
}
FORBIDDEN_SQL = ("CURRENT_TIMESTAMP", "CURRENT_DATE", "'now'", "localtime")


def _python_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return [f for f in files if f not in ALLOWED and ".venv" not in f.parts]


def direct_reads(source: str) -> list[str]:
    """Each place in ``source`` that reads the machine's clock, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name in FORBIDDEN_ATTRIBUTES[node.attr]:
                found.append(f"{node.lineno}: {name}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            upper = node.value if node.value.startswith("'") else node.value.upper()
            for word in FORBIDDEN_SQL:
                if word.upper() in upper and ("SELECT" in upper or "DEFAULT" in upper
                                              or "DATE(" in upper or "DATETIME(" in upper):
                    found.append(f"{node.lineno}: SQL {word}")
    return found


def test_nothing_but_the_clock_reads_the_machines_date_or_time() -> None:
    offenders = []
    for path in _python_files():
        if path == Path(__file__):
            continue
        for place in direct_reads(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{place}")
    assert offenders == [], "请改用 carecenter.clock:\n" + "\n".join(offenders)


@pytest.mark.parametrize("code", [
    "from datetime import date\nx = date.today()",
    "import datetime\nx = datetime.datetime.now()",
    "from datetime import datetime\nf = datetime.now",
    "from PySide6.QtCore import QDate\nd = QDate.currentDate()",
    "import time\nt = time.time()",
    "from sqlalchemy import func\nd = func.now()",
    "sql = \"SELECT date('now')\"",
])
def test_the_guard_catches_each_way_of_reading_the_clock(code: str) -> None:
    assert direct_reads(code)


def test_the_suite_runs_on_its_own_day_whatever_the_machines_date() -> None:
    assert clock.today() == TODAY
    assert clock.now().hour == 10


def test_a_set_clock_runs_on_so_events_keep_their_order() -> None:
    first = clock.now()
    second = clock.now()
    assert first <= second
    assert first.date() == TODAY


def test_a_test_can_move_to_a_leap_day_and_back() -> None:
    with clock.at("2028-02-29T23:59:59"):
        assert clock.today() == date(2028, 2, 29)
        with clock.at(date(2030, 12, 31)):
            assert clock.now() >= datetime(2030, 12, 31, 9)
        assert clock.today() == date(2028, 2, 29)
    assert clock.today() == TODAY


def test_a_bad_clock_setting_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="应为 YYYY-MM-DD"):
        clock.set_to("明天")
