"""Asking the clerk what to do when a write found records changed since they saw them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def skip_changed(parent: QWidget | None, title: str, message: str, skip_text: str) -> bool:
    """True when the clerk chooses to write the rest, leaving the changed ones out."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
    skip = box.addButton(skip_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("不保存", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(skip)
    box.exec()
    return box.clickedButton() is skip
