"""The one clock: every "today" and "now" in the program is asked of this module.

The app and the command line read the machine's clock. Tests, the demo and the benchmark
set the clock to a day of their choosing (``set_to``/``frozen``), so that no rule about
quarters, Spring Festival, the three-month hold or year ends depends on the day a test
happens to run. ``tests/test_one_clock.py`` fails if code anywhere reads the machine's
clock directly (``date.today()``, ``datetime.now()``, ``QDate.currentDate()`` …).

``CARECENTER_TODAY`` (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``) sets the clock for a
whole process, the way the tests run the command line in a subprocess on their own day.
A set clock runs on from the moment it was set (seconds still pass), so that two events
recorded one after the other keep their order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

ENVIRONMENT = "CARECENTER_TODAY"



class _Setting:
    """Where the clock stands: None reads the machine; else (moment set, monotonic then)."""

    def __init__(self) -> None:
        self.value: tuple[datetime, float] | None = None


_setting = _Setting()


def _parse(text: str) -> datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time()).replace(
                hour=9)
        return datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(
            f"{ENVIRONMENT} 应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS：{text!r}") from error


def now() -> datetime:
    """The current local time, naive, to the microsecond (the database stores it so)."""
    if _setting.value is not None:
        moment, started = _setting.value
        return moment + timedelta(seconds=time.monotonic() - started)
    return datetime.now()  # the one place that reads the machine's clock


def machine_now() -> datetime:
    """The machine's own time whatever the clock is set to: only for stamps outside the
    register (when a benchmark ran), never for a rule or a record."""
    return datetime.now()


def today() -> date:
    """Today's date by the clock."""
    return now().date()


def set_to(moment: date | datetime | str | None) -> None:
    """Set the clock to a day (09:00 that day) or a moment; None returns to the machine's."""
    if moment is None:
        _setting.value = None
        return
    if isinstance(moment, str):
        moment = _parse(moment)
    elif not isinstance(moment, datetime):
        moment = datetime.combine(moment, datetime.min.time()).replace(hour=9)
    _setting.value = (moment, time.monotonic())


def is_set() -> bool:
    return _setting.value is not None


@contextmanager
def at(moment: date | datetime | str) -> Iterator[None]:
    """Run a block on another day, then put the clock back as it was."""
    before = _setting.value
    set_to(moment)
    try:
        yield
    finally:
        _setting.value = before


def _from_environment() -> None:
    value = os.environ.get(ENVIRONMENT)
    if value:
        set_to(value)


_from_environment()
