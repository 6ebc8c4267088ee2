"""How often each thing must be done for a person (seed 002, DOMAIN.md "Other cadences").

A cadence is data: which duty it belongs to, how often, what record counts as done,
and to whom it applies. Several cadences of one duty may apply to a person (red, and
living alone and refusing an institution); the strictest of them is the one that
counts. A kind of person (``carecenter.rules.kinds``) carries its own list, so children can
bring their own cadences without touching the elder's.

Each cadence asks for ``count`` records in each of its periods
(``carecenter.rules.periods``): 红色每个月至少随访2次 is two visits in every calendar month,
黄色 one, 绿色 one in each calendar quarter; the yearly check once in each calendar year;
the re-assessment three months (rolling) after the colour. The next due date:

* **calendar** periods: the end of the first period, from the one of the latest record
  on, that has fewer than ``count`` records; the period the person came onto the
  register in (or was given the colour in) is owed only when they were on it for more
  than half of its days, as in the quarter's figures (``carecenter.rules.visit_periods``).
  Visits on 3 and 10 January meet January; the next two fall due by 28 February.
* **rolling** periods: the latest record + the interval (or the day the person came on).

The dates depend only on the records, never on the day they are looked at (except
through age: someone turning 80 may fall under the weekly round), so they are kept in
the ``care_due`` table and refreshed with every write (``carecenter.care.due_dates``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from carecenter.calendar import add_months
from carecenter.rules.periods import (
    HALF_YEAR,
    MONTH,
    QUARTER,
    WEEK,
    YEAR,
    Period,
    mostly_inside,
    rolling_days,
    rolling_months,
)
from carecenter.rules.risk import (
    ADVANCED_AGE,
    COLOUR_LABELS,
    GREEN,
    HOLD_MONTHS,
    KEY_CATEGORIES,
    RANK,
    RED,
    YELLOW,
)

ASSESSMENT = "assessment"  # evidence: an assessment, not a visit

# The duties, in the order the work list shows them.
DUTIES: dict[str, str] = {
    "follow_up": "风险随访",
    "visit": "走访打卡",
    "assess": "风险评估",
    "key_check": "重点对象比对核实",
    "livelihood": "生活保障评估",
    "disputes": "权益纠纷排查",
    "health": "健康随访",
    "checkup": "健康体检",
    "census": "季度排查",
    "activity": "关爱互助活动",
    "health_talk": "健康教育",
}

# The duties met by a visit at the door (随访, 走访打卡). The township's "visits done
# against visits due" counts the strictest of them for each person
# (``carecenter.rules.visit_periods``); health follow-ups and checks are reported apart.
VISIT_DUTIES = frozenset({"follow_up", "visit"})


@dataclass(frozen=True)
class CareFacts:
    """What the cadences need to know about one person, as of the work list's date."""

    person_id: int
    created_on: date
    birth_date: date | None = None
    colour: str | None = None
    colour_on: date | None = None
    factors: frozenset[str] = frozenset()
    illnesses: frozenset[str] = frozenset()
    living_with: frozenset[str] = frozenset()
    health_status: str | None = None
    disability_grade: str | None = None
    refuses_institution: bool = False
    # A colour lowered within its three months: the higher one's visits go on until
    # held_until (seed 002: 持续不低于三个月的关爱服务).
    held_colour: str | None = None
    held_until: date | None = None

    def colour_on_day(self, on: date) -> str | None:
        """The colour whose visits are owed on ``on``: the colour, or a higher one held."""
        held = self.held_colour
        if held is not None and self.held_until is not None and on < self.held_until \
                and (self.colour is None or RANK[held] < RANK[self.colour]):
            return held
        return self.colour

    def age(self, on: date) -> int | None:
        b = self.birth_date
        if b is None:
            return None
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


@dataclass(frozen=True)
class Cadence:
    code: str
    duty: str
    label: str  # the rule as the clerk reads it: 红色每月至少随访2次
    applies: Callable[[CareFacts, date], bool]
    evidence: frozenset[str]  # visit kinds (carecenter.care.care_book.VISIT_KINDS) or ASSESSMENT
    period: Period
    count: int = 1  # records asked for in each period
    anchor_on_colour: bool = False
    seed: str = "002"  # the seed file the rule comes from

    @property
    def strictness(self) -> float:
        """Roughly the days between two records; smaller is stricter."""
        return self.period.length / self.count

    def next_due(self, records: Sequence[date], anchor: date, from_change: bool = False
                 ) -> date:
        """The next date this must be done by. ``records``: the distinct days that
        count, newest first (at least ``count`` of them when there are); ``anchor``: the
        day the person came on, or (``from_change``) was given the colour. It depends on
        the records alone, not on the day it is asked, so it can be kept
        (``carecenter.care.due_dates``)."""
        return _next_due(self.period, self.count, tuple(records), anchor, from_change)


@lru_cache(maxsize=4096)
def _next_due(p: Period, count: int, records: tuple[date, ...], anchor: date,
              from_change: bool) -> date:
    """``Cadence.next_due``, worked out once for each set of its inputs: a ledger's
    10,000 new people, none with a record yet and all come on the same day, ask the same
    few questions 70,000 times (half the time of working out their due dates, measured)."""
    if p.rolling:
        return p.after(records[0] if records else anchor)
    first_owed = p.span(anchor)
    if not mostly_inside(first_owed, anchor, first_owed[1], from_change):
        first_owed = p.span(first_owed[1] + timedelta(days=1))
    counted = [d for d in records if d >= anchor]
    if counted:
        span = p.span(counted[0])
        if span[0] >= first_owed[0]:
            if sum(1 for d in counted if d >= span[0]) >= count:
                return p.span(span[1] + timedelta(days=1))[1]
            return span[1]
    return first_owed[1]


IN_PERSON_VISIT = frozenset({"home", "health"})  # a 随访 in person (上门)
HOME_VISIT = frozenset({"home"})
HEALTH_FOLLOW_UP = frozenset({"health"})
CHECKUP = frozenset({"checkup"})
ON_ASSESSMENT = frozenset({ASSESSMENT})
CENSUS = frozenset({"home", ASSESSMENT})
COMPARISON = frozenset({"comparison"})
LIVELIHOOD = frozenset({"livelihood"})
DISPUTES = frozenset({"disputes"})

MONTHLY_ILLNESSES = frozenset({"hypertension", "diabetes2", "tuberculosis", "mental"})
_INCAPACITATED = frozenset({"partly_disabled", "disabled", "dementia"})
KEY_CODES = frozenset(f.code for f in KEY_CATEGORIES)  # 八类重点对象
IMMEDIATELY = rolling_days(0)  # due from the day the person came on


def _colour(code: str) -> Callable[[CareFacts, date], bool]:
    return lambda p, on: p.colour_on_day(on) == code


def _everyone(p: CareFacts, on: date) -> bool:
    return True


def _weekly(p: CareFacts, on: date) -> bool:
    """独居、空巢、高龄、重病、重残、失能 and unwilling to enter an institution (seed 002)."""
    if not p.refuses_institution:
        return False
    age = p.age(on)
    return bool(
        p.living_with & {"alone", "empty_nest"}
        or (age is not None and age >= ADVANCED_AGE)
        or "serious" in p.illnesses or "serious_illness" in p.factors
        or p.disability_grade in ("1", "2")
        or p.health_status in _INCAPACITATED or "incapacitated" in p.factors
    )


@dataclass(frozen=True)
class CadenceBook:
    """The cadences of one kind of person, grouped by duty."""

    cadences: tuple[Cadence, ...]
    by_duty: dict[str, tuple[Cadence, ...]] = field(init=False, compare=False)
    by_code: dict[str, Cadence] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Cadence]] = {}
        for c in self.cadences:
            grouped.setdefault(c.duty, []).append(c)
        object.__setattr__(
            self, "by_duty",
            {d: tuple(sorted(cs, key=lambda c: c.strictness)) for d, cs in grouped.items()},
        )
        object.__setattr__(self, "by_code", {c.code: c for c in self.cadences})

    def governing(self, facts: CareFacts, on: date) -> list[Cadence]:
        """For each duty, the strictest cadence that applies to this person."""
        chosen = []
        for cadences in self.by_duty.values():
            for c in cadences:  # strictest first
                if c.applies(facts, on):
                    chosen.append(c)
                    break
        return chosen


ELDER_CADENCES = CadenceBook((
    # 随访 by risk colour (seed 002: 红色每个月至少随访2次, 黄色每个月至少随访1次, 绿色每季度
    # 随访1次), each a count in every calendar month or quarter; and the weekly round for
    # the most vulnerable who refuse an institution (seed 002: 每周巡访探视1次).
    Cadence("weekly", "follow_up",
            "独居、空巢、高龄、重病、重残、失能且不愿入住养老机构,每周巡访1次",
            _weekly, IN_PERSON_VISIT, WEEK),
    Cadence("red", "follow_up", f"{COLOUR_LABELS[RED]}每月至少随访2次", _colour(RED),
            IN_PERSON_VISIT, MONTH, count=2, anchor_on_colour=True),
    Cadence("yellow", "follow_up", f"{COLOUR_LABELS[YELLOW]}每月至少随访1次", _colour(YELLOW),
            IN_PERSON_VISIT, MONTH, anchor_on_colour=True),
    Cadence("green", "follow_up", f"{COLOUR_LABELS[GREEN]}每季度随访1次", _colour(GREEN),
            IN_PERSON_VISIT, QUARTER, anchor_on_colour=True),
    # seed 002 一月一访: the team or the paired helper at the door every month, filling the card.
    Cadence("monthly", "visit", "每月上门走访1次(关爱服务卡打卡)", _everyone,
            HOME_VISIT, MONTH),
    # 风险评估: first, then three months after each (seed 002: 定级后持续不低于三个月,
    # 三个月后再次评估)
    Cadence("first_assessment", "assess", "尚未评估风险等级", lambda p, on: p.colour is None,
            ON_ASSESSMENT, IMMEDIATELY),
    Cadence("reassessment", "assess", "定级满三个月,再次评估", lambda p, on: p.colour is not None,
            ON_ASSESSMENT, rolling_months(3), anchor_on_colour=True),
    # seed 002: 每半年开展1次数据比对核实,重点针对八类重点对象 — met only by a comparison
    # (not by any re-assessment), once in each calendar half-year.
    Cadence("key_check", "key_check", "八类重点对象每半年比对核实1次",
            lambda p, on: bool(p.factors & KEY_CODES), COMPARISON, HALF_YEAR),
    # seed 002: 党群服务中心每半年对生活保障情况进行1次评估; 每半年开展1次合法权益问题、
    # 矛盾纠纷排查
    Cadence("livelihood", "livelihood", "每半年生活保障评估1次", _everyone, LIVELIHOOD,
            HALF_YEAR),
    Cadence("disputes", "disputes", "每半年合法权益问题、矛盾纠纷排查1次", _everyone, DISPUTES,
            HALF_YEAR),
    # seed 002 健康随访: 高血压、2型糖尿病、肺结核、严重精神障碍患者每月1次;其余每季度1次
    Cadence("health_monthly", "health",
            "高血压、2型糖尿病、肺结核、严重精神障碍患者每月健康随访1次",
            lambda p, on: bool(p.illnesses & MONTHLY_ILLNESSES), HEALTH_FOLLOW_UP, MONTH),
    Cadence("health_quarterly", "health", "每季度健康随访1次", _everyone, HEALTH_FOLLOW_UP,
            QUARTER),
    # seed 002: 每年为农村留守老年人健康体检1次; 每季度开展1次全面排查
    Cadence("checkup", "checkup", "每年健康体检1次", _everyone, CHECKUP, YEAR),
    Cadence("census", "census", "每季度全面排查1次", _everyone, CENSUS, QUARTER),
))


# Held for the village, not for one person (carecenter.care.events).
ELDER_VILLAGE_CADENCES = CadenceBook((
    # seed 002: 每月至少组织1次农村留守老年人关爱服务和互助活动
    Cadence("activity", "activity", "每月至少组织1次关爱服务和互助活动", _everyone,
            frozenset({"activity"}), MONTH),
    # seed 002: 每季度对农村留守老年人群体开展健康教育咨询…1次
    Cadence("health_talk", "health_talk", "每季度开展1次健康教育咨询", _everyone,
            frozenset({"health_talk"}), QUARTER),
))


@dataclass(frozen=True)
class Due:
    """One duty of one person: when it was last done and when it is next due."""

    person_id: int
    cadence: Cadence
    last: date | None
    due: date

    def state(self, on: date) -> str:
        if self.due < on:
            return "overdue"
        if self.due <= on + timedelta(days=6):
            return "week"
        if (self.due.year, self.due.month) == (on.year, on.month):
            return "month"
        return "later"


def depth(book: CadenceBook) -> int:
    """How many of the latest records of each kind the due dates need."""
    return max((c.count for c in book.cadences), default=1)


def dues(book: CadenceBook, facts: CareFacts, done: Mapping[str, Sequence[date]],
         on: date) -> list[Due]:
    """Every duty of the person with its next date; ``done`` maps evidence → the latest
    distinct days of it, newest first (at least ``depth(book)`` of them when there are)."""
    held_ends = facts.held_until if facts.colour_on_day(on) != facts.colour else None
    out = []
    for c in book.governing(facts, on):
        due = _due(c, facts, done, on)
        if held_ends is not None and c.anchor_on_colour and not c.period.rolling \
                and due.due >= held_ends and not _owed_while_held(c, due.due, held_ends):
            # seed 002 keeps the higher colour three months, not past them: a period
            # mostly after the hold is owed under the colour that follows it, as the
            # quarter's figures count it (carecenter.rules.visit_periods).
            after = [a for a in book.governing(facts, held_ends) if a.duty == c.duty]
            if not after:
                continue
            due = _due(after[0], facts, done, held_ends)
        out.append(due)
    return out


def _owed_while_held(c: Cadence, due: date, held_ends: date) -> bool:
    """Is the period ending ``due`` mostly within the hold (which ends ``held_ends``)?"""
    p0, p1 = c.period.span(due)
    return mostly_inside((p0, p1), p0, held_ends - timedelta(days=1))


def _due(c: Cadence, facts: CareFacts, done: Mapping[str, Sequence[date]], on: date) -> Due:
    records: list[date] = []
    if done:  # nothing done yet: a ledger's new people, every one of them
        days: set[date] = set()
        for kind in c.evidence:
            days.update(done.get(kind, ()))
        records = sorted(days, reverse=True)
    anchor, changed = facts.created_on, False
    colour_on = facts.colour_on
    if c.anchor_on_colour and facts.held_until is not None \
            and facts.colour_on_day(on) != facts.colour:
        # The higher colour held after a lowering counts from the day it was set.
        colour_on = add_months(facts.held_until, -HOLD_MONTHS)
    if c.anchor_on_colour and colour_on is not None and colour_on > facts.created_on:
        anchor, changed = colour_on, True
    return Due(facts.person_id, c, records[0] if records else None,
               c.next_due(records, anchor, changed))
