"""What the printed documents need from the database, read in one place: the person's
file, their village group, their current helpers, the village's contacts.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from carecenter.access import audit, masking
from carecenter.errors import KnownError
from carecenter.pairing.helper_book import ROLES
from carecenter.register.people import PersonFile, Register
from carecenter.rules import idnumber
from carecenter.settings.preferences import COMMITTEE_ROLE, CONTACTS, DOCTOR  # noqa: F401 (re-exported)
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from carecenter.storage.models import helper, pairing, person, village_group

# Settings read by the documents (JSON values, see carecenter.settings.settings_store).


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    phone: str


@dataclass
class Printable:
    """Everything about one person that a document prints."""

    file: PersonFile
    group: str
    helpers: list[Contact]
    village: dict[str, str]
    cadres: list[Contact]
    doctor: Contact | None
    supporters: list[Contact] = field(default_factory=list)
    colour: str = ""  # the latest assessment's risk colour (red/yellow/green)

    @property
    def name(self) -> str:
        return self.file.name

    def value(self, name: str) -> Any:
        return self.file.values.get(name)

    @property
    def id_number(self) -> str:
        return str(self.file.values.get("id_number") or "")


def group_names(database: Database) -> dict[int, str]:
    with database.session() as session:
        return {r.id: r.name for r in session.execute(
            select(village_group.c.id, village_group.c.name))}


def current_helpers(database: Database, person_id: int) -> list[Contact]:
    """The helpers of the person's current pairings, primary first."""
    with database.session() as session:
        rows = session.execute(
            select(helper.c.name, helper.c.role, helper.c.phone, pairing.c.rank)
            .join(helper, helper.c.id == pairing.c.helper_id)
            .where(pairing.c.person_id == person_id, pairing.c.ended_on.is_(None))
            .order_by(pairing.c.rank, pairing.c.started_on)
        ).all()
    return [Contact(helper_title(r.role, r.rank), r.name, r.phone or "") for r in rows]


def helper_title(role: str | None, rank: int = 1) -> str:
    """How a helper is named on paper: 帮扶人(网格员), 第二帮扶人(邻居)."""
    title = "帮扶人" if rank == 1 else "第二帮扶人"
    return f"{title}({ROLES.get(role, role)})" if role else title


def village_cadres(settings: Settings) -> list[Contact]:
    items = settings.get(CONTACTS, []) or []
    return [Contact(str(i.get("role", "")), str(i.get("name", "")), str(i.get("phone", "")))
            for i in items if isinstance(i, dict)]


def village_doctor(settings: Settings) -> Contact | None:
    item = settings.get(DOCTOR)
    if not isinstance(item, dict) or not (item.get("name") or item.get("phone")):
        return None
    return Contact("村医", str(item.get("name", "")), str(item.get("phone", "")))


def printable(database: Database, person_id: int, today: date | None = None,
              groups: dict[int, str] | None = None,
              settings_cache: dict[int, dict[str, Any]] | None = None) -> Printable:
    """The person's file and contacts. ``groups`` and ``settings_cache`` (each village's
    settings, filled as they are read) let a batch read the shared parts once."""
    file = Register(database).load(person_id)
    with database.session() as session:
        colour, village_id = session.execute(select(person.c.colour, person.c.village_id)
                                             .where(person.c.id == person_id)).one()
    groups = group_names(database) if groups is None else groups
    if settings_cache is None:
        settings_cache = {}
    if village_id not in settings_cache:
        # The person's own village's name, cadres and doctor: on a township's server each
        # village has its own (issue 22).
        settings = Settings(database, village_id)
        settings_cache[village_id] = {"village": settings.village(),
                                      "cadres": village_cadres(settings),
                                      "doctor": village_doctor(settings)}
    shared = settings_cache[village_id]
    from carecenter.rules.kinds import ROLES

    def relation(s: dict[str, Any]) -> str:
        role = ROLES.get(s.get("role") or "supporter")
        return role.field("relation").display(s.get("relation")) if role else ""

    if not masking.may_see_full(database.operator):
        # A 查看 operator prints with the numbers' middles hidden (issue 18).
        file.values["id_number"] = masking.id_number(file.values.get("id_number"))
        file.values["phone"] = masking.phone(file.values.get("phone"))
        for s in file.supporters:
            s["phone"] = masking.phone(s.get("phone"))
            s["id_number"] = masking.id_number(s.get("id_number"))
    return Printable(
        file=file,
        group=groups.get(file.values.get("group_id") or -1, ""),
        helpers=current_helpers(database, person_id),
        village=shared["village"],
        cadres=shared["cadres"],
        doctor=shared["doctor"],
        supporters=[Contact(relation(s), s.get("name") or "",
                            s.get("phone") or "") for s in file.supporters],
        colour=colour or "",
    )


def log_print(database: Database, what: str, count: int = 1,
              person_id: int | None = None) -> None:
    """A print of personal data in the audit log: what, how many, and whether the ID
    numbers were printed in full (a 经办人's print) or masked (查看)."""
    full = masking.may_see_full(database.operator)
    audit.log(database, "print", "document",
              f"打印{what}({'完整身份证号' if full else '身份证号已隐去'})", count=count,
              person_id=person_id)


def masked_content(database: Database, content: dict[str, Any]) -> dict[str, Any]:
    """An agreement's content as this operator may print it (ID numbers and phones of
    every party masked for 查看)."""
    if masking.may_see_full(database.operator):
        return content

    def hide(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: hide(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [hide(v, key) for v in value]
        if isinstance(value, str) and "id_number" in key:
            return masking.id_number(value)
        if isinstance(value, str) and "phone" in key:
            return masking.phone(value)
        return value

    return dict(hide(content))


def find_person(database: Database, text: str) -> int:
    """The person named on the command line: an ID number, else the register's own
    number (档案号) for a person without one."""
    text = text.strip()
    number = idnumber.normalise(text)
    with database.session() as session:
        if len(number) in (15, 18):
            with contextlib.suppress(KnownError):
                number = idnumber.parse(number).number
            found = session.execute(
                select(person.c.id).where(person.c.id_number == number)).scalar()
            if found is not None:
                return int(found)
            raise KnownError(f"登记册上没有身份证号为 {text} 的人")
        if text.isdigit():
            found = session.execute(select(person.c.id).where(person.c.id == int(text))).scalar()
            if found is not None:
                return int(found)
            raise KnownError(f"档案号 {text} 不在登记册上")
    raise KnownError(f"“{text}”既不是身份证号,也不是档案号")
