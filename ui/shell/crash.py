"""What the clerk sees when the program itself fails: one Chinese box, the details for the
maintainer, the traceback in the log.

The windowed program on Windows has no console, so a failure before the main window
exists (a damaged install, a database that cannot be read) must still show a box: the
box makes its own QApplication when there is none yet.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

log = logging.getLogger("carecenter")

BUG_TITLE = "程序出错"
BUG_TEXT = ("程序遇到了一个错误,刚才的操作没有完成,已保存的数据不受影响。"
            "请把详细信息告诉维护人员。")
START_TEXT = ("程序未能启动,已保存的数据不受影响。"
              "请把详细信息告诉维护人员;如果问题一再出现,请重新运行安装程序。")


def _application() -> object:
    """The QApplication, made (with Qt's Chinese) if the failure came before it."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        from ui.shell.translations import install_chinese

        install_chinese(app)
    return app


def show_error(title: str, text: str, details: str = "") -> None:
    """A modal Chinese error box, with or without a window behind it."""
    from PySide6.QtWidgets import QMessageBox

    _application()
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    if details:
        box.setDetailedText(details)
    box.exec()


def excepthook(kind: type[BaseException], value: BaseException,
               tb: TracebackType | None) -> None:
    """A bug: log the traceback, tell the clerk plainly, keep the program running."""
    log.error("未处理的错误", exc_info=(kind, value, tb))
    try:
        show_error(BUG_TITLE, BUG_TEXT, "".join(traceback.format_exception(kind, value, tb)))
    except Exception:  # no Qt at all: the console (if any) is the last resort
        sys.__excepthook__(kind, value, tb)


def failed_to_start(error: BaseException) -> None:
    """The program could not get as far as its window."""
    log.error("程序未能启动", exc_info=error)
    details = "".join(traceback.format_exception(error))
    try:
        show_error("留守关爱无法启动", START_TEXT, details)
    except Exception:
        sys.__excepthook__(type(error), error, error.__traceback__)
