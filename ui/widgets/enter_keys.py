"""Enter in a multi-line box saves the dialog, as the button 保存(Enter) says; Shift+Enter
starts a new line for the rare note that needs one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit


class _EnterSaves(QObject):
    def __init__(self, box: QPlainTextEdit, save: Callable[[], object]) -> None:
        super().__init__(box)
        self.save = save

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.save()
            return True
        return False


def enter_saves(box: QPlainTextEdit, save: Callable[[], object]) -> None:
    box.installEventFilter(_EnterSaves(box, save))
    box.setToolTip("Enter 保存;Shift+Enter 换行")
