"""Screens that must open at once on a county's register (issue 20): back to the 工作台
tab, the 概况 charts read and drawn, the 帮扶人 window shown with its list."""

from __future__ import annotations

from bench.core import Context, Row, Target
from bench.measures.gui import session

ROWS = (
    ("worklist_tab", "切换到工作台 (back to the work list tab)", "从登记册切回工作台到画出"),
    ("overview_drawn", "概况图表读数并画出 (overview read and drawn)", "读取数字、画出四张图"),
    ("helpers_window", "打开帮扶人窗口 (helpers window opens)",
     "到窗口画出帮扶人名单;结对人数与负荷随后填入"),
)


SESSION_KEYS = {"overview_drawn": "overview"}  # the probe's name for it


def rows() -> list[Row]:
    return [Row(key, label, "ms", Target(300)) for key, label, _note in ROWS]


def measure(ctx: Context, rows: list[Row]) -> None:
    result = session(ctx)
    for row, (key, _label, note) in zip(rows, ROWS, strict=True):
        row.runs = [s * 1000 for s in result[SESSION_KEYS.get(key, key)]]
        row.note = note
