"""The 留守 verdict kept with each file (``person.verdict``, ``verdict_reason``,
``verdict_until``), so that the register filters and sorts by it and the work list's
不再符合 section is one indexed read at 100,000 people.

A save works the verdict out in its own transaction (``Register.save_in``,
``create_many``). The calendar changes it too, with nothing written: a 60th birthday,
six months away, the Spring Festival (seed 002). Each stored verdict names the day it
may next change (``verdict_until``); ``ensure_current`` works out again those whose day
has come, and any not yet worked out (a file from an older version), before the work
list or a verdict filter reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, text

from carecenter.rules.kinds import DEFAULT_KIND, KINDS
from carecenter.rules.leftbehind import PersonFacts, SupporterFacts, Verdict
from carecenter.storage.models import person, supporter

BATCH = 5000

_PEOPLE = select(person.c.id, person.c.kind, person.c.birth_date,
                 person.c.left_behind_year).where(
    person.c.id.in_(bindparam("ids", expanding=True)))
_SUPPORTERS = select(
    supporter.c.person_id, supporter.c.name, supporter.c.location_scope,
    supporter.c.away_since, supporter.c.returned_on, supporter.c.return_kind,
    supporter.c.relation,
).where(supporter.c.person_id.in_(bindparam("ids", expanding=True))).order_by(
    supporter.c.person_id, supporter.c.position)
_UPDATE = text("UPDATE person SET verdict = :verdict, verdict_reason = :reason, "
               "verdict_until = :until, verdict_on = :on WHERE id = :pid")


def stored(verdict: Verdict, on: date) -> dict[str, Any]:
    """The person's columns for this verdict, worked out for ``on``."""
    return {"verdict": verdict.code, "verdict_reason": verdict.text,
            "verdict_until": verdict.until, "verdict_on": on}


def supporter_facts(row: Sequence[Any]) -> SupporterFacts:
    """From (name, location_scope, away_since, returned_on, return_kind, relation)."""
    name, scope, away, back, kind, relation = row
    return SupporterFacts(name or "", scope, _as_date(away), _as_date(back), kind, relation)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def compute(connection: Connection, ids: Sequence[int], today: date) -> dict[int, Verdict]:
    supporters: dict[int, list[SupporterFacts]] = {}
    for r in connection.execute(_SUPPORTERS, {"ids": ids}):
        supporters.setdefault(r[0], []).append(supporter_facts(r[1:]))
    out = {}
    for pid, kind, birth, year in connection.execute(_PEOPLE, {"ids": ids}):
        assess = (KINDS.get(kind) or DEFAULT_KIND).assess
        out[pid] = assess(PersonFacts(_as_date(birth), supporters.get(pid, ()), year), today)
    return out


def refresh(connection: Connection, person_ids: Iterable[int], today: date) -> None:
    """Work out again and store the verdicts of these people (in the caller's
    transaction)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        verdicts = compute(connection, ids[start:start + BATCH], today)
        if verdicts:
            connection.execute(_UPDATE, [
                {"pid": pid, "verdict": v.code, "reason": v.text, "until": v.until,
                 "on": today}
                for pid, v in verdicts.items()])


def ensure_current(connection: Connection, today: date,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Work out again the verdicts the calendar may have changed by ``today``, and those
    never worked out (or worked out for a later day: a clock set back); how many there
    were."""
    ids = connection.execute(select(person.c.id).where(or_(
        person.c.verdict_until <= today, person.c.verdict_on > today,
        person.c.verdict_on.is_(None)))).scalars().all()
    for start in range(0, len(ids), BATCH):
        refresh(connection, ids[start:start + BATCH], today)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return len(ids)
