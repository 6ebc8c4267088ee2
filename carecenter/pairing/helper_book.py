"""Helpers (帮扶人): the people paired with the elders, kept as a register of their own.

A helper is never deleted, only made inactive; making a helper inactive ends their
current pairings in the same transaction (with the reason), so that those people show
at once as unpaired and can be re-paired (``carecenter.pairing.pairs``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from carecenter import clock
from carecenter.errors import FieldError, KnownError, NotFound, ValidationFailed
from carecenter.rules.idnumber import parse as parse_id
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

    def add(self, draft: HelperDraft) -> int:
        now = clock.now()
        with self.database.transaction() as session:
            row = self.clean(draft, session)
            return int(session.execute(
                helper.insert().values(**row, active=True, created_at=now, updated_at=now)
                .returning(helper.c.id)).scalar_one())

    def edit(self, helper_id: int, draft: HelperDraft) -> None:
        with self.database.transaction() as session:
            self._require(session, helper_id)
            row = self.clean(draft, session)
            session.execute(update(helper).where(helper.c.id == helper_id)
                            .values(**row, updated_at=clock.now()))

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
            session.execute(update(helper).where(helper.c.id == helper_id).values(
                active=False, inactive_since=on, updated_at=clock.now()))
            return int(getattr(ended, "rowcount", 0) or 0)

    def reactivate(self, helper_id: int) -> None:
        with self.database.transaction() as session:
            self._require(session, helper_id)
            session.execute(update(helper).where(helper.c.id == helper_id).values(
                active=True, inactive_since=None, updated_at=clock.now()))

    # -- reading ----------------------------------------------------------------------

    def _require(self, session: Session, helper_id: int) -> HelperInfo:
        found = self._rows(session, helper.c.id == helper_id)
        if not found:
            raise NotFound("该帮扶人不存在")
        return found[0]

    @staticmethod
    def _rows(session: Session, *where: Any) -> list[HelperInfo]:
        query = (select(helper, village_group.c.name.label("group_name"))
                 .outerjoin(village_group, village_group.c.id == helper.c.group_id)
                 .where(*where)
                 .order_by(helper.c.active.desc(), village_group.c.position, helper.c.id))
        return [HelperInfo(
            id=r.id, name=r.name, role=r.role, phone=r.phone or "", group_id=r.group_id,
            group_name=r.group_name or "", id_number=r.id_number or "", note=r.note or "",
            active=bool(r.active), inactive_since=r.inactive_since,
        ) for r in session.execute(query)]

    def get(self, helper_id: int) -> HelperInfo:
        with self.database.session() as session:
            return self._require(session, helper_id)

    def list(self, include_inactive: bool = True, with_load: bool = True) -> list[HelperInfo]:
        """Helpers, active first, by group; ``with_load`` adds current people and load."""
        where = () if include_inactive else (helper.c.active.is_(True),)
        with self.database.session() as session:
            rows = self._rows(session, *where)
        if not with_load:
            return rows
        from carecenter.pairing.pairs import PairingBook

        loads = PairingBook(self.database, self.today).loads()
        result = []
        for info in rows:
            load = loads.get(info.id)
            if load is not None:
                info = HelperInfo(**{**info.__dict__, "people": load.people,
                                     "seconds": load.seconds, "load": load.weight})
            result.append(info)
        return result

    def count(self, active_only: bool = True) -> int:
        query = select(func.count()).select_from(helper)
        if active_only:
            query = query.where(helper.c.active.is_(True))
        with self.database.session() as session:
            return int(session.execute(query).scalar_one())
