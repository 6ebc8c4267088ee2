"""帮扶人: the list of helpers with their load, the coverage of pairing, and duties.

Three tabs: 帮扶人 (add, edit, stop using; load bar against the limit), 结对覆盖 (who has
no helper, per group and colour) and 履职情况 (seed 001 duties this month). The suggested
pairing opens from here (``ui.pairing.pairing_dialog``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.calendar import add_months
from carecenter.errors import KnownError, ValidationFailed
from carecenter.overview.printed_lists import PrintedList, helper_people
from carecenter.pairing.duties import DUTIES, PERIOD_LABELS, helper_duties
from carecenter.pairing.helper_book import ROLES, HelperBook, HelperDraft, HelperInfo
from carecenter.pairing.pairs import LOAD_COLOUR_LABELS, PairingBook
from carecenter.register.groups import GroupBook
from carecenter.storage.database import Database
from ui.pairing.pairing_dialog import suggest
from ui.widgets.field_widgets import confirm_buttons
from ui.widgets.first_paint import after_first_paint
from ui.widgets.list_output import list_buttons, tell_saved
from ui.widgets.save_place import ask_save_path, missing_folder
from ui.widgets.screen_fit import fit_resize
from ui.widgets.search_keys import search_leads_to

COLUMNS = ("姓名", "身份", "联系电话", "村民小组", "结对人数", "负荷", "状态")
LOAD_COLUMN = 5
Index = QModelIndex | QPersistentModelIndex


class HelperModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HelperInfo] = []
        self.limit = 30
        self.loaded = True  # False while the loads are still being read

    def load(self, rows: list[HelperInfo], limit: int, loaded: bool = True) -> None:
        self.beginResetModel()
        self.rows, self.limit, self.loaded = rows, limit, loaded
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        h = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = "在岗" if h.active else f"已停用({h.inactive_since or ''})"
            people = f"{h.people}" + (f"(另第二帮扶 {h.seconds})" if h.seconds else "")
            load = f"{h.load} / {self.limit}" + (" 超过上限" if h.load > self.limit else "")
            if not self.loaded:
                people = load = "…"
            return (h.name, h.role_label, h.phone, h.group_name or "全村", people, load,
                    state)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return h.load
        if role == Qt.ItemDataRole.ForegroundRole and not h.active:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == LOAD_COLUMN:
            return (f"负荷 {h.load},上限 {self.limit}"
                    + (",已超过上限,请把部分对象改派他人" if h.load > self.limit else ""))
        return None


class HelperFilter(QSortFilterProxyModel):
    """What is typed, in any column; letters also as the name's pinyin (zh finds 张红,
    as the register's search does). The pinyin is worked out at the first letters typed,
    not when the window opens (6,000 names in a county: ~0.2 s, once)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.letters = ""
        self._terms: dict[str, list[str]] = {}

    def look_for(self, text: str) -> None:
        text = text.strip()
        self.letters = text.lower() if text.isascii() and text.isalpha() else ""
        self.setFilterFixedString(text)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802 - Qt's name
        if super().filterAcceptsRow(row, parent):
            return True
        model = self.sourceModel()
        if not self.letters or not isinstance(model, HelperModel):
            return False
        name = model.rows[row].name
        if name not in self._terms:
            from carecenter.register.pinyin import search_terms

            self._terms[name] = search_terms(name)
        return any(term.startswith(self.letters) for term in self._terms[name])


class LoadBar(QStyledItemDelegate):
    """The load as a bar against the limit; red past it."""

    def __init__(self, model: HelperModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        load = int(index.data(Qt.ItemDataRole.UserRole) or 0)
        limit = max(1, self.model.limit)
        rect: QRect = option.rect.adjusted(3, 5, -3, -5)
        painter.save()
        painter.fillRect(rect, QColor("#eeeeee"))
        width = int(rect.width() * min(load, limit) / limit)
        colour = "#d7301f" if load > limit else "#f0b400" if load > limit * 0.8 else "#2e8b57"
        painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), QColor(colour))
        painter.setPen(QColor("#000000"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(index.data()))
        painter.restore()


class HelperEditor(QDialog):
    """Add or edit one helper; errors are shown beside their field."""

    def __init__(self, book: HelperBook, groups: GroupBook, info: HelperInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.info = info
        self.saved_id: int | None = None
        self.setWindowTitle("修改帮扶人" if info else "新增帮扶人")
        self.name = QLineEdit(info.name if info else "")
        self.name.setObjectName("name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for code, label in ROLES.items():
            self.role.addItem(label, code)
        self.phone = QLineEdit(info.phone if info else "")
        self.phone.setObjectName("phone")
        self.group = QComboBox()
        self.group.setObjectName("group")
        self.group.addItem("全村(不分组)", None)
        for g in groups.list(include_inactive=False):
            self.group.addItem(g.name, g.id)
        self.id_number = QLineEdit(info.id_number if info else "")
        self.note = QLineEdit(info.note if info else "")
        if info:
            self.role.setCurrentIndex(max(self.role.findData(info.role), 0))
            self.group.setCurrentIndex(max(self.group.findData(info.group_id), 0))
        self.id_number.setObjectName("id_number")
        self.note.setObjectName("note")
        self.phone.setPlaceholderText("手机或座机")
        self.id_number.setPlaceholderText("18 位,可不填")
        # Each field as wide as what it holds: an 18-digit ID number, a sentence of 备注
        # (the dialog was 230 px wide and cut them, issue 20).
        metrics = self.fontMetrics()
        wide = metrics.horizontalAdvance("430524198001010011") + 24
        for field in (self.name, self.phone, self.id_number, self.role, self.group):
            field.setMinimumWidth(wide)
        self.note.setMinimumWidth(max(wide, 22 * metrics.horizontalAdvance("汉")))
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, name, widget in (("姓名", "name", self.name), ("身份", "role", self.role),
                                    ("联系电话", "phone", self.phone),
                                    ("村民小组", "group_id", self.group),
                                    ("身份证号", "id_number", self.id_number),
                                    ("备注", "note", self.note)):
            error = QLabel()
            error.setObjectName(f"error_{name}")
            error.setStyleSheet("color: #d7301f")
            error.setWordWrap(True)
            error.hide()
            self.errors[name] = error
            box = QVBoxLayout()
            box.addWidget(widget)
            box.addWidget(error)
            form.addRow(label, box)
        form.addRow(confirm_buttons(self, "保存", self.save))

    def draft(self) -> HelperDraft:
        return HelperDraft(self.name.text(), self.role.currentData(), self.phone.text(),
                           self.group.currentData(), self.id_number.text(), self.note.text())

    def save(self) -> None:
        for shown in self.errors.values():
            shown.hide()
        try:
            if self.info is None:
                self.saved_id = self.book.add(self.draft())
            else:
                self.book.edit(self.info.id, self.draft())
                self.saved_id = self.info.id
        except ValidationFailed as e:
            for error in e.errors:
                label = self.errors.get(error.field)
                if label is not None:
                    label.setText(error.message)
                    label.show()
            return
        except KnownError as e:
            QMessageBox.warning(self, self.windowTitle(), e.message)
            return
        self.accept()


class HelpersWindow(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.day = today or clock.today()
        self.book = HelperBook(database, lambda: self.day)
        self.pairings = PairingBook(database, lambda: self.day)
        self.groups = GroupBook(database)
        self.setWindowTitle("帮扶人与结对")
        fit_resize(self, 1000, 640)

        self.model = HelperModel()
        # 6,000 helpers in a county: a proxy over a list this size filters as fast as typed.
        self.filtered = HelperFilter(self)
        self.filtered.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setObjectName("helper_search")
        self.search.setPlaceholderText("搜索帮扶人:姓名 / 电话 / 身份 / 村民小组")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.table = QTableView()
        self.table.setObjectName("helpers")
        self.table.setModel(self.filtered)
        self.table.setItemDelegateForColumn(LOAD_COLUMN, LoadBar(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        for column, width in enumerate((90, 90, 120, 80, 130, 170, 150)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        search_leads_to(self.search, self.table, self.edit)
        self.warning = QLabel()
        self.warning.setObjectName("warning")
        buttons = QHBoxLayout()
        for label, slot, name in (("新增(&N)", self.add, "add"), ("修改(&E)", self.edit, "edit"),
                                  ("停用…", self.deactivate, "deactivate"),
                                  ("恢复在岗", self.reactivate, "reactivate"),
                                  ("为未结对的人建议帮扶人…", self.suggest, "suggest")):
            button = QPushButton(label)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        for button in list_buttons(self, self._helper_people, "helper_people"):
            button.setText("帮扶对象名单" + button.text())
            buttons.addWidget(button)
        sheet = QPushButton("走访记录表…")
        sheet.setObjectName("visit_sheet")
        sheet.setToolTip("打印所选帮扶人某月的走访记录表(A4)")
        sheet.clicked.connect(lambda _checked=False: self.print_sheet())  # not the bool as month
        buttons.addWidget(sheet)
        helpers_tab = QWidget()
        layout = QVBoxLayout(helpers_tab)
        layout.addWidget(self.search)
        layout.addLayout(buttons)
        layout.addWidget(self.warning)
        layout.addWidget(self.table)

        self.coverage_label = QLabel()
        self.coverage_label.setObjectName("coverage_label")
        self.by_group = QTableWidget()
        self.by_group.setObjectName("coverage_groups")
        self.by_colour = QTableWidget()
        self.by_colour.setObjectName("coverage_colours")
        self.unpaired = QTableWidget()
        self.unpaired.setObjectName("unpaired")
        coverage_tab = QWidget()
        cover = QVBoxLayout(coverage_tab)
        cover.addWidget(self.coverage_label)
        tables = QHBoxLayout()
        tables.addWidget(self.by_group, 2)
        tables.addWidget(self.by_colour, 1)
        tables.addWidget(self.unpaired, 3)
        cover.addLayout(tables)

        self.duties = QTableWidget()
        self.duties.setObjectName("duties")
        duties_tab = QWidget()
        QVBoxLayout(duties_tab).addWidget(self.duties)

        self.tabs = QTabWidget()
        self.tabs.addTab(helpers_tab, "帮扶人")
        self.tabs.addTab(coverage_tab, "结对覆盖")
        self.tabs.addTab(duties_tab, "履职情况")
        self.tabs.currentChanged.connect(lambda _i: self.refresh_tab())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(close)
        outer.addLayout(row)
        # The names first; people and loads (a pass over every pairing) after the first
        # paint, so that the window opens at once on a county's register.
        self.refresh(loads=False)
        after_first_paint(self.table, self.refresh)
        self.search.setFocus()

    # -- showing ----------------------------------------------------------------------

    def refresh(self, select: int | None = None, loads: bool = True) -> None:
        rules = self.pairings.rules()
        rows = self.book.list(with_load=loads)
        current = self.current()
        self.model.load(rows, rules.limit, loaded=loads)
        if select is None and current is not None:
            select = current.id
        if not loads:
            self.warning.setText("正在统计结对人数……")
            return
        over = [h.name for h in rows if h.active and h.load > rules.limit]
        active = sum(h.active for h in rows)
        text = f"在岗 {active} 人,已停用 {len(rows) - active} 人。{rules.text()}。"
        if over:
            text += f" ⚠ {len(over)} 名帮扶人超过负荷上限:{'、'.join(over[:8])}"
        self.warning.setText(text)
        # Red only when a helper is over the limit: the counts alone are not a warning.
        self.warning.setStyleSheet("color: #d7301f" if over else "")
        if select is not None:
            for n, h in enumerate(rows):
                if h.id == select:
                    self.table.selectRow(self.filtered.mapFromSource(
                        self.model.index(n, 0)).row())
        self.refresh_tab()

    def _filter(self, text: str) -> None:
        self.filtered.look_for(text)
        if self.filtered.rowCount():
            self.table.selectRow(0)

    def refresh_tab(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.show_coverage()
        elif self.tabs.currentIndex() == 2:
            self.show_duties()

    @staticmethod
    def _fill(table: QTableWidget, headers: tuple[str, ...], rows: list[tuple[Any, ...]]
              ) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setRowCount(len(rows))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def show_coverage(self) -> None:
        coverage = self.pairings.coverage()
        self.coverage_label.setText(
            f"在册 {coverage.total} 人,已结对 {coverage.paired} 人,未结对 "
            f"{coverage.unpaired} 人,覆盖率 {coverage.percent:.1f}%(目标 100%)")
        self._fill(self.by_group, ("村民小组", "在册", "未结对"),
                   [(g.name, g.total, g.unpaired) for g in coverage.groups])
        self._fill(self.by_colour, ("风险等级", "在册", "未结对"),
                   [(LOAD_COLOUR_LABELS[c], t, u) for c, (t, u) in coverage.colours.items()])
        self._fill(self.unpaired, ("未结对人员", "村民小组", "风险等级"),
                   [(name, group, LOAD_COLOUR_LABELS.get(colour or "unassessed", ""))
                    for _, name, group, colour in self.pairings.unpaired(limit=500)])

    def show_duties(self) -> None:
        headers = ("帮扶人", "结对人数", *(f"{PERIOD_LABELS[d.period]}{d.label}≥{d.required}次 达标"
                                         for d in DUTIES), "全部达标")
        # Each duty out of the helper's people who owe it (a child's monthly visit is not
        # an elder's): "—" where none of them does.
        rows = [(d.helper_name, d.people,
                 *(f"{m}/{o}" if o else "—" for m, o in zip(d.met, d.owing, strict=True)),
                 f"{d.all_met}/{d.people}")
                for d in sorted(helper_duties(self.database, self.day),
                                key=lambda d: d.all_met - d.people)]
        self._fill(self.duties, headers, rows)

    def current(self) -> HelperInfo | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = self.filtered.mapToSource(index).row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    # -- commands ---------------------------------------------------------------------

    def add(self) -> None:
        editor = HelperEditor(self.book, self.groups, None, self)
        if editor.exec() and editor.saved_id is not None:
            self.refresh(editor.saved_id)
        editor.deleteLater()

    def edit(self) -> None:
        info = self.current()
        if info is None:
            return
        editor = HelperEditor(self.book, self.groups, info, self)
        if editor.exec():
            self.refresh(info.id)
        editor.deleteLater()

    def deactivate(self) -> None:
        info = self.current()
        if info is None or not info.active:
            return
        reason, ok = QInputDialog.getText(
            self, "停用帮扶人",
            f"停用 {info.name}?其 {info.people} 名结对对象将变为未结对,需重新结对。\n"
            "停用原因(如:外出务工):")
        if not ok:
            return
        try:
            ended = self.book.deactivate(info.id, reason)
        except KnownError as e:
            QMessageBox.warning(self, "停用帮扶人", e.message)
            return
        self.refresh(info.id)
        if ended:
            answer = QMessageBox.question(
                self, "停用帮扶人",
                f"已停用 {info.name},{ended} 个结对已结束。现在为未结对的人建议帮扶人?")
            if answer == QMessageBox.StandardButton.Yes:
                self.suggest()

    def reactivate(self) -> None:
        info = self.current()
        if info is None or info.active:
            return
        try:
            self.book.reactivate(info.id)
        except KnownError as e:
            QMessageBox.warning(self, "恢复在岗", e.message)
            return
        self.refresh(info.id)

    def suggest(self) -> None:
        if suggest(self.database, self):
            self.refresh()

    # -- lists on paper -------------------------------------------------------------------

    def _helper_people(self) -> PrintedList:
        info = self.current()
        if info is None:
            return PrintedList("帮扶对象名单", ())
        return helper_people(self.database, info.id, self.day)

    def print_sheet(self, month: date | None = None, path: str | None = None) -> str | None:
        """The monthly 走访记录表 of the chosen helper (as ``print sheet`` does)."""
        info = self.current()
        if info is None:
            QMessageBox.information(self, "走访记录表", "请先选中一名帮扶人")
            return None
        if month is None:
            months = [add_months(self.day.replace(day=1), -k) for k in range(12)]
            chosen, ok = QInputDialog.getItem(self, "走访记录表", f"{info.name}的走访记录表,月份:",
                                              [f"{m:%Y年%m月}" for m in months], 0, False)
            if not ok:
                return None
            month = months[[f"{m:%Y年%m月}" for m in months].index(chosen)]
        if path is None:
            path = ask_save_path(self, "保存走访记录表", f"走访记录表{info.name}{month:%Y%m}.pdf",
                                 "PDF 文件 (*.pdf)", ".pdf")
            if path is None:
                return None
        from carecenter.documents.visit_sheet_pdf import visit_sheet

        message = missing_folder(path)
        if message:
            QMessageBox.warning(self, "走访记录表", message)
            return None
        try:
            visit_sheet(self.database, info.id, month, path)
        except (KnownError, OSError) as e:
            QMessageBox.warning(self, "走访记录表",
                                e.message if isinstance(e, KnownError) else str(e))
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            tell_saved(self, "走访记录表", path)
        return path
