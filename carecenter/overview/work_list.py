"""工作台: what is overdue and due for whom on a given day, and which needs are open.

Built from the cadences of each person's kind (``carecenter.rules.cadences``), the latest
record of each kind per person, open special rounds and the open needs. The register
is read in a few set-wise queries (no query per person), so a county of 100,000 people
comes back in well under a second (bench/).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, text

from carecenter.calendar import add_months
from carecenter.care import due_dates as duestore
from carecenter.care.care_book import FLOOD_ROUND, FLOOD_RULE, IN_PERSON, NEED_KINDS
from carecenter.care.events import EventBook
from carecenter.overview import duty_sections
from carecenter.register import kind_ages, upkeep, verdicts
from carecenter.rules.cadences import DUTIES, Cadence
from carecenter.rules.kinds import CADENCES, DUTY_OF, KINDS
from carecenter.rules.kinds import DUTIES as KIND_DUTIES
from carecenter.rules.risk import COLOUR_LABELS, RANK
from carecenter.rules.roles import VIEWER
from carecenter.rules.sources import basis
from carecenter.storage.backends import retrying
from carecenter.storage.bulk import collector_paused
from carecenter.storage.database import Database

# The sections of the work list, in the order the clerk reads them.
SECTIONS: dict[str, str] = {
    "overdue": "逾期",
    "week": "本周到期",
    "month": "本月到期",
    "not_qualifying": "不再符合",
    "assess": "待评估/复评",
    "key_check": "重点对象核实",
    "age_out": "到龄退出",
    "review": "半年评估排查",
    "event": "村级活动",
    "round": "专项走访",
    "unsafe": "独居安全",
    "unpaired": "未结对",
    "agreement": "委托协议",
    "helper": "帮扶人履职",
    "whereabouts": "去向未报",
    "need": "待办需求",
    "undecided": "待补资料",
}
# Duties with a section of their own.
_OWN_SECTION = {"assess": "assess", "key_check": "key_check", "livelihood": "review",
                "disputes": "review"}


@dataclass(slots=True)
class WorkItem:
    section: str
    person_id: int
    name: str
    group: str
    group_position: int
    colour: str | None
    what: str  # the duty, round or need kind
    rule: str  # the cadence as the clerk reads it, or the need's description
    last: date | None = None
    due: date | None = None
    overdue: bool = False
    ref: int | None = None  # the round's, need's, agreement's or helper's id
    cadence: Cadence | None = field(default=None, compare=False)
    kind: str = ""  # the kind an age_out item is about
    seed: str = ""  # the policy text the rule comes from (carecenter.rules.sources)

    @property
    def basis(self) -> str:
        return basis(self.seed or (self.cadence.seed if self.cadence else ""))

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS.get(self.colour or "", "未评估")

    def days_late(self, on: date) -> int:
        return (on - self.due).days if self.due and self.due < on else 0

    def line(self, on: date) -> str:
        who = f"{self.name}(档案号 {self.person_id})"
        head = f"[{SECTIONS[self.section]}] {self.colour_label} {self.group or '未分组'} {who}"
        body = f"{self.what}:{self.rule}"
        when = []
        if self.section == "event":
            head = f"[{SECTIONS[self.section]}] 全村"
            when.append(f"上次 {self.last:%Y-%m-%d}" if self.last else "尚无记录")
            when.append(f"应于 {self.due:%Y-%m-%d} 前" if self.due else "")
        elif self.section == "helper":
            who = f"{self.name}(帮扶人编号 {self.ref})"
            head = f"[{SECTIONS[self.section]}] {self.group or '未分组'} {who}"
            when.append(f"应于 {self.due:%Y-%m-%d} 前" if self.due else "")
        elif self.section in _ON_FILE:
            pass
        elif self.section == "need":
            when.append(f"{self.last:%Y-%m-%d} 提出" if self.last else "")
        elif self.section == "age_out":
            when.append(f"{self.due:%Y-%m-%d} 到龄" if self.due else "")
        else:
            when.append(f"上次 {self.last:%Y-%m-%d}" if self.last else "尚无记录")
            if self.due:
                late = self.days_late(on)
                when.append(f"应于 {self.due:%Y-%m-%d} 前" + (f"(逾期 {late} 天)" if late else ""))
        tail = f"({self.basis})" if self.basis else ""
        dated = ",".join(w for w in when if w)
        return f"{head}:{body}" + (f";{dated}" if dated else "") + tail


class WorkList:
    """The work list of a day: how many items each section holds, counted exactly in
    SQL, and each section's items, made when first asked for (``section``). A county's
    list is 200,000 items (82,000 "no agreement yet" alone): the window shows the counts
    at once and makes the rows of the sections the clerk scrolls to or chooses."""

    def __init__(self, on: date, persons: int, sizes: dict[str, int],
                 made: dict[str, list[WorkItem]],
                 load: Callable[[str], list[WorkItem]] | None = None,
                 readable: Callable[[], bool] | None = None) -> None:
        self.on = on
        self.persons = persons  # active people looked at
        self.sizes = {code: sizes.get(code, 0) for code in SECTIONS}
        self._made = made
        self._load = load
        self._readable = readable

    def readable(self) -> bool:
        """Whether the sections not yet read may still be read: the register is open and
        the operator who asked for the list is still the one signed in."""
        return self._readable is None or self._readable()

    def section(self, code: str) -> list[WorkItem]:
        """The section's items in their order (read now if not read yet). Once the
        register is closed or locked, or someone else signed in, a section not yet read
        is empty: nothing is read for a list that is no longer theirs (issue 20)."""
        if code not in self._made:
            if not self.readable():
                return []
            self._made[code] = self._load(code) if self._load and self.sizes[code] else []
        return self._made[code]

    def is_read(self, code: str) -> bool:
        return code in self._made

    @property
    def items(self) -> list[WorkItem]:
        """Every item, section by section (all of them read: the command line, a print)."""
        return [item for code in SECTIONS for item in self.section(code)]

    def counts(self) -> dict[str, int]:
        return dict(self.sizes)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def lines(self) -> list[str]:
        out = [i.line(self.on) for i in self.items]
        counts = self.counts()
        out.append(
            f"合计({self.on:%Y-%m-%d},在册 {self.persons} 人):"
            + ",".join(f"{SECTIONS[k]} {n} 项" for k, n in counts.items())
        )
        return out


# Sections about the file, not a dated duty: no "last done" or "due by".
_ON_FILE = frozenset({"not_qualifying", "undecided", "unpaired", "unsafe", "whereabouts",
                      "agreement"})


def _same(value: date) -> date:
    return value


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def build(database: Database, on: date, group_id: int | None = None,
          progress: Callable[[int, int], None] | None = None) -> WorkList:
    """The work list for ``on``: every duty due by the end of that month, the special
    rounds not yet visited, and the open needs."""
    # A county's list is 60,000 items that live on (the table shows them): the cyclic
    # collector would walk them, and everything else alive, several times while they
    # are made (measured: a third of the time). Nothing here makes cycles.
    with collector_paused():
        return _build(database, on, group_id, progress)


# Sections read when first shown, each counted exactly before (the large ones at a
# county's size); the others are few and made at once.
_DUE_SECTIONS = ("overdue", "week", "month", "assess", "key_check", "review")
_LATER = (*_DUE_SECTIONS, "not_qualifying", "undecided", "unpaired", "unsafe",
          "whereabouts", "agreement", "helper")


def _due_case() -> tuple[str, str]:
    """The SQL that puts a care_due row in its section (as the items' ``section``), and
    the condition that keeps only the cadences this program knows."""
    own: dict[str, list[str]] = {}
    for code, cadence in CADENCES.items():
        section = _OWN_SECTION.get(cadence.duty)
        if section:
            own.setdefault(section, []).append(code)
    whens = "".join(f"WHEN cadence IN ({','.join(repr(c) for c in sorted(codes))}) "
                    f"THEN '{section}' " for section, codes in own.items())
    case = (f"CASE {whens}WHEN due_on < :on THEN 'overdue' "
            "WHEN due_on <= :week THEN 'week' ELSE 'month' END")
    return case, f"cadence IN ({','.join(repr(c) for c in sorted(CADENCES))})"


@retrying
def _build(database: Database, on: date, group_id: int | None,
           progress: Callable[[int, int], None] | None) -> WorkList:
    month_end = date(on.year + on.month // 12, on.month % 12 + 1, 1) - timedelta(days=1)
    params: dict[str, object] = {"on": on.isoformat(), "end": month_end.isoformat(),
                                 "week": (on + timedelta(days=6)).isoformat(),
                                 "group": group_id}
    case, known = _due_case()
    # The due dates are brought up to today and kept. When another window holds the
    # register, this reads what that window keeps up to date (read-only connections).
    writable = database.can_write()
    # Keeping the due dates is the program's housekeeping, not the operator's change:
    # any signed-in operator's work list does it (a 查看 one too).
    with (database.transaction(need=VIEWER, what="查看工作台") if writable
          else database.scratch()) as session:
        connection = session.connection()
        if writable or not database.read_only:
            duestore.ensure_current(connection, on, progress)
            # Done when the register was opened for writing; here too for one that was
            # not (kept verdicts and tally by this program's rules before reading them).
            upkeep.catch_up(connection, on, progress)
            verdicts.ensure_current(connection, on)
        if not database.on_server:
            read = _read(connection, on, group_id, params)
    if database.on_server:
        # Read from one snapshot after the housekeeping's commit: a SERIALIZABLE
        # transaction would lock every page these passes read (predicate locks), a
        # quarter of their time at 100,000 people; a report needs only a snapshot.
        with _snapshot(database) as reading:
            read = _read(reading, on, group_id, params)
    sizes, shortfall, groups, persons, rounds, aged, needs = read

    nowhere = ("", 1 << 30)
    items: list[WorkItem] = []
    for round_id, round_name, starts, ends, pid, name, gid, colour in rounds:
        group_name, position = groups.get(gid, nowhere)
        end = _date(ends)
        start = _date(starts)
        assert end is not None and start is not None
        items.append(WorkItem(
            "round", pid, name or "", group_name, position, colour, "专项走访",
            f"{round_name}({start:%m月%d日}至{end:%m月%d日})"
            + (f";{FLOOD_RULE}" if round_name.startswith(FLOOD_ROUND) else ""),
            None, end, end < on, ref=round_id,
            seed="001" if round_name.startswith(FLOOD_ROUND) else "",
        ))
    for need_id, pid, kind, raised, description, name, gid, colour in needs:
        group_name, position = groups.get(gid, nowhere)
        items.append(WorkItem(
            "need", pid, name or "", group_name, position, colour,
            "需求:" + NEED_KINDS.get(kind, kind), description, _date(raised), ref=need_id,
        ))
    for k, (pid, name, gid, colour, born) in aged:
        group_name, position = groups.get(gid, nowhere)
        turned = k.leaving_day(_date(born))
        assert turned is not None
        items.append(WorkItem(
            "age_out", pid, name or "", group_name, position, colour, k.label, k.leave_rule,
            None, turned, False, kind=k.code,
        ))
    warned = _agreement_items(database, on, group_id, groups)
    if not group_id:  # the village's own duties (seed 002: activities, health talks)
        for d in EventBook(database).dues(on):
            if d.due <= month_end:
                items.append(WorkItem("event", 0, "全村", "", -1, None, DUTIES[d.cadence.duty],
                                      d.cadence.label, d.last, d.due, d.due < on,
                                      cadence=d.cadence))
    made: dict[str, list[WorkItem]] = {code: [] for code in SECTIONS if code not in _LATER}
    for item in _ordered(items, on):
        made[item.section].append(item)
    for code, made_items in made.items():
        sizes[code] = len(made_items)
    if warned:
        # Runs out or changed: on the list with the people who have none (counted in SQL).
        with database.engine.connect() as connection:
            sizes["agreement"] = sizes.get("agreement", 0) + len(warned) - \
                duty_sections.missing_agreement_among(
                    connection, group_id, on, {i.person_id for i in warned})

    def load(code: str) -> list[WorkItem]:
        with collector_paused(), _snapshot(database) as connection:
            if code in _DUE_SECTIONS:
                return _due_items(connection, code, case, known, params, groups, on)
            if code == "helper":
                return _ordered(_found_items(duty_sections.helper_items(
                    connection, shortfall), groups), on)
            found = duty_sections.find(connection, code, group_id, on,
                                       {i.person_id for i in warned})
            return _ordered([*(warned if code == "agreement" else []),
                             *_found_items(found, groups)], on)

    asked_by, scope = database.operator, database.scope

    def readable() -> bool:
        return (not database.closed and database.operator == asked_by
                and database.scope == scope)

    return WorkList(on, persons, sizes, made, load, readable)


def _snapshot(database: Database) -> Connection:
    """A connection for reading; on a server one snapshot per transaction, without the
    predicate locks of SERIALIZABLE (the program's writes keep them)."""
    connection = database.engine.connect()
    if database.on_server:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


_Read = tuple[dict[str, int], duty_sections.Shortfall, dict[int, tuple[str, int]], int,
              Sequence[Any], list[tuple[Any, Any]], Sequence[Any]]


def _read(connection: Connection, on: date, group_id: int | None,
          params: dict[str, object]) -> _Read:
    """What the work list counts and the few sections it makes at once."""
    case, known = _due_case()
    where = "p.status = 'active'" + (" AND p.group_id = :group" if group_id else "")
    sizes: dict[str, int] = {r[0]: int(r[1]) for r in connection.execute(text(
        f"SELECT {case} AS section, count(*) FROM care_due WHERE due_on <= :end "
        f"AND {known}" + (" AND group_id = :group" if group_id else "")
        + " GROUP BY 1"), params)}
    sizes.update(duty_sections.sizes(connection, group_id, on))
    # Counted now; the example person of each helper read when the section is shown.
    shortfall = duty_sections.short_helpers(connection, group_id, on)
    sizes["helper"] = len(shortfall)
    groups = {
        r[0]: (r[1], r[2])
        for r in connection.execute(text("SELECT id, name, position FROM village_group"))
    }
    persons = connection.execute(text(duty_sections.active_count_sql(
        group_id, connection.dialect.name == "postgresql")), params).scalar_one()
    rounds = connection.execute(text(
        "SELECT r.id, r.name, r.starts_on, r.ends_on, m.person_id, p.name, p.group_id, "
        "p.colour FROM care_round r "
        "JOIN round_member m ON m.round_id = r.id "
        "JOIN person p ON p.id = m.person_id "
        f"WHERE r.starts_on <= :on AND {where} AND NOT EXISTS ("
        "  SELECT 1 FROM visit v WHERE v.person_id = m.person_id"
        "  AND v.visited_on >= r.starts_on AND v.visited_on <= :on"
        f"  AND v.kind IN ({','.join(repr(k) for k in sorted(IN_PERSON))}))"
    ), params).all()
    # A kind with an age limit (a child at 16): everyone of it who has reached it,
    # from the very day (issue 21), to leave the register or that kind.
    # Found in the index of kinds (ix_person_kinds: each set of kinds holding it, a
    # range by birth date), then the few rows read.
    aged = [
        (k, r) for k in KINDS.values() if k.leaves_at is not None
        for r in connection.execute(text(
            "SELECT p.id, p.name, p.group_id, p.colour, p.birth_date FROM person p "
            "WHERE p.id IN (SELECT p.id FROM person p "
            f"WHERE {where} AND {kind_ages.of_kind(k)} AND p.birth_date <= :born)"),
            {**params, "born": add_months(on, -12 * k.leaves_at).isoformat()})
    ]
    needs = connection.execute(text(
        "SELECT n.id, n.person_id, n.kind, n.raised_on, n.description, p.name, p.group_id, "
        "p.colour FROM need n "
        f"JOIN person p ON p.id = n.person_id WHERE n.resolved_on IS NULL AND {where}"
    ), params).all()
    return sizes, shortfall, groups, persons, rounds, aged, needs


def _found_items(found: list[duty_sections.Found],
                 groups: dict[int, tuple[str, int]]) -> list[WorkItem]:
    nowhere = ("", 1 << 30)
    return [WorkItem(f.section, f.person_id, f.name, *(
        groups.get(f.group_id, nowhere) if f.group_id else nowhere),
        f.colour, f.what, f.rule, None, f.due, False, f.ref, seed=f.seed) for f in found]


def _ordered(items: list[WorkItem], on: date) -> list[WorkItem]:
    """Items of the sections other than the due dates', in the list's order: section,
    colour (red first), village group, date, person."""
    order = {code: i for i, code in enumerate(SECTIONS)}
    keys = [(order[i.section], RANK.get(i.colour or "", 3), i.group_position, i.group,
             i.due or i.last or on, i.person_id, n) for n, i in enumerate(items)]
    # Sorted by the keys (the last part is unique, so items are never compared).
    return [items[n] for n in sorted(range(len(items)), key=keys.__getitem__)]


def _due_items(connection: Connection, section: str, case: str, known: str,
               params: dict[str, object], groups: dict[int, tuple[str, int]],
               on: date) -> list[WorkItem]:
    """One section of the cadences' due dates, in its order."""
    # care_due holds only active people, with what a row shows of them: no join.
    # The driver's own tuples: 60,000 rows as SQLAlchemy Rows cost ~60 ms more.
    group = params.get("group")
    rows = connection.execute(text(
        "SELECT person_id, cadence, last_on, due_on, kind, name, group_id, colour "
        f"FROM care_due WHERE due_on <= :end AND {known} AND {case} = :section"
        + (" AND group_id = :group" if group else "")
    ), {**params, "section": section}).cursor.fetchall()
    # The elders' duties in their order (issue 20), then the other kinds' (issue 21).
    duty_order = {code: i for i, code in enumerate(dict.fromkeys([*DUTIES, *KIND_DUTIES]))}
    nowhere = ("", 1 << 30)
    # SQLite hands dates back as text here (raw SQL), PostgreSQL as dates.
    day: Callable[[Any], date] = date.fromisoformat
    if rows and isinstance(rows[0][3], date):
        day = _same
    items: list[WorkItem] = []
    keys: list[tuple[Any, ...]] = []
    for pid, code, last, due, _kind, name, gid, colour in rows:
        cadence = CADENCES[code]
        due_day = day(due)
        group_name, position = groups.get(gid, nowhere)
        # Within a colour, the visits before the yearly check: a health check missed for
        # years must not push this month's red follow-ups off the top (issue 20).
        keys.append((RANK.get(colour or "", 3), duty_order[cadence.duty],
                     position, group_name, due_day, pid, len(keys)))
        items.append(WorkItem(
            section, pid, name, group_name, position,
            colour, DUTY_OF[code], cadence.label, day(last) if last else None, due_day,
            due_day < on, None, cadence,
        ))
    return [items[n] for n in sorted(range(len(items)), key=keys.__getitem__)]


def _agreement_items(database: Database, on: date, group_id: int | None,
                     groups: dict[int, tuple[str, int]]) -> list[WorkItem]:
    """委托照顾协议 about to run out, run out, or no longer naming the supporters."""
    from carecenter.documents.agreement_book import Agreements

    warnings = Agreements(database, today=lambda: on).warnings()
    if not warnings:
        return []
    ids = sorted({w.person_id for w in warnings})
    with database.engine.connect() as connection:
        people = {
            r[0]: r[1:] for r in connection.execute(
                text("SELECT id, name, group_id, colour FROM person WHERE id IN :ids")
                .bindparams(bindparam("ids", expanding=True)), {"ids": ids})
        }
    items = []
    for w in warnings:
        name, gid, colour = people.get(w.person_id, ("", None, None))
        if group_id and gid != group_id:
            continue
        group_name, position = groups.get(gid, ("", 1 << 30))
        items.append(WorkItem(
            "agreement", w.person_id, name or "", group_name, position, colour,
            "委托照顾协议", w.message, None, None, w.kind == "ended", ref=w.agreement_id,
            seed="002",
        ))
    return items
