"""Rough timings of the register window on a large database (a seed for issue 8's bench).

    python bench/register_timing.py --db /tmp/demo100k.db

Prints the time from process start to the main window shown with the register loaded,
and the time from a keystroke in the search box to the filtered table, per query.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from carecenter.db import Database
    from ui.app import choose_font
    from ui.main_window import MainWindow

    app = QApplication([])
    choose_font(app)
    window = MainWindow(Database(args.db))
    window.show()
    app.processEvents()
    shown = time.perf_counter() - STARTED
    print(f"window shown with {window.model.rowCount()} rows: {shown * 1000:.0f} ms")

    for query in ("zgl", "张", "王秀", "4305241950", "1390", "zhangguilan", "x"):
        times = []
        for _ in range(args.runs):
            window.search.clear()
            window.search_now()
            start = time.perf_counter()
            window.search.setText(query)
            window.search_now()  # what the typing timer triggers
            window.table.viewport().repaint()
            times.append(time.perf_counter() - start)
        print(f"search {query!r:16} -> {window.model.rowCount():6d} rows: "
              f"median {statistics.median(times) * 1000:.1f} ms")
    start = time.perf_counter()
    window.search.clear()
    window.search_now()
    print(f"clear search -> {window.model.rowCount()} rows: "
          f"{(time.perf_counter() - start) * 1000:.1f} ms")
    pid = window.model.person_id(500)
    assert pid is not None
    start = time.perf_counter()
    from ui.person_editor import PersonEditor

    editor = PersonEditor(window.register, pid)
    editor.show()
    app.processEvents()
    print(f"open one file: {(time.perf_counter() - start) * 1000:.1f} ms")
    editor.dirty = False
    editor.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
