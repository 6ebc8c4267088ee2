"""A helper's duties (帮扶人履职), counted from the visit records.

Each kind of person declares its helper duties (``carecenter.rules.kinds``: the
elder's calls four times a month, visits three times a quarter and the children three
times a year, seed 001; the child's home visit once a month, seed 000). ``DUTIES`` is
every one of them; a person owes those of their own kinds (``owed``: a child's end on
the 16th birthday). For each current primary pairing the visits of that person recorded
by that helper (by ``helper_id``, or by the visitor's name when no helper was recorded)
are counted in the month, quarter and year that contain the chosen day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    text,
)

from carecenter.pairing.pairs import PRIMARY
from carecenter.register import kind_ages
from carecenter.rules.helper_duties import (  # noqa: F401 (the helpers' window's names)
    PERIOD_LABELS,
    Duty,
    period_bounds,
    period_name,
)
from carecenter.rules.kinds import DUTY_OWNERS, combined
from carecenter.rules.kinds import HELPER_DUTIES as DUTIES
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, helper, pairing, person, visit


def owed(duty: Duty, stored_kinds: Any, primary: str | None, birth: date | None,
         on: date) -> bool:
    """Whether a person of these kinds owes ``duty`` in its period around ``on``: one of
    their kinds declares it and they are still of that kind at the period's end (a
    child's monthly visit is not owed for the month of the 16th birthday, as the work
    list's due dates stop the day before it)."""
    last = period_bounds(on, duty.period)[1] - timedelta(days=1)
    members = combined(stored_kinds, primary).members
    return any(k.code in {m.code for m in members} and not _aged(k.leaving_day(birth), last)
               for k in DUTY_OWNERS[duty])


def _aged(leaving: date | None, day: date) -> bool:
    return leaving is not None and leaving <= day


@dataclass(frozen=True)
class PersonDuties:
    person_id: int
    person_name: str
    helper_id: int
    helper_name: str
    counts: tuple[int, ...]  # one per DUTIES
    owes: tuple[bool, ...] = ()  # per DUTIES: of the person's kinds (all: older callers)

    @property
    def owed(self) -> tuple[bool, ...]:
        return self.owes or (True,) * len(DUTIES)

    @property
    def met(self) -> tuple[bool, ...]:
        """Per duty: met, or not the person's to owe."""
        return tuple(not o or n >= d.required
                     for n, d, o in zip(self.counts, DUTIES, self.owed, strict=True))

    @property
    def all_met(self) -> bool:
        return all(self.met)

    def short(self) -> list[str]:
        """What is missing, in words: 电话问候老人 差 2 次."""
        return [f"{d.label}差 {d.required - n} 次"
                for n, d, o in zip(self.counts, DUTIES, self.owed, strict=True)
                if o and n < d.required]


@dataclass(frozen=True)
class HelperDuties:
    helper_id: int
    helper_name: str
    people: int
    met: tuple[int, ...]  # per duty: how many of their people who owe it have it met
    all_met: int
    owing: tuple[int, ...] = ()  # per duty: how many of their people owe it

    def short(self) -> tuple[int, ...]:
        owing = self.owing or (self.people,) * len(self.met)
        return tuple(o - m for o, m in zip(owing, self.met, strict=True))


def person_duties(database: Database, on: date, helper_id: int | None = None
                  ) -> list[PersonDuties]:
    """Per current primary pairing: the count of each duty in its period around ``on``."""
    query = _duties_query(on)
    if helper_id is not None:
        query = query.where(pairing.c.helper_id == helper_id)
    with database.session() as session:
        return [PersonDuties(r[0], r[1], r[2], r[3], tuple(int(n) for n in r[7:]),
                             tuple(owed(d, r[4], r[5], r[6], on) for d in DUTIES))
                for r in session.execute(query)]


def person_duties_on(connection: Connection, on: date, duties: Sequence[Duty],
                     group_id: int | None = None
                     ) -> list[tuple[int, int, str, tuple[int, ...]]]:
    """For the work list's 帮扶人履职, in the caller's transaction: per current primary
    pairing of an active person, ``(person_id, helper_id, helper_name, counts)`` of
    ``duties`` alone (only their periods' visits are read), in no particular order.

    The person's own row is not read (a county's 100,000 wide rows cost most of a
    second): the caller reads the few it shows."""
    if not duties:
        return []
    # The driver's own tuples: a county's pairings as SQLAlchemy Rows cost a third more.
    return [(r[0], r[1], r[2], tuple(int(c) for c in r[3:]))
            for r in connection.execute(duties_on_query(on, duties, group_id))
            .cursor.fetchall()]


def duties_on_query(on: date, duties: Sequence[Duty], group_id: int | None = None
                    ) -> Select[Any]:
    """``person_duties_on``'s query: person, helper, helper's name and one count per duty
    (``n0``, ``n1``, …), per current primary pairing of an active person; NULL for a
    duty the person does not owe (``owed_terms``)."""
    counted: list[Any] = []
    for duty in duties:
        first, after = period_bounds(on, duty.period)
        # Per pairing, its person's visits of the kind in the period, read by the
        # (person, kind, date) index: only those visits' rows are read, not every visit
        # of the period (a year's million in December). A visit counts for the helper it
        # names, or, naming none, for the visitor of the helper's name.
        count = (
            select(func.count()).select_from(visit)
            .where(visit.c.person_id == pairing.c.person_id, visit.c.kind == duty.kind,
                   visit.c.visited_on >= first, visit.c.visited_on < after,
                   or_(visit.c.helper_id == pairing.c.helper_id,
                       and_(visit.c.helper_id.is_(None), visit.c.visitor == helper.c.name)))
            .scalar_subquery())
        terms, params = owed_terms(duty, on, f"o{len(counted)}")
        # Typed: a server compares the birth date with a date, not with text.
        typed = [bindparam(k, date.fromisoformat(v), type_=Date) if "_born_" in k
                 else bindparam(k, v, type_=String) for k, v in params.items()
                 if f":{k}" in terms]
        owing = pairing.c.person_id.in_(
            select(text("o.id")).select_from(text("person o")).where(
                text(terms).bindparams(*typed)))
        counted.append(case((owing, count), else_=literal(None)).label(f"n{len(counted)}"))
    people = select(person.c.id).where(person.c.status == ACTIVE)
    if group_id:
        people = people.where(person.c.group_id == group_id)
    return (
        select(pairing.c.person_id, pairing.c.helper_id, helper.c.name.label("helper_name"),
               *counted)
        .join(helper, helper.c.id == pairing.c.helper_id)
        .where(pairing.c.rank == PRIMARY, pairing.c.ended_on.is_(None),
               pairing.c.person_id.in_(people))
    )


def owed_terms(duty: Duty, on: date, key: str) -> kind_ages.Terms:
    """SQL terms on ``person o`` for the active people who owe ``duty`` in its period
    around ``on`` (as ``owed``), with parameters named after ``key``."""
    last = period_bounds(on, duty.period)[1] - timedelta(days=1)
    terms, params = kind_ages.still_of(DUTY_OWNERS[duty], last, "o", key)
    return f"o.status = 'active' AND {terms}", params


def _tallies(on: date, duties: Sequence[Duty]) -> tuple[Any, Any]:
    """The periods' visits counted per person and helper, and per person and visitor."""
    year_first = min(period_bounds(on, d.period)[0] for d in duties)
    year_after = max(period_bounds(on, d.period)[1] for d in duties)
    counts = []
    for n, duty in enumerate(duties):
        first, after = period_bounds(on, duty.period)
        counts.append(func.count(case((and_(
            visit.c.kind == duty.kind, visit.c.visited_on >= first,
            visit.c.visited_on < after), 1))).label(f"n{n}"))
    kinds = visit.c.kind.in_([d.kind for d in duties])
    in_periods = and_(visit.c.visited_on >= year_first, visit.c.visited_on < year_after, kinds)
    # Two tallies, each joined on equality (an OR in the join condition scans the whole
    # tally for every pairing): visits naming the helper, and older ones naming only
    # the visitor, matched by the helper's name.
    by_id = (select(visit.c.person_id, visit.c.helper_id, *counts)
             .where(in_periods, visit.c.helper_id.is_not(None))
             .group_by(visit.c.person_id, visit.c.helper_id).subquery())
    by_name = (select(visit.c.person_id, visit.c.visitor, *counts)
               .where(in_periods, visit.c.helper_id.is_(None))
               .group_by(visit.c.person_id, visit.c.visitor).subquery())
    return by_id, by_name


def _duties_query(on: date, duties: Sequence[Duty] = DUTIES) -> Select[Any]:
    # One pass over the periods' visits, counted per person, recorder and kind-in-period;
    # then matched to the pairings (a join on the raw visits is minutes at county size).
    by_id, by_name = _tallies(on, duties)
    query = (
        select(pairing.c.person_id, person.c.name, pairing.c.helper_id, helper.c.name,
               person.c.kinds, person.c.kind, person.c.birth_date,
               *(func.coalesce(func.sum(by_id.c[f"n{n}"]), 0)
                 + func.coalesce(func.sum(by_name.c[f"n{n}"]), 0)
                 for n in range(len(duties))))
        .join(person, person.c.id == pairing.c.person_id)
        .join(helper, helper.c.id == pairing.c.helper_id)
        .outerjoin(by_id, and_(by_id.c.person_id == pairing.c.person_id,
                               by_id.c.helper_id == pairing.c.helper_id))
        .outerjoin(by_name, and_(by_name.c.person_id == pairing.c.person_id,
                                 by_name.c.visitor == helper.c.name))
        .where(pairing.c.rank == PRIMARY, pairing.c.ended_on.is_(None),
               person.c.status == ACTIVE)
        # person.id too: PostgreSQL then knows each person's other columns are one value
        # per group (the order below, the work list's group and colour); SQLite did not ask.
        .group_by(pairing.c.person_id, person.c.id, person.c.name, pairing.c.helper_id,
                  helper.c.name, person.c.kinds, person.c.kind, person.c.birth_date)
        .order_by(helper.c.name, pairing.c.helper_id, person.c.name_pinyin)
    )
    return query


def helper_duties(database: Database, on: date) -> list[HelperDuties]:
    """Per helper: of their people who owe each duty, for how many it is met."""
    names: dict[int, str] = {}
    people: dict[int, int] = {}
    met: dict[int, list[int]] = {}
    owing: dict[int, list[int]] = {}
    all_met: dict[int, int] = {}
    for row in person_duties(database, on):
        h = row.helper_id
        names[h] = row.helper_name
        people[h] = people.get(h, 0) + 1
        counts = met.setdefault(h, [0] * len(DUTIES))
        owes = owing.setdefault(h, [0] * len(DUTIES))
        for index, (ok, due) in enumerate(zip(row.met, row.owed, strict=True)):
            counts[index] += ok and due
            owes[index] += due
        all_met[h] = all_met.get(h, 0) + row.all_met
    return [HelperDuties(h, names[h], people[h], tuple(met[h]), all_met[h], tuple(owing[h]))
            for h in names]
