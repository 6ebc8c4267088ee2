"""Helpers (帮扶人): the people paired with the elders, kept as a register of their own.

A helper is never deleted, only made inactive; making a helper inactive ends their
current pairings in the same transaction (with the reason), so that those people show
at once as unpaired and can be re-paired (``carecenter.pairing.pairs``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.access import audit
from carecenter.errors import FieldError, KnownError, NotFound, ValidationFailed
from carecenter.rules.idnumber import parse as parse_id
from carecenter.storage.backends import retrying
from carecenter.storage.database import Database
from carecenter.storage.models import helper, pairing, village_group

# The roles seed 002 and seed 004 name; the clerk picks one.
ROLES: dict[str, str] = {
    "grid": "网格员",
    "resident_team": "驻村队员",
    "civil_assistant": "民政协理员",
    "elders_head": "老协会会长",
    "cadre": "村组干部",
    "teacher": "教师",  # a child's helper may be a teacher (seed 003: 教师结对关爱)
    "party_member": "党员",
    "volunteer": "志愿者",
    "neighbour": "邻居",
    "relative": "亲属",
    "other": "其他",
}
ROLE_CODES = {label: code for code, label in ROLES.items()}

_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$")
_NAME = re.compile(r"^[\u3400-\u9fff·]{2,15}$")


@dataclass(frozen=True)
class HelperDraft:
    """What the clerk types for a helper; ``role`` is a code of ROLES or its label."""

    name: str
    role: str
    phone: str = ""
    group_id: int | None = None
    id_number: str = ""
    note: str = ""


@dataclass(frozen=True)
class HelperInfo:
    id: int
    name: str
    role: str
    phone: str
    group_id: int | None
    group_name: str
    id_number: str
    note: str
    active: bool
    inactive_since: date | None
    people: int = 0  # current primary pairings
    seconds: int = 0  # current second pairings
    load: int = 0  # weighted by colour (carecenter.pairing.pairs.LoadRules)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


class HelperBook:
    """Reading and editing the helpers; every change one transaction."""

    def __init__(self, database: Database, today: Callable[[], date] = clock.today) -> None:
        self.database = database
        self.today = today

    # -- checking ---------------------------------------------------------------------

    def clean(self, draft: HelperDraft, session: Session) -> dict[str, Any]:
        """The row to store, or ValidationFailed naming every bad field in Chinese."""
        errors: list[FieldError] = []
        name = re.sub(r"\s+", "", draft.name or "")
        if not name:
            errors.append(FieldError("name", "帮扶人姓名不能为空"))
        elif not _NAME.match(name):
            errors.append(FieldError("name", f"帮扶人姓名“{name}”应为 2–15 个汉字"))
        role_text = (draft.role or "").strip()
        role = role_text if role_text in ROLES else ROLE_CODES.get(role_text)
        if role is None:
            errors.append(FieldError(
                "role", f"帮扶人身份“{role_text}”不在可选范围内:{'、'.join(ROLES.values())}"
                if role_text else "请选择帮扶人身份"))
        phone = re.sub(r"[\s-]", "", draft.phone or "")
        if phone and not _PHONE.match(phone):
            errors.append(FieldError("phone", f"联系电话“{draft.phone}”不是有效的电话号码"))
        if draft.group_id is not None and session.execute(
                select(village_group.c.id).where(village_group.c.id == draft.group_id)
        ).scalar() is None:
            errors.append(FieldError("group_id", "所选村民小组不存在"))
        number = (draft.id_number or "").strip()
        if number:
            try:
                number = parse_id(number, today=self.today()).number
            except FieldError as e:
                errors.append(FieldError("id_number", e.message))
        if errors:
            raise ValidationFailed(errors)
        return {"name": name, "role": role, "phone": phone or None, "group_id": draft.group_id,
                "id_number": number or None, "note": (draft.note or "").strip() or None}

    # -- writing ----------------------------------------------------------------------

    @retrying
    def add(self, draft: HelperDraft) -> int:
        now = clock.now()
        with self.database.transaction() as session:
            row = self.clean(draft, session)
            new_id = int(session.execute(
                helper.insert().values(**row, active=True, created_at=now, updated_at=now)
                .returning(helper.c.id)).scalar_one())
            audit.created(session, helper, new_id, "helper", summary=row["name"])
            return new_id

    @retrying
    def edit(self, helper_id: int, draft: HelperDraft) -> None:
        with self.database.transaction() as session:
            self._require(session, helper_id)
            row = self.clean(draft, session)
            with audit.watch(session, helper, helper_id, "helper", summary=row["name"]):
                session.execute(update(helper).where(helper.c.id == helper_id)
                                .values(**row, updated_at=clock.now()))

    @retrying
    def deactivate(self, helper_id: int, reason: str = "", on: date | None = None) -> int:
        """Stop using a helper; their current pairings end today with the reason.

        Returns how many people lost a helper (they now show as unpaired).
        """
        on = on or self.today()
        reason = (reason or "").strip()
        with self.database.transaction() as session:
            info = self._require(session, helper_id)
            if not info.active:
                raise KnownError(f"帮扶人 {info.name} 已经停用")
            ended = session.execute(
                update(pairing)
                .where(pairing.c.helper_id == helper_id, pairing.c.ended_on.is_(None))
                .values(ended_on=on, end_reason=("帮扶人停用:" + reason if reason
                                                 else "帮扶人停用")[:60]))
            with audit.watch(session, helper, helper_id, "helper", action="ended",
                             summary=f"{info.name}" + (f":{reason}" if reason else "")):
                session.execute(update(helper).where(helper.c.id == helper_id).values(
                    active=False, inactive_since=on, updated_at=clock.now()))
            count = int(getattr(ended, "rowcount", 0) or 0)
            if count:
                audit.record(session, "ended", "pairing", summary=f"帮扶人 {info.name} 停用,"
                             f"其结对随之结束", count=count)
            return count

    @retrying
    def reactivate(self, helper_id: int) -> None:
        with self.database.transaction() as session:
            info = self._require(session, helper_id)
            with audit.watch(session, helper, helper_id, "helper", summary=info.name):
                session.execute(update(helper).where(helper.c.id == helper_id).values(
                    active=True, inactive_since=None, updated_at=clock.now()))

    # -- reading ----------------------------------------------------------------------

    def _require(self, session: Session, helper_id: int) -> HelperInfo:
        found = self._rows(session, helper.c.id == helper_id)
        if not found:
            raise NotFound("该帮扶人不存在")
        return found[0]

    @staticmethod
    def raw(session: Session, *where: Any) -> list[Any]:
        query = (select(helper.c.id, helper.c.name, helper.c.role, helper.c.phone,
                        helper.c.group_id, village_group.c.name, helper.c.id_number,
                        helper.c.note, helper.c.active, helper.c.inactive_since)
                 .outerjoin(village_group, village_group.c.id == helper.c.group_id)
                 .where(*where)
                 .order_by(helper.c.active.desc(), village_group.c.position, helper.c.id))
        # The driver's own tuples: a county's 6,000 helpers through SQLAlchemy's rows
        # cost ~100 ms more.
        result = session.execute(query)
        assert isinstance(result, CursorResult)
        return list(result.cursor.fetchall()) if result.cursor is not None else []

    @staticmethod
    def _info(row: Any, people: int = 0, seconds: int = 0, load: int = 0) -> HelperInfo:
        hid, name, role, phone, gid, group, number, note, active, since = row
        if since is not None and not isinstance(since, date):
            since = date.fromisoformat(str(since)[:10])  # SQLite hands back text
        return HelperInfo(hid, name, role, phone or "", gid, group or "", number or "",
                          note or "", bool(active), since, people, seconds, load)

    @classmethod
    def _rows(cls, session: Session, *where: Any) -> list[HelperInfo]:
        return [cls._info(row) for row in cls.raw(session, *where)]

    def get(self, helper_id: int) -> HelperInfo:
        with self.database.session() as session:
            return self._require(session, helper_id)

    def with_loads(self, rows: Sequence[Any]) -> list[HelperInfo]:
        """Helpers as ``raw`` read them, with their current people and load."""
        from carecenter.pairing.pairs import Load, PairingBook

        loads = PairingBook(self.database, self.today).loads()
        none = Load()
        return [self._info(row, load.people, load.seconds, load.weight)
                for row in rows for load in (loads.get(row[0], none),)]

    def list(self, include_inactive: bool = True, with_load: bool = True) -> list[HelperInfo]:
        """Helpers, active first, by group; ``with_load`` adds current people and load."""
        where = () if include_inactive else (helper.c.active.is_(True),)
        with self.database.session() as session:
            rows = self.raw(session, *where)
        if not with_load:
            return [self._info(row) for row in rows]
        return self.with_loads(rows)

    def count(self, active_only: bool = True) -> int:
        query = select(func.count()).select_from(helper)
        if active_only:
            query = query.where(helper.c.active.is_(True))
        with self.database.session() as session:
            return int(session.execute(query).scalar_one())
