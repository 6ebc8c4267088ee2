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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``connection.execute(insert(table), rows)``: every row with the first row's keys."""
    if not rows:
        return
    names = list(rows[0])
    dialect = connection.dialect
    if dialect.name != "sqlite" or any(
        c.default is not None for c in table.c if c.name not in names
    ):
        connection.execute(insert(table), list(rows))
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(names):  # not a plain one-parameter-per-column insert
        connection.execute(insert(table), list(rows))
        return
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in order]
    # A conversion that keeps None as None is not asked about the many blanks.
    converted = [(i, p, p(None) is None) for i, p in enumerate(processors) if p is not None]
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
    connection.exec_driver_sql(str(compiled), params)


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
