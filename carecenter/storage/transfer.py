"""Moving a village between its own SQLite file and the township's server (issue 22).

``move_in`` copies a village's register (every table, the history, the exports kept
with it, its operators and its audit log) into a PostgreSQL server as a new village of
the township; ``move_out`` copies
one village of the server into a new SQLite file, for a village that leaves. Either is
one transaction: all of the village arrives, or none of it. Rows get the target's ids
(a server's ids are shared by all its villages) and every reference is carried over to
the new ids; the tables are walked from the declarations (``models.metadata``), so a
table added later moves with the rest without anything here changing.

Operators move with their village and stay bound to it. Names sign an operator in, so
they are unique on a server: a name another village took already is given the
village's name after it (张三 → 张三(白竹村)), said in the report, and the audit log
keeps the name each entry was made under.

Both are idempotent: the village's ``code`` says it is there already, and then the
copy is only counted against the source, never made twice. The copy ends with the same
count check, table by table, before it commits.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, text, update

from carecenter.errors import KnownError
from carecenter.storage import kept_rules, postgres
from carecenter.storage.bulk import collector_paused, insert_rows
from carecenter.storage.database import Database
from carecenter.storage.models import metadata, operator, setting, village
from carecenter.storage.villages import ONLY_VILLAGE, Village

CHUNK = 5000
Progress = Callable[[str, int], None]  # (table, rows so far)


# The audit log names records of many tables: ``entity`` says which (access.audit).
_ENTITY_TABLES = {"person": "person", "supporter": "supporter", "assessment": "assessment",
                  "visit": "visit", "need": "need", "round": "care_round",
                  "pairing": "pairing", "helper": "helper", "agreement": "agreement",
                  "group": "village_group", "operator": "operator", "event": "care_event"}
# References the log keeps of what may no longer be there (a visit taken back, an
# operator of the township who stays on the server): left empty when not found, where
# any other reference to a missing row stops the move.
_LOOSE = {("audit_log", "operator_id"), ("audit_log", "person_id")}


@dataclass
class Moved:
    village: Village
    counts: dict[str, int] = field(default_factory=dict)
    already: bool = False  # it was there already: nothing copied, the counts compared
    seconds: float = 0.0
    renamed: list[tuple[str, str]] = field(default_factory=list)  # operators: old, new

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def tables() -> list[Table]:
    """Every table of a village, parents before the tables that refer to them: all but
    the villages themselves. The village's recovery code (``access_secret``) moves
    with it; the township's (village NULL) stays on the server."""
    found = [t for t in metadata.sorted_tables
             if t.name != village.name and "village_id" in t.c]
    # The log names records of every table (not by foreign keys): it goes last.
    return sorted(found, key=lambda t: t.name == "audit_log")


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


def _rows(connection: Connection, table: Table, village_id: int
          ) -> Generator[Sequence[Any], None, None]:
    order = list(table.primary_key.columns)
    result = connection.execution_options(yield_per=CHUNK).execute(
        select(table).where(table.c.village_id == village_id).order_by(*order))
    try:
        yield from result.partitions()
    finally:  # a move stopped half-way closes the server's cursor now, not at collection
        result.close()


def _copy(source: Connection, target: Connection, source_village: int,
          moved: Moved, new_ids: Callable[[Table, int], list[int]] | None,
          progress: Progress | None) -> dict[str, int]:
    """Every row of the village, carried over; how many rows of each table."""
    target_village = moved.village.id
    maps: dict[str, dict[int, int]] = {}
    copied: dict[str, int] = {}
    for table in tables():
        names = [c.name for c in table.columns]
        references = _references(table)
        keyed = _remapped(table)
        remap = keyed and new_ids is not None
        remap_records = new_ids is not None
        own: dict[int, int] = {}
        done = 0
        with closing(_rows(source, table, source_village)) as chunks:
            for chunk in chunks:
                rows = [dict(zip(names, r, strict=True)) for r in chunk]
                if remap:
                    assert new_ids is not None
                    for row, new in zip(rows, new_ids(table, len(rows)), strict=True):
                        own[row["id"]] = new
                        row["id"] = new
                elif keyed:  # the same ids: kept to know which references are there
                    own.update((row["id"], row["id"]) for row in rows)
                for row in rows:
                    row["village_id"] = target_village
                    for column, parent in references.items():
                        old = row[column]
                        if old is not None and parent in maps:
                            try:
                                row[column] = maps[parent][old]
                            except KeyError:
                                if (table.name, column) in _LOOSE:
                                    row[column] = None
                                    continue
                                raise KnownError(
                                    f"{table.name} 表有一行指向不存在的 {parent} 记录 {old},"
                                    "请先运行 check 检查数据库。未迁移任何数据。") from None
                    if table.name == "audit_log" and remap_records:
                        row["record_id"] = _entity_id(maps, row["entity"], row["record_id"])
                if table.name == "operator":
                    _unclash(target, rows, moved)
                insert_rows(target, table, rows)
                done += len(rows)
                if progress is not None:
                    progress(table.name, done)
        if keyed:
            maps[table.name] = own
        copied[table.name] = done
    return copied


def _entity_id(maps: dict[str, dict[int, int]], entity: str, old: int | None) -> int | None:
    """An audit entry's record under its new id; empty when it was taken back since."""
    table = _ENTITY_TABLES.get(entity)
    if old is None or table is None:
        return old
    return maps.get(table, {}).get(old)


def _unclash(target: Connection, rows: list[dict[str, Any]], moved: Moved) -> None:
    """Operators whose name is taken on the server get the village's name after it."""
    names = [r["name"] for r in rows]
    taken = set(target.execute(select(operator.c.name).where(operator.c.name.in_(names)))
                .scalars())
    if not taken:
        return
    for row in rows:
        if row["name"] not in taken:
            continue
        base, n = f"{row['name']}({moved.village.name})", 1
        new = base[:30]
        while new in taken or target.execute(select(operator.c.id).where(
                operator.c.name == new)).first():
            n += 1
            new = f"{base[:27]}{n}"
        moved.renamed.append((row["name"], new))
        taken.add(new)
        row["name"] = new


def _check(target: Connection, village_id: int, expected: dict[str, int]) -> None:
    found = counts(target, village_id)
    wrong = [f"{name} {found[name]}/{n}" for name, n in expected.items() if found[name] != n]
    if wrong:
        raise KnownError("迁移后数目不符(目标/来源):" + "、".join(wrong)
                         + "。已撤销,未迁移任何数据。")


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
            postgres.as_township(writing)
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
            moved.counts = _copy(reading, writing, ONLY_VILLAGE, moved,
                                 _sequence_ids(writing), progress)
            _check(writing, new_id, expected)
    _analyze(server)
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
        postgres.as_township(reading)
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
            # A new file notes that it follows this program's rules (kept_rules.mark_all);
            # the village brings its own notes, which are what its data follow.
            writing.execute(delete(setting).where(setting.c.village_id == ONLY_VILLAGE,
                                                  setting.c.key.in_(kept_rules.CURRENT)))
            if any(counts(writing, ONLY_VILLAGE).values()):
                raise KnownError("目标数据库文件里已有数据,未迁出。请指定一个新的文件。")
            writing.execute(update(village).where(village.c.id == ONLY_VILLAGE)
                            .values(name=leaving.name, code=leaving.code))
            # The file keeps the server's ids: unique there, so unique here too.
            moved.counts = _copy(reading, writing, leaving.id, moved, None, progress)
            _check(writing, ONLY_VILLAGE, expected)
    moved.seconds = time.perf_counter() - started
    return moved


def _analyze(server: Database) -> None:
    """The tables that just grew by a village, vacuumed and their statistics taken:
    without it the first searches and work lists after a move plan as if the tables
    were empty, and read every row where an index alone would do (index-only scans
    need the visibility map), until autovacuum gets round to them."""
    with server.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for table in tables():
            c.execute(text(f"VACUUM (ANALYZE) {table.name}"))


# Not compared when a village is found moved already: a village moved in before its
# recovery code moved with it (migration 0014) has none on the server, or a new one.
_NOT_COMPARED = frozenset({"access_secret"})


def _already(target: Connection, there: Village, expected: dict[str, int], moved: Moved,
             started: float, where: str) -> Moved:
    found = counts(target, there.id)
    expected = {**expected, **{k: found[k] for k in _NOT_COMPARED if k in found}}
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
