"""Rough timings of the visit sheet on a large database.

    python bench/visit_sheet_timing.py --db /tmp/demo100k.db

Copies the database first (the sheet is saved, so visits are written). Prints the time
to open the sheet (people for the completer), one completer lookup, pre-filling a
village group, and saving a 20-row sheet in one transaction.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


APP = None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from bench.adapters import open_register
    from carecenter.care.care_book import CareBook
    from ui.care.visit_sheet import DATE, FOUND, KIND, VisitSheet

    copy = Path(tempfile.mkdtemp()) / "sheet.db"
    shutil.copy(args.db, copy)
    global APP  # noqa: PLW0603 (freed last, after every widget)
    APP = QApplication([])  # outlives every widget: freed last, at exit
    database = open_register(copy)
    care = CareBook(database)
    start = time.perf_counter()
    sheet = VisitSheet(care)
    print(f"打开录入表(含 {len(sheet.grid.finder.picks)} 人的补全):"
          f"{time.perf_counter() - start:.3f} 秒")
    start = time.perf_counter()
    found = sheet.grid.finder.search("zgl")
    print(f"补全一次(zgl,{len(found)} 条):{time.perf_counter() - start:.4f} 秒")
    start = time.perf_counter()
    sheet.group.setCurrentIndex(1)
    sheet.fill_from_group()
    print(f"列出一个村民小组({sheet.grid.rowCount() - 1} 人):"
          f"{time.perf_counter() - start:.3f} 秒")
    for row in range(20):
        sheet.grid.set_typed(row, DATE, "11-3")
        sheet.grid.set_typed(row, KIND, "1")
        sheet.grid.set_typed(row, FOUND, "正常")
    start = time.perf_counter()
    saved = sheet.save()
    took = time.perf_counter() - start
    print(f"保存 20 行(一次事务):{took:.3f} 秒,{'成功' if saved else '失败'}")
    sheet.grid.setRowCount(0)
    sheet.close()
    sheet.deleteLater()
    del sheet
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
