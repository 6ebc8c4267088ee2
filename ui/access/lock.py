"""The lock: after idle time (本村设置: 空闲锁定) the data is hidden and the operator
signed out; the window, its tabs, open files and unsaved edits stay as they were.

The main window's page is swapped for the sign-in page; any other window open (a file,
the needs ledger) gets a plain cover over its contents, so nothing it shows can be read,
and its edits wait under the cover. When a dialog holds the program modal, the sign-in
page comes in a dialog of its own above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.access.login import Door, SignInPage

if TYPE_CHECKING:
    from carecenter.rules.roles import Operator
    from carecenter.storage.database import Database

DEFAULT_IDLE_MINUTES = 10
REST_MS = 5_000  # after a key or click, the activity filter rests this long
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel}


class Cover(QLabel):
    """Covers a window's contents while the program is locked."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("已锁定:请在主窗口重新登录", parent)
        self.setObjectName("lock_cover")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        self.setStyleSheet("background: #dfe4ea; color: #34495e; font-size: 16pt")
        self.setGeometry(parent.rect())
        parent.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


class SessionGuard(QObject):
    """Signs the operator in at start, locks after idle time, unlocks on the password.

    ``database`` gives the open database (opening it if start-up has not yet);
    ``on_signed_in`` is told the operator after each sign-in (the window adapts its
    actions to the role)."""

    def __init__(self, window: QMainWindow, database: Callable[[], Database | None],
                 on_signed_in: Callable[[Operator], None],
                 show_code: Callable[[str], None] | None = None,
                 door: Door | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._database = database
        self._on_signed_in = on_signed_in
        content = window.takeCentralWidget()
        assert content is not None
        self.page = SignInPage(database, self._signed_in, show_code, door)
        self.stack = QStackedWidget()
        self.stack.setObjectName("guarded")
        self.stack.addWidget(content)
        self.stack.addWidget(self.page)
        self.blank = QLabel("已锁定")
        self.blank.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.blank)
        window.setCentralWidget(self.stack)
        self._locked = True
        self.locked_by: str | None = None
        self._covers: list[Cover] = []
        self._disabled: list[QAction] = []
        self._dialog: QDialog | None = None
        # Where the keys were when the window locked: they go back there on sign-in.
        self._focused: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_idle_minutes(DEFAULT_IDLE_MINUTES)
        # Activity is watched by a filter on the whole application, which runs Python for
        # every event of every widget (~5,000 to open a file, about half its time). One
        # key or click restarts the countdown; the filter then rests for a few seconds,
        # so the work the key started (the file opening, the list filtering) runs without
        # it. The countdown starts again when the rest ends, as if a key had come then:
        # the lock never comes sooner than its minutes after the last key (at most those
        # few seconds later).
        self._watching = False
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._rested)
        self._watch()
        self._hide_data()

    @property
    def locked(self) -> bool:
        return self._locked

    def set_idle_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, minutes) * 60_000)

    def _watch(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True

    def _rested(self) -> None:
        if not self.locked:
            self.timer.start()  # keys typed while resting were not seen: count from now
        self._watch()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.locked:
            self.timer.start()
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._watching = False
            self._rest.start()
        return False

    def hide_actions(self) -> None:
        """No shortcut reaches the data either (Ctrl+N, Enter on the list…) while locked;
        again for actions added since (the window's tabs, built after its first paint)."""
        for act in self.window.findChildren(QAction):
            if act.objectName() != "lock" and act not in self._disabled and act.isEnabled():
                act.setEnabled(False)
                self._disabled.append(act)

    def _hide_data(self) -> None:
        self._locked = True
        self.hide_actions()
        self.stack.setCurrentWidget(self.page)
        for bar in (self.window.menuBar(), *self.window.findChildren(QWidget, "toolbar")):
            bar.setEnabled(False)
        self.window.statusBar().hide()

    def ask(self) -> None:
        """At start: the first administrator or the login, once the database is open
        (nothing to ask if it came with its operator signed in: a test, a script)."""
        database = self._database()
        if database is not None and database.operator is not None:
            if self.locked:
                self._signed_in(database.operator)
            return
        self.page.prepare()

    def lock(self) -> None:
        """Hide the data and sign out; the window and its open work stay."""
        if self.locked:
            return
        self.timer.stop()
        database = self._database()
        if database is not None and database.operator is not None:
            self.locked_by = database.operator.name
            database.operator = None
        self._focused = self.window.focusWidget()
        self._hide_data()
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible() and widget is not self._dialog:
                self._covers.append(Cover(widget))
        self.page.prepare(self.locked_by)
        if QApplication.activeModalWidget() is not None:
            # A modal dialog blocks the main window: sign in above it instead.
            self._dialog = QDialog(QApplication.activeModalWidget())
            self._dialog.setObjectName("lock_dialog")
            self._dialog.setWindowTitle("留守关爱 — 已锁定")
            self._dialog.setModal(True)
            layout = QVBoxLayout(self._dialog)
            self.stack.setCurrentWidget(self.blank)
            self.stack.removeWidget(self.page)
            layout.addWidget(self.page)
            self.page.show()  # the stack hid it: else an empty 22-pixel box, no way back in
            hint = self.page.sizeHint()
            self._dialog.resize(max(hint.width(), 480), max(hint.height(), 320))
            self._dialog.reject = lambda: None  # type: ignore[method-assign]  # Esc stays
            self._dialog.open()
            self.page.login_password.setFocus()

    def unlock(self, operator: Operator) -> None:
        """Show the data to ``operator``, signed in already (a test, a script)."""
        self._signed_in(operator)

    def _signed_in(self, operator: Operator) -> None:
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            self.stack.insertWidget(1, self.page)
            dialog.accept()
            dialog.deleteLater()
        for cover in self._covers:
            cover.deleteLater()
        self._covers.clear()
        self.locked_by = None
        self._locked = False
        for act in self._disabled:
            act.setEnabled(True)
        self._disabled.clear()
        self.stack.setCurrentIndex(0)
        for bar in (self.window.menuBar(), *self.window.findChildren(QWidget, "toolbar")):
            bar.setEnabled(True)
        self.window.statusBar().show()
        focused, self._focused = self._focused, None
        if focused is not None and shiboken6.isValid(focused) and focused.isVisible():
            focused.setFocus()
        self.timer.start()
        self._on_signed_in(operator)
