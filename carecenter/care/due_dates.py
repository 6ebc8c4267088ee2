"""The kept due dates (table ``care_due``): one row per person and duty.

Every write that can move a date (a visit, an assessment, a saved file, an exit) calls
``refresh`` for its people inside its own transaction, so the work list of a county is
one indexed read instead of a pass over a million visits. When the cadence rules of the
program change (``RULES_VERSION``), or a database comes from an older version, the
whole table is worked out again once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text

from carecenter import clock
from carecenter.rules.cadences import ASSESSMENT, CareFacts, depth, dues
from carecenter.rules.kinds import CADENCE_KIND, KINDS, Kinds, combined
from carecenter.rules.risk import ADVANCED_AGE
from carecenter.storage.bulk import insert_rows
from carecenter.storage.models import ACTIVE, care_due, person, setting

# Bump when a cadence changes: every database then works its dates out again.
RULES_VERSION = "6"  # 2: counts in calendar periods; 3: half-yearly reviews, holds;
# 4: the kinds of person (issue 21); 5: none of a kind's duties from its leaving age on
# 6: a period mostly after a held colour's three months is owed under the colour after it
SETTING_KEY = "care_due_rules"
BATCH = 5000

# The person's columns ``care_facts`` reads.
FACT_COLUMNS = (
    person.c.id, person.c.colour, person.c.colour_on, person.c.factors, person.c.illnesses,
    person.c.living_with, person.c.health_status, person.c.disability_grade,
    person.c.refuses_institution, person.c.birth_date, person.c.registered_on,
    person.c.created_at, person.c.held_colour, person.c.held_until,
)
_FACTS = len(FACT_COLUMNS)
_PEOPLE = select(
    *FACT_COLUMNS, person.c.kind, person.c.name, person.c.group_id, person.c.status,
    person.c.kinds,
).where(person.c.id.in_(bindparam("ids", expanding=True)))

# The latest DEPTH distinct days of each kind of record per person: enough to tell
# whether the period of the latest one has its count (red: two in the month).
DEPTH = max(depth(kind.cadences) for kind in KINDS.values())
_LAST = text(
    "SELECT person_id, kind, visited_on FROM ("
    " SELECT person_id, kind, visited_on, row_number() OVER ("
    "  PARTITION BY person_id, kind ORDER BY visited_on DESC) AS n FROM ("
    "  SELECT DISTINCT person_id, kind, visited_on FROM visit WHERE person_id IN :ids)"
    " AS days) AS ranked"  # PostgreSQL wants each subquery named; SQLite did not
    f" WHERE n <= {DEPTH}"
).bindparams(bindparam("ids", expanding=True))


def entered_on(registered_on: date | None, created_at: datetime) -> date:
    """The day the person came onto the register: the form's 填报日期, else the day
    the record was made."""
    return registered_on or created_at.date()


def care_facts(row: Sequence[Any]) -> CareFacts:
    """What the cadences need of a person, from a row that begins with ``FACT_COLUMNS``
    (read by position: by name costs seconds on a county's export)."""
    (pid, colour, colour_on, factors, illnesses, living_with, health, grade, refuses,
     birth, registered, created, held_colour, held_until) = row[:_FACTS]
    return CareFacts(
        person_id=pid, created_on=entered_on(registered, created), birth_date=birth,
        colour=colour, colour_on=colour_on, factors=frozenset(factors or ()),
        illnesses=frozenset(illnesses or ()), living_with=frozenset(living_with or ()),
        health_status=health, disability_grade=grade, refuses_institution=bool(refuses),
        held_colour=held_colour, held_until=held_until)


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return date(birth.year + age, 3, 1)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _leaving_days(book: Kinds, birth: date | None) -> dict[str, date]:
    """The day each of the file's kinds with an age limit ends (a child's 16th birthday)."""
    days = {}
    for k in book.members:
        day = k.leaving_day(birth)
        if day is not None:
            days[k.code] = day
    return days


def refresh(connection: Connection, person_ids: Iterable[int], today: date) -> None:
    """Work out again the due dates of these people (inside the caller's transaction)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(connection, ids[start:start + BATCH], today)


def _refresh_batch(connection: Connection, ids: Sequence[int], today: date) -> None:
    rows = compute(connection, ids, today)
    connection.execute(delete(care_due).where(care_due.c.person_id.in_(ids)))
    insert_rows(connection, care_due, rows)


def compute(connection: Connection, ids: Sequence[int], today: date) -> list[dict[str, Any]]:
    """The ``care_due`` rows these people should have now (nothing is written)."""
    last: dict[int, dict[str, list[date]]] = {}
    for pid, kind, day in connection.execute(_LAST, {"ids": ids}):
        found = _as_date(day)
        if found is not None:
            last.setdefault(pid, {}).setdefault(kind, []).append(found)
    rows = []
    # Each row unpacked once: a Row's attribute costs ten times its index (0.5 µs), and
    # refreshing 10,000 people read 350,000 of them.
    for r in connection.execute(_PEOPLE, {"ids": ids}):
        kind, name, group_id, status, kinds = r[_FACTS:]
        if status != ACTIVE:
            continue
        facts = care_facts(r)
        pid, birth, colour, colour_on = (facts.person_id, facts.birth_date, facts.colour,
                                         facts.colour_on)
        age = facts.age(today)
        stale_on = _birthday(birth, ADVANCED_AGE) if birth and age is not None and \
            age < ADVANCED_AGE else None
        if facts.held_until is not None and facts.held_until > today:  # the hold ends
            stale_on = min(stale_on or facts.held_until, facts.held_until)
        done = last.get(pid, {})
        if colour_on is not None:
            done = {**done, ASSESSMENT: [colour_on]}
        book = combined(kinds, kind)
        leaving = _leaving_days(book, birth)
        ahead = [day for day in leaving.values() if day > today]
        if ahead:  # the 16th birthday: the child's duties end that day
            stale_on = min(ahead) if stale_on is None else min(stale_on, *ahead)
        for d in dues(book.cadences, facts, done, today):
            if leaving:  # issue 21: nothing of a child's falls due once they are 16
                ends = leaving.get(CADENCE_KIND[d.cadence.code].code)
                if ends is not None and (today >= ends or d.due >= ends):
                    continue
            rows.append({"person_id": pid, "duty": d.cadence.duty, "cadence": d.cadence.code,
                         "last_on": d.last, "due_on": d.due, "stale_on": stale_on,
                         "kind": kind, "name": name or "", "group_id": group_id,
                         "colour": colour})
    return rows


def rebuild(connection: Connection, today: date,
            progress: Callable[[int, int], None] | None = None) -> None:
    """Work out every active person's dates again, and note the rules they follow."""
    version = connection.execute(
        select(setting.c.value).where(setting.c.key == SETTING_KEY)).scalar()
    ids = connection.execute(
        select(person.c.id).where(person.c.status == ACTIVE)).scalars().all()
    connection.execute(delete(care_due))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(connection, ids[start:start + BATCH], today)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    values = {"value": f'"{RULES_VERSION}"', "updated_at": clock.now()}
    if version is None:
        connection.execute(insert(setting).values(key=SETTING_KEY, **values))
    else:
        connection.execute(setting.update().where(setting.c.key == SETTING_KEY).values(**values))


def ensure_current(connection: Connection, today: date,
                   progress: Callable[[int, int], None] | None = None) -> None:
    """Rebuild if the rules changed; refresh anyone whose dates went stale by ``today``."""
    version = connection.execute(
        select(setting.c.value).where(setting.c.key == SETTING_KEY)).scalar()
    if version != f'"{RULES_VERSION}"':
        rebuild(connection, today, progress)
        return
    stale = connection.execute(  # no DISTINCT: it would scan the table, not the index
        select(care_due.c.person_id).where(care_due.c.stale_on <= today)
    ).scalars().all()
    if stale:
        refresh(connection, stale, today)
