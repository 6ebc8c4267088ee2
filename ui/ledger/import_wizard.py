"""导入台账: the wizard over ``carecenter.ledger.importer`` (file, mapping, preview, result).

All the rules live in the core; these pages only show what it proposes and let the clerk
change the mapping. Reading, previewing and writing run off the GUI thread with a
progress dialog (``ui.widgets.background``); nothing is written before the clerk confirms.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from carecenter.errors import KnownError
from carecenter.ledger import kind_import, mapping
from carecenter.ledger import workbook as sheet
from carecenter.ledger.import_preview import ChangedSincePreview
from carecenter.ledger.import_report import save_report
from carecenter.ledger.importer import (
    IGNORED,
    NEW,
    REFUSED,
    UPDATE,
    ImportResult,
    LedgerImport,
    Preview,
    RowPreview,
)
from carecenter.ledger.kind_import import KindPreview, KindResult
from carecenter.ledger.mapping import Layout
from carecenter.ledger.workbook import Sheet, text_of
from carecenter.storage.database import Database
from ui.ledger.kind_import_page import KindPage, kind_result_text
from ui.widgets import file_dialogs
from ui.widgets.background import run_in_background
from ui.widgets.changed_meanwhile import skip_changed as skip_changed_ask
from ui.widgets.screen_fit import fit_resize

ROW_COLOURS = {NEW: "#e8f5e9", UPDATE: "#e3f2fd", REFUSED: "#fde0dc", IGNORED: "#eeeeee"}
PROBLEM_COLOUR = "#f8b4a8"
WARNING_COLOUR = "#fff3c4"
Index = QModelIndex | QPersistentModelIndex


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class PreviewModel(QAbstractTableModel):
    """One line per sheet row: row number, action, the mapped cells, the problems."""

    FILTERS = (("全部", None), ("新增", NEW), ("更新", UPDATE), ("拒绝", REFUSED),
               ("忽略", IGNORED), ("有提示", "warned"), ("建议退出", "exits"))

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview
        self.columns = [c for c in preview.layout.columns
                        if c.target and not c.target.startswith("extra:")]
        self.rows: list[RowPreview] = list(preview.rows)

    def set_filter(self, code: str | None) -> None:
        self.beginResetModel()
        if code is None:
            self.rows = list(self.preview.rows)
        elif code == "warned":
            self.rows = [r for r in self.preview.rows if r.accepted and r.warnings]
        elif code == "exits":
            self.rows = self.preview.exits
        else:
            self.rows = [r for r in self.preview.rows if r.action == code]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns) + 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "行号"
        if section == 1:
            return "处理"
        if section == 2:
            return "将如何处理及原因"
        return mapping.target_label(self.columns[section - 3].target).split("(")[0]

    def _problems(self, row: RowPreview, column: int | None) -> tuple[list[str], list[str]]:
        errors = [p.message for p in row.errors if column is None or p.column == column]
        warnings = [p.message for p in row.warnings if column is None or p.column == column]
        return errors, warnings

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        section = index.column()
        column = self.columns[section - 3].index if section >= 3 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return f"{row.sheet} {row.row}" if row.sheet else row.row
            if section == 1:
                return row.action_label
            if column is not None:
                return text_of(row.cells[column]) if column < len(row.cells) else ""
            return row.why()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is not None:
                errors, warnings = self._problems(row, column)
                return "\n".join(errors + warnings) or None
            return "\n".join(f"{p.field}:{p.message}" if p.field else p.message
                             for p in row.errors + row.warnings) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column is not None:
                errors, warnings = self._problems(row, column)
                if errors:
                    return QBrush(QColor(PROBLEM_COLOUR))
                if warnings:
                    return QBrush(QColor(WARNING_COLOUR))
            return QBrush(QColor(ROW_COLOURS[row.action]))
        if role == Qt.ItemDataRole.ForegroundRole and section == 1 and row.action == REFUSED:
            return QBrush(QColor("#b71c1c"))
        return None


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("第 1 步:选择台账文件")
        self.setSubTitle("选择村里现有的 Excel 台账(花名册)和其中的工作表。"
                         "程序会自动找到表头,跳过标题、合计和签名行。")
        self.path = QLineEdit()
        self.path.setObjectName("import_path")
        self.path.setPlaceholderText("Excel 工作簿(.xlsx / .xls)")
        self.path.editingFinished.connect(self.load_sheets)
        browse = QPushButton("浏览…")
        browse.setObjectName("browse")
        # Enter goes on to 下一步 once a file is chosen, not into the file dialog again.
        browse.setAutoDefault(False)
        browse.clicked.connect(self.browse)
        self.sheets = QComboBox()
        self.sheets.setObjectName("import_sheet")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("台账文件"))
        layout.addLayout(row)
        layout.addWidget(QLabel("工作表"))
        layout.addWidget(self.sheets)
        layout.addStretch(1)

    def browse(self) -> None:
        # Where the ledger last came from, else 文档 (not the program's or home folder).
        typed = self.path.text().strip()
        start = str(Path(typed).expanduser().parent) if typed else None
        chosen = file_dialogs.open_file(
            self, "选择台账文件", start,
            "表格文件 (*.xlsx *.xlsm *.xls *.et *.ods *.csv);;所有文件 (*)")
        if chosen:
            self.path.setText(chosen)
            self.load_sheets()
            self.sheets.setFocus()

    def load_sheets(self) -> None:
        self.sheets.clear()
        text = self.path.text().strip()
        if not text:
            return
        try:
            names = sheet.sheet_names(text)
        except KnownError as e:
            QMessageBox.warning(self, "导入台账", e.message)
            return
        if len(names) > 1:  # a 填表说明 sheet often comes first: let the core find the table
            self.sheets.addItem("(自动:读取所有人员台账工作表,跳过说明、汇总和空白表)", None)
        for name in names:
            self.sheets.addItem(name, name)

    def validatePage(self) -> bool:
        path = self.path.text().strip()
        if not path:
            QMessageBox.warning(self, "导入台账", "请先选择台账文件")
            return False
        name = self.sheets.currentData()
        owner = self.owner
        database = owner.importer.database
        try:
            # A children's ledger (its header names the parents or the guardian) goes its
            # own way; the elders' through the mapping, as before (issue 21).
            kind = run_in_background(self, "导入台账",
                                     lambda _p, _c: kind_import.detect(path, name),
                                     "正在识别台账类别…", cancellable=False)
            if kind is not None:
                owner.kind_preview = run_in_background(
                    self, "导入台账",
                    lambda _p, _c: kind_import.preview(database, path, kind, name),
                    "正在逐行检查…", cancellable=False)
            else:
                owner.kind_preview = None
                owner.data, owner.sheet_layout = run_in_background(
                    self, "导入台账", lambda _p, _c: owner.importer.open(path, name),
                    "正在读取工作簿…", cancellable=False)
        except KnownError as e:
            QMessageBox.warning(self, "导入台账", e.message)
            return False
        owner.path = Path(path)
        return True

    def nextId(self) -> int:
        return self.owner.KIND if self.owner.kind_preview is not None else self.owner.MAPPING


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("第 2 步:核对列的对应关系")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("mapping_table")
        self.table.setHorizontalHeaderLabels(["列", "台账中的表头", "前几行的内容", "导入为"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 40)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(3, 190)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.remember = QCheckBox("保存这个对应关系,下次导入同样格式的台账时自动使用")
        self.remember.setChecked(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.remember)
        self.boxes: list[QComboBox] = []

    def initializePage(self) -> None:
        layout, data = self.owner.sheet_layout, self.owner.data
        assert layout is not None and data is not None
        rows = " 与 ".join(f"第 {r + 1} 行" for r in layout.header_rows)
        alike = [p.name for p in self.owner.importer.book if p.read and p.name != data.name
                 and p.layout is not None and p.layout.key == layout.key]
        also = f"(同样格式的“{'”“'.join(alike)}”按同一对应关系读取)" if alike else ""
        self.setSubTitle(f"工作表“{data.name}”的表头在{rows}{also}。请逐列核对“导入为”,"
                         "不需要的列选“(不导入)”。")
        note = ("已使用上次保存的对应关系。" if layout.reused else
                "程序按表头名称和各列内容推测了每一列的含义,请核对。")
        book = self.owner.importer.book
        if len(book) > 1:  # issue 16: every sheet, and whether it is read
            note += "\n" + "\n".join(plan.describe() for plan in book)
        self.note.setText(note)
        targets = mapping.all_targets(max(3, layout.supporter_count()))
        samples = data.rows[layout.first_row:layout.first_row + 30]
        self.table.setRowCount(len(layout.columns))
        self.boxes = []
        for i, column in enumerate(layout.columns):
            values = [text_of(r[column.index]) for r in samples if column.index < len(r)]
            example = "、".join([v for v in values if v][:3])
            self.table.setItem(i, 0, QTableWidgetItem(column_letter(column.index)))
            label = QTableWidgetItem(column.label)
            if column.why:  # the header promised a field its values do not fit
                label.setToolTip(column.why)
            self.table.setItem(i, 1, label)
            self.table.setItem(i, 2, QTableWidgetItem(example))
            box = QComboBox()
            box.setObjectName(f"map_{column.index}")
            for target in targets:
                box.addItem(mapping.target_label(target), target)
            box.setCurrentIndex(max(box.findData(column.target), 0))
            self.table.setCellWidget(i, 3, box)
            self.boxes.append(box)

    def validatePage(self) -> bool:
        layout = self.owner.sheet_layout
        assert layout is not None
        chosen: dict[str, str] = {}
        for column, box in zip(layout.columns, self.boxes, strict=True):
            target = str(box.currentData() or "")
            if target and target in chosen and not mapping.several_columns(target):
                QMessageBox.warning(self, "导入台账", f"“{box.currentText()}”同时对应了"
                                    f"“{chosen[target]}”和“{column.label}”两列,请只选一列")
                return False
            if target:
                chosen[target] = column.label
            column.target = target
        if mapping.person_target("name") not in chosen:
            QMessageBox.warning(self, "导入台账", "请指定哪一列是“姓名”")
            return False
        if self.remember.isChecked():
            self.owner.importer.save_mapping(layout)
        return True


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("第 3 步:预览(尚未写入)")
        self.setSubTitle("每一行将如何处理:绿色新增,蓝色更新,红色拒绝,灰色忽略。"
                         "鼠标停在单元格上可看该项的问题。确认无误后点“导入”。")
        self.summary = QLabel()
        self.summary.setObjectName("preview_summary")
        self.summary.setWordWrap(True)
        self.filter = QComboBox()
        self.filter.setObjectName("preview_filter")
        for label, code in PreviewModel.FILTERS:
            self.filter.addItem(label, code)
        self.filter.currentIndexChanged.connect(self._filter)
        report = QPushButton("保存问题清单…")
        report.clicked.connect(lambda: self.owner.save_report(self))
        self.columns_note = QLabel()
        self.columns_note.setObjectName("preview_not_imported")
        self.columns_note.setWordWrap(True)
        self.confirm_exits = QCheckBox()
        self.confirm_exits.setObjectName("confirm_exits")
        self.view = QTableView()
        self.view.setObjectName("preview_table")
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.model: PreviewModel | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel("显示"))
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.columns_note)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.confirm_exits)

    def initializePage(self) -> None:
        owner = self.owner
        assert owner.data is not None and owner.sheet_layout is not None
        data, layout, path = owner.data, owner.sheet_layout, owner.path
        try:
            owner.preview = run_in_background(
                self, "导入台账",
                lambda progress, cancelled: owner.importer.preview(
                    path, data, layout, progress, cancelled), "正在逐行检查…")
        except KnownError as e:
            owner.preview = None
            self.summary.setText(e.message)
            self.view.setModel(None)
            return
        self.model = PreviewModel(owner.preview)
        self.view.setModel(self.model)
        self.view.setColumnWidth(0, 50)
        self.view.setColumnWidth(1, 50)
        self.view.setColumnWidth(2, 330)
        for i, column in enumerate(self.model.columns, start=3):
            wide = column.target in ("person:id_number", "person:address")
            self.view.setColumnWidth(i, 170 if wide else 100)
        self.summary.setText(owner.preview.summary() + "。")
        skipped = owner.preview.not_imported()
        self.columns_note.setVisible(bool(skipped))
        self.columns_note.setText("未导入的列:" + ";".join(
            f"{where}“{label}”({why})" if label else f"{where}({why})"
            for where, label, why in skipped))
        exits = owner.preview.exits
        self.confirm_exits.setVisible(bool(exits))
        self.confirm_exits.setChecked(False)  # the clerk confirms, nobody else
        self.confirm_exits.setText(
            f"已核对:按台账为 {len(exits)} 人办理退出(已故、入住养老机构、子女返乡等,"
            "原因和日期见“建议退出”)")
        self.filter.setCurrentIndex(0)

    def nextId(self) -> int:
        return self.owner.RESULT

    def _filter(self) -> None:
        if self.model is not None:
            self.model.set_filter(self.filter.currentData())

    def _apply(self, preview: Preview, skip_changed: bool, progress: Any,
               cancelled: Any) -> ImportResult:
        return self.owner.importer.apply(preview, progress, cancelled,
                                         skip_changed=skip_changed)

    def validatePage(self) -> bool:
        preview = self.owner.preview
        if preview is None:
            return False
        accepted = preview.count(NEW) + preview.count(UPDATE)
        if not accepted:
            QMessageBox.warning(self, "导入台账", "没有可以导入的行")
            return False
        if preview.exits and not self.confirm_exits.isChecked():
            QMessageBox.warning(self, "导入台账", f"有 {len(preview.exits)} 人台账写明已故、入住"
                                "养老机构或子女返乡等。请在“建议退出”中逐一核对,勾选“按台账"
                                "办理退出”后再导入,或改正台账后重新导入。")
            self.filter.setCurrentIndex(self.filter.findData("exits"))
            return False
        preview.confirm_exits = bool(preview.exits)
        question = (f"将新增 {preview.count(NEW)} 人,更新 {preview.count(UPDATE)} 人"
                    + (f",新建村民小组 {'、'.join(preview.new_groups.values())}"
                       if preview.new_groups else "")
                    + (f",其中 {len(preview.exits)} 人按台账办理退出" if preview.exits else "")
                    + f";{preview.count(REFUSED)} 行被拒绝,不导入。\n\n确定导入吗?")
        answer = QMessageBox.question(self, "确认导入", question)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        skip_changed = False
        while True:
            work = functools.partial(self._apply, preview, skip_changed)
            try:
                self.owner.import_result = run_in_background(
                    self, "导入台账", work, "正在写入登记册…")
            except ChangedSincePreview as e:
                # Files edited since the preview: the clerk chooses, nothing is overwritten.
                if not skip_changed_ask(self, "档案已被修改", e.message,
                                        "跳过这些行,导入其余行"):
                    return False
                skip_changed = True
                continue
            except KnownError as e:
                QMessageBox.warning(self, "导入台账", e.message)
                return False
            return True


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("第 4 步:导入完成")
        self.text = QLabel()
        self.text.setObjectName("result_text")
        self.text.setWordWrap(True)
        report = QPushButton("保存未导入行的报告…")
        report.setObjectName("save_report")
        report.setAutoDefault(False)  # Enter on the last page is 完成, not a save dialog
        report.clicked.connect(lambda: self.owner.save_report(self))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(report)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        found = self.owner.kind_preview
        if found is not None:
            self.text.setText(kind_result_text(found, self.owner.kind_result))
            return
        result, preview = self.owner.import_result, self.owner.preview
        assert result is not None and preview is not None
        lines = [f"新增 {result.created} 人,更新 {result.updated} 人。"]
        if result.groups_created:
            lines.append(f"新建村民小组:{'、'.join(result.groups_created)}。")
        if result.changed_meanwhile:
            lines.append("预览后在别处修改过、因此没有导入的行:"
                         f"{'、'.join(result.changed_meanwhile)}。")
        refused = preview.count(REFUSED)
        if refused:
            lines.append(f"有 {refused} 行被拒绝,没有导入。请保存报告,按报告改正台账后再导入一次"
                         "(已导入的人会更新,不会重复)。")
        missing = sum(1 for r in preview.rows if r.accepted and not r.id_number)
        if missing:
            lines.append(f"{missing} 人没有身份证号,已标记为待补充。")
        self.text.setText("\n\n".join(lines))


class ImportWizard(QWizard):
    FILE, MAPPING, PREVIEW, KIND, RESULT = range(5)

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入台账")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步 >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< 上一步")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        fit_resize(self, 980, 640)
        self.importer = LedgerImport(database)
        self.path = Path()
        self.data: Sheet | None = None
        self.sheet_layout: Layout | None = None
        self.preview: Preview | None = None
        self.import_result: ImportResult | None = None
        self.kind_preview: KindPreview | None = None  # a ledger of another kind (children)
        self.kind_result: KindResult | None = None
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.kind_page = KindPage(self)
        self.result_page = ResultPage(self)
        for number, page in ((self.FILE, self.file_page), (self.MAPPING, self.mapping_page),
                             (self.PREVIEW, self.preview_page), (self.KIND, self.kind_page),
                             (self.RESULT, self.result_page)):
            self.setPage(number, page)
        self.currentIdChanged.connect(self._button_texts)

    def _button_texts(self, _page_id: int) -> None:
        next_text = ("导入" if self.currentPage() in (self.preview_page, self.kind_page)
                     else "下一步 >")
        self.setButtonText(QWizard.WizardButton.NextButton, next_text)

    def save_report(self, parent: QWidget) -> None:
        if self.preview is None:
            if self.kind_preview is not None:
                QMessageBox.information(parent, "导入台账",
                                        "\n".join(self.kind_preview.lines(every=False)[-12:]))
            return
        suggested = str(self.path.with_name(self.path.stem + "-导入报告.xlsx"))
        chosen = file_dialogs.save_file(parent, "保存导入报告", suggested,
                                                "Excel 工作簿 (*.xlsx)")
        if not chosen:
            return
        if not chosen.lower().endswith(".xlsx"):
            chosen += ".xlsx"
        try:
            save_report(self.preview, chosen)
        except KnownError as e:
            QMessageBox.warning(parent, "保存导入报告", e.message)
            return
        QMessageBox.information(parent, "保存导入报告", f"已保存:{chosen}")
