"""A small form whose refusals show beside the fields they concern (STYLE.md point 6).

Used by the needs ledger's and the special rounds' dialogs: each row names the core's
field (``FieldError.field``); a ``ValidationFailed`` puts each message under its field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from carecenter.errors import KnownError, ValidationFailed

ERROR_STYLE = "color: #c0392b"


class ErrorForm(QFormLayout):
    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self.general = QLabel()
        self.general.setObjectName("errors")
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()

    def add(self, field: str, label: str, widget: QWidget) -> None:
        """A row: the widget and, under it, room for its error message."""
        message = QLabel()
        message.setObjectName(f"error_{field}")
        message.setStyleSheet(ERROR_STYLE)
        message.setWordWrap(True)
        message.hide()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(message)
        self.addRow(label, box)
        self.errors[field] = message
        self.widgets[field] = widget

    def clear(self) -> None:
        for message in self.errors.values():
            message.clear()
            message.hide()
        self.general.clear()
        self.general.hide()

    def show_error(self, error: KnownError) -> None:
        """Each message beside its field (others above the buttons); focus the first."""
        self.clear()
        errors = error.errors if isinstance(error, ValidationFailed) else [error]
        first = None
        loose = []
        for item in errors:
            name = getattr(item, "field", None)
            if name in self.errors:
                label = self.errors[name]
                label.setText("\n".join(filter(None, [label.text(), item.message])))
                label.show()
                first = first or self.widgets[name]
            else:
                loose.append(item.message)
        if loose:
            self.general.setText("\n".join(loose))
            self.general.show()
        if first is not None:
            first.setFocus()

    def message(self, field: str) -> str:
        return self.errors[field].text()
