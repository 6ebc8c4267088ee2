"""Search: one keystroke in the search box to the filtered table repainted."""

from __future__ import annotations

import statistics

from bench.adapters import SEARCHES
from bench.core import Context, Row, Target
from bench.measures.gui import session

LABELS = {"name": "姓名", "initials": "拼音首字母", "id_digits": "身份证号数字"}


def rows() -> list[Row]:
    return [Row(f"search_{key}", f"搜索按键：{LABELS[key]} (search keystroke: {key})", "ms",
                Target(50)) for key, _query in SEARCHES]


def measure(ctx: Context, rows: list[Row]) -> None:
    searches = session(ctx)["search"]
    for row, (key, query) in zip(rows, SEARCHES, strict=True):
        found = searches[key]
        row.runs = [s * 1000 for s in found["seconds"]]
        row.note = (f"逐键输入“{query}”，最后 {found['rows']} 人；"
                    f"最慢一键 {max(row.runs):.0f} ms（中位数 {statistics.median(row.runs):.0f})")
