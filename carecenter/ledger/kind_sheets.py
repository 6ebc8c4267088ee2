"""The quarter's sheet and figures of each kind besides the elders' (issue 21).

For each kind with people on the register in the quarter (留守儿童, 留守妇女, 特困群众)
one sheet, its columns from the kind's declaration: who the person is, the kind's own
columns, the people around them by role (parents and 委托监护人, husband), the kind's
verdict, the helper, and each duty's records against what its cadence asks in the
quarter, counted in the same calendar periods as the work list
(``carecenter.rules.periods``). Figures per kind: on the register, the kind's declared
counts (orphans, 事实无人抚养, 集中供养...), and how many met each duty.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, or_, select, type_coerce

from carecenter.ledger.figures import VILLAGE_HEADER, of_kind, village_names, with_village
from carecenter.ledger.figures import _on_register as on_register
from carecenter.ledger.quarter import Quarter
from carecenter.rules.cadences import Cadence
from carecenter.rules.idnumber import age_on
from carecenter.rules.kinds import ANY_PERSON, KINDS, VERDICT_READS, PersonKind, Role
from carecenter.rules.periods import Period, Span, mostly_inside
from carecenter.storage.database import Database
from carecenter.storage.models import (
    CURRENT_SUPPORTER,
    STATUS_LABELS,
    helper,
    pairing,
    person,
    supporter,
    village_group,
    visit,
)

BASE_HEADERS = ("序号", "姓名", "性别", "身份证号", "出生日期", "年龄", "村民小组", "联系电话",
                "家庭住址")


# The person's columns the sheet reads by position.
_BASE = ("name", "id_number", "group_id", "phone", "address", "registered_on")


@dataclass
class KindSheet:
    kind: PersonKind
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)


def owed(cadence: Cadence, records: Sequence[date], first: date, last: date
         ) -> tuple[int, int]:
    """(done, due) of a calendar cadence over ``first``..``last``: each period mostly
    inside asks for ``count`` records; a yearly one is owed once for the year so far.
    ``records`` are the days of the records, sorted (each counted once)."""
    period = cadence.period
    if period.rolling:
        return (min(1, len(records)), 1)
    if period.months == 12:  # a yearly item: met by a record this year, owed once
        year = last.year
        return (min(1, _between(records, date(year, 1, 1), date(year, 12, 31))), 1)
    done = due = 0
    for span in owed_spans(period, first, last):
        due += cadence.count
        done += min(cadence.count, _between(records, *span))
    return done, due


@lru_cache(maxsize=4096)
def owed_spans(period: Period, first: date, last: date) -> tuple[Span, ...]:
    """The periods of ``first``..``last`` that are owed (mostly inside, or whole). Most
    people share the quarter's first and last day: worked out once for them all."""
    owed = []
    for span in period.spans(first, last):
        whole = period.span(span[0])
        if mostly_inside(whole, first, last) or span == whole:
            owed.append(span)
    return tuple(owed)


def _between(days: Sequence[date], first: date, last: date) -> int:
    """How many of the sorted ``days`` fall in ``first``..``last``."""
    return bisect_right(days, last) - bisect_left(days, first)


def _role_text(role: Role, rows: list[dict[str, Any]]) -> str:
    relation = role.field("relation")
    parts = []
    for s in rows:
        bits = [f"{s.get('name') or ''}({relation.display(s.get('relation'))})"]
        bits += [str(s[k]) for k in ("phone", "whereabouts") if s.get(k)]
        if s.get("unable"):
            bits.append("无监护能力")
        parts.append(" ".join(bits))
    return ";".join(parts)


def collect_kinds(database: Database, quarter: Quarter, as_of: date) -> list[KindSheet]:
    """A sheet for each kind but the elders' that has anyone in the quarter."""
    start = quarter.start
    sheets = []
    days: dict[Any, date] = {}
    township = database.township
    with database.session() as session:
        # The township's export: every village's people, village by village, named.
        named = village_names(session) if township else None
        groups = dict(session.execute(select(village_group.c.id, village_group.c.name)).all())
        helpers = {pid: name for pid, name in session.execute(
            select(pairing.c.person_id, helper.c.name)
            .join(helper, helper.c.id == pairing.c.helper_id)
            .where(pairing.c.rank == 1, pairing.c.started_on <= as_of,
                   or_(pairing.c.ended_on.is_(None), pairing.c.ended_on > as_of))
            .order_by(pairing.c.started_on))}
        for k in KINDS.values():
            if any(r.code == "supporter" for r in k.roles):
                continue  # the elders' ledger is the 台账 sheet (carecenter.ledger.figures)
            own = [n for n in k.columns if n in ANY_PERSON]
            # Everything the verdict and the figures may read (a child's 困境情况).
            reads = [n for n in dict.fromkeys([*VERDICT_READS, *(f.name for f in k.fields)])
                     if n not in ("birth_date", "sex", *own, *_BASE)]
            people = session.execute(
                select(person.c.id, person.c.name, person.c.sex, person.c.id_number,
                       person.c.birth_date, person.c.group_id, person.c.phone,
                       person.c.address, person.c.status, person.c.exit_date,
                       person.c.registered_on, person.c.created_at,
                       *(person.c[n] for n in own), *(person.c[n] for n in reads),
                       person.c.village_id)
                .where(of_kind(k.code), on_register(quarter, as_of))
                .order_by(*([person.c.village_id] if township else []), person.c.group_id,
                          person.c.name_pinyin, person.c.id)).all()
            # Of the kind at some day of the quarter (issue 21): not one who reached its
            # leaving age (a child's 16th birthday) before the quarter began.
            people = [p for p in people if not _left_before(k, p[4], start)]
            if not people:
                continue
            ids = [p[0] for p in people]
            supporters: dict[int, list[dict[str, Any]]] = defaultdict(list)
            names = ("role", "name", "relation", "phone", "whereabouts", "location_scope",
                     "away_since", "returned_on", "return_kind", "unable")
            for chunk in range(0, len(ids), 900):
                for r in session.execute(
                        select(supporter.c.person_id, *(supporter.c[n] for n in names))
                        .where(supporter.c.person_id.in_(ids[chunk:chunk + 900]),
                               CURRENT_SUPPORTER)
                        .order_by(supporter.c.person_id, supporter.c.position)):
                    supporters[r[0]].append(dict(zip(names, r[1:], strict=True)))
            records: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
            year_start = date(as_of.year, 1, 1)
            for chunk in range(0, len(ids), 900):
                # The driver's own rows, the day as it gives it (text in SQLite) and
                # read once per distinct day: a county's children have half a million
                # visits, each converted by the column's type cost seconds.
                for pid, on, kind in session.connection().execute(
                        select(visit.c.person_id, type_coerce(visit.c.visited_on, String),
                               visit.c.kind)
                        .where(visit.c.person_id.in_(ids[chunk:chunk + 900]),
                               visit.c.kind.in_(list(k.records)),
                               visit.c.visited_on >= min(start, year_start),
                               visit.c.visited_on <= as_of)).cursor.fetchall():
                    day = days.get(on)
                    if day is None:
                        day = days[on] = on if isinstance(on, date) else \
                            date.fromisoformat(on[:10])
                    records[pid][kind].append(day)
            sheets.append(_sheet(k, people, own, reads, supporters, records, helpers, groups,
                                 start, as_of, named))
    return sheets


def _left_before(k: PersonKind, birth: date | None, day: date) -> bool:
    """Whether the person reached the kind's leaving age before ``day``."""
    leaving = k.leaving_day(birth)
    return leaving is not None and leaving < day


def _sheet(k: PersonKind, people: Sequence[Any], own: list[str], reads: list[str],
           supporters: dict[int, list[dict[str, Any]]],
           records: dict[int, dict[str, list[date]]], helpers: dict[int, str],
           groups: dict[int, str], start: date, as_of: date,
           named: dict[int, str] | None = None) -> KindSheet:
    """``named``: the township's villages, for its 村 column (None: one village's)."""
    cadences = list(k.cadences.cadences)
    duty_labels = [f"{k.duties.get(c.duty, c.duty)}(已/应)" for c in cadences]
    headers = with_village([*BASE_HEADERS, *(ANY_PERSON[n].label for n in own),
                            *(r.label for r in k.roles), "认定", "帮扶人", *duty_labels, "状态"],
                           VILLAGE_HEADER, named is not None)
    sheet = KindSheet(k, headers)
    active = 0
    counted: dict[str, int] = {f.label: 0 for f in k.figures}
    met: dict[str, int] = {label: 0 for label in duty_labels}
    for number, p in enumerate(people, start=1):
        (pid, name, sex, id_number, birth, group_id, phone, address, status, exit_date,
         registered, created) = p[:12]
        values = dict(zip(own, p[12:12 + len(own)], strict=True))
        values.update(zip(reads, p[12 + len(own):-1], strict=True))
        values.update(birth_date=birth, sex=sex)
        mine = supporters.get(pid, [])
        verdict = k.judge(values, mine, as_of)
        entered = registered or created.date()
        first = max(start, entered)
        last = min(as_of, exit_date - timedelta(days=1)) if exit_date else as_of
        # Owed as this kind up to the day before its leaving age (a child's 16th
        # birthday): counted in the quarter's 在册 only if still of the kind at its end.
        leaving = k.leaving_day(birth)
        aged = leaving is not None and leaving <= as_of
        if aged:
            assert leaving is not None
            last = min(last, leaving - timedelta(days=1))
        duties = []
        for c, label in zip(cadences, duty_labels, strict=True):
            days = sorted({d for e in c.evidence for d in records.get(pid, {}).get(e, [])})
            upto = last
            if aged and not c.period.rolling:
                # As the work list: a period that ends on or after the leaving day never
                # falls due (the week or month of the 16th birthday).
                assert leaving is not None
                upto = min(last, c.period.span(leaving)[0] - timedelta(days=1))
            done, due = owed(c, days, first, upto) if first <= upto else (0, 0)
            duties.append(f"{done}/{due}" if due else "")
            met[label] += bool(due) and done >= due and exit_date is None and not aged
        on_register = exit_date is None or exit_date > as_of
        if on_register and aged:
            assert leaving is not None
            state = f"到龄待退出({leaving:%Y-%m-%d} 满 {k.leaves_at} 周岁)"
        elif on_register:
            state = STATUS_LABELS.get(status, status)
        else:
            state = f"{STATUS_LABELS.get(status, status)}({exit_date:%Y-%m-%d})"
        sheet.rows.append(with_village([
            number, name, ANY_PERSON["sex"].display(sex), id_number or "待补充",
            f"{birth:%Y-%m-%d}" if birth else None,
            age_on(birth, as_of) if birth else None, groups.get(group_id), phone, address,
            *(ANY_PERSON[n].display(values.get(n)) or None for n in own),
            *(_role_text(r, [s for s in mine if s["role"] == r.code]) or None
              for r in k.roles),
            verdict.label, helpers.get(pid), *duties, state,
        ], (named or {}).get(p[-1]), named is not None))
        if not on_register or aged:
            continue
        active += 1
        for f in k.figures:
            counted[f.label] += bool(f.counts(values, as_of))
    sheet.figures = {"在册": active, **counted,
                     **{f"{label.removesuffix('(已/应)')}达标人数": n for label, n in met.items()}}
    return sheet
