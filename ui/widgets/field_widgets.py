"""Editing widgets built from the core's field declarations (STYLE.md, points 3 and 6).

One ``FieldInput`` per declared field: the right widget for its type, a value the core's
``Field.clean`` understands, and a red message line beside it for errors. A ``FieldForm``
builds its inputs when first shown or first asked for them (``shown_values``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
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
from ui.widgets.shown_values import UNSURE, line_length, line_text, multi_chosen, shown_value

ERROR_STYLE = "color: #c0392b;"
ETHNICITIES = ("汉族", "苗族", "土家族", "侗族", "瑶族", "壮族", "彝族", "回族", "布依族",
               "白族", "满族", "蒙古族", "藏族", "维吾尔族", "朝鲜族", "其他")
_ethnicities: list[QStringListModel] = []  # one list for every file opened


def _ethnicity_model() -> QStringListModel:
    if not _ethnicities:
        _ethnicities.append(QStringListModel(list(ETHNICITIES)))
    return _ethnicities[0]


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
        self._error: QLabel | None = None  # made with the first message (most never get one)
        self._marked = False  # the widget has the red border
        self.container = QWidget()
        self._layout = QVBoxLayout(self.container)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.widget)
        # Rows keep their natural height; spare room goes below the form, not into rows.
        self.container.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    @property
    def error(self) -> QLabel:
        """The red line under the widget, hidden while there is no message."""
        if self._error is None:
            self._error = QLabel()
            self._error.setObjectName(f"error_{self.field.name}")
            self._error.setStyleSheet(ERROR_STYLE)
            self._error.setWordWrap(True)
            self._error.hide()
            self._layout.addWidget(self._error)
        return self._error

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
        line.setMaxLength(line_length(f))
        line.setPlaceholderText(_placeholder(f))
        if f.name == "ethnicity":
            line.setCompleter(QCompleter(_ethnicity_model(), line))
        line.textChanged.connect(self.changed)
        return line

    def set_read_only(self, read_only: bool) -> None:
        """Shown but not editable (a 查看 operator's file): text stays readable and
        selectable for copying, choices cannot be changed."""
        widget = self.widget
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setReadOnly(read_only)
        elif isinstance(widget, QComboBox | QCheckBox):
            widget.setEnabled(not read_only)
        else:
            for _, check in getattr(self, "_checks", []):
                check.setEnabled(not read_only)

    def _fill_combo(self, combo: QComboBox) -> None:
        combo.clear()
        for label, data in combo_items(self.field, self._groups):
            combo.addItem(label, data)

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
            w.setText(line_text(value))
        else:
            chosen = set(multi_chosen([code for code, _check in self._checks], value))
            for code, check in self._checks:
                check.setChecked(code in chosen)

    def show_error(self, message: str | None) -> None:
        if not message and self._error is None and not self._marked:
            return  # nothing shown to take away
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self._marked = bool(message)
        self.widget.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if message else "")

    def focus_chain(self) -> list[QWidget]:
        """The widgets Tab stops at, in reading order."""
        if self.field.type is FieldType.MULTI:
            return [check for _code, check in self._checks]
        return [self.widget]

    def focus(self) -> None:
        target = self.widget
        if not isinstance(target, (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit)):
            target = self._checks[0][1] if self._checks else target
        target.setFocus()


def combo_items(field: Field, groups: Callable[[], Sequence[GroupInfo]] | None
                ) -> list[tuple[str, Any]]:
    """(label, data) of a choice or group box, the empty first one included."""
    if field.type is FieldType.GROUP:
        return [("(未分组)", None), *(
            (g.name if g.active else f"{g.name}(已停用)", g.id)
            for g in (groups() if groups else []))]
    return [("", None), *((c.label, c.code) for c in field.choices)]


def _placeholder(f: Field) -> str:
    return {
        FieldType.DATE: "如 1950-03-12 或 1950.3.12",
        FieldType.ID_NUMBER: "18 位身份证号",
        FieldType.PHONE: "手机或座机",
        FieldType.INT: "数字",
    }.get(f.type, "")


class FieldForm(QWidget):
    """A form of several fields in reading order, labels on the left.

    Its widgets are built when it is first shown or its ``inputs`` are first asked for:
    opening a file builds only the tab in front (README 性能, 打开一人档案). Until then
    it keeps the values it was given, and ``values()`` answers what its widgets would.
    """

    changed = Signal()

    def __init__(self, fields: Sequence[Field],
                 groups: Callable[[], Sequence[GroupInfo]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = tuple(fields)
        self._names = frozenset(f.name for f in self.fields)
        self._groups = groups
        self._inputs: dict[str, FieldInput] | None = None
        self._given: dict[str, Any] = {}  # set_values before the widgets were built
        self._read_only = False
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    @property
    def built(self) -> bool:
        return self._inputs is not None

    @property
    def inputs(self) -> dict[str, FieldInput]:
        if self._inputs is None:
            self._build()
        assert self._inputs is not None
        return self._inputs

    def has(self, name: str) -> bool:
        return name in self._names

    def _build(self) -> None:
        self._inputs = {}
        rows: list[QWidget] = []
        for f in self.fields:
            field_input = FieldInput(f, self._groups, self)
            self._inputs[f.name] = field_input
            label = "" if f.type is FieldType.BOOL else f.label + ("*" if f.required else "")
            row_label = QLabel(label)
            row_label.setBuddy(field_input.widget)
            self._layout.addRow(row_label, field_input.container)
            rows += (row_label, field_input.container)
        if self._given:
            self._set(self._given)  # before listening: showing stored values is no edit
        if self._read_only:
            for field_input in self._inputs.values():
                field_input.set_read_only(True)
        # Widgets made now would come last in the window's Tab order (after its buttons):
        # put them where the form stands, in reading order. setTabOrder skips a widget
        # that takes no focus, as the form itself does: it does for the moment.
        policy = self.focusPolicy()
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        previous: QWidget = self
        for field_input in self._inputs.values():
            field_input.changed.connect(self.changed)
            for target in field_input.focus_chain():
                QWidget.setTabOrder(previous, target)
                previous = target
        self.setFocusPolicy(policy)
        if self.isVisible():  # built while being shown: show the rows with it, not later
            for widget in rows:
                widget.show()
            self._layout.activate()
            holder = self.parentWidget()
            holder_layout = holder.layout() if holder is not None else None
            if holder_layout is not None:
                holder_layout.activate()  # room for the rows in the tab (赡养人) at once
            # The rows take their room (and a scroll bar comes) before the tab is painted.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def showEvent(self, event: QShowEvent) -> None:
        if self._inputs is None:
            self._build()
        super().showEvent(event)

    def set_read_only(self, read_only: bool) -> None:
        """Every field shown but not editable, now or when the form is built."""
        self._read_only = read_only
        if self._inputs is not None:
            for field_input in self._inputs.values():
                field_input.set_read_only(read_only)

    def values(self) -> dict[str, Any]:
        if self._inputs is None:
            guessed = self._unbuilt_values()
            if guessed is not None:
                return guessed
        return {name: i.value() for name, i in self.inputs.items()}

    def _unbuilt_values(self) -> dict[str, Any] | None:
        """What the widgets would give for the values given, or None when only they can
        tell (the form is then built to ask them)."""
        found: dict[str, Any] = {}
        for f in self.fields:
            items: list[Any] = []
            if f.type in (FieldType.CHOICE, FieldType.GROUP):
                items = [data for _label, data in combo_items(f, self._groups)]
            value = shown_value(f, self._given.get(f.name), items)
            if value is UNSURE:
                return None
            found[f.name] = value
        return found

    def set_values(self, values: dict[str, Any]) -> None:
        if self._inputs is None:
            self._given = {f.name: values.get(f.name, f.default) for f in self.fields}
        else:
            self._set(values)

    def _set(self, values: dict[str, Any]) -> None:
        for name, field_input in self.inputs.items():
            field_input.set_value(values.get(name, field_input.field.default))

    def clear_errors(self) -> None:
        for field_input in (self._inputs or {}).values():
            field_input.show_error(None)

    def show_errors(self, errors: dict[str, str]) -> FieldInput | None:
        """Show each message beside its field; return the first field in reading order."""
        if self._inputs is None and self._names.isdisjoint(errors):
            return None  # never shown, so no message to take away either
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
