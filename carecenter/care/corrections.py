"""Corrections (更正与作废): a visit, an assessment's notes or a need written wrongly.

Each correction is one transaction that changes the record, writes a line in the
person's history (``person_event``) saying what changed, old → new, and an entry in the
audit log with each changed field's whole old and new value under the operator's name
(issue 18). A visit or a need taken back (作废) is not lost: the whole record goes to
``removed_record`` with the reason, the history says when and why, and the audit log
keeps each of its values. A visit changed or taken back changes the person's due dates
in the same transaction. The colour and factors of an assessment are not corrected
here: a new assessment is made instead (seed 002: every assessment is kept).

Two operators correcting the same record never silently overwrite each other (issue
22, point 3): the caller passes the record as the clerk saw it (``seen``), and a record
changed since is refused (``ChangedSinceOpened``) naming what the other saved. Visits
and needs have no version column; their values are the version, and comparing them
needs no migration. Each correction runs again when a server refused it for another
writer's sake (``retrying``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.care import due_dates as duestore
from carecenter.care import duty_tally, visit_tally
from carecenter.care.care_book import NEED_KINDS, RECORD_KINDS
from carecenter.care.care_records import (  # noqa: F401 (callers import it here)
    AssessmentRecord,
    ChangedSinceOpened,
    NeedRecord,
    VisitRecord,
)
from carecenter.care.visit_tally import month_of
from carecenter.errors import FieldError, NotFound, ValidationFailed
from carecenter.rules.risk import ASPECTS
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import assessment, need, person_event, removed_record, visit

# What the history calls each correction (the person's file shows these).
CORRECTION_EVENTS = {
    "visit_edited": "更正走访",
    "visit_removed": "作废走访",
    # person_event.event holds 16 characters: a server refuses "assessment_edited",
    # which SQLite registers kept (still named here for their history).
    "notes_edited": "更正评估记录",
    "assessment_edited": "更正评估记录",
    "need_edited": "更正需求",
    "need_removed": "作废需求",
}
_NOTE_COLUMNS = {a.code: f"note_{a.code}" for a in ASPECTS}
_ASPECT_LABELS = {a.code: a.label for a in ASPECTS}
# What a correction shows and writes of each record, as the clerk's dialog names it:
# the fields compared with what the clerk saw, and those the audit log keeps old → new
# (under the log's own names for the columns, as when the record was made).
_VISIT_FIELDS = {"visited_on": "日期", "kind": "方式", "visitor": "走访人", "found": "走访情况"}
_NEED_FIELDS = {"kind": "类别", "description": "需求说明", "handling": "办理情况"}
_VISIT_LOGGED = {name: audit.COLUMN_LABELS[name] for name in _VISIT_FIELDS}
_NEED_LOGGED = {name: audit.COLUMN_LABELS[name] for name in _NEED_FIELDS}
_NOTES_LOGGED = {code: audit.COLUMN_LABELS[column] for code, column in _NOTE_COLUMNS.items()}
_VISIT_SHOWN = {"kind": lambda code: RECORD_KINDS.get(code, code)}
_NEED_SHOWN = {"kind": lambda code: NEED_KINDS.get(code, code)}

Seen = VisitRecord | NeedRecord | AssessmentRecord


@dataclass(frozen=True)
class VisitChange:
    visited_on: date | None
    kind: str
    visitor: str
    found: str = ""


@dataclass(frozen=True)
class NeedChange:
    kind: str
    description: str
    handling: str = ""


def _unchanged(what: str, seen: Seen | None, stored: dict[str, Any], labels: dict[str, str],
               shown: dict[str, Any] | None = None) -> None:
    """Refuse the write when the stored values differ from those the clerk saw."""
    if seen is None:
        return  # a caller with nothing on screen (a script): the values as they are now
    now = {name: value if value is not None else "" for name, value in stored.items()}
    if isinstance(seen, AssessmentRecord):
        before: dict[str, Any] = {code: seen.notes.get(code, "") for code in stored}
        current: Seen = replace(seen, notes=now)
    else:
        before = {name: getattr(seen, name) for name in stored}
        current = replace(seen, **now)  # type: ignore[arg-type]
    differences = audit.diff(before, stored, labels, shown)
    if differences:
        raise ChangedSinceOpened(what, differences, current)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(空)"
    text = f"{value:%Y-%m-%d}" if isinstance(value, date) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= 30 else text[:29] + "…"


def _changes(pairs: list[tuple[str, Any, Any]]) -> str:
    return "、".join(f"{label}:{_shown(old)} → {_shown(new)}"
                    for label, old, new in pairs if (old or None) != (new or None))


def _text(value: str, name: str, label: str, limit: int, errors: list[FieldError],
          required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        errors.append(FieldError(name, f"请填写{label}"))
    elif len(text) > limit:
        errors.append(FieldError(name, f"{label}最多 {limit} 个字"))
    return text


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed([FieldError("reason", "请写明作废的原因")])
    if len(text) > 200:
        raise ValidationFailed([FieldError("reason", "原因最多 200 个字")])
    return text


def _content(row: Row[Any]) -> str:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date | datetime) else value

    return json.dumps({k: plain(v) for k, v in row._mapping.items()}, ensure_ascii=False)


class Corrections:
    """Edit or take back what was recorded; one transaction per call, run again when a
    server refused it for another writer's sake.

    ``seen`` is the record as the clerk saw it when the dialog opened (None: compare
    with nothing); a record saved meanwhile by someone else is refused."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    @staticmethod
    def _get(session: Session, table: Table, record_id: int, what: str) -> Row[Any]:
        # Locked before the change: on a server a second corrector of the same record
        # waits here until the first commits, then sees its values (and is refused).
        row = session.execute(select(table).where(table.c.id == record_id)
                              .with_for_update()).first()
        if row is None:
            raise NotFound(f"找不到这条{what}(编号 {record_id}),可能已被作废")
        return row

    @staticmethod
    def _history(session: Session, person_id: int, event: str, detail: str,
                 effective: date | None = None) -> None:
        session.execute(person_event.insert().values(
            person_id=person_id, at=clock.now(), event=event, effective=effective,
            detail=detail))

    # -- visits ------------------------------------------------------------------------

    @staticmethod
    def _visit_values(row: Row[Any]) -> dict[str, Any]:
        return {name: getattr(row, name) for name in _VISIT_FIELDS}

    @retrying
    def edit_visit(self, visit_id: int, change: VisitChange,
                   seen: VisitRecord | None = None) -> bool:
        """Correct a visit; False if nothing differed (nothing is written)."""
        errors: list[FieldError] = []
        if change.visited_on is None:
            errors.append(FieldError("visited_on", "请填写走访日期"))
        elif change.visited_on > self.today():
            errors.append(FieldError("visited_on", "走访日期不能在今天之后"))
        elif change.visited_on.year < 2000:
            errors.append(FieldError("visited_on", "走访日期不对"))
        # Any kind a visit may be recorded as (a child's 监护人联系交流 included).
        if change.kind not in RECORD_KINDS:
            errors.append(FieldError("kind", "请选择走访方式"))
        visitor = _text(change.visitor, "visitor", "走访人", 30, errors, required=True)
        found = _text(change.found, "found", "走访情况", 500, errors)
        if errors:
            raise ValidationFailed(errors)
        with self.database.transaction() as session:
            row = self._get(session, visit, visit_id, "走访记录")
            old = self._visit_values(row)
            _unchanged("走访记录", seen, old, _VISIT_FIELDS, _VISIT_SHOWN)
            new = {"visited_on": change.visited_on, "kind": change.kind, "visitor": visitor,
                   "found": found}
            detail = _changes([
                ("日期", row.visited_on, change.visited_on),
                ("方式", RECORD_KINDS.get(row.kind, row.kind), RECORD_KINDS[change.kind]),
                ("走访人", row.visitor, visitor),
                ("走访情况", row.found, found),
            ])
            if not detail:
                return False
            session.execute(visit.update().where(visit.c.id == visit_id).values(
                visited_on=change.visited_on, kind=change.kind, visitor=visitor,
                found=found or None))
            self._history(session, row.person_id, "visit_edited",
                          f"{row.visited_on:%Y-%m-%d}的走访:{detail}", change.visited_on)
            audit.record(session, "updated", "visit", visit_id, person_id=row.person_id,
                         summary=f"{row.visited_on:%Y-%m-%d}的走访",
                         changes=audit.diff(old, new, _VISIT_LOGGED, _VISIT_SHOWN))
            connection = session.connection()
            duestore.refresh(connection, [row.person_id], self.today())
            assert change.visited_on is not None  # checked above
            visit_tally.recheck(connection, [(row.person_id, month_of(row.visited_on)),
                                             (row.person_id, month_of(change.visited_on))])
            duty_tally.removed(connection, [(row.person_id, row.kind, row.visited_on,
                                             row.helper_id, row.visitor)])
            duty_tally.added(connection, [(row.person_id, change.kind, change.visited_on,
                                           row.helper_id, visitor)])
        return True

    @retrying
    def remove_visit(self, visit_id: int, reason: str, seen: VisitRecord | None = None) -> None:
        """Take back a visit entered by mistake: kept whole with the reason (and each of
        its values in the audit log); the needs it raised stay in the needs ledger."""
        why = _reason(reason)
        with self.database.transaction() as session:
            row = self._get(session, visit, visit_id, "走访记录")
            _unchanged("走访记录", seen, self._visit_values(row), _VISIT_FIELDS, _VISIT_SHOWN)
            self._keep(session, "visit", row, why)
            audit.removed(session, visit, visit_id, "visit", summary=(
                f"{row.visited_on:%Y-%m-%d}的走访,原因:{why}"), shown=_VISIT_SHOWN)
            session.execute(need.update().where(need.c.visit_id == visit_id)
                            .values(visit_id=None))
            session.execute(visit.delete().where(visit.c.id == visit_id))
            kind = RECORD_KINDS.get(row.kind, row.kind)
            self._history(session, row.person_id, "visit_removed",
                          f"{row.visited_on:%Y-%m-%d} {kind}({row.visitor}):{why}",
                          row.visited_on)
            duestore.refresh(session.connection(), [row.person_id], self.today())
            visit_tally.recheck(session.connection(),
                                [(row.person_id, month_of(row.visited_on))])
            duty_tally.removed(session.connection(), [
                (row.person_id, row.kind, row.visited_on, row.helper_id, row.visitor)])

    def _keep(self, session: Session, kind: str, row: Row[Any], reason: str) -> None:
        session.execute(removed_record.insert().values(
            kind=kind, record_id=row.id, person_id=row.person_id, content=_content(row),
            reason=reason, removed_at=clock.now()))

    # -- assessments' notes --------------------------------------------------------------

    @retrying
    def edit_assessment_notes(self, assessment_id: int, notes: dict[str, str],
                              seen: AssessmentRecord | None = None) -> bool:
        """Correct what was written under each aspect of an assessment (its factors and
        colour stand: a changed judgement is a new assessment)."""
        errors: list[FieldError] = []
        cleaned = {code: _text(notes.get(code, ""), f"note_{code}", _ASPECT_LABELS[code],
                               500, errors) for code in _NOTE_COLUMNS}
        if errors:
            raise ValidationFailed(errors)
        with self.database.transaction() as session:
            row = self._get(session, assessment, assessment_id, "评估记录")
            old = {code: getattr(row, column) for code, column in _NOTE_COLUMNS.items()}
            _unchanged("评估记录", seen, old, _ASPECT_LABELS)
            detail = _changes([(_ASPECT_LABELS[code], old[code], cleaned[code])
                               for code in _NOTE_COLUMNS])
            if not detail:
                return False
            session.execute(assessment.update().where(assessment.c.id == assessment_id)
                            .values({column: cleaned[code] or None
                                     for code, column in _NOTE_COLUMNS.items()}))
            self._history(session, row.person_id, "notes_edited",
                          f"{row.assessed_on:%Y-%m-%d}的评估:{detail}", row.assessed_on)
            audit.record(session, "updated", "assessment", assessment_id,
                         person_id=row.person_id,
                         summary=f"{row.assessed_on:%Y-%m-%d}的评估记录",
                         changes=audit.diff(old, cleaned, _NOTES_LOGGED))
        return True

    # -- needs -------------------------------------------------------------------------

    @staticmethod
    def _need_values(row: Row[Any]) -> dict[str, Any]:
        return {name: getattr(row, name) for name in _NEED_FIELDS}

    @retrying
    def edit_need(self, need_id: int, change: NeedChange,
                  seen: NeedRecord | None = None) -> bool:
        errors: list[FieldError] = []
        if change.kind not in NEED_KINDS:
            errors.append(FieldError("kind", "请选择需求类别"))
        text = _text(change.description, "description", "需求说明", 300, errors,
                     required=True)
        handling = _text(change.handling, "handling", "办理情况", 500, errors)
        if errors:
            raise ValidationFailed(errors)
        with self.database.transaction() as session:
            row = self._get(session, need, need_id, "需求")
            old = self._need_values(row)
            _unchanged("需求", seen, old, _NEED_FIELDS, _NEED_SHOWN)
            detail = _changes([
                ("类别", NEED_KINDS.get(row.kind, row.kind), NEED_KINDS[change.kind]),
                ("需求说明", row.description, text),
                ("办理情况", row.handling, handling),
            ])
            if not detail:
                return False
            session.execute(need.update().where(need.c.id == need_id).values(
                kind=change.kind, description=text, handling=handling or None,
                updated_at=clock.now()))
            self._history(session, row.person_id, "need_edited",
                          f"{row.raised_on:%Y-%m-%d}提出的需求:{detail}", row.raised_on)
            audit.record(session, "updated", "need", need_id, person_id=row.person_id,
                         summary=f"{row.raised_on:%Y-%m-%d}提出的需求",
                         changes=audit.diff(old, {"kind": change.kind, "description": text,
                                                  "handling": handling},
                                            _NEED_LOGGED, _NEED_SHOWN))
        return True

    @retrying
    def remove_need(self, need_id: int, reason: str, seen: NeedRecord | None = None) -> None:
        why = _reason(reason)
        with self.database.transaction() as session:
            row = self._get(session, need, need_id, "需求")
            _unchanged("需求", seen, self._need_values(row), _NEED_FIELDS, _NEED_SHOWN)
            self._keep(session, "need", row, why)
            audit.removed(session, need, need_id, "need", summary=(
                f"{row.raised_on:%Y-%m-%d}提出的需求,原因:{why}"), shown=_NEED_SHOWN)
            session.execute(need.delete().where(need.c.id == need_id))
            kind = NEED_KINDS.get(row.kind, row.kind)
            self._history(session, row.person_id, "need_removed",
                          f"{row.raised_on:%Y-%m-%d}提出的{kind}需求“{_shown(row.description)}”:"
                          f"{why}", row.raised_on)

    def removed(self, person_id: int) -> list[tuple[str, dict[str, Any], str, datetime]]:
        """What was taken back for this person: kind, the record, the reason, when."""
        with self.database.session() as session:
            rows = session.execute(
                select(removed_record).where(removed_record.c.person_id == person_id)
                .order_by(removed_record.c.id)).all()
        return [(r.kind, json.loads(r.content), r.reason, r.removed_at) for r in rows]
