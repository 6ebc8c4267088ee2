"""The import wizard's page for a ledger of another kind than the elders' (a village's
留守儿童 花名册): which column is read as what (the child's fields, the father's, the
mother's and the guardian's), each row as it will be handled (新增, 更新 and what
changes, 无变化, 拒绝 and why), and 导入 that writes them in one transaction
(``carecenter.ledger.kind_import``); files edited elsewhere since the preview are not
written over unless the clerk chooses to leave them out."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

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
from carecenter.ledger.import_preview import ChangedSincePreview
from carecenter.ledger.kind_import import KindResult
from carecenter.rules.kinds.declaration import PersonKind
from ui.widgets.background import run_in_background
from ui.widgets.changed_meanwhile import skip_changed as skip_changed_ask

if TYPE_CHECKING:
    from carecenter.ledger.kind_import import KindPreview
    from ui.ledger.import_wizard import ImportWizard

WHO = {"father": "父亲", "mother": "母亲", "husband": "丈夫"}
TAKEN, REFUSED, WARNED, SAME = "#e8f5e9", "#fde0dc", "#fff3c4", "#eeeeee"


def _apply(database: Any, found: KindPreview, skip_changed: bool, _progress: Any,
           _cancelled: Any) -> KindResult:
    return kind_import.apply(database, found, skip_changed=skip_changed)


def kind_result_text(found: KindPreview, result: KindResult | None) -> str:
    """The result page's words: what was written, and what was left out and why."""
    label = found.kind.label.removeprefix("农村")
    lines = [line for line in found.lines(every=False)[1:-1]]
    if result is None:
        return "\n\n".join(lines)
    if not result.ids:
        lines.append(f"台账中的 {result.unchanged} 人与登记册相同,登记册没有改动。")
    else:
        lines.append(f"已新增{label} {len(result.created)} 人,更新 {len(result.updated)} 人"
                     + (f",{result.unchanged} 人无变化" if result.unchanged else "") + "。")
    if result.changed_meanwhile:
        lines.append("预览后在别处修改过、因此没有导入的行:"
                     f"{'、'.join(result.changed_meanwhile)}。")
    return "\n\n".join(lines)


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
        self.rows = _table("kind_rows", ["行号", "姓名", "处理", "改动、原因或提示"])
        self.rows.setColumnWidth(0, 50)
        self.rows.setColumnWidth(1, 90)
        self.rows.setColumnWidth(2, 60)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("各列的对应关系"))
        layout.addWidget(self.columns, 2)
        layout.addWidget(QLabel("各行将如何处理(绿色新增或更新,灰色无变化,红色不导入,"
                                "黄色有提示)"))
        layout.addWidget(self.rows, 3)

    def initializePage(self) -> None:
        found = self.owner.kind_preview
        assert found is not None
        kind = found.kind
        self.setSubTitle(f"这是一份“{kind.label}”台账(表头在第 {found.header_row} 行)。"
                         f"请核对各列的对应关系和每一行的处理,确认后点“导入”。")
        self._fill_columns(found)
        self._fill_rows(found)
        self.summary.setText(found.summary()
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
            colour = (REFUSED if not row.accepted else WARNED if row.warnings
                      else SAME if row.unchanged else TAKEN)
            why = row.why()
            place = f"{row.sheet} {row.row}" if row.sheet else str(row.row)
            for column, text in enumerate((place, row.name, row.action_label, why)):
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
        new, updated, same = found.count("新增"), found.count("更新"), found.count("无变化")
        refused = len(found.refused)
        if not new and not updated:
            QMessageBox.information(self, "导入台账", f"台账中的 {same} 人与登记册相同,无需导入"
                                    + (f";{refused} 行不导入" if refused else "") + "。")
            self.owner.kind_result = KindResult([], [], same)
            return True
        label = found.kind.label.removeprefix("农村")
        answer = QMessageBox.question(
            self, "确认导入", f"将新增{label} {new} 人,更新 {updated} 人"
            + (f"({same} 人无变化)" if same else "")
            + (f";{refused} 行不导入" if refused else "") + "。\n\n确定导入吗?")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        database = self.owner.importer.database
        skip = False
        while True:
            try:
                self.owner.kind_result = run_in_background(
                    self, "导入台账",
                    functools.partial(_apply, database, found, skip),
                    "正在写入登记册…", cancellable=False)
            except ChangedSincePreview as e:
                # Files edited since the preview: the clerk chooses, nothing is overwritten.
                if not skip_changed_ask(self, "档案已被修改", e.message, "跳过这些行,导入其余行"):
                    return False
                skip = True
                continue
            except KnownError as e:
                QMessageBox.warning(self, "导入台账", e.message)
                return False
            return True

    def nextId(self) -> int:
        return self.owner.RESULT
