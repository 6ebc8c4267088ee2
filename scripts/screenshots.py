"""Screenshots of the main window and each editor tab, offscreen, for looking at.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py --db demo.db --out screenshots/

Needs a CJK font on the machine (fonts-wqy-microhei on Debian); without one every
Chinese character is a box.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from carecenter.cli.access_cli import open_register  # noqa: E402
from ui.shell.app import choose_font  # noqa: E402


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--search", default="")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    choose_font(app)
    from ui.register.person_editor import PersonEditor
    from ui.shell.main_window import MainWindow

    database = open_register(args.db)
    window = MainWindow(database)
    window.resize(1200, 720)
    window.show()
    if args.search:
        window.search.setText(args.search)
        window.search_now()
    window.worklist.reload()
    grab(window, out / "worklist.png")
    window.tabs.setCurrentIndex(1)
    window.table.selectRow(0)
    grab(window, out / "main_window.png")
    person_id = window.current_person()
    if person_id is None:
        print("没有人可显示:换一个搜索词,或先用 demo 生成数据", file=sys.stderr)
        return 1
    editor = PersonEditor(window.register, person_id)
    editor.resize(820, 720)
    editor.show()
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        grab(editor, out / f"editor_{index}_{editor.tabs.tabText(index)}.png")
    editor.dirty = False
    editor.close()

    from ui.register.exit_dialog import ExitDialog
    from ui.register.groups_dialog import GroupsDialog

    exit_dialog = ExitDialog(window.register, person_id, window.register.load(person_id).name)
    exit_dialog.show()
    grab(exit_dialog, out / "exit_dialog.png")
    groups = GroupsDialog(window.register.groups)
    groups.show()
    grab(groups, out / "groups_dialog.png")

    from ui.care.assessment_dialog import AssessmentDialog
    from ui.care.visit_dialog import VisitDialog

    name = window.register.load(person_id).name
    visit = VisitDialog(window.care, person_id, name, note="风险随访:红色每月至少随访2次")
    visit.show()
    grab(visit, out / "visit_dialog.png")
    assessment = AssessmentDialog(window.care, window.register, person_id)
    assessment.show()
    grab(assessment, out / "assessment_dialog.png")
    from carecenter.pairing.proposal import propose
    from ui.pairing.helpers_window import HelpersWindow
    from ui.pairing.pairing_dialog import PairingDialog

    helpers = HelpersWindow(database)
    helpers.show()
    for index in range(2):  # 履职情况 reads a year of visits: slow at county size
        helpers.tabs.setCurrentIndex(index)
        grab(helpers, out / f"helpers_{index}_{helpers.tabs.tabText(index)}.png")
    pairing = PairingDialog(database, propose(database))
    pairing.show()
    grab(pairing, out / "pairing_dialog.png")
    # Delete every window while Qt is still whole, not in the interpreter's exit order.
    for widget in (pairing, helpers, assessment, visit, groups, exit_dialog, editor, window):
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
