"""The import wizard's page for a ledger of another kind than the elders' (a village's
留守儿童 花名册): which column is read as what (the child's fields, the father's, the
mother's and the guardian's), each row as it will be taken or refused, and 导入 that
writes all accepted rows in one transaction (``carecenter.ledger.kind_import``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from carecenter.errors import KnownError
from carecenter.ledger import kind_import
from carecenter.rules.kinds.declaration import PersonKind
from ui.widgets.background import run_in_background

if TYPE_CHECKING:
    from carecenter.ledger.kind_import import KindPreview
    from ui.ledger.import_wizard import ImportWizard

WHO = {"father": "父亲", "mother": "母亲", "husband": "丈夫"}
TAKEN, REFUSED, WARNED = "#e8f5e9", "#fde0dc", "#fff3c4"


def target_label(kind: PersonKind, target: str) -> str:
    """姓名, 学校, 父亲 · 电话, 委托监护人 · 姓名: a column's meaning in words."""
    if "." in target:
        who, name = target.split(".", 1)
        role = next((r for r in kind.roles if r.code == who), None)
        if role is None:  # father and mother are the parents' role
            role = next(r for r in kind.roles if any(f.name == "relation" for f in r.fields)
                        and r.code != "guardian")
        label = next((f.label for f in role.fields if f.name == name), name)
        return f"{WHO.get(who, role.label)} · {label}"
    return next((f.label for f in kind.fields if f.name == target), target)


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)  # a ledger's twenty columns in view
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class KindPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("第 2 步:核对并导入(尚未写入)")
        self.summary = QLabel()
        self.summary.setObjectName("kind_summary")
        self.summary.setWordWrap(True)
        self.columns = _table("kind_columns", ["列", "台账中的表头", "导入为"])
        self.columns.setColumnWidth(0, 40)
        self.columns.setColumnWidth(1, 200)
        self.rows = _table("kind_rows", ["行号", "姓名", "处理", "原因或提示"])
        self.rows.setColumnWidth(0, 50)
        self.rows.setColumnWidth(1, 90)
        self.rows.setColumnWidth(2, 60)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("各列的对应关系"))
        layout.addWidget(self.columns, 2)
        layout.addWidget(QLabel("各行将如何处理(绿色导入,红色不导入,黄色有提示)"))
        layout.addWidget(self.rows, 3)

    def initializePage(self) -> None:
        found = self.owner.kind_preview
        assert found is not None
        kind = found.kind
        self.setSubTitle(f"这是一份“{kind.label}”台账(表头在第 {found.header_row} 行)。"
                         f"请核对各列的对应关系和每一行的处理,确认后点“导入”。")
        self._fill_columns(found)
        self._fill_rows(found)
        refused = len(found.rows) - len(found.accepted)
        self.summary.setText(f"可导入 {len(found.accepted)} 人,不导入 {refused} 人"
                             + (f";未识别的列(不导入):{'、'.join(found.unknown)}"
                                if found.unknown else "") + "。")

    def _fill_columns(self, found: KindPreview) -> None:
        from openpyxl.utils import get_column_letter

        self.columns.setRowCount(len(found.columns))
        for line, (index, target) in enumerate(sorted(found.columns.items())):
            header = found.headers.get(index, "")
            for column, text in enumerate((get_column_letter(index + 1), header,
                                           target_label(found.kind, target))):
                self.columns.setItem(line, column, QTableWidgetItem(text))
        self.columns.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)

    def _fill_rows(self, found: KindPreview) -> None:
        self.rows.setRowCount(len(found.rows))
        for line, row in enumerate(found.rows):
            colour = REFUSED if not row.accepted else WARNED if row.warnings else TAKEN
            why = ";".join(row.errors or row.warnings)
            for column, text in enumerate((str(row.row), row.name,
                                           "导入" if row.accepted else "不导入", why)):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(QColor(colour)))
                if column == 3 and why:
                    item.setToolTip(why)
                self.rows.setItem(line, column, item)

    def validatePage(self) -> bool:
        found = self.owner.kind_preview
        assert found is not None
        if not found.accepted:
            QMessageBox.warning(self, "导入台账", "没有可以导入的行")
            return False
        refused = len(found.rows) - len(found.accepted)
        answer = QMessageBox.question(
            self, "确认导入", f"将新增{found.kind.label.removeprefix('农村')} "
            f"{len(found.accepted)} 人" + (f";{refused} 行不导入" if refused else "")
            + "。\n\n确定导入吗?")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        database = self.owner.importer.database
        try:
            self.owner.kind_ids = run_in_background(
                self, "导入台账", lambda _p, _c: kind_import.apply(database, found),
                "正在写入登记册…", cancellable=False)
        except KnownError as e:
            QMessageBox.warning(self, "导入台账", e.message)
            return False
        return True

    def nextId(self) -> int:
        return self.owner.RESULT
