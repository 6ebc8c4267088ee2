"""What a paired helper must do for a person (帮扶人履职), and the calendar periods it is
counted in.

Each kind of person declares its own helper duties (``PersonKind.helper_duties``): the
elder's are seed 001's (the paired helper phones the elder at least four times a month,
visits at least three times a quarter, and phones the children at least three times a
year); the child's are seed 000's (村社干部每月至少入户走访一次). A helper is judged on a
person only by the duties of the person's own kinds (``carecenter.rules.kinds``). Kept
here, below ``care``, because the visit writes keep a tally of exactly these records per
period (``carecenter.care.duty_tally``, rebuilt by the program when the declared kinds
and periods change); ``carecenter.pairing.duties`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Duty:
    kind: str  # a code of care.VISIT_KINDS: the record that meets it
    label: str
    period: str  # month / quarter / year
    required: int
    seed: str = "001"  # where the rule comes from


# seed 001: 每月电话问候不少于4次, 每季度走访不少于3次, 每年联系子女不少于3次
ELDER_DUTIES = (
    Duty("phone", "电话问候老人", "month", 4),
    Duty("home", "入户走访", "quarter", 3),
    Duty("video", "联系子女", "year", 3),
)
# seed 000: 村社干部每月至少入户走访一次 (a child's paired cadre or teacher). The weekly
# contact (监护人每周与留守儿童联系交流一次) is the guardian's, checked by the 儿童督导主任:
# a duty on the child's own work-list items, not the helper's.
CHILD_DUTIES = (
    Duty("home", "入户走访儿童", "month", 1, seed="000"),
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


def duty_periods(duties: tuple[Duty, ...]) -> dict[str, tuple[str, ...]]:
    """Each duty's kind of record and the periods it is counted in."""
    periods: dict[str, tuple[str, ...]] = {}
    for duty in duties:
        if duty.period not in periods.get(duty.kind, ()):
            periods[duty.kind] = (*periods.get(duty.kind, ()), duty.period)
    return periods
