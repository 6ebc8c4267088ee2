"""The quarterly export vs openpyxl writing the same cells in write-only mode (issue 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import adapters
from bench.core import Context, NotBuilt, Row, Target, timed

Sheet = tuple[str, list[list[Any]]]


def rows() -> list[Row]:
    return [Row("export", "季度报送台账导出 (quarterly export)", "s", Target(1.5, ratio=True),
                baseline_label="openpyxl write-only 写相同单元格")]


def measure(ctx: Context, rows: list[Row]) -> None:
    from bench.adapters import open_register

    row = rows[0]
    runs = min(ctx.runs, 3)
    built: NotBuilt | None = None
    output = ctx.work / "export-product.xlsx"
    try:
        adapters.product("carecenter.ledger.quarter_export", "export_quarter")
    except NotBuilt as e:
        built = e
    if built is None:
        database = open_register(ctx.scratch_copy("export.db"))  # the export keeps a snapshot
        try:
            for _ in range(runs):
                output.unlink(missing_ok=True)
                row.runs.append(timed(lambda: adapters.quarterly_export(database, output)))
        finally:
            database.close()
        sheets = read_cells(output)
        source = "单元格取自产品导出的工作簿"
    else:
        sheets = ledger_cells(ctx.db)
        source = "产品未实现，基线单元格取自登记册的基本字段"
    for n in range(runs):
        target = ctx.work / f"export-baseline-{n}.xlsx"
        row.baseline_runs.append(timed(write_only, sheets, target))
    cells = sum(len(r) for _name, data in sheets for r in data)
    row.note = f"{cells} 个单元格，{len(sheets)} 张表；{source}"
    if built is not None:
        raise built


def write_only(sheets: list[Sheet], target: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, data in sheets:
        sheet = workbook.create_sheet(name)
        for values in data:
            sheet.append(values)
    workbook.save(target)


def read_cells(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        return [(sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)])
                for sheet in workbook.worksheets]
    finally:
        workbook.close()


def ledger_cells(db: Path) -> list[Sheet]:
    """One row per person on the register with the basic fields: the ledger sheet."""
    from bench.dataset import connect

    with connect(db, read_only=True) as connection:
        data: list[list[Any]] = [["序号", "姓名", "性别", "身份证号", "出生日期", "村民小组",
                                  "联系电话", "家庭住址", "健康状况", "风险等级", "赡养人",
                                  "赡养人电话", "去向"]]
        query = """
            SELECT p.name, p.sex, p.id_number, p.birth_date, g.name, p.phone, p.address,
                   p.health_status, p.colour, s.name, s.phone, s.whereabouts
            FROM person p LEFT JOIN village_group g ON g.id = p.group_id
            LEFT JOIN supporter s ON s.person_id = p.id AND s.position = 0
            WHERE p.status = 'active' ORDER BY p.id"""
        for number, values in enumerate(connection.execute(query), start=1):
            data.append([number, *values])
    return [("台账", data)]
