"""Village events (村级活动): the care and mutual-help activity each month and the health
talk each quarter (seed 002: 每月至少组织1次农村留守老年人关爱服务和互助活动; 每季度对农村留守
老年人群体开展健康教育咨询…1次), each with who took part and an optional photo.

They are held for the village, not for one person: their cadences are the kind's
``village_cadences`` (``carecenter.rules.kinds``), counted in the same calendar periods
as every other cadence (``carecenter.rules.periods``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, text

from carecenter import clock
from carecenter.access import audit
from carecenter.errors import FieldError, ValidationFailed
from carecenter.rules.cadences import Cadence
from carecenter.rules.kinds import KINDS
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import ACTIVE, care_event, event_person, person

EVENT_KINDS: dict[str, str] = {
    "activity": "关爱服务和互助活动",
    "health_talk": "健康教育咨询",
}
MAX_PHOTO = 5 * 1024 * 1024


@dataclass(frozen=True)
class EventInput:
    held_on: date | None
    kind: str
    title: str
    person_ids: Sequence[int] = ()
    place: str = ""
    note: str = ""
    photo: bytes | None = None


@dataclass(frozen=True)
class EventRecord:
    id: int
    held_on: date
    kind: str
    title: str
    place: str
    people: tuple[int, ...] = field(default_factory=tuple)

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class VillageDue:
    cadence: Cadence
    last: date | None
    due: date


class EventBook:
    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    @retrying
    def record(self, entry: EventInput) -> int:
        """Record an event and who took part, in one transaction, or refuse it whole."""
        errors: list[FieldError] = []
        if entry.held_on is None:
            errors.append(FieldError("held_on", "请填写活动日期"))
        elif entry.held_on > self.today():
            errors.append(FieldError("held_on", "活动日期不能在今天之后"))
        if entry.kind not in EVENT_KINDS:
            errors.append(FieldError("kind", "请选择活动类别:" + "、".join(EVENT_KINDS.values())))
        title = entry.title.strip()
        if not title:
            errors.append(FieldError("title", "请填写活动名称"))
        elif len(title) > 60:
            errors.append(FieldError("title", "活动名称最多 60 个字"))
        if len(entry.place.strip()) > 60:
            errors.append(FieldError("place", "活动地点最多 60 个字"))
        if entry.photo is not None and len(entry.photo) > MAX_PHOTO:
            errors.append(FieldError("photo", "照片不能超过 5 MB"))
        people = list(dict.fromkeys(entry.person_ids))
        with self.database.transaction() as session:
            if people:
                known = set(session.execute(select(person.c.id).where(
                    person.c.id.in_(people))).scalars())
                unknown = [str(p) for p in people if p not in known]
                if unknown:
                    errors.append(FieldError("people",
                                             f"档案号 {'、'.join(unknown)} 不在登记册上"))
            if errors:
                raise ValidationFailed(errors)
            result = cast(CursorResult[Any], session.execute(care_event.insert().values(
                held_on=entry.held_on, kind=entry.kind, title=title,
                place=entry.place.strip() or None, note=entry.note.strip() or None,
                photo=entry.photo, created_at=clock.now())))
            key = result.inserted_primary_key
            assert key is not None
            event_id = int(key[0])
            if people:
                session.execute(event_person.insert(),
                                [{"event_id": event_id, "person_id": p} for p in people])
            audit.created(session, care_event, event_id, "event", summary=title)
            if people:
                audit.record_many(session, ({
                    "action": "updated", "entity": "event", "record_id": event_id,
                    "person_id": p, "summary": f"参加{title}"} for p in people))
        return event_id

    def events(self, first: date, last: date) -> list[EventRecord]:
        with self.database.session() as session:
            rows = session.execute(select(care_event.c.id, care_event.c.held_on,
                                          care_event.c.kind, care_event.c.title,
                                          care_event.c.place)
                                   .where(care_event.c.held_on >= first,
                                          care_event.c.held_on <= last)
                                   .order_by(care_event.c.held_on, care_event.c.id)).all()
            members: dict[int, list[int]] = {}
            for eid, pid in session.execute(select(event_person.c.event_id,
                                                   event_person.c.person_id)
                                            .where(event_person.c.event_id.in_(
                                                [r[0] for r in rows]))):
                members.setdefault(eid, []).append(pid)
        return [EventRecord(r[0], r[1], r[2], r[3], r[4] or "", tuple(members.get(r[0], ())))
                for r in rows]

    def dues(self, on: date) -> list[VillageDue]:
        """Each village cadence of the kinds on the register, with its next date: counted
        from the day the first person came on (or ``on`` with nobody yet)."""
        with self.database.session() as session:
            if session.get_bind().dialect.name == "postgresql":
                # A server steps from kind to kind through an index (ix_person_kind_server:
                # each min() reads one entry), where DISTINCT is a pass over every active
                # person (40-60 ms at 100,000).
                kinds = set(session.execute(text(
                    "WITH RECURSIVE k AS (SELECT min(kind) AS kind FROM person "
                    "WHERE status = :active UNION ALL SELECT (SELECT min(p.kind) FROM person p "
                    "WHERE p.status = :active AND p.kind > k.kind) FROM k "
                    "WHERE k.kind IS NOT NULL) SELECT kind FROM k WHERE kind IS NOT NULL"),
                    {"active": ACTIVE}).scalars())
            else:
                kinds = set(session.execute(select(person.c.kind).where(
                    person.c.status == ACTIVE).distinct()).scalars())
            if not kinds:
                return []
            if session.get_bind().dialect.name == "postgresql":
                # The same day from two ends of an index (ix_person_entered_server), not
                # a pass over everyone: the earliest 填报日期, and the earliest record
                # made of those without one (LEAST passes over a missing one).
                first = session.execute(text(
                    "SELECT least((SELECT min(registered_on) FROM person), "
                    "(SELECT date(min(created_at)) FROM person WHERE registered_on IS NULL))"
                )).scalar()
            else:
                # The same two ends of ix_person_entered (each min() one entry), not a
                # pass over it (20-30 ms at 100,000); SQLite's min() of two is NULL if
                # either is, so the earlier of the two found is taken here.
                ends = session.execute(text(
                    "SELECT (SELECT min(registered_on) FROM person), "
                    "(SELECT date(min(created_at)) FROM person WHERE registered_on IS NULL)"
                )).one()
                first = min((str(e)[:10] for e in ends if e is not None), default=None)
            days: dict[str, list[date]] = {}
            for kind, held in session.execute(select(care_event.c.kind, care_event.c.held_on)
                                              .distinct()
                                              .order_by(care_event.c.held_on.desc())):
                days.setdefault(kind, []).append(held)
        anchor = first if isinstance(first, date) else \
            date.fromisoformat(str(first)[:10]) if first else on
        out = []
        for code in sorted(kinds):
            for c in KINDS[code].village_cadences.cadences if code in KINDS else ():
                records = sorted({d for k in c.evidence for d in days.get(k, ())},
                                 reverse=True)
                out.append(VillageDue(c, records[0] if records else None,
                                      c.next_due(records, anchor)))
        return out
