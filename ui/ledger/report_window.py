"""季度报送: the quarterly export, the exports kept, and the comparison with the
township's list, in one window (issue 7).

Each long piece of work (export, comparison, figures now) runs off the GUI thread
through ``ui.widgets.background.run_in_background`` with its progress dialog; the core does the
work (``carecenter.ledger``) and this window only shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.errors import KnownError
from carecenter.ledger import quarter_export as exports
from carecenter.ledger.compare import Comparison, compare_file, save_differences
from carecenter.ledger.figures import compare_figures
from carecenter.ledger.quarter import Quarter
from carecenter.settings.settings_store import Settings
from carecenter.storage.database import Database
from ui.widgets import file_dialogs
from ui.widgets.background import run_in_background
from ui.widgets.save_place import missing_folder, save_folder
from ui.widgets.screen_fit import fit_resize

QUARTERS_OFFERED = 8


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


def _table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _documents() -> Path:
    return save_folder()


class ReportWindow(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None,
                 today: Callable[[], date] = clock.today,
                 open_person: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        # The main window opens a file (the person editor is a layer above this one).
        self.open_person = open_person
        self.setWindowTitle("季度报送与比对")
        self.database = database
        self.today = today
        self.comparison: Comparison | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._export_tab(), "导出季度台账")
        self.tabs.addTab(self._kept_tab(), "报送记录")
        self.tabs.addTab(self._compare_tab(), "与乡镇名单比对")
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        fit_resize(self, 900, 620)
        self.tabs.currentChanged.connect(self._tab_shown)

    # -- export ----------------------------------------------------------------------

    def _export_tab(self) -> QWidget:
        today = self.today()
        self.quarter = QComboBox()
        self.quarter.setObjectName("quarter")
        current = Quarter.containing(today)
        quarter = current
        for _ in range(QUARTERS_OFFERED):
            label = quarter.label + (f"(截至 {today:%Y-%m-%d})" if quarter == current else "")
            self.quarter.addItem(label, quarter.code)
            quarter = quarter.previous()
        # The quarter just ended is the one usually sent; the running one is offered first.
        self.quarter.setCurrentIndex(1 if (today - current.start).days < 45 else 0)
        self.quarter.currentIndexChanged.connect(lambda _i: self._suggest_path())
        self.out = QLineEdit()
        self.out.setObjectName("out")
        choose = QPushButton("选择…")
        choose.clicked.connect(self._choose_out)
        where = QHBoxLayout()
        where.addWidget(self.out, 1)
        where.addWidget(choose)
        self.export_button = QPushButton("导出(Ctrl+Enter)")
        self.export_button.setObjectName("export")
        self.export_button.setShortcut("Ctrl+Return")
        self.export_button.clicked.connect(self.export)
        self.export_result = QPlainTextEdit()
        self.export_result.setObjectName("export_result")
        self.export_result.setReadOnly(True)
        self.export_result.setPlaceholderText(
            "导出的工作簿:“台账”为留守老年人,每人一行;登记册里有留守儿童、留守妇女、特困群众的,"
            "各有一张表;“汇总”为按类别、村民小组、风险等级的人数,八类重点对象,结对与协议覆盖,"
            "本季走访(已访/应访),需求提出与解决,新纳入与退出,及各类人员的数字。"
            "每次导出都留存一份,可在“报送记录”中查看。")
        form = QFormLayout()
        form.addRow("季度", self.quarter)
        form.addRow("保存到", where)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(self.export_button)
        layout.addWidget(self.export_result, 1)
        self._suggest_path()
        return box

    def _suggest_path(self) -> None:
        place = Settings(self.database).place()  # 全乡镇 on a township's view (issue 22)
        name = f"{place}{self.quarter.currentData()}关爱服务台账.xlsx"
        folder = Path(self.out.text()).parent if self.out.text() else _documents()
        self.out.setText(str(folder / name))

    def _choose_out(self) -> None:
        path = file_dialogs.save_file(self, "导出到", self.out.text(),
                                              "Excel 工作簿 (*.xlsx)")
        if path:
            self.out.setText(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def export(self) -> None:
        quarter = Quarter.parse(str(self.quarter.currentData()))
        target = Path(self.out.text().strip())
        if not self.out.text().strip():
            QMessageBox.warning(self, "无法导出", "请先选择保存位置")
            return
        missing = missing_folder(target)
        if missing:  # said as it is, not as "the file may be open in Excel"
            QMessageBox.warning(self, "无法导出", missing)
            return
        if target.exists():
            answer = QMessageBox.question(self, "文件已存在", f"{target} 已存在,要替换它吗?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        today = self.today()
        try:
            result = run_in_background(
                self, "导出季度台账",
                lambda progress, cancelled: exports.export_quarter(
                    self.database, quarter, target, today=today, progress=progress,
                    cancelled=cancelled),
                label=f"正在导出{quarter.label}台账(统计、生成工作簿、保存)…")
        except KnownError as e:
            QMessageBox.warning(self, "无法导出", e.message)
            return
        lines = [f"已导出{quarter.label}台账 → {target}",
                 f"留守老年人 {result.persons} 人" + export_kinds(result.figures),
                 *result.summary_lines()]
        self.export_result.setPlainText("\n".join(lines))
        self._kept_loaded = False

    # -- exports kept ----------------------------------------------------------------

    def _kept_tab(self) -> QWidget:
        self._kept_loaded = False
        self.snapshots: list[exports.Snapshot] = []
        self.kept = _table("kept")
        self.kept.itemSelectionChanged.connect(self._kept_selected)
        self.save_kept = QPushButton("另存当时的工作簿…")
        self.save_kept.setObjectName("save_kept")
        self.save_kept.clicked.connect(self.save_kept_workbook)
        self.compare_kept = QPushButton("与现在的登记册对比")
        self.compare_kept.setObjectName("compare_kept")
        self.compare_kept.clicked.connect(self.compare_with_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_kept)
        buttons.addWidget(self.compare_kept)
        buttons.addStretch(1)
        self.kept_figures = _table("kept_figures")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel("每次导出的台账都留存在数据库中(最近在上):"))
        layout.addWidget(self.kept, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.kept_figures, 2)
        self._kept_selected()
        return box

    def _tab_shown(self, index: int) -> None:
        if index == 1 and not self._kept_loaded:
            self.load_kept()

    def load_kept(self) -> None:
        self.snapshots = exports.snapshots(self.database)
        rows = []
        for s in self.snapshots:
            f = s.figures
            rows.append([s.id, s.period, f"{s.made_at:%Y-%m-%d %H:%M}", f"{s.made_on:%Y-%m-%d}",
                         f.get("active", ""), f.get("paired", ""), f.get("agreements", ""),
                         s.file_name])
        fill_table(self.kept, ["编号", "季度", "导出时间", "数据截至", "在册", "结对", "协议",
                               "文件名"], rows)
        self._kept_loaded = True
        if rows:
            self.kept.selectRow(0)
        self._kept_selected()

    def _selected_snapshot(self) -> exports.Snapshot | None:
        model = self.kept.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows or not self.snapshots:
            return None
        return self.snapshots[rows[0].row()]

    def _kept_selected(self) -> None:
        kept = self._selected_snapshot()
        self.save_kept.setEnabled(kept is not None)
        self.compare_kept.setEnabled(kept is not None)
        if kept is not None:
            fill_table(self.kept_figures, ["类别", "项目", f"当时({kept.period})"],
                       [row[:3] for row in compare_figures(kept.figures, None)])

    def save_kept_workbook(self) -> None:
        kept = self._selected_snapshot()
        if kept is None:
            return
        path = file_dialogs.save_file(self, "另存当时的工作簿",
                                              str(_documents() / kept.file_name),
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        try:
            Path(path).write_bytes(exports.snapshot_workbook(self.database, kept.id))
        except OSError as e:
            QMessageBox.warning(self, "无法保存", f"无法写入 {path}:{e.strerror or e}")

    def compare_with_now(self) -> None:
        kept = self._selected_snapshot()
        if kept is None:
            return
        quarter = Quarter.parse(kept.period)
        today = self.today()
        try:
            _now, rows = run_in_background(
                self, "与现在对比",
                lambda progress, cancelled: exports.compare_with_now(
                    self.database, kept, quarter, today),
                label="正在按现在的登记册统计…", cancellable=False)
        except KnownError as e:
            QMessageBox.warning(self, "无法对比", e.message)
            return
        fill_table(self.kept_figures, ["类别", "项目", "现在", f"当时({kept.period})", "变化"],
                   rows)

    # -- comparison with the township's list -----------------------------------------

    def _compare_tab(self) -> QWidget:
        self.theirs = QLineEdit()
        self.theirs.setObjectName("theirs")
        self.theirs.setPlaceholderText("乡镇发回的名单(Excel 工作簿)")
        choose = QPushButton("选择…")
        choose.clicked.connect(self._choose_theirs)
        run = QPushButton("比对")
        run.setObjectName("run_compare")
        run.clicked.connect(self.compare)
        self.save_compare = QPushButton("保存差异表…")
        self.save_compare.setObjectName("save_compare")
        self.save_compare.setEnabled(False)
        self.save_compare.clicked.connect(self.save_differences)
        top = QHBoxLayout()
        top.addWidget(self.theirs, 1)
        top.addWidget(choose)
        top.addWidget(run)
        top.addWidget(self.save_compare)
        self.compare_summary = QLabel("按身份证号比对乡镇名单与本村登记册:乡镇有而本村没有、"
                                      "本村在册而乡镇没有、姓名/小组/状态/风险等级不一致。")
        self.compare_summary.setObjectName("compare_summary")
        self.compare_summary.setWordWrap(True)
        self.compare_tabs = QTabWidget()
        self.theirs_only = _table("theirs_only")
        self.ours_only = _table("ours_only")
        self.differences = _table("differences")
        self.unreadable = _table("unreadable")
        for table in (self.differences, self.ours_only):
            table.setToolTip("双击打开此人档案")
            table.doubleClicked.connect(lambda index, t=table: self.open_file(t, index.row()))
        self.compare_tabs.addTab(self.differences, "信息不一致")
        self.compare_tabs.addTab(self.theirs_only, "乡镇有、本村没有")
        self.compare_tabs.addTab(self.ours_only, "本村有、乡镇没有")
        self.compare_tabs.addTab(self.unreadable, "无法识别的行")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.compare_summary)
        layout.addWidget(self.compare_tabs, 1)
        return box

    def _choose_theirs(self) -> None:
        path = file_dialogs.open_file(self, "选择乡镇名单", str(_documents()),
                                              "Excel 工作簿 (*.xlsx *.xlsm *.xls *.et);;"
                                              "所有文件 (*)")
        if path:
            self.theirs.setText(path)
            self.compare()

    def compare(self) -> None:
        path = self.theirs.text().strip()
        if not path:
            QMessageBox.warning(self, "无法比对", "请先选择乡镇发回的名单")
            return
        try:
            result = run_in_background(
                self, "比对", lambda progress, cancelled: compare_file(self.database, path),
                label="正在读取名单并比对…", cancellable=False)
        except KnownError as e:
            QMessageBox.warning(self, "无法比对", e.message)
            return
        self.show_comparison(result)

    def show_comparison(self, result: Comparison) -> None:
        self.comparison = result
        self.compare_summary.setText(";".join(result.summary_lines()))
        # A workbook of several kinds' sheets: which sheet each row is about, last (the
        # first column opens the file).
        where = ["工作表"] if result.passes else []

        def at(sheet: str) -> list[str]:
            return [sheet] if result.passes else []

        fill_table(self.differences, ["身份证号", "姓名", "项目", "乡镇名单", "本村登记册", *where],
                   [[d.id_number, d.name, d.field, d.theirs, d.ours, *at(d.sheet)]
                    for d in result.differences])
        fill_table(self.theirs_only, ["名单行号", "姓名", "身份证号", "村民小组", *where],
                   [[t.row, t.name, t.id_number, t.group, *at(t.sheet)]
                    for t in result.theirs_only])
        fill_table(self.ours_only, ["档案号", "姓名", "身份证号", "村民小组", *where],
                   [[o.person_id, o.name, number or "待补充", o.group, *at(o.sheet)]
                    for number, o in result.ours_only])
        fill_table(self.unreadable, ["名单行号", "姓名", "原因"],
                   [list(u) for u in result.unreadable])
        for index, count in enumerate((len(result.differences), len(result.theirs_only),
                                       len(result.ours_only), len(result.unreadable))):
            label = self.compare_tabs.tabText(index).split("(")[0]
            self.compare_tabs.setTabText(index, f"{label}({count})")
        self.save_compare.setEnabled(True)

    def open_file(self, table: QTableWidget, row: int) -> None:
        """The person a difference is about, in their file (by ID number, or 档案号)."""
        from carecenter.register.people import Register

        if self.open_person is None:
            return
        register = Register(self.database, today=self.today)
        cell = table.item(row, 0)
        if cell is None:
            return
        person_id: int | None
        if table is self.ours_only:
            person_id = int(cell.text())
        else:
            person_id = register.find_by_id_number(cell.text())
        if person_id is None:
            QMessageBox.information(self, "打开档案", f"登记册里没有身份证号为 {cell.text()} 的人")
            return
        self.open_person(person_id)

    def save_differences(self) -> None:
        if self.comparison is None:
            return
        path = file_dialogs.save_file(self, "保存差异表",
                                              str(_documents() / "比对差异.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        try:
            save_differences(self.comparison, path, self.database)
        except KnownError as e:
            QMessageBox.warning(self, "无法保存", e.message)


def export_kinds(figures: dict[str, Any]) -> str:
    """"、留守儿童 46 人…": the other kinds' sheets, so that "126 人" is not read as the
    whole register of 200 (issue 21 puts each kind on its own sheet)."""
    kinds = figures.get("kinds") or {}
    return "".join(f"、{label.removeprefix('农村')} {counts.get('在册', 0)} 人"
                   for label, counts in kinds.items())
