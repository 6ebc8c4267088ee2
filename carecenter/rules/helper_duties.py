"""A paired helper's duties (seed 001) and the calendar periods they are counted in.

Seed 001: the paired helper phones the elder at least four times a month, visits at
least three times a quarter, and phones the children at least three times a year. Kept
here, below ``care``, because the visit writes keep a tally of exactly these records
per period (``carecenter.care.duty_tally``); ``carecenter.pairing.duties`` counts them.
A change of these kinds or periods needs a migration that rebuilds that tally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Duty:
    kind: str  # a code of care.VISIT_KINDS
    label: str
    period: str  # month / quarter / year
    required: int


# seed 001: 每月电话问候不少于4次, 每季度走访不少于3次, 每年联系子女不少于3次
DUTIES = (
    Duty("phone", "电话问候老人", "month", 4),
    Duty("home", "入户走访", "quarter", 3),
    Duty("video", "联系子女", "year", 3),
)
PERIOD_LABELS = {"month": "本月", "quarter": "本季度", "year": "本年"}


def period_bounds(day: date, period: str) -> tuple[date, date]:
    """First day and the day after the last of the month / quarter / year of ``day``."""
    if period == "month":
        first = day.replace(day=1)
        months = 1
    elif period == "quarter":
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    elif period == "year":
        return date(day.year, 1, 1), date(day.year + 1, 1, 1)
    else:
        raise ValueError(period)
    index = first.year * 12 + first.month - 1 + months
    return first, date(index // 12, index % 12 + 1, 1)


def period_code(day: date, period: str) -> str:
    """The period of ``day`` as the tally keys it: 2026-11, 2026-Q4, 2026."""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == "year":
        return f"{day.year}"
    raise ValueError(period)


def period_name(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year}年{day.month}月"
    if period == "quarter":
        return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"
    return f"{day.year}年"


# Each duty's kind of record and the periods it is counted in.
DUTY_PERIODS: dict[str, tuple[str, ...]] = {}
for _duty in DUTIES:
    DUTY_PERIODS[_duty.kind] = (*DUTY_PERIODS.get(_duty.kind, ()), _duty.period)
