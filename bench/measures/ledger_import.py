"""The ledger import of 10,000 rows vs openpyxl read-only plus a bulk insert (issue 7).

The ledger is laid out as a clerk's would be: a title row, the header, one row per
person with a child's name and phone, and a signature row below; it is made once from
the county register and cached. Both sides import into a fresh, empty register.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench import adapters
from bench.core import Context, Row, Target, timed
from carecenter import clock

ROWS = 10_000
HEADER = ["序号", "姓名", "性别", "身份证号码", "出生日期", "所在组", "联系电话", "家庭住址",
          "子女姓名", "与老人关系", "子女电话", "外出务工地点"]
SEX = {"male": "男", "female": "女"}
RELATION = {"son": "儿子", "daughter": "女儿", "daughter_in_law": "儿媳", "son_in_law": "女婿",
            "grandchild": "孙子女", "other": "其他"}


def rows() -> list[Row]:
    return [Row("import", f"导入 Excel 台账 {ROWS} 行 (ledger import)", "s",
                Target(2, ratio=True), baseline_label="openpyxl read-only + 批量插入")]


def measure(ctx: Context, rows: list[Row]) -> None:
    from bench.adapters import open_register
    from carecenter.storage.database import Database

    row = rows[0]
    runs = min(ctx.runs, 3)
    workbook, count = ledger(ctx)
    empty = ctx.work / "import-empty.db"
    if not empty.exists():
        open_register(empty).close()  # migrated, no people: copied for every run

    def fresh(name: str) -> Database:
        target = ctx.work / name
        for suffix in ("", "-wal", "-shm", ".keys"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(empty, target)
        keys = Path(str(empty) + ".keys")  # encrypted at its first sign-in (issue 18)
        if keys.exists():
            shutil.copyfile(keys, Path(str(target) + ".keys"))
        return open_register(target)

    for n in range(runs):
        database = fresh(f"import-baseline-{n}.db")
        try:
            row.baseline_runs.append(timed(baseline, database, workbook))
        finally:
            database.close()
    row.note = f"{count} 行，导入空库"
    adapters.product("carecenter.ledger.importer", "LedgerImport")  # NotBuilt: 尚未实现
    for n in range(runs):
        database = fresh(f"import-product-{n}.db")
        try:
            row.runs.append(timed(adapters.ledger_import, database, workbook))
        finally:
            database.close()


def ledger(ctx: Context) -> tuple[Path, int]:
    """The cached ledger workbook made from the register's first people."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = ctx.cache / f"ledger-{ROWS}-{ctx.db.stem}.xlsx"
    data = people(ctx.db)
    if target.exists():
        return target, len(data)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "留守老年人台账"
    sheet.append(["桃花村农村留守老年人信息台账（2026年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet.append(HEADER)
    for number, values in enumerate(data, start=1):
        sheet.append([number, *values])
        sheet.cell(sheet.max_row, 4).number_format = "@"  # ID numbers as text
    sheet.append([])
    sheet.append(["填表人：刘红梅", None, None, "审核人：李志刚"])
    partial = target.with_suffix(".partial.xlsx")
    workbook.save(partial)
    partial.replace(target)
    return target, len(data)


def people(db: Path) -> list[list[Any]]:
    from bench.dataset import connect

    with connect(db, read_only=True) as connection:
        query = """
            SELECT p.name, p.sex, p.id_number, p.birth_date, g.name, p.phone, p.address,
                   s.name, s.relation, s.phone, s.whereabouts
            FROM person p LEFT JOIN village_group g ON g.id = p.group_id
            LEFT JOIN supporter s ON s.person_id = p.id AND s.position = 0
            WHERE p.status = 'active' ORDER BY p.id LIMIT ?"""
        result = []
        for values in connection.execute(query, (ROWS,)):
            v = list(values)
            v[1] = SEX.get(v[1], v[1])
            v[3] = date.fromisoformat(v[3]) if v[3] else None
            v[8] = RELATION.get(v[8], v[8])
            result.append(v)
    return result


def baseline(database: Any, workbook: Path) -> None:
    """openpyxl read-only, then the persons and their child in bulk, one transaction.

    Really in bulk: an insert RETURNING ids in the rows' order is sent one row at a time
    by SQLAlchemy on SQLite (it cannot rely on RETURNING's order there), 10,000
    statements. The ids are named instead, the largest so far plus one each, as SQLite
    would give them, and each table is one executemany.
    """
    from openpyxl import load_workbook
    from sqlalchemy import func, insert, select

    from carecenter.storage.models import person, supporter

    book = load_workbook(workbook, read_only=True)
    now = clock.now()
    persons: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    try:
        for values in book.worksheets[0].iter_rows(min_row=3, values_only=True):
            if not isinstance(values[0], int):
                continue  # blank and signature rows
            born = values[4]
            persons.append({"name": values[1], "sex": values[2], "id_number": values[3],
                            "birth_date": born.date() if isinstance(born, datetime) else None,
                            "phone": values[6], "address": values[7],
                            "created_at": now, "updated_at": now})
            children.append({"name": values[8], "phone": values[10],
                             "whereabouts": values[11]})
    finally:
        book.close()
    with database.transaction() as session:
        first = (session.execute(select(func.max(person.c.id))).scalar() or 0) + 1
        for person_id, (row, child) in enumerate(zip(persons, children, strict=True),
                                                 start=first):
            row["id"] = child["person_id"] = person_id
        session.execute(insert(person), persons)
        session.execute(insert(supporter), children)
