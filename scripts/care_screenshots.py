"""Screenshots of the visit sheet, the special rounds dialog and the needs ledger.

    QT_QPA_PLATFORM=offscreen python scripts/care_screenshots.py --db demo.db --out shots/

Run on a demo database (``python -m carecenter demo``); nothing is written to it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget  # noqa: E402

from carecenter.care.care_book import CareBook  # noqa: E402
from carecenter.cli.access_cli import open_register  # noqa: E402
from carecenter.register.listing import Listing, RegisterQuery  # noqa: E402
from ui.shell.app import choose_font  # noqa: E402


def grab(widget: QWidget, path: Path) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    choose_font(app)
    from ui.care.needs_window import NeedsWindow, ResolveNeedDialog
    from ui.care.round_dialog import RoundDialog
    from ui.care.visit_sheet import DATE, FOUND, KIND, NEED, NEED_KIND, PERSON, VisitSheet

    database = open_register(args.db)
    care = CareBook(database)
    windows: list[QWidget] = []

    sheet = VisitSheet(care)
    windows.append(sheet)
    sheet.group.setCurrentIndex(1)
    sheet.fill_from_group()
    grid = sheet.grid
    typed = [("11-3", "1", "身体还好,家里整洁", "", ""),
             ("", "2", "电话问候,儿子下月回来", "", ""),
             ("1105", "1", "屋顶漏雨", "1", "屋顶漏雨需修缮"),
             ("", "4", "血压偏高,叮嘱按时服药", "", "")]
    for row, (on, kind, found, need_kind, need) in enumerate(typed):
        for column, text in ((DATE, on), (KIND, kind), (FOUND, found), (NEED_KIND, need_kind),
                             (NEED, need)):
            if text:
                grid.set_typed(row, column, text)
    grid.set_typed(4, DATE, "11-31")  # a bad date, marked red as the clerk leaves it
    grid.set_typed(4, KIND, "1")
    grid.setCurrentCell(5, PERSON)
    grab(sheet, out / "visit_sheet.png")
    sheet.save()
    grab(sheet, out / "visit_sheet_refused.png")
    # The person completer: type into the first empty row's person cell.
    empty = grid.rowCount() - 1
    grid.setCurrentCell(empty, PERSON)
    grid.scrollToBottom()
    grid.edit(grid.currentIndex())
    editor = QApplication.focusWidget()
    if isinstance(editor, QLineEdit):
        editor.setText("zh")
        editor.textEdited.emit("zh")
        QApplication.processEvents()
        popup = QApplication.activePopupWidget()
        grab(sheet, out / "visit_sheet_typing.png")
        if popup is not None:
            grab(popup, out / "visit_sheet_completer.png")
            popup.hide()
    grid.setRowCount(0)

    ids = Listing(database).ids(RegisterQuery(text="王"))
    rounds = RoundDialog(care, filtered_ids=ids)
    windows.append(rounds)
    rounds.name.setCurrentIndex(rounds.name.findText("寒潮走访"))
    rounds.group.setCurrentIndex(2)
    grab(rounds, out / "round_dialog.png")

    needs = NeedsWindow(care)
    windows.append(needs)
    grab(needs, out / "needs_window.png")
    needs.filter.setCurrentIndex(2)
    grab(needs, out / "needs_window_all.png")
    needs.filter.setCurrentIndex(0)
    need = needs.current()
    if need is not None:
        resolve = ResolveNeedDialog(care, need)
        windows.append(resolve)
        resolve.save()  # empty: shows the refusal beside the field
        grab(resolve, out / "needs_resolve.png")
    for widget in windows:
        widget.hide()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
