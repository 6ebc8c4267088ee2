"""A quarter (季度) of the reporting year: 2026Q4 is October to December 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from carecenter.errors import KnownError

_CHINESE = "一二三四"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """2026Q4, 2026q4, 2026-Q4, 2026年第四季度, 2026年4季度."""
        cleaned = text.strip().upper().replace(" ", "")
        m = re.fullmatch(r"(\d{4})[-_/]?Q([1-4])", cleaned) or re.fullmatch(
            r"(\d{4})年?第?([1-4一二三四])季度?", cleaned)
        if not m:
            raise KnownError(f"“{text}”不是季度,请写成 2026Q4 的形式")
        number = m.group(2)
        value = int(number) if number.isdigit() else _CHINESE.index(number) + 1
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise KnownError(f"季度的年份 {year} 不对")
        return cls(year, value)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + (self.number == 4), (3 * self.number) % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{_CHINESE[self.number - 1]}季度"

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def months_until(self, day: date) -> int:
        """How many of the quarter's months have begun by ``day`` (0 to 3)."""
        if day < self.start:
            return 0
        if day > self.end:
            return 3
        return day.month - self.start.month + 1
