"""The exit dialog (退出): a date, a reason and a note. The file itself is kept."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from carecenter.errors import KnownError, ValidationFailed
from carecenter.register.people import Register
from carecenter.storage.models import EXIT_REASONS
from ui.widgets.field_widgets import ERROR_STYLE, confirm_buttons


class ExitDialog(QDialog):
    def __init__(self, register: Register, person_id: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.person_id = person_id
        self.setWindowTitle(f"退出登记:{name}")
        today = register.today()
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setObjectName("exit_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.reason = QComboBox()
        self.reason.setObjectName("exit_reason")
        self.reason.addItem("请选择…", None)
        for code, label in EXIT_REASONS.items():
            self.reason.addItem(label, code)
        self.note = QLineEdit()
        self.note.setObjectName("exit_note")
        self.note.setPlaceholderText("如:儿子 2026 年 10 月回村长期居住")
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        explain = QLabel(f"“{name}”将不再出现在在册名单中,档案和记录全部保留,"
                         "可在“已退出”中查看,需要时可恢复在册。")
        explain.setWordWrap(True)
        buttons = confirm_buttons(self, "确认退出", self.confirm)
        layout = QFormLayout(self)
        layout.addRow(explain)
        layout.addRow("退出日期", self.date)
        layout.addRow("退出原因", self.reason)
        layout.addRow("说明", self.note)
        layout.addRow(self.error)
        layout.addRow(buttons)

    def confirm(self) -> None:
        day = self.date.date()
        try:
            self.register.exit(self.person_id, date(day.year(), day.month(), day.day()),
                               self.reason.currentData() or "", self.note.text())
        except ValidationFailed as e:
            self.error.setText(e.message)
            return
        except KnownError as e:
            self.error.setText(e.message)
            return
        self.accept()
