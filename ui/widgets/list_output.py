"""打印 and 导出 of any list on screen: the clerk picks where (the folder last used), the
core writes the A4 PDF or the xlsx (``carecenter.overview.printed_lists``), and the PDF
opens for printing. A county's list takes seconds: it is read and written off the GUI
thread with a progress dialog and a cancel that leaves no file behind."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from carecenter.errors import KnownError
from ui.widgets.background import run_in_background
from ui.widgets.save_place import ask_save_path

# reportlab and openpyxl load when a list is first written, not with the window (start-up).
if TYPE_CHECKING:
    from carecenter.overview.printed_lists import Pending, PrintedList
    from carecenter.storage.long_work import Progress

KINDS = {"pdf": ("PDF 文件 (*.pdf)", ".pdf", "打印名单(PDF)"),
         "xlsx": ("Excel 工作簿 (*.xlsx)", ".xlsx", "导出名单(Excel)")}


def save_list(parent: QWidget, make: Callable[[], PrintedList | Pending], kind: str,
              path: str | None = None) -> str | None:
    """Write the list as ``kind`` (pdf / xlsx) where the clerk chooses; the path written.

    ``make`` runs here (it reads what the window shows); a ``Pending`` list reads its
    rows in the background with the writing."""
    from carecenter.overview.printed_lists import Pending, write_pdf, write_xlsx
    from carecenter.storage.long_work import Steps

    filters, suffix, title = KINDS[kind]
    table = make()
    count = table.count if isinstance(table, Pending) else len(table.rows)
    if not count:
        QMessageBox.information(parent, title, "名单是空的,没有可输出的内容")
        return None
    if path is None:
        path = ask_save_path(parent, title, f"{table.title}{suffix}", filters, suffix)
        if path is None:
            return None
    target = path

    def work(progress: Progress, cancelled: Callable[[], bool]) -> None:
        steps = Steps(progress, cancelled)
        whole, start = table, 0
        if isinstance(whole, Pending):
            from carecenter.overview.printed_lists import READING_SHARE

            whole, start = whole.build(steps), READING_SHARE
        if kind == "pdf":
            write_pdf(whole, target, steps, start)
        else:
            write_xlsx(whole, target, steps, start)

    try:
        run_in_background(parent, title, work, label=f"正在输出 {count} 行…")
    except KnownError as e:
        QMessageBox.warning(parent, title, e.message)
        return None
    except OSError as e:
        QMessageBox.warning(parent, title, f"无法写入 {path}:{e.strerror or e}")
        return None
    opened = kind == "pdf" and QDesktopServices.openUrl(QUrl.fromLocalFile(path))
    if not opened:  # a PDF shows itself where it opens; else the clerk is told where it is
        tell_saved(parent, title, path, count)
    return path


def tell_saved(parent: QWidget, title: str, path: str, count: int | None = None) -> QMessageBox:
    """已输出 N 行 to where, with a button to that folder; not modal: work goes on."""
    rows = f"已输出 {count} 行," if count is not None else ""
    box = QMessageBox(QMessageBox.Icon.Information, title,
                      f"{rows}保存在:\n{os.path.normpath(path)}",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("saved_notice")
    folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    folder.clicked.connect(lambda: QDesktopServices.openUrl(
        QUrl.fromLocalFile(os.path.dirname(os.path.abspath(path)))))
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def list_buttons(parent: QWidget, make: Callable[[], PrintedList | Pending],
                 prefix: str = "list") -> list[QPushButton]:
    """打印… and 导出 Excel… buttons for a list."""
    buttons = []
    for kind, text in (("pdf", "打印…"), ("xlsx", "导出 Excel…")):
        button = QPushButton(text)
        button.setObjectName(f"{prefix}_{kind}")
        button.setToolTip(KINDS[kind][2])
        button.clicked.connect(lambda _checked=False, k=kind: save_list(parent, make, k))
        buttons.append(button)
    return buttons
