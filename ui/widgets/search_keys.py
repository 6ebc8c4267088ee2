"""A search box over a table in a dialog, led by the keyboard as the register's is: Down
or Enter in the box goes to the rows, Enter on a row opens it. Without this, Enter in a
dialog presses its default button (the helpers window's 新增: a new helper for every
name looked up)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _SearchKeys(QObject):
    def __init__(self, search: QLineEdit, table: QAbstractItemView,
                 open_row: Callable[[], object]) -> None:
        super().__init__(search)
        self.search, self.table, self.open_row = search, table, open_row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if watched is self.search and (key == Qt.Key.Key_Down or key in ENTER):
            model = self.table.model()
            if model is not None and model.rowCount():
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.table.setCurrentIndex(model.index(0, 0))
            return True
        if watched is self.table and key in ENTER:
            if self.table.currentIndex().isValid():
                self.open_row()
            return True
        return False


def search_leads_to(search: QLineEdit, table: QAbstractItemView,
                    open_row: Callable[[], object]) -> None:
    keys = _SearchKeys(search, table, open_row)
    search.installEventFilter(keys)
    table.installEventFilter(keys)
