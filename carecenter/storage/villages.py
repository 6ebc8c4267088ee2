"""The villages of a register (issue 22): one in a village's SQLite file, each village
of the township on a server.

A connection sees one village or, for the township, all of them (``Database.scope``);
on a server the row-level security policies of migration 0009 do the filtering, so no
query in the core can forget it. Adding a village is the township's act.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from carecenter import clock
from carecenter.errors import FieldError, KnownError, ValidationFailed
from carecenter.storage.models import village
from carecenter.storage.postgres import TOWNSHIP

# A village's SQLite file holds this one village (made by migration 0009).
ONLY_VILLAGE = 1


@dataclass(frozen=True)
class Village:
    id: int
    name: str
    code: str


def listed(connection: Connection) -> list[Village]:
    """The villages this connection may see, in the order they were added."""
    rows = connection.execute(select(village.c.id, village.c.name, village.c.code)
                              .order_by(village.c.id)).all()
    return [Village(r.id, r.name, r.code) for r in rows]


def add(connection: Connection, name: str, code: str | None = None) -> Village:
    """A new village in the caller's transaction (a township connection's)."""
    name = " ".join(name.split())
    if not name or len(name) > 40:
        raise ValidationFailed([FieldError("name", "村名不能为空,最多 40 个字")])
    if connection.execute(select(func.count()).select_from(village)
                          .where(village.c.name == name)).scalar_one():
        raise KnownError(f"本乡镇已有“{name}”")
    code = code or uuid.uuid4().hex
    new_id = connection.execute(village.insert().values(
        name=name, code=code, created_at=clock.now()).returning(village.c.id)).scalar_one()
    return Village(int(new_id), name, code)


def describe_scope(scope: str, known: list[Village]) -> str:
    if scope == TOWNSHIP:
        return "全乡镇"
    return next((v.name for v in known if str(v.id) == scope), f"村 {scope}")
