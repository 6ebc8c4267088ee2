"""Starting the desktop app: arguments, fonts, the database, the main window."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from carecenter.db import Database, resolve
from carecenter.errors import KnownError

log = logging.getLogger("carecenter")

# Fonts that show Chinese, best first: Windows, then the free ones on Linux.
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
            "Source Han Sans SC", "SimSun")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from carecenter.cli import ChineseArgumentParser

    parser = ChineseArgumentParser(prog="留守关爱", add_help=True)
    parser.add_argument("--db", help="数据库文件(默认在用户数据目录,或由 CARECENTER_DB 指定)")
    args, _qt_args = parser.parse_known_args(list(argv))
    return args


def choose_font(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    for family in UI_FONTS:
        if family in families:
            font = QFont(family)
            font.setPointSize(11)  # clerks read this all day; a size up from the default
            app.setFont(font)
            return


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    """A bug: log the traceback, tell the clerk plainly, keep the program running."""
    log.error("未处理的错误", exc_info=(kind, value, tb))
    text = "".join(traceback.format_exception(kind, value, tb))
    if QApplication.instance() is not None:
        box = QMessageBox(QMessageBox.Icon.Critical, "程序出错",
                          "程序遇到了一个错误,刚才的操作没有完成,已保存的数据不受影响。"
                          "请把详细信息告诉维护人员。")
        box.setDetailedText(text)
        box.exec()
    else:
        sys.__excepthook__(kind, value, tb)


def setup_logging() -> None:
    """Warnings and bugs go to a log file in the user's data folder for the maintainer."""
    from logging.handlers import RotatingFileHandler

    from platformdirs import user_log_dir

    folder = Path(user_log_dir("carecenter", appauthor=False))
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handlers.append(RotatingFileHandler(folder / "carecenter.log", maxBytes=1_000_000,
                                            backupCount=3, encoding="utf-8"))
    except OSError:
        pass  # a read-only profile must not stop the program
    logging.basicConfig(level=logging.WARNING, handlers=handlers,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("carecenter")
    app.setApplicationName("留守关爱")
    choose_font(app)
    sys.excepthook = _excepthook
    try:
        database = Database(resolve(args.db))
    except KnownError as e:
        QMessageBox.critical(None, "无法打开数据库", e.message)
        return 1
    from ui.main_window import MainWindow

    window = MainWindow(database)
    window.show()
    code = app.exec()
    # Delete the window while Qt is still whole, not in the interpreter's exit order.
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    database.close()
    return int(code)
