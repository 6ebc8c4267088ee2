"""Peak memory of the app with the county register open."""

from __future__ import annotations

from bench.core import Context, Row, Target
from bench.measures.gui import session


def rows() -> list[Row]:
    return [Row("memory", "内存峰值：打开全县登记册 (peak memory, county register open)", "MB",
                Target(400))]


def measure(ctx: Context, rows: list[Row]) -> None:
    result = session(ctx)
    rows[0].runs = [result["peak_rss_mb"]]
    rows[0].note = (f"进程常驻内存最高值（RSS high-water mark），{result['rows']} 人，"
                    "含搜索、打开档案、滚动到底")
