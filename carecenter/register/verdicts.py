"""The 留守 verdict kept with each file (``person.verdict``, ``verdict_reason``,
``verdict_until``), so that the register filters and sorts by it and the work list's
不再符合 section is one indexed read at 100,000 people.

A save works the verdict out in its own transaction (``Register.save_in``,
``create_many``). The calendar changes it too, with nothing written: a 60th birthday,
six months away, the Spring Festival (seed 002). Each stored verdict names the day it
may next change (``verdict_until``); ``ensure_current`` works out again those whose day
has come, and any not yet worked out (a file from an older version), before the work
list or a verdict filter reads them.

When the rules themselves change (``RULES_VERSION``: a kind's ``judge``), every stored
verdict is worked out again at once (``rejudge_all``), not person by person as they are
opened: the work list, the register's filter and the township's figures read the stored
verdicts and must never disagree with the file. The program does it when the register is
first opened for writing (``carecenter.register.upkeep``), noting the rules it followed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, text

from carecenter.register.columns import SUPPORTER_SOURCE
from carecenter.rules.kinds import VERDICT_READS, combined
from carecenter.rules.leftbehind import SupporterFacts, Verdict
from carecenter.storage import kept_rules
from carecenter.storage.models import ACTIVE, CURRENT_SUPPORTER, person, supporter

BATCH = 5000
# The rules the stored verdicts follow (``carecenter.rules.kinds.VERDICT_RULES``).
RULES_VERSION = kept_rules.CURRENT[kept_rules.VERDICTS]
SETTING_KEY = kept_rules.VERDICTS

# The file's kinds and the fields their verdicts read (carecenter.rules.kinds).
_PEOPLE = select(person.c.id, person.c.kind, person.c.kinds,
                 *(person.c[n] for n in VERDICT_READS)).where(
    person.c.id.in_(bindparam("ids", expanding=True)))
_SUPPORTERS = select(
    supporter.c.person_id, *(supporter.c[n] for n in SUPPORTER_SOURCE),
).where(supporter.c.person_id.in_(bindparam("ids", expanding=True)),
        CURRENT_SUPPORTER).order_by(supporter.c.person_id, supporter.c.position)
_DATES = frozenset({"away_since", "returned_on", "birth_date", "tekun_since"})
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


def _dated(names: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {n: _as_date(v) if n in _DATES else v for n, v in zip(names, row, strict=True)}


def compute(connection: Connection, ids: Sequence[int], today: date) -> dict[int, Verdict]:
    """Each file's one verdict by its kinds: the first it qualifies as, else the
    primary kind's (``carecenter.rules.kinds.Kinds.verdict``)."""
    supporters: dict[int, list[dict[str, Any]]] = {}
    for r in connection.execute(_SUPPORTERS, {"ids": ids}):
        supporters.setdefault(r[0], []).append(_dated(SUPPORTER_SOURCE, r[1:]))
    out = {}
    for r in connection.execute(_PEOPLE, {"ids": ids}):
        pid, kind, kinds = r[:3]
        out[pid] = combined(kinds, kind).verdict(_dated(VERDICT_READS, r[3:]),
                                                 supporters.get(pid, []), today)
    return out


def refresh(connection: Connection, person_ids: Iterable[int], today: date) -> None:
    """Work out again and store the verdicts of these people (in the caller's
    transaction)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        _store(connection, compute(connection, ids[start:start + BATCH], today), today)


def _store(connection: Connection, verdicts: dict[int, Verdict], today: date) -> None:
    if verdicts:
        connection.execute(_UPDATE, [
            {"pid": pid, "verdict": v.code, "reason": v.text, "until": v.until, "on": today}
            for pid, v in verdicts.items()])


def current(connection: Connection) -> bool:
    """Whether the stored verdicts were worked out by this program's rules."""
    return kept_rules.read(connection, SETTING_KEY) == RULES_VERSION


# (person, verdict before, verdict now) of a file whose verdict the new rules changed.
Changed = tuple[int, str | None, str]


def rejudge_all(connection: Connection, today: date,
                progress: Callable[[int, int], None] | None = None) -> tuple[int, list[Changed]]:
    """Every active person's verdict worked out again by this program's rules, in the
    caller's transaction, and the rules noted: how many were judged and whose verdict
    changed (what it was and is). People off the register keep what they had."""
    ids = connection.execute(
        select(person.c.id).where(person.c.status == ACTIVE).order_by(person.c.id)
    ).scalars().all()
    changed: list[Changed] = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        before = dict(connection.execute(
            select(person.c.id, person.c.verdict).where(person.c.id.in_(chunk))).all())
        found = compute(connection, chunk, today)
        changed += [(pid, before.get(pid), v.code) for pid, v in found.items()
                    if before.get(pid) is not None and before.get(pid) != v.code]
        _store(connection, found, today)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    kept_rules.write(connection, SETTING_KEY, RULES_VERSION)
    return len(ids), changed


def mark_current(connection: Connection) -> None:
    """Note that the stored verdicts follow this program's rules (all just worked out:
    a new register, the demo's)."""
    kept_rules.write(connection, SETTING_KEY, RULES_VERSION)


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
