"""What a kind of person declares: the shape every kind fills in, and nothing of any one.

A kind (留守老年人, 留守儿童, 留守妇女, 特困群众) is one value of ``PersonKind``: its
definition (``judge``: the verdict and its reasons), its fields and form sections, the
roles of the people around it (the elder's 赡养人, the child's 监护人 and parents, the
woman's husband), its cadences and the records that meet them, the age it leaves the
register at, its documents and its quarterly figures. The engine (register, work list,
export, documents) reads these declarations and never asks which kind it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from carecenter.calendar import add_months
from carecenter.rules.cadences import Cadence, CadenceBook, CareFacts
from carecenter.rules.fields import PERSON_FIELDS, Field, Section
from carecenter.rules.helper_duties import Duty
from carecenter.rules.leftbehind import Verdict
from carecenter.rules.periods import MONTH, QUARTER, WEEK, YEAR, Period

Values = Mapping[str, Any]
Judge = Callable[[Values, Sequence[Values], date], Verdict]


@dataclass(frozen=True)
class Role:
    """People around the person, each kept as a row of the supporter table with this
    role: they are never a person on the register themselves."""

    code: str  # stored in supporter.role
    label: str  # the tab and the table heading: 赡养人, 父母, 委托监护人
    section: Section  # the editor's tab
    fields: tuple[Field, ...]
    empty: str = ""  # what the tab says while there is nobody
    hint: str = ""
    summary: tuple[str, ...] = ()  # the columns of the tab's table

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Figure:
    """One count in the quarterly figures of a kind: how many of its people on the
    register have this (a child who is an orphan, a woman screened this year)."""

    code: str
    label: str
    counts: Callable[[Values, date], bool]


@dataclass(frozen=True)
class PersonKind:
    code: str
    label: str  # as the clerk reads it in a list: 农村留守老年人
    short: str  # a column or a filter: 老年人
    judge: Judge  # is the person of this kind on that day, and why (or why not)
    fields: tuple[Field, ...]  # in the form's order (``pick``)
    sections: tuple[Section, ...]  # the editor's tabs, in order (roles' tabs among them)
    roles: tuple[Role, ...]  # the people around the person
    cadences: CadenceBook  # how often each duty falls due
    duties: Mapping[str, str]  # the duties this kind brings, code → label
    records: Mapping[str, str]  # the records that meet them (visit kinds), code → label
    form_title: str  # the registration form printed for the file
    form: str = "elder"  # which layout prints it (``carecenter.documents``)
    leaves_at: int | None = None  # the age the person leaves the register at
    leave_rule: str = ""  # and the rule as the clerk reads it
    figures: tuple[Figure, ...] = ()
    columns: tuple[str, ...] = ()  # extra register columns (field names) for this kind
    helper_roles: tuple[str, ...] = ()  # helper roles especially fit (a child's teacher)
    # What the paired helper must do for the person (帮扶人履职): the elder's calls and
    # visits (seed 001), the child's monthly home visit (seed 000); none where the
    # seeds name none.
    helper_duties: tuple[Duty, ...] = ()
    seed: str = ""  # where the definition comes from
    reads: tuple[str, ...] = ("birth_date",)  # the person's fields ``judge`` reads
    # What can be printed for the person: form (the kind's registration form), card
    # (关爱服务卡), agreement (委托照顾协议, the elder's).
    documents: tuple[str, ...] = ("form", "card")
    # The ways a visit is written on the care card (关爱服务卡) kept at home.
    card_ways: tuple[str, ...] = ("入户走访", "电话问候")
    # Duties of the village towards the kind as a whole (activities, health talks).
    village_cadences: CadenceBook = CadenceBook(())
    # A common field shown in another tab than its own (a child's 残疾 under 就学与健康).
    placement: Mapping[str, Section] = field(default_factory=dict)

    def section_of(self, f: Field) -> Section:
        return self.placement.get(f.name, f.section)

    def leaving_day(self, birth: date | None) -> date | None:
        """The day the person reaches ``leaves_at`` (a child's 16th birthday): from it they
        are proposed to leave (到龄退出) and the kind's duties no longer fall due."""
        if self.leaves_at is None or birth is None:
            return None
        return add_months(birth, 12 * self.leaves_at)


def pick(names: Sequence[str], *own: Sequence[Field]) -> tuple[Field, ...]:
    """The fields named, from the common form (``carecenter.rules.fields``) or the
    kind's own declarations, in the order named."""
    pool = {f.name: f for group in (PERSON_FIELDS, *own) for f in group}
    return tuple(pool[name] for name in names)


def every(period: Period, code: str, duty: str, label: str, evidence: frozenset[str],
          applies: Callable[[CareFacts, date], bool] | None = None, count: int = 1,
          seed: str = "000") -> Cadence:
    """``count`` records in each ``period`` (``carecenter.rules.periods``): the one
    engine the elders' cadences use, for the work list and the quarter's figures."""
    return Cadence(code, duty, label, applies or _everyone, evidence, period, count,
                   seed=seed)


def every_week(code: str, duty: str, label: str, evidence: frozenset[str],
               applies: Callable[[CareFacts, date], bool] | None = None) -> Cadence:
    """Once in each calendar week (the child's guardian in touch: seed 000
    每周与留守儿童联系交流一次)."""
    return every(WEEK, code, duty, label, evidence, applies)


def every_month(code: str, duty: str, label: str, evidence: frozenset[str],
                applies: Callable[[CareFacts, date], bool] | None = None) -> Cadence:
    return every(MONTH, code, duty, label, evidence, applies)


def every_quarter(code: str, duty: str, label: str, evidence: frozenset[str],
                  applies: Callable[[CareFacts, date], bool] | None = None) -> Cadence:
    return every(QUARTER, code, duty, label, evidence, applies)


def every_year(code: str, duty: str, label: str, evidence: frozenset[str],
               applies: Callable[[CareFacts, date], bool] | None = None) -> Cadence:
    """Once in each calendar year (a woman's screening, a 特困 person's yearly review)."""
    return every(YEAR, code, duty, label, evidence, applies)


def _everyone(p: CareFacts, on: date) -> bool:
    return True


def next_change(on: date, *days: date | None) -> date:
    """The first of ``days`` after ``on`` (a birthday, a departure or return dated
    ahead), else a year on: the day a stored verdict is worked out again."""
    later = [d for d in days if d is not None and d > on]
    return min(later) if later else on.replace(year=on.year + 1) if (on.month, on.day) != (2, 29) \
        else date(on.year + 1, 3, 1)


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
