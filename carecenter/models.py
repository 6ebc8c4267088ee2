"""Database tables. The person and supporter columns come from the field declarations
in ``carecenter.fields``; the migrations in ``carecenter/migrations`` create them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry, relationship

from carecenter.fields import PERSON_FIELDS, SUPPORTER_FIELDS, Field, FieldType

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)


class CodeList(TypeDecorator[list[str]]):
    """A multi-choice answer: codes stored comma-separated, read back as a list."""

    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str | None:
        return ",".join(value) if value else None

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str]:
        return value.split(",") if value else []


def column_for(f: Field) -> Column[Any]:
    kinds: dict[FieldType, Any] = {
        FieldType.TEXT: String(f.max_length),
        FieldType.LONGTEXT: Text(),
        FieldType.DATE: Date(),
        FieldType.INT: Integer(),
        FieldType.CHOICE: String(24),
        FieldType.MULTI: CodeList(),
        FieldType.BOOL: Boolean(),
        FieldType.ID_NUMBER: String(18),
        FieldType.PHONE: String(20),
    }
    if f.type is FieldType.GROUP:
        return Column(f.name, Integer, ForeignKey("village_group.id"), index=True)
    if f.type is FieldType.BOOL:
        return Column(f.name, Boolean, nullable=False, default=False, server_default="0")
    return Column(f.name, kinds[f.type], nullable=True)


village_group = Table(
    "village_group",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    Column("active", Boolean, nullable=False, default=True, server_default="1"),
)

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, default="elder", server_default="elder"),
    Column("status", String(16), nullable=False, default="active", server_default="active"),
    Column("exit_date", Date),
    Column("exit_reason", String(24)),
    Column("exit_note", Text),
    Column("name_pinyin", String(200), nullable=False, default="", server_default=""),
    Column("search_key", Text, nullable=False, default="", server_default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    *(column_for(f) for f in PERSON_FIELDS),
    # Covers the search box: status filter, name order and the search text in one index,
    # so a keystroke scans the index alone (rowid is in every SQLite index entry).
    Index("ix_person_search", "status", "name_pinyin", "kind", "search_key"),
    Index("uq_person_id_number", "id_number", unique=True),
)

supporter = Table(
    "supporter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    *(column_for(f) for f in SUPPORTER_FIELDS),
)

# The history of status changes (一人一档): created, edited, exited, reinstated.
person_event = Table(
    "person_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("event", String(16), nullable=False),
    Column("effective", Date),
    Column("detail", Text, nullable=False, default="", server_default=""),
)


class VillageGroup:
    id: int
    name: str
    position: int
    active: bool


class Supporter:
    id: int
    person_id: int
    position: int


class PersonEvent:
    id: int
    person_id: int
    at: datetime
    event: str
    effective: date | None
    detail: str


class Person:
    id: int
    kind: str
    status: str
    exit_date: date | None
    exit_reason: str | None
    exit_note: str | None
    name: str
    id_number: str | None
    birth_date: date | None
    supporters: list[Supporter]
    events: list[PersonEvent]


mapper_registry.map_imperatively(VillageGroup, village_group)
mapper_registry.map_imperatively(Supporter, supporter)
mapper_registry.map_imperatively(PersonEvent, person_event)
mapper_registry.map_imperatively(
    Person,
    person,
    properties={
        "supporters": relationship(
            Supporter, order_by=supporter.c.position, cascade="all, delete-orphan"
        ),
        "events": relationship(PersonEvent, order_by=person_event.c.id),
    },
)

ACTIVE = "active"
EXITED = "exited"
STATUS_LABELS = {ACTIVE: "在册", EXITED: "已退出"}

EXIT_REASONS: dict[str, str] = {
    "supporter_returned": "赡养人返乡",
    "moved": "迁出本村",
    "institution": "入住养老机构",
    "died": "死亡",
    "not_eligible": "经核实不符合条件",
    "other": "其他",
}
