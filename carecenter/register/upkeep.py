"""Bringing what the program keeps beside the files up to this program's rules, once,
when a register is first opened for writing by a new version.

Two things are worked out by rules and kept, so that a county's register reads fast:
the 留守 verdict of each file (``verdicts``) and the helpers' duty tally
(``care.duty_tally``). When a new version changes those rules (a 儿媳 who no longer
counts as a supporter; a child's monthly visit counted by month), everything kept is
worked out again at once, in one transaction with progress, and the audit log says the
program did it and whose verdict changed — rather than each file on the day it is next
opened, while the work list and the township's figures say something else. A register
already current costs one read of ``setting``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, insert, text

from carecenter import clock
from carecenter.care import duty_tally
from carecenter.register import verdicts
from carecenter.rules.leftbehind import VERDICT_LABELS
from carecenter.rules.roles import VIEWER
from carecenter.storage import kept_rules
from carecenter.storage.database import Database
from carecenter.storage.models import audit_log

# The name the audit log shows for what the program did by itself.
PROGRAM = "程序(自动)"
VERDICTS, TALLY = "verdicts", "tally"

Progress = Callable[..., None]  # (done, total) or (done, total, label)


@dataclass
class CaughtUp:
    """What was worked out again: how many verdicts, whose changed, the tally."""

    judged: int = 0
    changed: list[verdicts.Changed] = field(default_factory=list)
    tally: bool = False

    def text(self) -> str:
        parts = []
        if self.judged:
            parts.append(f"按本版程序的认定规则重新判断在册 {self.judged} 人的留守认定,"
                         f"{len(self.changed)} 人的结论改变")
        if self.tally:
            parts.append("按各类关爱对象的帮扶人职责重建履职计数")
        return ";".join(parts)


def outdated_in(connection: Connection) -> list[str]:
    """What is kept by other rules than this program's (one read)."""
    found = kept_rules.read_many(connection, [verdicts.SETTING_KEY, duty_tally.SETTING_KEY])
    out = []
    if found[verdicts.SETTING_KEY] != verdicts.RULES_VERSION:
        out.append(VERDICTS)
    if found[duty_tally.SETTING_KEY] != duty_tally.RULES:
        out.append(TALLY)
    return out


def outdated(database: Database) -> list[str]:
    with database.engine.connect() as connection:
        return outdated_in(connection)


def bring_up_to_date(database: Database, today: date, progress: Progress | None = None
                     ) -> CaughtUp | None:
    """For a register just opened for writing: everything kept worked out again by this
    program's rules, in one transaction (all or nothing); None if it was current.
    Housekeeping, not the operator's change: any signed-in operator's opening does it."""
    if not outdated(database):
        return None
    with database.transaction(need=VIEWER, what="按新规则更新登记册") as session:
        return catch_up(session.connection(), today, progress)


def catch_up(connection: Connection, today: date, progress: Progress | None = None
             ) -> CaughtUp:
    """``bring_up_to_date`` in the caller's transaction (the work list's too, should a
    register reach it without having been opened for writing by this version)."""
    done = CaughtUp()
    stale = outdated_in(connection)
    if TALLY in stale:
        if progress is not None:
            progress(0, 1, "正在按帮扶人职责重建履职计数…")
        duty_tally.catch_up(connection)
        done.tally = _any(connection, "SELECT 1 FROM visit LIMIT 1")  # else nothing to say
    if VERDICTS in stale:
        def judged(n: int, total: int) -> None:
            if progress is not None:
                progress(n, total, f"正在按新规则重新判断留守认定({n}/{total})…")

        if _any(connection, "SELECT 1 FROM person WHERE verdict_on IS NOT NULL LIMIT 1"):
            done.judged, done.changed = verdicts.rejudge_all(connection, today, judged)
        else:  # a new register: nothing judged by older rules
            verdicts.mark_current(connection)
    if done.judged or done.tally:
        _audit(connection, done)
    return done


def _any(connection: Connection, sql: str) -> bool:
    return connection.execute(text(sql)).first() is not None


def _audit(connection: Connection, done: CaughtUp) -> None:
    """One entry for the whole, one per file whose verdict changed: the program's."""
    now = clock.now()
    base = {"at": now, "operator_id": None, "operator_name": PROGRAM, "action": "updated",
            "count": None}
    rows = [{**base, "entity": "register", "record_id": None, "person_id": None,
             "summary": done.text(), "changes": None, "count": done.judged or None}]
    rows += [{**base, "entity": "person", "record_id": pid, "person_id": pid,
              "summary": "本版程序的留守认定规则(只有赡养义务人计入)",
              "changes": json.dumps([["留守认定", VERDICT_LABELS.get(old or "", old or ""),
                                      VERDICT_LABELS.get(new, new)]], ensure_ascii=False)}
             for pid, old, new in done.changed]
    for start in range(0, len(rows), 1000):
        connection.execute(insert(audit_log), rows[start:start + 1000])
