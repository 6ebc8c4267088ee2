"""What the register table shows: its columns, the query behind it, and one row.

No SQL here, so that start-up can show the first screen before the database layer is
loaded (``carecenter.register.first_screen``); ``carecenter.register.listing`` runs the queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from carecenter.rules.fields import PERSON, STATUS_LABELS

if TYPE_CHECKING:
    from collections.abc import Mapping

ALL = None
NO_COLOUR = "none"
# The kinds as the register's filter names them, without loading the rules at start-up
# (a test keeps this equal to ``carecenter.rules.kinds.KINDS``).
KIND_FILTER: tuple[tuple[str, str], ...] = (
    ("elder", "老年人"), ("child", "儿童"), ("woman", "妇女"), ("tekun", "特困"))
ANY_RISK = "any"


@dataclass(frozen=True)
class Column:
    """One column of the register table."""

    key: str
    label: str
    sortable: bool  # the SQL to order by is carecenter.register.listing's
    width: int = 80


@dataclass(frozen=True)
class RegisterQuery:
    text: str = ""
    group_id: int | None = ALL  # 0: people with no group
    status: str | None = "active"
    kind: str | None = ALL
    sort_key: str = "name"
    descending: bool = False
    colour: str | None = ALL  # red / yellow / green, or NO_COLOUR: not yet assessed
    verdict: str | None = ALL  # left_behind / not / undecided (the stored 留守 verdict)
    housing: str | None = ALL  # ANY_RISK, or one code of 住房安全隐患 (危房, flood zone...)


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    sex: str
    age: int | None
    group: str
    colour: str
    helper: str
    phone: str
    id_number: str
    status: str
    incomplete: bool
    verdict: str = ""
    verdict_reason: str = ""
    kinds: str = ""  # 老年人、特困

    def value(self, key: str) -> Any:
        return getattr(self, key)


# 帮扶人: the current primary helper's name (a subquery per page of rows).
COLUMNS: tuple[Column, ...] = (
    Column("name", PERSON["name"].label, True, 90),
    Column("sex", PERSON["sex"].label, True, 64),  # 待补充 fits (an imported file)
    Column("age", "年龄", True, 64),
    Column("group", PERSON["group_id"].label, True, 90),
    Column("colour", "风险等级", True, 80),
    Column("helper", "帮扶人", False, 80),
    Column("verdict", "留守认定", True, 70),
    Column("kinds", "类别", False, 80),
    Column("phone", PERSON["phone"].label, True, 110),
    Column("id_number", PERSON["id_number"].label, True, 170),
    Column("status", "状态", True, 150),  # 已退出(2026-10-20)
)
COLUMN_KEYS = [c.key for c in COLUMNS]

# What a row is made from, in this order: the person's columns and their group's name,
# the stored verdict, then the helper; beside them the fields the verdicts read
# (``VERDICT_READS``, by name) and the supporters.
ROW_SOURCE = ("id", "kind", "kinds", "name", "sex", "birth_date", "group",
              "phone", "id_number", "status", "colour", "verdict", "verdict_reason",
              "verdict_until", "verdict_on")
# What a supporter row is read with for the verdicts (every role's facts).
SUPPORTER_SOURCE = ("role", "name", "relation", "location_scope", "away_since",
                    "returned_on", "return_kind", "unable", "whereabouts")


def make_row(values: Sequence[Any], reads: Mapping[str, Any],
             supporters: Sequence[Mapping[str, Any]], today: date) -> Row:
    """One row of the table from the ``ROW_SOURCE`` values and the helper's name, the
    fields the verdicts read, and the person's supporters (``SUPPORTER_SOURCE``)."""
    # The rules load with the first row, not with the window (start-up: bench/).
    from carecenter.access import masking
    from carecenter.rules.idnumber import age_on
    from carecenter.rules.kinds import combined
    from carecenter.rules.leftbehind import VERDICT_LABELS

    (id_, kind, kinds, name, sex, birth_date, group, phone, id_number, status,
     colour, code, reason, until, worked_on, helper) = values
    kindset = combined(kinds, kind)
    if code is None or until is None or worked_on is None or not worked_on <= today < until:
        # Not yet worked out for this day (the calendar moved since): as the store will.
        verdict = kindset.verdict({**reads, "birth_date": birth_date, "sex": sex},
                                  supporters, today)
        code, reason = verdict.code, verdict.text
    return Row(
        id=id_,
        name=name or "",
        sex=PERSON["sex"].choice_label(sex),
        age=age_on(birth_date, today) if birth_date else None,
        group=group or "",
        colour=colour or "",
        helper=helper or "",
        # Privacy by default (issue 18): a list shows enough to tell people apart; the
        # open file shows the numbers in full.
        phone=masking.phone(phone),
        id_number=masking.id_number(id_number) if id_number else "待补充身份证号",
        status=STATUS_LABELS.get(status, status),
        incomplete=id_number is None,
        verdict=_label(code, reason or "", VERDICT_LABELS),
        verdict_reason=reason or "",
        kinds=kindset.short,
    )


def _label(code: str, reason: str, labels: Mapping[str, str]) -> str:
    """留守, 特困 (what the file qualified as: the reason says 符合特困认定), 不符合 or
    无法判断."""
    if code == "left_behind" and reason.startswith("符合") and "认定" in reason[:8]:
        return reason[2:reason.index("认定")]
    return labels.get(code, code)


# Ids read at a time: a keystroke reads the first chunk and, when it is full, a count;
# the rest follow as the table scrolls to them.
CHUNK = 2000


@dataclass(frozen=True)
class FirstPage:
    """What a keystroke shows: the first ids in order, and how many match. Not ``exact``:
    at least ``count`` match, and counting stopped there (a search on a server)."""

    ids: list[int]
    count: int
    exact: bool = True


class RowSource(Protocol):
    """What the register table reads: ``carecenter.register.listing.Listing``, or at start-up
    ``carecenter.register.first_screen.FirstScreen``."""

    def ids(self, query: RegisterQuery, offset: int = 0, limit: int | None = None
            ) -> list[int]: ...

    def count(self, query: RegisterQuery) -> int: ...

    def first(self, query: RegisterQuery, size: int = CHUNK) -> FirstPage: ...

    def rows(self, ids: Sequence[int]) -> dict[int, Row]: ...


def exact_first(source: RowSource, query: RegisterQuery, size: int = CHUNK) -> FirstPage:
    """The first ``size`` ids and the exact count (a short first chunk is the whole
    answer; only a full one needs counting)."""
    ids = source.ids(query, 0, size)
    return FirstPage(ids, len(ids) if len(ids) < size else source.count(query))
