"""概况: the village's figures for the overview tab (carecenter/overview/village_figures.py)."""

from __future__ import annotations

from bench import adapters
from bench.core import Context, Row, Target, timed


def rows() -> list[Row]:
    return [Row("overview", "概况图表的数字 (the overview's figures)", "ms", Target(300))]


def measure(ctx: Context, rows: list[Row]) -> None:
    from carecenter.storage.database import Database

    database = Database(ctx.db)
    try:
        found: list[object] = []
        for _ in range(ctx.runs):
            rows[0].runs.append(
                timed(lambda: found.append(adapters.village_figures(database, adapters.DAY)))
                * 1000)
        figures = found[-1]
        rows[0].note = (f"{adapters.DAY}，在册 {getattr(figures, 'active', '?')} 人，"
                        f"12 个月走访、{len(getattr(figures, 'groups', []))} 个小组")
    finally:
        database.close()
