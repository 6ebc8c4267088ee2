"""Screenshots of Qt's own dialogs as the program shows them (issue 19): a Yes/No box, a
text box's right-click menu, the file dialog, the print dialog and 关于, offscreen.

    QT_QPA_PLATFORM=offscreen python scripts/home_screenshots.py --db demo.db --out screenshots/

Needs a CJK font on the machine (fonts-wqy-microhei on Debian).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from ui.shell.about_dialog import AboutDialog  # noqa: E402
from ui.shell.app import start_application  # noqa: E402


def grab(widget: QWidget, path: Path) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    widget.hide()
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    QApplication(sys.argv[:1])
    start_application()

    box = QMessageBox(QMessageBox.Icon.Question, "退出登记", "确定让张桂兰退出登记吗?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    grab(box, out / "qt-yes-no.png")
    save = QMessageBox(QMessageBox.Icon.Warning, "走访记录", "有未保存的修改。",
                       QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                       | QMessageBox.StandardButton.Cancel)
    grab(save, out / "qt-save-discard.png")
    field = QLineEdit("张桂兰")
    field.resize(300, 30)
    field.show()
    menu = field.createStandardContextMenu()
    menu.popup(QPoint(0, 0))
    grab(menu, out / "qt-context-menu.png")
    files = QFileDialog(None, "导入台账", str(Path(args.db).parent), "Excel 工作簿 (*.xlsx)")
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    files.resize(760, 480)
    grab(files, out / "qt-file-dialog.png")
    printer = QPrinter()
    printing = QPrintDialog(printer)
    grab(printing, out / "qt-print-dialog.png")
    about = AboutDialog(args.db)
    grab(about, out / "about.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
