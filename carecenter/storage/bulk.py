"""Work on thousands of rows at once: inserting them, and sparing the garbage collector.

A ledger import writes 10,000 people, their supporters and events, and 50,000 due
dates. SQLAlchemy's executemany builds every row's parameters through its general
machinery, which took a third of such an insert's time on SQLite (the rest is SQLite's
own). Here the rows go to the driver as tuples, each value through the very conversion
SQLAlchemy would apply to its column (dates to text, code lists joined …). Other
databases, and rows that leave out a column with a Python-side default, take
SQLAlchemy's usual path.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.dialects import sqlite

# How one value is stored: its place in the row, SQLAlchemy's conversion, and whether
# that conversion keeps None as None (then the many blanks are not run through it).
_Conversion = tuple[int, Callable[[Any], Any], bool]


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``connection.execute(insert(table), rows)``: every row with the first row's keys."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _insert_arrays(connection, table, rows)
        return
    constants = _left_out_constants(table, tuple(rows[0]))
    if constants:
        # Columns the rows leave to a plain default (a new kind's flags, say): written
        # as those values, so that the rows still take the quick path (issue 21 added
        # such columns to person, and the import had fallen back to SQLAlchemy's own
        # executemany: 2.9 s of a 10,000-row import instead of ~0.6 s).
        rows = [{**r, **constants} for r in rows]
    plan = _plan(table, tuple(rows[0]), connection.dialect)
    if plan is None:
        connection.execute(insert(table), list(rows))
        return
    sql, order, converted = plan
    if len(order) == 1:
        only = order[0]
        params: list[Sequence[Any]] = [(r[only],) for r in rows]
    else:
        get = itemgetter(*order)  # a tuple per row, in C
        params = [get(r) for r in rows]
    if converted:
        for index, values in enumerate(params):
            row = list(values)
            for i, process, keeps_none in converted:
                if row[i] is not None or not keeps_none:
                    row[i] = process(row[i])
            params[index] = tuple(row)
    connection.exec_driver_sql(sql, params)


def _insert_arrays(connection: Connection, table: Table,
                   rows: Sequence[Mapping[str, Any]]) -> None:
    """PostgreSQL: the rows as one array per column, in one statement (INSERT … SELECT
    FROM unnest): a village's move-in of millions of rows, ~5x faster than SQLAlchemy's
    batches of VALUES. (COPY would be faster still, but PostgreSQL refuses it into a
    table under row-level security.)"""
    names = list(rows[0])
    if any(c.default is not None for c in table.c if c.name not in names):
        connection.execute(insert(table), list(rows))
        return
    dialect = connection.dialect
    casts, columns = [], []
    for name in names:
        column = table.c[name]
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        values = [r[name] for r in rows]
        if process is not None:
            values = [None if v is None else process(v) for v in values]
        columns.append(values)
        casts.append(f"%s::{column.type.compile(dialect=dialect)}[]")
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    connection.exec_driver_sql(
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({quoted}) "
        f"SELECT * FROM unnest({', '.join(casts)})", tuple(columns))


@lru_cache(maxsize=64)
def _left_out_constants(table: Table, names: tuple[str, ...]) -> dict[str, Any]:
    """The columns left out of ``names`` whose default is one plain value, with it; empty
    if any left-out default is computed (a function, SQL): SQLAlchemy's path runs it."""
    constants: dict[str, Any] = {}
    for column in table.c:
        default = column.default
        if column.name in names or default is None:
            continue
        if not default.is_scalar:
            return {}
        constants[column.name] = default.arg  # type: ignore[attr-defined]
    return constants


@lru_cache(maxsize=64)  # an import inserts into the same few tables batch after batch
def _plan(table: Table, names: tuple[str, ...], dialect: Dialect,
          ) -> tuple[str, list[str], list[_Conversion]] | None:
    """The statement, its parameters' order and their conversions; None where only
    SQLAlchemy's own insert is right (another database, a left-out default)."""
    if dialect.name != "sqlite" or any(
        c.default is not None for c in table.c if c.name not in names
    ):
        return None
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(names):  # not a plain one-parameter-per-column insert
        return None
    converted: list[_Conversion] = []
    for i, name in enumerate(order):
        impl = table.c[name].type.dialect_impl(dialect)
        process = impl.bind_processor(dialect)
        if process is not None:
            converted.append((i, _iso(impl, process), process(None) is None))
    return str(compiled), order, converted


# SQLAlchemy's SQLite date and time texts, which are ISO 8601's: ``isoformat`` writes
# them in C, five times faster (an import stores 150,000 dates: due dates, births).
_DATE_TEXT = "%(year)04d-%(month)02d-%(day)02d"
_DATETIME_TEXT = _DATE_TEXT + " %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


def _iso(impl: Any, process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, or the same text by ``isoformat`` for a plain date (a naive
    datetime) in a column that stores SQLAlchemy's default format; anything else
    (a datetime in a date column, a zone) still goes through ``process``."""
    stored = getattr(impl, "_storage_format", None)
    if isinstance(impl, sqlite.DATE) and stored == _DATE_TEXT:
        def as_date(value: Any) -> Any:
            return value.isoformat() if type(value) is date else process(value)
        return as_date
    if isinstance(impl, sqlite.DATETIME) and stored == _DATETIME_TEXT:
        def as_datetime(value: Any) -> Any:
            if type(value) is datetime and value.tzinfo is None:
                return value.isoformat(" ", "microseconds")
            return process(value)
        return as_datetime
    return process


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside; on leaving, what was made is counted old.

    A 10,000-row import keeps half a million objects alive (the preview of every row)
    until it ends; the collector walked all of them three or four times, 0.5 s of a 3 s
    import (measured). Reference counting still frees everything else as it goes. On
    leaving, freeze-then-unfreeze moves every object to the oldest generation without
    walking them (Python's documented meaning of ``gc.unfreeze``), so the preview is
    not walked again, young then middle then old, the moment the collector resumes;
    any cycle left behind waits for the next full collection.
    """
    if not gc.isenabled():  # paused already (a nested call, or the caller's choice)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # nobody else keeps objects frozen
            gc.freeze()
            gc.unfreeze()
        gc.enable()
