"""The pictures of the user guide (ui/shell/guide/), taken offscreen from a demo register.

    python -m carecenter demo --persons 200 --db demo.db --today 2026-11-23
    CARECENTER_TODAY=2026-11-23 python scripts/guide_screenshots.py --db demo.db

Needs a CJK font (fonts-wqy-microhei on Debian). Pictures are scaled to 900 pixels wide
so the guide stays small.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from carecenter.storage.database import Database  # noqa: E402
from ui.shell.app import choose_font  # noqa: E402

OUT = ROOT / "ui" / "shell" / "guide"


def grab(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    image = widget.grab().toImage()
    if image.width() > 900:
        image = image.scaledToWidth(900, Qt.TransformationMode.SmoothTransformation)
    image.save(str(OUT / name))
    print(OUT / name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a demo register (200 people)")
    args = parser.parse_args()
    app = QApplication([])
    choose_font(app)
    from ui.shell.main_window import MainWindow

    with tempfile.TemporaryDirectory() as empty:
        blank = Database(Path(empty) / "empty.db")
        window = MainWindow(blank)
        window.resize(1100, 680)
        window.show()
        grab(window, "start_page.png")
        window.close()
        blank.close()
    database = Database(args.db)
    window = MainWindow(database)
    window.resize(1200, 720)
    window.show()
    window.worklist.reload()
    grab(window, "worklist.png")
    window.tabs.setCurrentWidget(window.register_page)
    window.table.selectRow(0)
    grab(window, "register.png")
    window.tabs.setCurrentWidget(window.overview)
    grab(window, "overview.png")
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
