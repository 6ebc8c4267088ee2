"""The suggested pairing (结对建议): review person → helper, change any row, accept all.

The proposal comes from ``carecenter.pairing.proposal``; this dialog only shows it, lets the
clerk pick another helper per row (a combo box in the 帮扶人 column), and saves the whole
table in one transaction with 接受.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecenter.errors import ChangedMeanwhile, KnownError
from carecenter.pairing.helper_book import ROLES
from carecenter.pairing.pairs import LOAD_COLOUR_LABELS
from carecenter.pairing.proposal import Proposal, accept, propose
from carecenter.rules.risk import COLOUR_HEX
from carecenter.storage.database import Database
from ui.widgets.changed_meanwhile import skip_changed
from ui.widgets.screen_fit import fit_resize

COLUMNS = ("姓名", "村民小组", "风险等级", "负荷权重", "建议帮扶人", "理由")
HELPER_COLUMN = 4
Index = QModelIndex | QPersistentModelIndex


class ProposalModel(QAbstractTableModel):
    def __init__(self, proposal: Proposal) -> None:
        super().__init__()
        self.proposal = proposal
        self._after = proposal.loads_after()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.proposal.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def helper_text(self, helper_id: int | None) -> str:
        if helper_id is None:
            return "(未安排)"
        h = self.proposal.helpers[helper_id]
        load = self._after.get(helper_id, 0)
        group = h.group_name or "全村"
        return f"{h.name}({ROLES.get(h.role, h.role)},{group},负荷 {load})"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.proposal.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            colour = LOAD_COLOUR_LABELS.get(row.colour or "unassessed", "未评估")
            values = (row.name, row.group_name, colour, row.weight,
                      self.helper_text(row.helper_id), row.reason_label)
            return values[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and row.colour in COLOUR_HEX:
                return QBrush(QColor(COLOUR_HEX[row.colour]))
            if column == HELPER_COLUMN and row.helper_id is not None and \
                    self._after.get(row.helper_id, 0) > self.proposal.rules.limit:
                return QBrush(QColor("#d7301f"))
            if row.helper_id is None:
                return QBrush(QColor("#d7301f"))
        if role == Qt.ItemDataRole.EditRole and column == HELPER_COLUMN:
            return row.helper_id
        if role == Qt.ItemDataRole.ToolTipRole and column == HELPER_COLUMN:
            return "双击选择其他帮扶人"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == HELPER_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != HELPER_COLUMN:
            return False
        row = self.proposal.rows[index.row()]
        self.proposal.choose(row.person_id, value if isinstance(value, int) else None)
        self._after = self.proposal.loads_after()
        # Every row naming a helper may show a changed load.
        self.dataChanged.emit(self.index(0, HELPER_COLUMN),
                              self.index(self.rowCount() - 1, len(COLUMNS) - 1))
        return True


class HelperDelegate(QStyledItemDelegate):
    """A combo box of active helpers, the person's own group first, least loaded first."""

    def __init__(self, model: ProposalModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("helper_choice")
        row = self.model.proposal.rows[index.row()]
        after = self.model.proposal.loads_after()
        helpers = sorted(self.model.proposal.helpers.values(),
                         key=lambda h: (h.group_id != row.group_id, after.get(h.id, 0), h.id))
        combo.addItem("(暂不安排)", None)
        for h in helpers:
            combo.addItem(self.model.helper_text(h.id), h.id)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: QAbstractTableModel | Any,
                     index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PairingDialog(QDialog):
    def __init__(self, database: Database, proposal: Proposal,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.proposal = proposal
        self.saved = 0
        self.setWindowTitle("结对建议")
        fit_resize(self, 980, 620)
        self.model = ProposalModel(proposal)
        self.table = QTableView()
        self.table.setObjectName("proposal")
        self.table.setModel(self.model)
        self.delegate = HelperDelegate(self.model, self.table)
        self.table.setItemDelegateForColumn(HELPER_COLUMN, self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((90, 80, 70, 70, 380, 120)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model.dataChanged.connect(lambda *_: self._update_summary())
        self.accept_button = QPushButton("接受")
        self.accept_button.setObjectName("accept")
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self.save)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("双击“建议帮扶人”一格可改选;接受后全部结对一次保存。"))
        buttons.addStretch()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._update_summary()

    def _update_summary(self) -> None:
        p = self.proposal
        placed = len(p.rows) - len(p.unplaced)
        after = [p.loads_after().get(h, 0) for h in p.helpers]
        top = max(after, default=0)
        parts = [f"共 {len(p.rows)} 人,建议结对 {placed} 人"]
        if p.unplaced:
            parts.append(f"{len(p.unplaced)} 人暂无可用帮扶人(均已达上限)")
        parts.append(f"结对后最大负荷 {top}(上限 {p.rules.limit})")
        over = p.over_limit()
        if over:
            names = "、".join(p.helpers[h].name for h in list(over)[:5])
            parts.append(f"⚠ {len(over)} 名帮扶人将超过上限:{names}")
        self.summary.setText(";".join(parts) + "。")
        self.accept_button.setEnabled(placed > 0)

    def save(self) -> None:
        over = self.proposal.over_limit()
        if over:
            answer = QMessageBox.question(
                self, "结对建议", f"有 {len(over)} 名帮扶人将超过负荷上限,仍然保存?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.saved = accept(self.database, self.proposal)
        except ChangedMeanwhile as e:
            if not skip_changed(self, "结对建议", e.message, "跳过这些人,保存其余结对"):
                return
            try:
                self.saved = accept(self.database, self.proposal, skip_changed=True)
            except KnownError as again:
                QMessageBox.warning(self, "结对建议", again.message)
                return
        except KnownError as e:
            QMessageBox.warning(self, "结对建议", e.message)
            return
        self.accept()


def suggest(database: Database, parent: QWidget | None = None) -> int:
    """Propose helpers for everyone unpaired and show it; the number of pairings saved."""
    proposal = propose(database)
    if not proposal.rows:
        QMessageBox.information(parent, "结对建议", "所有在册人员都已有主帮扶人。")
        return 0
    if not proposal.helpers:
        QMessageBox.warning(parent, "结对建议", "还没有在岗的帮扶人,请先新增帮扶人。")
        return 0
    dialog = PairingDialog(database, proposal, parent)
    saved = dialog.saved if dialog.exec() else 0
    dialog.deleteLater()
    return saved
