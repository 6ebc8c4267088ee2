"""概况: how the village stands on a day, as a handful of figures a chart can draw.

Colour counts, people visited against people owed a visit in each of the last twelve
months, pairing and agreement coverage, and the people overdue in each village group.
Each figure is one small SQL query read from an index or a kept tally (no query per
person, no pass over the visits), so a county of 100,000 people is summed in well under
300 ms (bench/measures/overview.py); the lists behind the figures (``people_behind``)
are read only when the clerk clicks through.

Visits month by month follow the monthly home visit that everyone on the register owes
(seed 002: 每月上门走访打卡, met at the door, not by a call): owed by each person on
the register in the month, done by each of them visited at the door at least once. The
stricter cadences (red twice a month, the weekly round) show as overdue on the work list;
the township's quarterly figure follows every cadence day by day
(``carecenter.rules.visit_periods``) and takes seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, text

from carecenter.calendar import add_months
from carecenter.care import visit_tally
from carecenter.register import kind_ages
from carecenter.rules.kinds import KINDS
from carecenter.rules.leftbehind import NOT_QUALIFYING
from carecenter.rules.risk import COLOURS
from carecenter.storage.database import Database

NO_GROUP = "未分组"
MONTHS = 12
# Agreements that cover a person: signed or filed, not ended, not run out.
COVERING = ("signed", "filed")
_ENTERED = "coalesce(p.registered_on, substr(p.created_at, 1, 10))"


@dataclass(frozen=True)
class MonthVisits:
    month: date  # its first day
    due: int  # people on the register in the month: each owes a visit
    done: int  # of them, visited at the door at least once
    partial: bool = False  # the month of the day asked about: not over yet


@dataclass(frozen=True)
class GroupOverdue:
    group_id: int | None
    name: str
    people: int  # active people in the group
    overdue: int  # of them, with at least one duty overdue


@dataclass
class VillageFigures:
    on: date
    active: int = 0
    colours: dict[str, int] = field(default_factory=dict)  # red/yellow/green/"" unassessed
    months: list[MonthVisits] = field(default_factory=list)
    paired: int = 0
    # Active people past the leaving age of every kind of theirs (a child of no other
    # kind after 16, issue 21) with no helper: owed none, so not counted as unpaired.
    owed_none: int = 0
    agreements: int = 0
    # Active people whose kinds declare the entrusted-care agreement (the elders', seed
    # 002): what 有效协议 is out of (a child's file has no such agreement).
    agreement_due: int = 0
    not_qualifying: int = 0  # on the register, the stored 留守 verdict says no (seed 002)
    groups: list[GroupOverdue] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.active == 0

    @property
    def to_pair(self) -> int:
        """The people a helper is owed to (or who have one): what 已结对 is out of."""
        return self.active - self.owed_none

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)


def month_starts(on: date, count: int = MONTHS) -> list[date]:
    """The first days of the ``count`` months ending with the month of ``on``."""
    last = date(on.year, on.month, 1)
    return [add_months(last, k - count + 1) for k in range(count)]


def build(database: Database, on: date) -> VillageFigures:
    """The figures of the register as it stands on ``on``."""
    figures = VillageFigures(on)
    with database.engine.connect() as connection:
        figures.colours = dict.fromkeys((*COLOURS, ""), 0)
        active: dict[int | None, int] = defaultdict(int)
        # In the order of the covering index (status, group, colour): no sorting.
        for gid, colour, count in connection.execute(text(
                "SELECT group_id, colour, count(*) FROM person WHERE status = 'active' "
                "GROUP BY group_id, colour")):
            figures.colours[colour if colour in COLOURS else ""] += count
            active[gid] += count
        figures.active = sum(figures.colours.values())
        figures.months = _months(connection, on)
        # An exit ends the person's pairings (Register.exit): open ones are of active people.
        figures.paired = connection.execute(text(
            "SELECT count(DISTINCT person_id) FROM pairing WHERE ended_on IS NULL"
        )).scalar_one()
        nothing, aged = kind_ages.owed_nothing(on)
        figures.owed_none = connection.execute(text(
            f"SELECT count(*) FROM person p WHERE p.status = 'active' AND {nothing} "
            f"AND NOT EXISTS ({_PAIRED})"), aged).scalar_one()
        figures.agreement_due = connection.execute(text(
            f"SELECT count(*) FROM person o WHERE o.status = 'active' AND {_AGREEMENT_KINDS}"
        )).scalar_one()
        # From the agreements (fewer than the people), each asking its person's status.
        figures.agreements = connection.execute(text(
            "SELECT count(DISTINCT a.person_id) FROM agreement a WHERE "
            "(SELECT p.status FROM person p WHERE p.id = a.person_id) = 'active' AND "
            f"{_in_force('a')}"), {"on": on.isoformat()}).scalar_one()
        figures.groups = _groups(connection, on, active)
        # The verdict as last worked out (the work list brings it up to the day).
        figures.not_qualifying = connection.execute(text(
            "SELECT count(*) FROM person WHERE status = 'active' AND verdict = :no"),
            {"no": NOT_QUALIFYING}).scalar_one()
    return figures


# The sets of kinds (on ``person o``) whose files the agreement is for, as index ranges.
_AGREEMENT_KINDS = kind_ages.owing(
    [k for k in KINDS.values() if "agreement" in k.documents], date.min, "o", "agr")[0]

# The person ``p`` has a helper now (an exit ends the pairings: Register.exit).
_PAIRED = "SELECT 1 FROM pairing r WHERE r.person_id = p.id AND r.ended_on IS NULL"


def _in_force(a: str) -> str:
    return (f"{a}.ended_on IS NULL AND {a}.state IN ({','.join(repr(s) for s in COVERING)}) "
            f"AND ({a}.ends_on IS NULL OR {a}.ends_on >= :on)")


def _covers(a: str) -> str:
    return f"{a}.person_id = p.id AND {_in_force(a)}"


def _months(connection: Connection, on: date) -> list[MonthVisits]:
    starts = month_starts(on)
    keys = [f"{s:%Y-%m}" for s in starts]
    window = {"start": starts[0].isoformat()}
    # On the register in a month: came in by its end, not gone by its first day. Read as
    # counts of index ranges (entries and exits before the twelve months) and the few
    # entries and exits within them, never a pass over every person.
    came_before = connection.execute(text(
        "SELECT (SELECT count(*) FROM person WHERE registered_on < :start)"
        " + (SELECT count(*) FROM person WHERE registered_on IS NULL"
        "    AND created_at < :start)"), window).scalar_one()
    # Counted by month in SQL: a county enters tens of thousands a year, and fetching
    # each date costs more than the rest of the figures.
    came: Counter[str] = Counter()
    for month, count in connection.execute(text(
            "SELECT substr(CAST(registered_on AS TEXT), 1, 7), count(*) FROM person "
            "WHERE registered_on >= :start GROUP BY 1 UNION ALL "
            "SELECT substr(CAST(created_at AS TEXT), 1, 7), count(*) FROM person "
            "WHERE registered_on IS NULL AND created_at >= :start GROUP BY 1"), window):
        came[month] += count
    gone_before = connection.execute(text(
        "SELECT count(*) FROM person WHERE exit_date <= :start"), window).scalar_one()
    gone = Counter(str(day)[:10] for (day,) in connection.execute(text(
        "SELECT exit_date FROM person WHERE exit_date > :start"), window))
    due = []
    for key, first in zip(keys, starts, strict=True):
        entered = came_before + sum(n for month, n in came.items() if month <= key)
        left = gone_before + sum(n for day, n in gone.items() if day <= first.isoformat())
        due.append(max(0, entered - left))
    done = visit_tally.visited(connection, keys[0], keys[-1])
    return [MonthVisits(s, due[k], min(done.get(keys[k], 0), due[k]), k == len(starts) - 1)
            for k, s in enumerate(starts)]


def _groups(connection: Connection, on: date,
            active: dict[int | None, int]) -> list[GroupOverdue]:
    """Active people and those with a duty overdue, by group in the clerk's order."""
    active = dict(active)
    late: dict[int | None, int] = {}
    for gid, count in connection.execute(text(
            "SELECT group_id, count(DISTINCT person_id) FROM care_due WHERE due_on < :on "
            "GROUP BY 1"), {"on": on.isoformat()}):
        late[gid] = count
    out = []
    for gid, name in connection.execute(text(
            "SELECT id, name FROM village_group ORDER BY position, id")):
        if gid in active or gid in late:
            out.append(GroupOverdue(gid, name, active.pop(gid, 0), late.pop(gid, 0)))
    rest = sum(active.values())
    if rest or late:
        out.append(GroupOverdue(None, NO_GROUP, rest, sum(late.values())))
    return out


# -- the lists behind the figures ---------------------------------------------------------

UNPAIRED = "unpaired"
NO_AGREEMENT = "no_agreement"
UNVISITED = "unvisited"  # with ``month``: on the register that month and not visited


def people_behind(database: Database, what: str, on: date,
                  month: date | None = None) -> list[int]:
    """The active people (ids, by name) behind a figure: not paired, not covered by an
    agreement, or (``month``) on the register that month and visited not once."""
    params: dict[str, object] = {"on": on.isoformat()}
    if what == UNPAIRED:
        nothing, aged = kind_ages.owed_nothing(on)
        params |= aged
        where = f"NOT EXISTS ({_PAIRED}) AND NOT {nothing}"
        status = "p.status = 'active'"
    elif what == NO_AGREEMENT:
        where = (f"NOT EXISTS (SELECT 1 FROM agreement a WHERE {_covers('a')}) AND p.id IN "
                 f"(SELECT o.id FROM person o WHERE o.status = 'active' AND {_AGREEMENT_KINDS})")
        status = "p.status = 'active'"
    elif what == UNVISITED and month is not None:
        first = date(month.year, month.month, 1)
        params |= {"first": first.isoformat(), "month": f"{first:%Y-%m}"}
        status = ("(p.exit_date IS NULL OR p.exit_date > :first) "
                  f"AND substr({_ENTERED}, 1, 7) <= :month")
        where = ("NOT EXISTS (SELECT 1 FROM visit_month v WHERE v.person_id = p.id "
                 "AND v.month = :month)")
    else:
        raise ValueError(f"no list behind {what!r}")
    with database.engine.connect() as connection:
        return list(connection.execute(text(
            f"SELECT p.id FROM person p WHERE {status} AND {where} "
            "ORDER BY p.name_pinyin, p.id"), params).scalars())

