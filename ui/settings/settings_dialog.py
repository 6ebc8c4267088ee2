"""本村设置: the village's name and committee, the cadres and doctor printed on the
care card, the committee's part in the agreement and its template, the pairing load.

Built from the declarations in ``carecenter.settings.preferences`` (one widget per ``Option``);
saving checks everything and writes it in one transaction, with each refusal beside
its field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter.errors import KnownError
from carecenter.settings.preferences import (
    MAX_CADRES,
    OPTIONS,
    SECTIONS,
    Cadre,
    Option,
    Preferences,
)
from carecenter.storage.database import Database
from ui.widgets import file_dialogs
from ui.widgets.error_form import ErrorForm
from ui.widgets.field_widgets import confirm_buttons
from ui.widgets.screen_fit import fit_resize

CADRE_COLUMNS = ("职务", "姓名", "电话")


class SettingsDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("本村设置")
        self.preferences = Preferences(database)
        self.inputs: dict[str, QWidget] = {}
        self.form = ErrorForm()
        values = self.preferences.read()
        for section in SECTIONS:
            heading = QLabel(f"<b>{section}</b>")
            self.form.addRow(heading)
            for option in (o for o in OPTIONS if o.section == section):
                widget = self._widget(option, values[option.name])
                self.inputs[option.name] = widget
                self.form.add(option.name, option.label, widget)
            if section == "村医":
                self.form.addRow(QLabel("<b>村干部</b>(印在关爱服务卡的联系人一栏)"))
                self.form.add("cadres", "", self._cadre_table(self.preferences.cadres()))
        body = QWidget()
        body.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.form.general)
        layout.addWidget(confirm_buttons(self, "保存", self.save))
        fit_resize(self, 620, 680)
        first = self.inputs[OPTIONS[0].name]
        first.setFocus()
        self._as_opened = self._entered()

    def _entered(self) -> tuple[dict[str, Any], list[Cadre]]:
        return {name: self.input_value(name) for name in self.inputs}, self.cadre_rows()

    def reject(self) -> None:
        """Esc or 取消: edits are not dropped without asking."""
        if self._entered() != self._as_opened:
            answer = QMessageBox.question(
                self, "本村设置", "设置已修改但尚未保存。放弃这些修改吗?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    # -- widgets ---------------------------------------------------------------------

    def _widget(self, option: Option, value: Any) -> QWidget:
        if option.kind == "int":
            spin = QSpinBox()
            spin.setRange(option.low, option.high)
            spin.setValue(int(value))
            widget: QWidget = spin
        elif option.kind == "choice":
            combo = QComboBox()
            for code, label in option.choices:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            widget = combo
        else:
            line = QLineEdit(str(value or ""))
            line.setPlaceholderText(option.hint)
            widget = line
            if option.kind in ("file", "folder"):
                box = QWidget()
                row = QHBoxLayout(box)
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(line, 1)
                choose = QPushButton("选择…")
                choose.clicked.connect(lambda: self._choose_file(line) if option.kind == "file"
                                       else self._choose_folder(line))
                row.addWidget(choose)
                line.setObjectName(option.name)
                box.setToolTip(option.hint)
                return box
        widget.setObjectName(option.name)
        widget.setToolTip(option.hint)
        return widget

    def _choose_file(self, line: QLineEdit) -> None:
        path = file_dialogs.open_file(self, "选择协议模板", line.text(),
                                              "协议模板 (*.toml)")
        if path:
            line.setText(path)

    def _choose_folder(self, line: QLineEdit) -> None:
        path = file_dialogs.choose_folder(self, "选择备份文件夹", line.text() or None)
        if path:
            line.setText(path)

    def _cadre_table(self, cadres: list[Cadre]) -> QWidget:
        self.cadres = QTableWidget(MAX_CADRES, len(CADRE_COLUMNS))
        self.cadres.setObjectName("cadres")
        self.cadres.setHorizontalHeaderLabels(list(CADRE_COLUMNS))
        self.cadres.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.cadres.verticalHeader().setDefaultSectionSize(26)
        self.cadres.setMinimumHeight(26 * MAX_CADRES + 30)
        for row, c in enumerate(cadres[:MAX_CADRES]):
            for column, text in enumerate((c.role, c.name, c.phone)):
                self.cadres.setItem(row, column, QTableWidgetItem(text))
        return self.cadres

    # -- reading and saving ----------------------------------------------------------

    def input_value(self, name: str) -> Any:
        widget = self.inputs[name]
        if isinstance(widget, QSpinBox):
            return widget.value()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QLineEdit):
            return widget.text()
        line = widget.findChild(QLineEdit)
        return line.text() if line is not None else ""

    def cadre_rows(self) -> list[Cadre]:
        rows = []
        for row in range(self.cadres.rowCount()):
            cells = [self.cadres.item(row, column) for column in range(len(CADRE_COLUMNS))]
            texts = [c.text() if c is not None else "" for c in cells]
            rows.append(Cadre(*texts))
        return rows

    def save(self) -> None:
        values = {name: self.input_value(name) for name in self.inputs}
        try:
            self.preferences.save(values, self.cadre_rows())
        except KnownError as e:
            self.form.show_error(e)
            return
        self.accept()
