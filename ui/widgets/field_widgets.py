"""Editing widgets built from the core's field declarations (STYLE.md, points 3 and 6).

One ``FieldInput`` per declared field: the right widget for its type, a value the core's
``Field.clean`` understands, and a red message line beside it for errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from carecenter.register.groups import GroupInfo
from carecenter.rules.fields import Field, FieldType

ERROR_STYLE = "color: #c0392b;"
ETHNICITIES = ("汉族", "苗族", "土家族", "侗族", "瑶族", "壮族", "彝族", "回族", "布依族",
               "白族", "满族", "蒙古族", "藏族", "维吾尔族", "朝鲜族", "其他")


class FieldInput(QObject):
    """A widget for one field, with its error line; ``changed`` fires on any edit."""

    changed = Signal()

    def __init__(self, field: Field, groups: Callable[[], Sequence[GroupInfo]] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._groups = groups
        self.widget = self._make()
        self.widget.setObjectName(f"field_{field.name}")
        self.widget.setAccessibleName(field.label)
        if field.hint:
            self.widget.setToolTip(field.hint)
        self.error = QLabel()
        self.error.setObjectName(f"error_{field.name}")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.container = QWidget()
        layout = QVBoxLayout(self.container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.widget)
        layout.addWidget(self.error)
        # Rows keep their natural height; spare room goes below the form, not into rows.
        self.container.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # -- building ---------------------------------------------------------------------

    def _make(self) -> QWidget:
        f = self.field
        if f.type is FieldType.LONGTEXT:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70)
            edit.textChanged.connect(self.changed)
            return edit
        if f.type in (FieldType.CHOICE, FieldType.GROUP):
            combo = QComboBox()
            self._fill_combo(combo)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if f.type is FieldType.MULTI:
            box = QWidget()
            grid = QGridLayout(box)
            grid.setContentsMargins(0, 0, 0, 0)
            self._checks: list[tuple[str, QCheckBox]] = []
            for index, choice in enumerate(f.choices):
                check = QCheckBox(choice.label)
                check.toggled.connect(self.changed)
                grid.addWidget(check, index // 4, index % 4)
                self._checks.append((choice.code, check))
            return box
        if f.type is FieldType.BOOL:
            check = QCheckBox(f.label)
            check.toggled.connect(self.changed)
            return check
        line = QLineEdit()
        line.setMaxLength(max(f.max_length, 20) if f.type is not FieldType.ID_NUMBER else 24)
        line.setPlaceholderText(_placeholder(f))
        if f.name == "ethnicity":
            from PySide6.QtWidgets import QCompleter

            line.setCompleter(QCompleter(list(ETHNICITIES), line))
        line.textChanged.connect(self.changed)
        return line

    def _fill_combo(self, combo: QComboBox) -> None:
        combo.clear()
        if self.field.type is FieldType.GROUP:
            combo.addItem("(未分组)", None)
            for group in self._groups() if self._groups else []:
                combo.addItem(group.name if group.active else f"{group.name}(已停用)", group.id)
            return
        combo.addItem("", None)
        for choice in self.field.choices:
            combo.addItem(choice.label, choice.code)

    def refresh_choices(self) -> None:
        if isinstance(self.widget, QComboBox) and self.field.type is FieldType.GROUP:
            current = self.value()
            self._fill_combo(self.widget)
            self.set_value(current)

    # -- values -----------------------------------------------------------------------

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QLineEdit):
            return w.text()
        return [code for code, check in self._checks if check.isChecked()]

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(value or "")
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            w.setCurrentIndex(index if index >= 0 else 0)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QLineEdit):
            if isinstance(value, date):
                w.setText(value.strftime("%Y-%m-%d"))
            else:
                w.setText("" if value is None else str(value))
        else:
            chosen = set(value or [])
            for code, check in self._checks:
                check.setChecked(code in chosen)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.widget.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if message else "")

    def focus(self) -> None:
        target = self.widget
        if not isinstance(target, (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit)):
            target = self._checks[0][1] if self._checks else target
        target.setFocus()


def _placeholder(f: Field) -> str:
    return {
        FieldType.DATE: "如 1950-03-12 或 1950.3.12",
        FieldType.ID_NUMBER: "18 位身份证号",
        FieldType.PHONE: "手机或座机",
        FieldType.INT: "数字",
    }.get(f.type, "")


class FieldForm(QWidget):
    """A form of several fields in reading order, labels on the left."""

    changed = Signal()

    def __init__(self, fields: Sequence[Field],
                 groups: Callable[[], Sequence[GroupInfo]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inputs: dict[str, FieldInput] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in fields:
            field_input = FieldInput(f, groups, self)
            field_input.changed.connect(self.changed)
            self.inputs[f.name] = field_input
            label = "" if f.type is FieldType.BOOL else f.label + ("*" if f.required else "")
            row_label = QLabel(label)
            row_label.setBuddy(field_input.widget)
            layout.addRow(row_label, field_input.container)

    def values(self) -> dict[str, Any]:
        return {name: i.value() for name, i in self.inputs.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, field_input in self.inputs.items():
            field_input.set_value(values.get(name, field_input.field.default))

    def clear_errors(self) -> None:
        for field_input in self.inputs.values():
            field_input.show_error(None)

    def show_errors(self, errors: dict[str, str]) -> FieldInput | None:
        """Show each message beside its field; return the first field in reading order."""
        first = None
        for name, field_input in self.inputs.items():
            message = errors.get(name)
            field_input.show_error(message)
            if message and first is None:
                first = field_input
        return first


def confirm_buttons(dialog: QDialog, confirm_text: str,
                    on_confirm: Callable[[], None]) -> QDialogButtonBox:
    """The confirm / 取消 row of a dialog; Esc and 取消 go through ``dialog.reject``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(confirm_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(on_confirm)
    buttons.rejected.connect(dialog.reject)
    return buttons
