"""Ctrl+PgDown / Ctrl+PgUp switch a window's tabs wherever the focus is.

Qt's tab widget handles these keys only when the focused widget lets them through; a
combo box takes PgUp/PgDown for itself even with Ctrl and picks another value, so the
clerk pressing the usual tab key in 文化程度 changed the field instead of the tab. A
window shortcut is seen before the focused widget's own key handling.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QWidget


def tab_keys(tabs: QTabWidget, window: QWidget) -> None:
    """Ctrl+PgDown to the next enabled tab of ``tabs``, Ctrl+PgUp to the one before
    (round the end), from anywhere in ``window``."""

    def step(by: int) -> None:
        count = tabs.count()
        if not tabs.isVisible() or count < 2:
            return
        index = tabs.currentIndex()
        for _ in range(count):
            index = (index + by) % count
            if tabs.isTabEnabled(index) and tabs.isTabVisible(index):
                tabs.setCurrentIndex(index)
                return

    for keys, by in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda by=by: step(by))
