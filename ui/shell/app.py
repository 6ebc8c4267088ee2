"""Starting the desktop app: arguments, fonts, the database, the main window.

An up-to-date SQLite database shows its first screen before the database layer is
loaded (``carecenter.register.first_screen``), which then opens the normal way right after the
first paint; any other database opens the normal way first (bench/: start-up).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from carecenter.errors import KnownError
from carecenter.register.first_screen import open_first_screen
from carecenter.storage.location import ENV_VAR, resolve, sqlite_file
from carecenter.storage.register_lock import RegisterLock
from ui.shell.logfile import open_log_file, setup_logging
from ui.shell.main_window import MainWindow
from ui.widgets.first_paint import after_first_paint

if TYPE_CHECKING:
    from carecenter.storage.database import Database

log = logging.getLogger("carecenter")

# Fonts that show Chinese, best first: Windows, then the free ones on Linux.
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
            "Source Han Sans SC", "SimSun")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from carecenter.cli.entry import ChineseArgumentParser

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
    import traceback

    from PySide6.QtWidgets import QMessageBox

    text = "".join(traceback.format_exception(kind, value, tb))
    if QApplication.instance() is not None:
        box = QMessageBox(QMessageBox.Icon.Critical, "程序出错",
                          "程序遇到了一个错误,刚才的操作没有完成,已保存的数据不受影响。"
                          "请把详细信息告诉维护人员。")
        box.setDetailedText(text)
        box.exec()
    else:
        sys.__excepthook__(kind, value, tb)


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
        # A path the clerk named must exist; only the default place starts a new register.
        named = bool(args.db or os.environ.get(ENV_VAR))
        return run(app, resolve(args.db), create=not named)
    finally:
        open_log_file()  # in case the window was never painted


def hold_register(location: str, create: bool) -> RegisterLock | None | bool:
    """The register's lock, taken before anything reads the file; False (the clerk told
    why) when it is held elsewhere or the named file does not exist; None for a server."""
    path = sqlite_file(location)
    if path is None:
        return None
    from PySide6.QtWidgets import QMessageBox

    if not create and not path.exists():
        QMessageBox.critical(None, "找不到登记册",
                             f"登记册文件 {path} 不存在。请检查路径是否写错;"
                             "要新建登记册,请用 python -m carecenter create --db 路径。")
        return False
    lock = RegisterLock(path, lasting=True)
    try:
        lock.acquire()
    except KnownError as e:
        QMessageBox.critical(None, "登记册已在别处打开", e.message)
        return False
    return lock


def run(app: QApplication, location: str, create: bool = True) -> int:
    """Show the main window on this database until the clerk closes it."""
    lock = hold_register(location, create)
    if lock is False:
        return 1
    held = lock if isinstance(lock, RegisterLock) else None
    try:
        return _run(app, location, held)
    finally:
        if held is not None:
            held.release()


def _run(app: QApplication, location: str, lock: RegisterLock | None) -> int:
    first = open_first_screen(location)
    if first is None:
        database = open_database(location, lock)
        if database is None:
            return 1
        window = MainWindow(database)
    else:
        # The database layer loads after the first paint (MainWindow.finish_start).
        window = MainWindow(first=first, open_database=lambda: open_database(location, lock))
    after_first_paint(window.tabs, open_log_file)
    window.show()
    code = app.exec()
    # Delete the window while Qt is still whole, not in the interpreter's exit order.
    opened = window.database
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if opened is not None:
        opened.close()
    if first is not None:
        first.close()
    return int(code)


def open_database(location: str, lock: RegisterLock | None = None) -> Database | None:
    """The database, opened and migrated; None if it cannot be (the clerk is told why)."""
    from carecenter.storage.database import Database

    try:
        return Database(location, lock=lock)
    except KnownError as e:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "无法打开数据库", e.message)
        return None
