"""Start-up: process start to the main window shown with the register, vs a bare window."""

from __future__ import annotations

from bench.core import Context, Row, Target
from bench.measures.gui import run_probe


def rows() -> list[Row]:
    return [Row("startup", "启动：进程开始到主窗口显示登记册 (start-up to main window)", "ms",
                Target(2, ratio=True), baseline_label="空白 PySide6 窗口 (bare window)")]


def measure(ctx: Context, rows: list[Row]) -> None:
    row = rows[0]
    # One untimed start of each first, so that both find the files in the OS cache and
    # their bytecode written (run_probe).
    run_probe(ctx, "bare")
    run_probe(ctx, "app", "--db", str(ctx.db))
    shown_rows = 0
    for _ in range(ctx.runs):  # interleaved, so that a noisy moment hits both alike
        row.baseline_runs.append(run_probe(ctx, "bare")[0] * 1000)
        seconds, shown_rows, _ = run_probe(ctx, "app", "--db", str(ctx.db))
        row.runs.append(seconds * 1000)
    row.note = f"显示 {shown_rows} 人"
