"""Run something once a widget has first been painted, so that it never holds back the
window the clerk is waiting for (start-up: bench/, README "性能")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)  # lives as long as the widget
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.parent():
            watched.removeEventFilter(self)
            # On the next turn of the event loop: the paint itself finishes first.
            QTimer.singleShot(0, self.callback)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Call ``callback`` on the event loop's turn after ``widget``'s first paint."""
    widget.installEventFilter(_AfterPaint(widget, callback))
