"""What the care book takes and gives back: the kinds of visit and need, and the records
of assessments, visits, needs and special rounds (``care_book`` writes and reads them);
the refusal of a write over what another operator saved since (``ChangedSinceOpened``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carecenter.access import audit
from carecenter.calendar import add_months
from carecenter.care import visit_tally
from carecenter.errors import KnownError
from carecenter.rules.fields import PERSON
from carecenter.rules.kinds import RECORDS
from carecenter.rules.risk import HOLD_MONTHS

# 走访的方式. "In person" kinds count for the visit cadences (走访); calls count for a
# helper's phone duties (seed 001) but are not a visit.
VISIT_KINDS: dict[str, str] = {
    "home": "入户走访",
    "phone": "电话问候",
    "video": "联系子女(视频或电话)",
    "health": "健康随访",
    "checkup": "健康体检",
    # seed 002: each half-year, per person (the cadences in carecenter.rules.cadences)
    "livelihood": "生活保障评估",
    "disputes": "权益纠纷排查",
    "comparison": "重点对象比对核实",
}
# Every record any kind of person declares (a child's 监护人联系交流, a woman's 两癌筛查,
# a 特困 person's 临时救助...): what a visit may be recorded as.
RECORD_KINDS: dict[str, str] = {**VISIT_KINDS, **RECORDS}
IN_PERSON = visit_tally.IN_PERSON
# What a helper's printed visit sheet offers to tick (the reviews are the office's).
SHEET_KINDS = ("home", "phone", "video", "health", "checkup")
CALLS = frozenset({"phone", "video"})

# seed 001: 汛期 the helpers move elders living in 危房 or at flood and geological-hazard
# spots to safety: a special round the clerk starts, listing everyone at housing risk.
FLOOD_ROUND = "汛期安全排查"
FLOOD_RULE = "住危房、地质灾害隐患点或洪涝易发区的老人,汛期前检查并提前转移到安全地方"

# 需求的类别: the same list as the file's 关爱服务需求.
NEED_KINDS: dict[str, str] = {c.code: c.label for c in PERSON["service_needs"].choices}


@dataclass
class AssessmentInput:
    assessed_on: date
    assessor: str
    factors: list[str]
    colour: str | None = None  # None: take the proposed colour
    reason: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # aspect code → what was found
    lowering: str | None = None  # a code of LOWERING_REASONS, to lower within 3 months


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    person_id: int
    assessed_on: date
    assessor: str
    factors: tuple[str, ...]
    proposed: str
    colour: str
    reason: str
    notes: dict[str, str]

    @property
    def review_on(self) -> date:
        """The colour holds three months; then a re-assessment is due."""
        return review_date(self.assessed_on)

    @property
    def overridden(self) -> bool:
        return self.colour != self.proposed


@dataclass
class NeedInput:
    kind: str
    description: str
    raised_on: date | None = None  # default: the visit's date, else today
    raised_by: str = ""  # default: the visitor


@dataclass
class VisitInput:
    person_id: int
    visited_on: date | None
    kind: str
    visitor: str
    found: str = ""
    helper_id: int | None = None
    round_id: int | None = None
    needs: list[NeedInput] = field(default_factory=list)


@dataclass(frozen=True)
class VisitRecord:
    id: int
    person_id: int
    visited_on: date
    kind: str
    visitor: str
    found: str
    round_id: int | None

    @property
    def kind_label(self) -> str:
        return RECORD_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class NeedRecord:
    id: int
    person_id: int
    person_name: str
    kind: str
    raised_on: date
    raised_by: str
    description: str
    handling: str
    resolved_on: date | None
    resolution: str

    @property
    def kind_label(self) -> str:
        return NEED_KINDS.get(self.kind, self.kind)

    @property
    def open(self) -> bool:
        return self.resolved_on is None


@dataclass(frozen=True)
class RoundRecord:
    id: int
    name: str
    starts_on: date
    ends_on: date
    note: str
    members: int
    visited: int

    @property
    def remaining(self) -> int:
        return self.members - self.visited


def review_date(assessed_on: date) -> date:
    return add_months(assessed_on, HOLD_MONTHS)


class ChangedSinceOpened(KnownError):
    """Someone saved the record after the clerk opened it: nothing was written.

    ``current`` is the record as it is now (the dialog keeps the clerk's input, shows
    what the other saved, and compares with ``current`` when the clerk saves again);
    ``differences`` are (field, as seen, as now)."""

    def __init__(self, what: str, differences: list[audit.Change], current: Any) -> None:
        said = "、".join(f"{label}:{old or audit.EMPTY} → {new or audit.EMPTY}"
                        for label, old, new in differences)
        super().__init__(f"这条{what}在您打开之后已被他人修改({said})。"
                         "为免覆盖别人的修改,本次未保存。")
        self.differences = differences
        self.current = current
