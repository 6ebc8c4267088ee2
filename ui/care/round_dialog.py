"""Special rounds (专项走访): declare one, and see how far each has got.

    RoundDialog(care)                       # care: carecenter.care.care_book.CareBook
    RoundDialog(care, filtered_ids=ids)     # ids: the register's current filter
                                            # (Listing.ids(main_window.query()))

A round has a name (春节前走访, 汛期走访, 寒潮走访 …), a date range and its people: a
village group and/or risk colours, or the register's current filter. The number of
people shows before saving; the list below shows 已访 / 应访 for every round.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecenter.care import visit_grid as sheet
from carecenter.care.care_book import CareBook, RoundRecord
from carecenter.errors import KnownError
from carecenter.register.groups import GroupBook
from carecenter.rules.risk import COLOUR_HEX, COLOUR_LABELS, COLOURS
from ui.widgets.dates import date_edit, to_date
from ui.widgets.error_form import ErrorForm
from ui.widgets.screen_fit import fit_resize

Index = QModelIndex | QPersistentModelIndex

SUGGESTED = ("春节前走访", "汛期走访", "寒潮走访", "高温天气走访", "中秋国庆走访")
COLUMNS = ("专项走访", "开始", "结束", "应访", "已访", "未访", "完成", "状态")
WIDTHS = (150, 92, 92, 56, 56, 56, 64)
UNASSESSED = ""


class RoundsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rounds: list[RoundRecord] = []
        self.today = None

    def set_rounds(self, rounds: list[RoundRecord], today: Any) -> None:
        self.beginResetModel()
        self.rounds, self.today = rounds, today
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rounds)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def state(self, r: RoundRecord) -> str:
        if r.members and r.remaining == 0:
            return "已走访完"
        if self.today is not None and self.today < r.starts_on:
            return "未开始"
        if self.today is not None and self.today > r.ends_on:
            return "已过期,有人未访"
        return "进行中"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rounds[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            percent = f"{r.visited * 100 // r.members}%" if r.members else "—"
            return (r.name, f"{r.starts_on:%Y-%m-%d}", f"{r.ends_on:%Y-%m-%d}", str(r.members),
                    str(r.visited), str(r.remaining), percent, self.state(r))[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and r.note:
            return r.note
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 7:
            state = self.state(r)
            if state.startswith("已过期"):
                return QColor("#c0392b")
            if state == "已走访完":
                return QColor("#2e7d32")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class RoundDialog(QDialog):
    def __init__(self, care: CareBook, filtered_ids: Sequence[int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.care = care
        self.filtered_ids = list(filtered_ids) if filtered_ids is not None else None
        self.declared: int | None = None
        self.setWindowTitle("专项走访")
        today = care.today()

        self.name = QComboBox()
        self.name.setObjectName("name")
        self.name.setEditable(True)
        self.name.addItems(SUGGESTED)
        self.name.setCurrentIndex(-1)
        line = self.name.lineEdit()
        assert line is not None
        line.setPlaceholderText("如 春节前走访;可自己写")
        self.starts_on = date_edit(today)
        self.starts_on.setObjectName("starts_on")
        self.ends_on = date_edit(today + timedelta(days=14))
        self.ends_on.setObjectName("ends_on")
        dates = QWidget()
        row = QHBoxLayout(dates)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.starts_on)
        row.addWidget(QLabel("至"))
        row.addWidget(self.ends_on)
        row.addStretch(1)

        # Who: by village group and colour, or the register's current filter.
        self.by_condition = QRadioButton("按村民小组和风险等级")
        self.by_condition.setObjectName("by_condition")
        self.by_filter = QRadioButton("当前登记册筛选")
        self.by_filter.setObjectName("by_filter")
        choice = QButtonGroup(self)
        choice.addButton(self.by_condition)
        choice.addButton(self.by_filter)
        self.group = QComboBox()
        self.group.setObjectName("group")
        self.group.addItem("全村所有村民小组", None)
        for info in GroupBook(care.database).list(include_inactive=False):
            self.group.addItem(info.name, info.id)
        self.colours: dict[str, QCheckBox] = {}
        colour_row = QHBoxLayout()
        for code in (*COLOURS, UNASSESSED):
            box = QCheckBox(COLOUR_LABELS.get(code, "未评估"))
            box.setObjectName(f"colour_{code or 'none'}")
            box.setChecked(True)
            if code:
                box.setStyleSheet(f"QCheckBox {{ color: {COLOUR_HEX[code]}; font-weight: bold }}")
            box.toggled.connect(lambda _on: self.update_count())
            self.colours[code] = box
            colour_row.addWidget(box)
        colour_row.addStretch(1)
        if self.filtered_ids is None:
            self.by_filter.setEnabled(False)
            self.by_filter.setToolTip("从登记册打开本窗口时,可选登记册当前筛选出的人")
        else:
            self.by_filter.setText(f"当前登记册筛选({len(self.filtered_ids)} 人)")
        self.by_condition.setChecked(True)
        self.by_condition.toggled.connect(lambda _on: self.update_count())
        self.group.currentIndexChanged.connect(lambda _i: self.update_count())

        people = QGroupBox()
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self.by_condition)
        condition = QHBoxLayout()
        condition.setContentsMargins(24, 0, 0, 0)
        condition.addWidget(self.group)
        condition.addLayout(colour_row, 1)
        people_layout.addLayout(condition)
        people_layout.addWidget(self.by_filter)
        self.count = QLabel()
        self.count.setObjectName("count")
        self.count.setStyleSheet("font-weight: bold")
        people_layout.addWidget(self.count)

        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText("如:检查取暖设施、门窗,送棉被(可不填)")

        self.form = ErrorForm()
        self.form.add("name", "名称", self.name)
        self.form.add("ends_on", "走访时间", dates)
        self.form.add("note", "说明", self.note)
        self.form.add("persons", "人员", people)
        self.declare_button = QPushButton("发起专项走访")
        self.declare_button.setObjectName("declare")
        self.declare_button.setAutoDefault(False)
        self.declare_button.clicked.connect(self.declare)

        self.model = RoundsModel()
        self.table = QTableView()
        self.table.setObjectName("rounds")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)

        new = QGroupBox("发起新的专项走访")
        new_layout = QVBoxLayout(new)
        new_layout.addLayout(self.form)
        new_layout.addWidget(self.form.general)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.declare_button)
        new_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(new)
        layout.addWidget(QLabel("专项走访进度(已访:开始以后有过入户走访、健康随访或体检)"))
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        fit_resize(self, 760, 720)
        self.update_count()
        self.reload()
        self.name.setFocus()

    def person_ids(self) -> list[int]:
        if self.by_filter.isChecked() and self.filtered_ids is not None:
            return self.filtered_ids
        colours = [code for code, box in self.colours.items() if box.isChecked()]
        return sheet.people_for(self.care.database, self.group.currentData(), colours)

    def update_count(self) -> None:
        for box in self.colours.values():
            box.setEnabled(self.by_condition.isChecked())
        self.group.setEnabled(self.by_condition.isChecked())
        count = len(self.person_ids())
        self.count.setText(f"共 {count} 人")
        self.declare_button.setText(f"发起专项走访({count} 人)")

    def reload(self) -> None:
        self.model.set_rounds(self.care.rounds(), self.care.today())

    def declare(self) -> None:
        self.form.clear()
        try:
            self.declared = self.care.declare_round(
                self.name.currentText(), to_date(self.starts_on.date()),
                to_date(self.ends_on.date()), self.person_ids(), self.note.text())
        except KnownError as e:
            self.form.show_error(e)
            return
        name = self.name.currentText().strip()
        self.reload()
        self.count.setText(f"已发起“{name}”,共 {len(self.person_ids())} 人;"
                           "在工作台上显示到每人走访过为止。")
        self.name.setCurrentIndex(-1)
        self.note.clear()
