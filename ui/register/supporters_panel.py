"""A tab of the people around a person, one role each (the elder's 赡养人, a child's
父母 or 委托监护人, a woman's husband): a list above and the chosen one's form below,
both built from the role's declaration (``carecenter.rules.kinds``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter.rules.kinds import Role
from carecenter.rules.kinds.elder import SUPPORTER_ROLE
from ui.widgets.field_widgets import FieldForm


class SupportersPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, role: Role = SUPPORTER_ROLE) -> None:
        super().__init__(parent)
        self.role = role
        self.summary = role.summary or tuple(f.name for f in role.fields[:6])
        self.rows: list[dict[str, Any]] = []
        self.current = -1
        self.table = QTableWidget(0, len(self.summary))
        self.table.setObjectName("supporters_table" if role is SUPPORTER_ROLE
                                 else f"{role.code}_table")
        self.table.setHorizontalHeaderLabels([role.field(k).label for k in self.summary])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.table.currentCellChanged.connect(self._select)

        self.add_button = QPushButton(f"添加{role.label}(&A)")
        self.add_button.setObjectName("add_supporter" if role is SUPPORTER_ROLE
                                      else f"add_{role.code}")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(f"删除此{role.label}")
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()

        self.form = FieldForm(role.fields)
        self.form.changed.connect(self._edited)
        self.empty = QLabel(role.empty)
        self.empty.setWordWrap(True)
        note = QLabel(role.hint)
        note.setVisible(bool(role.hint))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        # The table and the form scroll when the window is lower than they are: a
        # child's parents have ten fields, 480 px, and the editor passed the screen
        # (issue 19). With room they show as they always did (the table gives way to
        # the form first). The wrapped words stay outside: a scroll area sizes what
        # wraps by its preferred height, and would scroll with room to spare.
        body = QWidget()
        area = QScrollArea()
        area.setWidget(body)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.form)
        layout.addStretch()
        outer = QVBoxLayout(self)
        outer.addWidget(area, 1)
        outer.addWidget(self.empty)
        outer.addWidget(note)
        self._loading = False
        self._read_only = False
        self._update_visibility()

    def set_read_only(self, read_only: bool) -> None:
        """A 查看 operator sees the people but adds, removes and edits none."""
        self._read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
        self.form.set_read_only(read_only)

    def set_supporters(self, rows: list[dict[str, Any]]) -> None:
        self.rows = [dict(r) for r in rows
                     if (r.get("role") or SUPPORTER_ROLE.code) == self.role.code]
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
        return [{**r, "role": self.role.code} for r in self.rows]

    def add(self) -> None:
        self._store()
        self.rows.append({f.name: f.default for f in self.role.fields
                          if f.default is not None})
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
        name = self.rows[self.current].get("name") or f"这名{self.role.label}"
        answer = QMessageBox.question(self, f"删除{self.role.label}",
                                      f"确定删除“{name}”?保存档案后生效。")
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
        for column, key in enumerate(self.summary):
            f = self.role.field(key)
            raw = values.get(key)
            if f.choices:
                text = f.choice_label(raw)
            elif isinstance(raw, bool):
                text = "是" if raw else ""
            else:
                text = "" if raw is None else str(raw)
            self.table.setItem(index, column, QTableWidgetItem(text))

    def _update_visibility(self) -> None:
        has = bool(self.rows)
        self.form.setVisible(has and self.current >= 0)
        self.remove_button.setEnabled(has and self.current >= 0 and not self._read_only)
        self.empty.setVisible(not has)
