"""How a declared field becomes a column: its SQL type, the multi-choice code list, and
the village every row belongs to. Kept apart from the tables in ``models``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect

from carecenter.rules.fields import Field, FieldType


class CodeList(TypeDecorator[list[str]]):
    """A multi-choice answer: codes stored comma-separated, read back as a list."""

    impl = String
    cache_ok = True

    def __init__(self, length: int = 200) -> None:
        super().__init__(length)

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> str | None:
        return ",".join(value) if value else None

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[str]:
        return value.split(",") if value else []


def village_column() -> Column[Any]:
    """The village a row belongs to (issue 22). A village's SQLite file holds one village
    (id 1, the default here); on a township's server the migrations make the default the
    connection's own village and row-level security shows each village only its rows."""
    return Column("village_id", Integer, nullable=False, server_default="1")


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
