"""Facts about the Qt binding the app relies on, checked on the machine that runs it."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem
from pytestqt.qtbot import QtBot


def test_calls_returning_none_keep_none_alive(qtbot: QtBot) -> None:
    """PySide6 6.12.0 lost a reference to None per such call; Python 3.11 then aborts
    the whole program (none_dealloc) after a few thousand of them: a clerk's session."""
    label = QLabel()
    qtbot.addWidget(label)
    item = QTableWidgetItem()
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        item.data(Qt.ItemDataRole.UserRole)
    assert sys.getrefcount(None) >= before - 50
