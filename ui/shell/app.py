"""Starting the desktop app: arguments, fonts, the database, the main window.

An up-to-date SQLite database shows its first screen before the database layer is
loaded (``carecenter.register.first_screen``), which then opens the normal way right after the
first paint; any other database opens the normal way first (bench/: start-up).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import platform
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, qVersion
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from carecenter import __version__
from carecenter.errors import KnownError
from carecenter.storage import key_file
from carecenter.storage.location import ENV_VAR, resolve, sqlite_file
from carecenter.storage.register_lock import RegisterLock
from ui.access.login import Door
from ui.shell.crash import excepthook, failed_to_start
from ui.shell.icon import app_icon
from ui.shell.logfile import START_LOGGER, open_log_file, setup_logging
from ui.shell.main_window import MainWindow
from ui.shell.translations import install_chinese
from ui.widgets import file_dialogs
from ui.widgets.first_paint import after_first_paint

if TYPE_CHECKING:
    from carecenter.register.first_screen import FirstScreen
    from carecenter.storage.database import Database

log = logging.getLogger("carecenter")

# Fonts that show Chinese, best first: Windows, then the free ones on Linux.
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
            "Source Han Sans SC", "SimSun")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    from carecenter.cli.entry import ChineseArgumentParser

    parser = ChineseArgumentParser(prog="留守关爱", add_help=True)
    parser.add_argument("--db", help="数据库文件(默认在用户数据目录,或由 CARECENTER_DB 指定)")
    # For the smoke test of a frozen build (scripts/smoke_bundle.py): start, open the
    # database, show the window, log that it is ready and end. Not for the clerk.
    parser.add_argument("--quit-when-ready", action="store_true", help=argparse.SUPPRESS)
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


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging()
    sys.excepthook = excepthook
    try:
        app = start_application()
        location = resolve(args.db)
        logging.getLogger(START_LOGGER).info(
            "留守关爱 %s 启动;数据库 %s;Python %s, Qt %s, %s", __version__, location,
            platform.python_version(), qVersion(), platform.platform())
        # A path the clerk named must exist; only the default place starts a new register.
        named = bool(args.db or os.environ.get(ENV_VAR))
        return run(app, location, create=not named, quit_when_ready=args.quit_when_ready)
    except Exception as error:  # before or while the window is built: a box, not silence
        failed_to_start(error)
        return 1
    finally:
        open_log_file()  # in case the window was never painted


def start_application() -> QApplication:
    """The QApplication, in Chinese (Qt's own dialogs too) with the program's icon and
    font; before any window."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("carecenter")
    app.setApplicationName("留守关爱")
    app.setApplicationVersion(__version__)
    install_chinese(app)
    app.setWindowIcon(app_icon())
    choose_font(app)
    return app


def hold_register(location: str, create: bool) -> RegisterLock | None | bool:
    """The register's lock, taken before anything reads the file; False (the clerk told
    why) when it is held elsewhere or the named file does not exist; None for a server."""
    path = sqlite_file(location)
    if path is None:
        return None
    from PySide6.QtWidgets import QMessageBox

    if not create and not path.exists():  # gone since find_register looked
        QMessageBox.critical(None, "找不到登记册", f"登记册文件 {path} 不存在。")
        return False
    if create:
        # The first start of a new install: the data folder is not there yet, and the
        # lock file goes in it before the register does. If it cannot be made, the lock
        # says plainly that the folder cannot be written.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
    lock = RegisterLock(path, lasting=True)
    try:
        lock.acquire()
    except KnownError as e:
        QMessageBox.critical(None, "登记册已在别处打开", e.message)
        return False
    return lock


MISSING_CHOICES = (("create", "在这里新建登记册"), ("choose", "选择其他登记册文件…"),
                   ("quit", "退出"))


def missing_choice(path: Path) -> str:
    """The named register is not there: "create" it there, "choose" another file, or
    "quit" (the clerk is asked; the window has the program's words, not a command)."""
    from PySide6.QtWidgets import QMessageBox, QPushButton

    box = QMessageBox(QMessageBox.Icon.Warning, "找不到登记册",
                      f"登记册文件 {path} 不存在。\n\n可能是路径写错了,或文件被移动、改了名"
                      "(登记册旁的 .keys 钥匙文件要一起移动)。")
    box.setInformativeText("要在这个位置新建一个空的登记册,还是选择已有的登记册文件?")
    buttons: dict[str, QPushButton] = {}
    for code, label in MISSING_CHOICES:
        role = (QMessageBox.ButtonRole.RejectRole if code == "quit"
                else QMessageBox.ButtonRole.AcceptRole)
        buttons[code] = box.addButton(label, role)
        buttons[code].setObjectName(code)
    box.setDefaultButton(buttons["choose"])
    box.exec()
    return next((c for c, b in buttons.items() if b is box.clickedButton()), "quit")


def find_register(location: str) -> tuple[str, bool] | None:
    """The register to open for a named ``location`` and whether it is to be made:
    a missing file is made only when the clerk says so, or another is chosen; None if
    the clerk would rather stop."""
    while True:
        path = sqlite_file(location)
        if path is None or path.exists():
            return location, False
        choice = missing_choice(path)
        if choice == "create":
            return location, True
        if choice != "choose":
            return None
        start = path.parent if path.parent.is_dir() else None
        chosen = file_dialogs.open_file(None, "选择登记册文件", start,
                                        "登记册 (*.db *.sqlite);;所有文件 (*)")
        if chosen:
            location = chosen


def run(app: QApplication, location: str, create: bool = True, *,
        quit_when_ready: bool = False) -> int:
    """Show the main window on this database until the clerk closes it."""
    if not create:
        found = find_register(location)
        if found is None:
            return 1
        location, create = found
    lock = hold_register(location, create)
    if lock is False:
        return 1
    held = lock if isinstance(lock, RegisterLock) else None
    try:
        return _run(app, location, held, quit_when_ready)
    finally:
        if held is not None:
            held.release()


def _run(app: QApplication, location: str, lock: RegisterLock | None,
         quit_when_ready: bool) -> int:
    if lock is not None:
        file_dialogs.protect(lock.register)
    door = _door(location)
    # An encrypted register cannot be read before the password (issue 18): the window
    # shows its sign-in page first, builds the rest after that paint, and opens the
    # register after the password.
    first: FirstScreen | None = None
    if door is None:
        from carecenter.register.first_screen import open_first_screen

        first = open_first_screen(location)
    window: MainWindow | None = None
    checks: list[threading.Thread] = []

    def open_and_check() -> Database | None:
        database = open_database(location, lock, door.key if door is not None else None)
        if database is not None:
            # The quick check and the day's backup, once the window is up.
            from ui.shell.backup_menu import check_after_start

            checks.append(check_after_start(window, database))
        return database

    if first is None and door is None:
        database = open_and_check()
        if database is None:
            return 1
        window = MainWindow(database)
    else:
        # The database layer loads after the first paint (MainWindow.finish_start).
        window = MainWindow(first=first, open_database=open_and_check, door=door)
    after_first_paint(window.guard.stack, open_log_file)
    if quit_when_ready:
        after_first_paint(window.guard.stack, lambda: QTimer.singleShot(0, lambda: ready(window)))
    window.show()
    code = app.exec()
    # Closing the last window posts a Quit of its own; left in the queue it would end
    # the next event loop of this process at once (a dialog's, a test's) and stop its
    # timers: the program's loop is over, nothing else is to quit.
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    # The day's backup, if the clerk closed the window while it was being taken, is
    # finished before the register is closed: a thread cut off inside SQLite at the
    # interpreter's exit can crash it, and half a backup is none.
    for check in checks:
        check.join(timeout=300)
    # Delete the window while Qt is still whole, not in the interpreter's exit order.
    opened, first = window.database, window.first_screen
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if opened is not None:
        opened.close()
    if first is not None:
        first.close()
    return int(code)


def ready(window: MainWindow) -> None:
    """Log that the window is up on an open, current database, then end (smoke test)."""
    from carecenter.storage.location import SCHEMA_HEAD
    from ui.shell.translations import loaded_catalogues

    shown = window.isVisible()
    opened = window.finish_start() and window.database is not None
    logging.getLogger(START_LOGGER).info(
        "就绪:窗口%s显示,数据库%s打开(结构版本 %s),Qt 翻译 %s",
        "已" if shown else "未", "已" if opened else "未", SCHEMA_HEAD,
        ", ".join(loaded_catalogues()) or "无")
    window.close()
    QApplication.exit(0 if shown and opened else 1)


def _door(location: str) -> Door | None:
    path = sqlite_file(location)
    if path is None or not key_file.encrypted(path):
        return None
    return Door(path)


def open_database(location: str, lock: RegisterLock | None = None,
                  key: bytes | None = None) -> Database | None:
    """The database, opened and migrated; None if it cannot be (the clerk is told why)."""
    from carecenter.storage.database import Database

    try:
        return Database(location, lock=lock, key=key)
    except KnownError as e:
        from ui.shell import rescue_dialog

        rescue_dialog.offer(location, e, lock)  # why, and a backup to restore if any
        return None
