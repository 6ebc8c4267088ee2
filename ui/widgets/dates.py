"""Date fields: a calendar pop-up in yyyy-MM-dd, and back to a Python date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(initial: date, latest: date | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(initial.year, initial.month, initial.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
    return edit
