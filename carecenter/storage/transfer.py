"""Moving a village between its own SQLite file and the township's server (issue 22).

``move_in`` copies a village's register (every table, the history and the exports kept
with it) into a PostgreSQL server as a new village of the township; ``move_out`` copies
one village of the server into a new SQLite file, for a village that leaves. Either is
one transaction: all of the village arrives, or none of it. Rows get the target's ids
(a server's ids are shared by all its villages) and every reference is carried over to
the new ids; the tables are walked from the declarations (``models.metadata``), so a
table added later moves with the rest without anything here changing.

Both are idempotent: the village's ``code`` says it is there already, and then the
copy is only counted against the source, never made twice. The copy ends with the same
count check, table by table, before it commits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, select, text, update

from carecenter.errors import KnownError
from carecenter.storage import postgres
from carecenter.storage.bulk import collector_paused, insert_rows
from carecenter.storage.database import Database
from carecenter.storage.models import metadata, setting, village
from carecenter.storage.villages import ONLY_VILLAGE, Village

CHUNK = 5000
Progress = Callable[[str, int], None]  # (table, rows so far)


@dataclass
class Moved:
    village: Village
    counts: dict[str, int] = field(default_factory=dict)
    already: bool = False  # it was there already: nothing copied, the counts compared
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def tables() -> list[Table]:
    """Every table of a village, parents before the tables that refer to them. Tables
    without a village (operators, the audit log, issue 20's removed records and visit
    tallies, added after migration 0009) do not move with a village yet."""
    return [t for t in metadata.sorted_tables
            if t.name != village.name and "village_id" in t.c]


def _remapped(table: Table) -> bool:
    """Rows that get new ids in the target (a single integer key named id)."""
    return [c.name for c in table.primary_key.columns] == ["id"]


def _references(table: Table) -> dict[str, str]:
    """Column -> the table its values are ids of: the foreign keys, and the copies kept
    without one (``info={"refers_to": table}`` in the declarations)."""
    found = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
    found.update({c.name: c.info["refers_to"] for c in table.columns if "refers_to" in c.info})
    return found


def counts(connection: Connection, village_id: int) -> dict[str, int]:
    return {t.name: int(connection.execute(
        select(func.count()).select_from(t).where(t.c.village_id == village_id)).scalar_one())
        for t in tables()}


def _rows(connection: Connection, table: Table, village_id: int) -> Iterator[Sequence[Any]]:
    order = list(table.primary_key.columns)
    result = connection.execution_options(yield_per=CHUNK).execute(
        select(table).where(table.c.village_id == village_id).order_by(*order))
    yield from result.partitions()


def _copy(source: Connection, target: Connection, source_village: int,
          target_village: int, new_ids: Callable[[Table, int], list[int]] | None,
          progress: Progress | None) -> dict[str, int]:
    """Every row of the village, carried over; how many rows of each table."""
    maps: dict[str, dict[int, int]] = {}
    copied: dict[str, int] = {}
    for table in tables():
        names = [c.name for c in table.columns]
        references = _references(table)
        remap = _remapped(table) and new_ids is not None
        own: dict[int, int] = {}
        done = 0
        for chunk in _rows(source, table, source_village):
            rows = [dict(zip(names, r, strict=True)) for r in chunk]
            if remap:
                assert new_ids is not None
                for row, new in zip(rows, new_ids(table, len(rows)), strict=True):
                    own[row["id"]] = new
                    row["id"] = new
            for row in rows:
                row["village_id"] = target_village
                for column, parent in references.items():
                    old = row[column]
                    if old is not None and parent in maps:
                        try:
                            row[column] = maps[parent][old]
                        except KeyError:
                            raise KnownError(
                                f"{table.name} 表有一行指向不存在的 {parent} 记录 {old},"
                                "请先运行 check 检查数据库。未迁移任何数据。") from None
            insert_rows(target, table, rows)
            done += len(rows)
            if progress is not None:
                progress(table.name, done)
        if remap:
            maps[table.name] = own
        copied[table.name] = done
    return copied


def _check(target: Connection, village_id: int, expected: dict[str, int]) -> None:
    found = counts(target, village_id)
    wrong = [f"{name} {found[name]}/{n}" for name, n in expected.items() if found[name] != n]
    if wrong:
        raise KnownError("迁移后数目不符(目标/来源):" + "、".join(wrong)
                         + "。已撤销,未迁移任何数据。")


def _as_township(connection: Connection) -> None:
    connection.execute(text("SELECT set_config(:name, '*', true)"),
                       {"name": postgres.SCOPE_SETTING})


def _sequence_ids(connection: Connection) -> Callable[[Table, int], list[int]]:
    def new_ids(table: Table, n: int) -> list[int]:
        return list(connection.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
            "FROM generate_series(1, :n)"), {"table": table.name, "n": n}).scalars())
    return new_ids


def _the_village(connection: Connection) -> Village:
    row = connection.execute(select(village.c.id, village.c.name, village.c.code)
                             .where(village.c.id == ONLY_VILLAGE)).one()
    return Village(row.id, row.name, row.code)


def move_in(source: Database, server: Database, name: str | None = None,
            progress: Progress | None = None) -> Moved:
    """Copy a village's SQLite register into the server as a village of the township."""
    if source.on_server or not server.on_server:
        raise KnownError("迁入:来源应是村里的数据库文件,目标应是乡镇的 PostgreSQL 服务器")
    started = time.perf_counter()
    with source.engine.connect() as reading, collector_paused():
        own = _the_village(reading)
        moved = Moved(Village(0, name or _settings_name(reading) or own.name, own.code))
        expected = counts(reading, ONLY_VILLAGE)
        with server.engine.begin() as writing:
            _as_township(writing)
            there = writing.execute(select(village.c.id, village.c.name)
                                    .where(village.c.code == own.code)).first()
            if there is not None:
                return _already(writing, Village(there.id, there.name, own.code), expected,
                                moved, started, "服务器上")
            if writing.execute(select(village.c.id)
                               .where(village.c.name == moved.village.name)).first():
                raise KnownError(f"服务器上已有另一个“{moved.village.name}”(来自别的数据库文件),"
                                 "未迁移。如确是另一个村,请用 --name 另起村名。")
            new_id = int(writing.execute(village.insert().values(
                name=moved.village.name, code=own.code, created_at=_created(reading))
                .returning(village.c.id)).scalar_one())
            moved.village = Village(new_id, moved.village.name, own.code)
            moved.counts = _copy(reading, writing, ONLY_VILLAGE, new_id,
                                 _sequence_ids(writing), progress)
            _check(writing, new_id, expected)
    moved.seconds = time.perf_counter() - started
    return moved


def move_out(server: Database, target: Database, village_id: int,
             progress: Progress | None = None) -> Moved:
    """Copy one village of the server into a new SQLite file (a village that leaves);
    the server keeps its copy, as nothing the clerk entered is ever deleted."""
    if not server.on_server or target.on_server:
        raise KnownError("迁出:来源应是乡镇的 PostgreSQL 服务器,目标应是新的数据库文件")
    started = time.perf_counter()
    with server.engine.connect() as reading, collector_paused():
        _as_township(reading)
        row = reading.execute(select(village.c.id, village.c.name, village.c.code)
                              .where(village.c.id == village_id)).first()
        if row is None:
            raise KnownError(f"服务器上没有编号为 {village_id} 的村")
        leaving = Village(row.id, row.name, row.code)
        moved = Moved(Village(ONLY_VILLAGE, leaving.name, leaving.code))
        expected = counts(reading, leaving.id)
        with target.engine.begin() as writing:
            own = _the_village(writing)
            if own.code == leaving.code:
                return _already(writing, moved.village, expected, moved, started, "文件里")
            if any(counts(writing, ONLY_VILLAGE).values()):
                raise KnownError("目标数据库文件里已有数据,未迁出。请指定一个新的文件。")
            writing.execute(update(village).where(village.c.id == ONLY_VILLAGE)
                            .values(name=leaving.name, code=leaving.code))
            # The file keeps the server's ids: unique there, so unique here too.
            moved.counts = _copy(reading, writing, leaving.id, ONLY_VILLAGE, None, progress)
            _check(writing, ONLY_VILLAGE, expected)
    moved.seconds = time.perf_counter() - started
    return moved


def _already(target: Connection, there: Village, expected: dict[str, int], moved: Moved,
             started: float, where: str) -> Moved:
    found = counts(target, there.id)
    if found != expected:
        wrong = [f"{n} {found[n]}/{k}" for n, k in expected.items() if found[n] != k]
        raise KnownError(f"“{there.name}”已在{where},但数目与来源不同(目标/来源):"
                         + "、".join(wrong) + "。可能迁移后又在两边各自修改过;未做任何改动。")
    moved.village, moved.counts, moved.already = there, found, True
    moved.seconds = time.perf_counter() - started
    return moved


def _settings_name(connection: Connection) -> str:
    """The village's name as the clerk set it in 本村设置 (the village row keeps the name
    it had when the file was upgraded)."""
    raw = connection.execute(select(setting.c.value).where(
        setting.c.village_id == ONLY_VILLAGE, setting.c.key == "village")).scalar()
    try:
        return str(json.loads(raw).get("name") or "")[:40] if raw else ""
    except (ValueError, AttributeError):
        return ""


def _created(connection: Connection) -> Any:
    return connection.execute(select(village.c.created_at)
                              .where(village.c.id == ONLY_VILLAGE)).scalar_one()
