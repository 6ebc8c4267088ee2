"""Opening one person's file: Enter on a row to the editor dialog shown."""

from __future__ import annotations

from bench.core import Context, Row, Target
from bench.measures.gui import session


def rows() -> list[Row]:
    return [Row("open_file", "打开一人档案 (open one person's file)", "ms", Target(100))]


def measure(ctx: Context, rows: list[Row]) -> None:
    rows[0].runs = [s * 1000 for s in session(ctx)["open_file"]]
    rows[0].note = "在表格中选中一行按回车，到档案对话框画出"
