"""Running the GUI probe (bench/gui_probe.py) in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import time
from typing import Any

from bench.core import ROOT, Context

PROBE = ROOT / "bench" / "gui_probe.py"


def run_probe(ctx: Context, mode: str, *args: str, timeout: float = 300
              ) -> tuple[float, int, dict[str, Any] | None]:
    """Start the probe; seconds from start to SHOWN, the rows then, and its RESULT."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                       os.environ.get("PYTHONPATH")])),
           # With its bytecode, as an installed program starts (pip and PyInstaller ship
           # .pyc). PYTHONDONTWRITEBYTECODE, set on some machines, would otherwise make
           # every start compile every module of the program again (~25-45 ms of a
           # 200 ms start-up here); the untimed first start writes the bytecode.
           "PYTHONPYCACHEPREFIX": str(ctx.cache / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    process = subprocess.Popen([ctx.python, str(PROBE), mode, *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    assert process.stdout is not None
    import threading

    watchdog = threading.Timer(timeout, process.kill)  # a hung app must not hang the bench
    watchdog.start()
    shown_after: float | None = None
    rows = 0
    result = None
    for line in process.stdout:
        if line.startswith("SHOWN ") and shown_after is None:
            shown_after = time.perf_counter() - start
            rows = int(line.split()[1])
        elif line.startswith("RESULT "):
            result = {**(result or {}), **json.loads(line[len("RESULT "):])}
        elif line.startswith("SIGNED "):
            seconds, signed_rows = line.split()[1:3]
            result = {**(result or {}), "signed_in": float(seconds),
                      "signed_rows": int(signed_rows)}
    _out, err = process.communicate()
    watchdog.cancel()
    if process.returncode != 0 or shown_after is None:
        raise RuntimeError(f"gui_probe {mode} exited {process.returncode}: {err[-2000:]}")
    return shown_after, rows, result


def session(ctx: Context) -> dict[str, Any]:
    """One app session driving search and file opening; shared by several measurements."""
    if "gui_session" not in ctx.memo:
        _shown, rows, result = run_probe(ctx, "session", "--db", str(ctx.db),
                                         "--runs", str(ctx.runs))
        assert result is not None
        # An encrypted register shows its rows after the sign-in, not at the first paint.
        result["rows"] = result.get("signed_rows", rows)
        ctx.memo["gui_session"] = result
    session_result: dict[str, Any] = ctx.memo["gui_session"]
    return session_result
