"""The 赡养人 tab: every supporter of a person, a list above and the chosen one's form below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter.rules.fields import SUPPORTER, SUPPORTER_FIELDS
from ui.widgets.field_widgets import FieldForm

SUMMARY = ("name", "relation", "phone", "whereabouts", "location_scope", "away_since",
           "return_kind")


class SupportersPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.current = -1
        self.table = QTableWidget(0, len(SUMMARY))
        self.table.setObjectName("supporters_table")
        self.table.setHorizontalHeaderLabels([SUPPORTER[k].label for k in SUMMARY])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.table.currentCellChanged.connect(self._select)

        self.add_button = QPushButton("添加赡养人(&A)")
        self.add_button.setObjectName("add_supporter")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("删除此赡养人")
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()

        self.form = FieldForm(SUPPORTER_FIELDS)
        self.form.changed.connect(self._edited)
        self.empty = QLabel("尚未登记赡养人。子女或其他赡养义务人都要登记,"
                            "外出的要写明去向和外出时间。")
        self.empty.setWordWrap(True)
        note = QLabel("提示:子女春节等临时回家,返乡类型选“临时返乡”,再外出时清空返乡时间即可。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.form)
        layout.addWidget(note)
        layout.addStretch()
        self._loading = False
        self._update_visibility()

    def set_supporters(self, rows: list[dict[str, Any]]) -> None:
        self.rows = [dict(r) for r in rows]
        self.current = -1
        self.table.setRowCount(0)
        for index in range(len(self.rows)):
            self.table.insertRow(index)
            self._refresh_row(index)
        if self.rows:
            self.table.setCurrentCell(0, 0)
        self._update_visibility()

    def supporters(self) -> list[dict[str, Any]]:
        self._store()
        return [dict(r) for r in self.rows]

    def add(self) -> None:
        self._store()
        self.rows.append({})
        index = len(self.rows) - 1
        self.table.insertRow(index)
        self._refresh_row(index)
        self.table.setCurrentCell(index, 0)
        self._update_visibility()
        self.form.inputs["name"].focus()
        self.changed.emit()

    def remove(self) -> None:
        if self.current < 0:
            return
        name = self.rows[self.current].get("name") or "这名赡养人"
        answer = QMessageBox.question(self, "删除赡养人", f"确定删除“{name}”?保存档案后生效。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        index = self.current
        self.current = -1
        del self.rows[index]
        # removeRow reports the old row numbers while self.rows is already shorter.
        self.table.blockSignals(True)
        self.table.removeRow(index)
        self.table.blockSignals(False)
        if self.rows:
            following = min(index, len(self.rows) - 1)
            self.table.setCurrentCell(following, 0)
            self._select(following)
        self._update_visibility()
        self.changed.emit()

    def show_errors(self, errors: dict[int, dict[str, str]]) -> bool:
        """Select the first supporter with an error and show its messages."""
        if not errors:
            self.form.clear_errors()
            return False
        first = min(errors)
        self.table.setCurrentCell(first - 1, 0)
        self.form.show_errors(errors[first])
        return True

    def _select(self, row: int, *_: int) -> None:
        if row == self.current:
            return
        self._store()
        self.current = row
        self._loading = True
        self.form.clear_errors()
        self.form.set_values(self.rows[row] if 0 <= row < len(self.rows) else {})
        self._loading = False
        self._update_visibility()

    def _store(self) -> None:
        if 0 <= self.current < len(self.rows):
            stored_id = self.rows[self.current].get("id")
            self.rows[self.current] = {**self.form.values(), "id": stored_id}

    def _edited(self) -> None:
        if self._loading or self.current < 0:
            return
        self._store()
        self._refresh_row(self.current)
        self.changed.emit()

    def _refresh_row(self, index: int) -> None:
        values = self.rows[index]
        for column, key in enumerate(SUMMARY):
            f = SUPPORTER[key]
            raw = values.get(key)
            text = f.choice_label(raw) if f.choices else ("" if raw is None else str(raw))
            self.table.setItem(index, column, QTableWidgetItem(text))

    def _update_visibility(self) -> None:
        has = bool(self.rows)
        self.form.setVisible(has and self.current >= 0)
        self.remove_button.setEnabled(has and self.current >= 0)
        self.empty.setVisible(not has)
