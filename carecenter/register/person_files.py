"""A person's file as the register reads it (``PersonFile``), what an editor or an import
row wants it to say (``PersonDraft``), and the register's reading half: one file, a
number's file, the verdict, counts. ``people.Register`` writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.errors import KnownError, NotFound
from carecenter.register.changes import stored_supporter
from carecenter.register.groups import GroupBook
from carecenter.rules.kinds import (
    KINDS,
    Kinds,
    PersonKind,
    combined,
)
from carecenter.rules.leftbehind import (
    PersonFacts,
    SupporterFacts,
    Verdict,
)
from carecenter.storage.database import Database
from carecenter.storage.mapped import Person, PersonEvent
from carecenter.storage.models import ACTIVE, person


@dataclass
class PersonDraft:
    """What the editor (or an import row) wants the file to say."""

    values: dict[str, Any] = field(default_factory=dict)
    supporters: list[dict[str, Any]] = field(default_factory=list)
    # The primary kind: the file's form and first tab. Empty: a new file is an elder's,
    # an edit keeps the file's kinds (an elders' ledger updating a child's phone).
    kind: str = ""
    # Every kind the person is of (a 特困 elder: ["elder", "tekun"]); empty: ``kind``.
    kinds: list[str] = field(default_factory=list)
    # When the file was last saved as the editor read it: a save over a newer one
    # (another window on the shared PC) is refused rather than silently undone.
    version: datetime | None = None
    # Values already run through exactly these fields' rules a moment ago (an import's
    # preview, which must know of a bad value before the row is cleaned whole): the
    # register's clean takes them as they are rather than clean them twice.
    cleaned: dict[str, Any] = field(default_factory=dict)

    @property
    def kindset(self) -> Kinds:
        return combined(self.kinds or (self.kind,), self.kind)


@dataclass
class PersonFile:
    """A person's file as stored: typed values, supporters, status and history."""

    id: int
    kind: str
    status: str
    values: dict[str, Any]
    supporters: list[dict[str, Any]]
    exit_date: date | None = None
    exit_reason: str | None = None
    exit_note: str | None = None
    events: list[tuple[datetime, str, date | None, str]] = field(default_factory=list)
    updated_at: datetime | None = None
    kinds: tuple[str, ...] = ()  # every kind of the file, the primary first

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def kindset(self) -> Kinds:
        return combined(self.kinds or (self.kind,), self.kind)

    def facts(self) -> PersonFacts:
        return PersonFacts(
            birth_date=self.values.get("birth_date"),
            supporters=[
                SupporterFacts(
                    name=s.get("name") or "",
                    location_scope=s.get("location_scope"),
                    away_since=s.get("away_since"),
                    returned_on=s.get("returned_on"),
                    return_kind=s.get("return_kind"),
                    relation=s.get("relation"),
                )
                for s in self.supporters if (s.get("role") or "supporter") == "supporter"
            ],
            left_behind_year=self.values.get("left_behind_year"),
        )

    def draft(self) -> PersonDraft:
        return PersonDraft(dict(self.values), [dict(s) for s in self.supporters], self.kind,
                           list(self.kinds or (self.kind,)), self.updated_at)


class RegisterReader:
    """The register's reading half, and what its writing halves share."""
    """People on the register, read and written through one transaction per call."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today
        self.groups = GroupBook(database)
        # Name → (pinyin sort key, search terms): an import's names repeat (3,400 different
        # ones in a 10,000-row ledger) and pypinyin takes ~0.1 ms to read one.
        self._pinyin: dict[str, tuple[str, list[str]]] = {}
    def _kind(self, code: str) -> PersonKind:
        if code not in KINDS:
            raise KnownError(f"未知的关爱对象类别:{code}")
        return KINDS[code]

    @staticmethod
    def _event(person_id: int, kind: str, effective: date | None, detail: str,
               at: datetime | None = None) -> PersonEvent:
        event = PersonEvent()
        event.person_id = person_id
        event.at = at or clock.now()
        event.event = kind
        event.effective = effective
        event.detail = detail
        return event

    # -- reading ---------------------------------------------------------------------

    def _get(self, session: Session, person_id: int, lock: bool = False) -> Person:
        # ``lock`` before a change: on a server a second writer of the same person waits
        # here until the first commits, then reads its save (and so its version).
        record = session.get(Person, person_id, with_for_update=lock or None)
        if record is None:
            raise NotFound(f"档案号 {person_id} 不在登记册上")
        return record

    def load(self, person_id: int) -> PersonFile:
        with self.database.session() as session:
            record = self._get(session, person_id)
            kinds = combined(record.kinds, self._kind(record.kind).code)
            return PersonFile(
                id=record.id,
                kind=record.kind,
                kinds=kinds.codes,
                status=record.status,
                values={f.name: getattr(record, f.name) for f in kinds.fields},
                supporters=[{"id": s.id, **stored_supporter(s)} for s in record.supporters],
                exit_date=record.exit_date,
                exit_reason=record.exit_reason,
                exit_note=record.exit_note,
                events=[(e.at, e.event, e.effective, e.detail) for e in record.events],
                updated_at=record.updated_at,  # type: ignore[attr-defined]
            )

    def find_by_id_number(self, number: str) -> int | None:
        with self.database.session() as session:
            return session.execute(
                select(person.c.id).where(person.c.id_number == number)
            ).scalar_one_or_none()

    def verdict(self, file: PersonFile, on: date | None = None) -> Verdict:
        """The file's one verdict: the first of its kinds it qualifies as, else the
        primary kind's (``verdicts`` gives each)."""
        return file.kindset.verdict(file.values, file.supporters, on or self.today())

    def verdicts(self, file: PersonFile, on: date | None = None) -> dict[str, Verdict]:
        return file.kindset.verdicts(file.values, file.supporters, on or self.today())

    def count(self, status: str | None = ACTIVE) -> int:
        with self.database.session() as session:
            query = select(func.count()).select_from(person)
            if status:
                query = query.where(person.c.status == status)
            return int(session.execute(query).scalar_one())
