"""Start-up: process start to the main window shown with the register, vs a bare window."""

from __future__ import annotations

from pathlib import Path

from bench.core import Context, Row, Target
from bench.measures.gui import run_probe


def rows() -> list[Row]:
    return [Row("startup", "启动：进程开始到主窗口显示登记册 (start-up to main window)", "ms",
                Target(2, ratio=True), baseline_label="空白 PySide6 窗口 (bare window)"),
            # issue 18: the register opens after the password; this is that wait.
            Row("sign_in", "登录：回车到登记册显示 (sign-in to the register shown)", "ms",
                Target(1000))]


def measure(ctx: Context, rows: list[Row]) -> None:
    row, signed = rows[0], rows[1]
    # One untimed start of each first, so that both find the files in the OS cache and
    # their bytecode written (run_probe).
    run_probe(ctx, "bare")
    run_probe(ctx, "app", "--db", str(ctx.db))
    shown_rows = signed_rows = 0
    for _ in range(ctx.runs):  # interleaved, so that a noisy moment hits both alike
        row.baseline_runs.append(run_probe(ctx, "bare")[0] * 1000)
        seconds, shown_rows, result = run_probe(ctx, "app", "--db", str(ctx.db))
        row.runs.append(seconds * 1000)
        if result is not None and "signed_in" in result:
            signed.runs.append(result["signed_in"] * 1000)
            signed_rows = result["signed_rows"]
    encrypted = Path(str(ctx.db) + ".keys").exists()
    row.note = ("显示登录页(登记册已加密,登录前不可读)" if encrypted
                else f"显示 {shown_rows} 人")
    if signed.runs:
        signed.note = f"显示 {signed_rows} 人;含两次 scrypt 密码校验(解开钥匙、核对操作员)"
