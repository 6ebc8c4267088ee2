"""The needs ledger (需求台账): every need raised, its handling and its resolution.

    NeedsWindow(care)             # care: carecenter.care.care_book.CareBook; a top-level window
    NeedsWindow(care, person_id)  # 登记需求 then starts with that person

Open / resolved / all; 登记需求 (Ctrl+N), 办理 (Ctrl+H), 解决 (Enter on a row).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.care import visit_grid as sheet
from carecenter.care.care_book import (
    NEED_KINDS,
    CareBook,
    ChangedSinceOpened,
    NeedInput,
    NeedRecord,
)
from carecenter.errors import FieldError, KnownError, ValidationFailed
from ui.widgets.dates import date_edit, to_date
from ui.widgets.error_form import ErrorForm
from ui.widgets.field_widgets import confirm_buttons
from ui.widgets.screen_fit import fit_resize

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("提出日期", "姓名", "村民小组", "类别", "需求", "提出人", "办理情况", "解决日期",
           "解决情况", "历时(天)")
WIDTHS = (92, 70, 80, 76, 220, 90, 170, 92, 180, 64)
FILTERS = (("未解决", True), ("已解决", False), ("全部", None))
SORT = Qt.ItemDataRole.UserRole
LONG_OPEN = 30  # days: an open need older than this is shown in red


class NeedsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.needs: list[NeedRecord] = []
        self.groups: dict[int, str] = {}
        self.today = clock.today()

    def set_needs(self, needs: list[NeedRecord], groups: dict[int, str], today: date) -> None:
        self.beginResetModel()
        self.needs, self.groups, self.today = needs, groups, today
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.needs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def days(self, need: NeedRecord) -> int:
        return ((need.resolved_on or self.today) - need.raised_on).days

    def values(self, need: NeedRecord) -> tuple[Any, ...]:
        return (need.raised_on, need.person_name, self.groups.get(need.person_id, ""),
                need.kind_label, need.description, need.raised_by, need.handling,
                need.resolved_on, need.resolution, self.days(need))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        need = self.needs[index.row()]
        value = self.values(need)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, date):
                return f"{value:%Y-%m-%d}"
            if value is None:
                return "" if index.column() != 7 else "未解决"
            return str(value) if not isinstance(value, str) else value.replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (4, 6, 8):
            return value or None
        if role == SORT:
            return value.toordinal() if isinstance(value, date) else (
                value if value is not None else 0)
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == 9 and need.open and self.days(need) > LONG_OPEN:
                return QColor("#c0392b")
            if index.column() == 7 and need.open:
                return QColor("#888888")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 9:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class NeedsTable(QTableView):
    def __init__(self, window: NeedsWindow) -> None:
        super().__init__()
        self.window_ = window

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.window_.resolve_current()
            return
        super().keyPressEvent(event)


class NeedsWindow(QWidget):
    def __init__(self, care: CareBook, person_id: int | None = None,
                 parent: QWidget | None = None, load: bool = True) -> None:
        super().__init__(parent)
        self.care = care
        self.person_id = person_id
        self.setWindowTitle("需求台账")
        self.filter = QComboBox()
        self.filter.setObjectName("filter")
        for label, value in FILTERS:
            self.filter.addItem(label, value)
        self.filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.count = QLabel()
        self.count.setObjectName("count")

        self.model = NeedsModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT)
        self.table = NeedsTable(self)
        self.table.setObjectName("needs")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _i: self.resolve_current())

        def button(text: str, name: str, slot: Any, keys: str) -> QPushButton:
            widget = QPushButton(f"{text}({keys})")
            widget.setObjectName(name)
            widget.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
            return widget

        top = QHBoxLayout()
        top.addWidget(QLabel("显示"))
        top.addWidget(self.filter)
        top.addWidget(self.count, 1)
        # Alt, not Ctrl: as a tab of the main window, Ctrl+N/H/D are its own actions.
        top.addWidget(button("登记需求", "raise", self.raise_need, "Alt+N"))
        top.addWidget(button("办理", "handle", self.handle_current, "Alt+H"))
        top.addWidget(button("解决", "resolve", self.resolve_current, "Alt+D"))
        hint = QLabel("在一行上按 Enter 登记解决;红色天数:超过 30 天未解决。")
        hint.setStyleSheet("color: #666")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        fit_resize(self, 1180, 640)
        self.loaded = False  # a tab of the main window reads the ledger when first shown
        if load:
            self.reload()
        self.table.setFocus()

    def reload(self, select: int | None = None) -> None:
        self.loaded = True
        open_only = self.filter.currentData()
        needs = self.care.needs(open_only=open_only)
        groups = sheet.group_names(self.care.database, [n.person_id for n in needs])
        self.model.set_needs(needs, groups, self.care.today())
        label = self.filter.currentText()
        self.count.setText(f"{label} {len(needs)} 项")
        row = 0
        if select is not None:
            for source_row, need in enumerate(needs):
                if need.id == select:
                    row = self.proxy.mapFromSource(self.model.index(source_row, 0)).row()
        if needs:
            self.table.selectRow(max(0, min(row, self.proxy.rowCount() - 1)))

    def current(self) -> NeedRecord | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.needs[self.proxy.mapToSource(index).row()]

    # -- actions -----------------------------------------------------------------------

    def raise_need(self) -> None:
        dialog = RaiseNeedDialog(self.care, self.person_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(dialog.saved_id)

    def handle_current(self) -> None:
        need = self.current()
        if need is None:
            return
        dialog = HandleNeedDialog(self.care, need, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(need.id)

    def resolve_current(self) -> None:
        need = self.current()
        if need is None:
            return
        if not need.open:
            self.count.setText(f"该需求已于 {need.resolved_on:%Y-%m-%d} 解决")
            return
        dialog = ResolveNeedDialog(self.care, need, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(need.id)


def _text_box(text: str = "", placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(72)
    return box


def _need_summary(need: NeedRecord) -> QLabel:
    label = QLabel(f"{need.person_name} · {need.kind_label} · {need.raised_on:%Y-%m-%d} "
                   f"{need.raised_by} 提出\n{need.description}")
    label.setWordWrap(True)
    label.setStyleSheet("background: #f4f4f4; padding: 6px")
    return label


class NeedDialog(QDialog):
    """A form of one need action; saving goes through ``attempt``."""

    def __init__(self, title: str, confirm: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = ErrorForm()
        self.layout_ = QVBoxLayout(self)
        self.confirm = confirm
        self.saved_id: int | None = None

    def finish(self) -> None:
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.form.general)
        self.layout_.addWidget(confirm_buttons(self, self.confirm, self.save))
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save)
        self.resize(480, 0)

    def save(self) -> None:
        try:
            self.attempt()
        except KnownError as e:
            self.form.show_error(e)
            return
        self.accept()

    def attempt(self) -> None:
        raise NotImplementedError


class RaiseNeedDialog(NeedDialog):
    def __init__(self, care: CareBook, person_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("登记需求", "登记", parent)
        self.care = care
        self.finder = sheet.PersonFinder(sheet.active_people(care.database))
        self.person = QLineEdit()
        self.person.setObjectName("person")
        self.person.setPlaceholderText("姓名、档案号或身份证号")
        completer = QCompleter([p.label for p in self.finder.picks], self.person)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.person.setCompleter(completer)
        if person_id is not None and person_id in self.finder.by_id:
            self.person.setText(self.finder.by_id[person_id].label)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.kind.addItem("(请选择)", None)
        for code, label in NEED_KINDS.items():
            self.kind.addItem(label, code)
        self.description = _text_box(placeholder="如:屋顶漏雨需修缮")
        self.description.setObjectName("description")
        today = care.today()
        self.raised_on = date_edit(today, today)
        self.raised_on.setObjectName("raised_on")
        self.raised_by = QLineEdit(care.last_visitor())
        self.raised_by.setObjectName("raised_by")
        self.raised_by.setPlaceholderText("谁提出或转来的,如 王网格员")
        self.form.add("person", "人员", self.person)
        self.form.add("kind", "类别", self.kind)
        self.form.add("description", "需求", self.description)
        self.form.add("raised_on", "提出日期", self.raised_on)
        self.form.add("raised_by", "提出人", self.raised_by)
        self.finish()
        (self.kind if person_id is not None else self.person).setFocus()

    def attempt(self) -> None:
        errors: list[FieldError] = []
        person_id = None
        try:
            person_id = self.finder.find(self.person.text()).id
        except ValueError as e:
            errors.append(FieldError("person", str(e)))
        entry = NeedInput(self.kind.currentData() or "", self.description.toPlainText(),
                          to_date(self.raised_on.date()), self.raised_by.text())
        if person_id is None:
            raise ValidationFailed(errors)
        self.saved_id = self.care.raise_need(person_id, entry)


class HandleNeedDialog(NeedDialog):
    def __init__(self, care: CareBook, need: NeedRecord, parent: QWidget | None = None) -> None:
        super().__init__(f"办理 — {need.person_name}", "保存办理情况", parent)
        self.care = care
        self.need = need
        self.seen = need.handling  # as the dialog opened (issue 22: no silent overwrite)
        self.layout_.addWidget(_need_summary(need))
        self.handling = _text_box(need.handling, "已做了什么、转给了谁、还要做什么")
        self.handling.setObjectName("handling")
        self.form.add("handling", "办理情况", self.handling)
        self.finish()
        self.handling.setFocus()

    def attempt(self) -> None:
        try:
            self.care.handle_need(self.need.id, self.handling.toPlainText(), seen=self.seen)
        except ChangedSinceOpened as e:
            # The clerk's words stay; saved again, they go over what is there now.
            self.seen = e.current
            raise KnownError(e.message + "您填写的内容仍在窗口中:请把别人写的合进来后"
                             "再保存。") from e


class ResolveNeedDialog(NeedDialog):
    def __init__(self, care: CareBook, need: NeedRecord, parent: QWidget | None = None) -> None:
        super().__init__(f"解决 — {need.person_name}", "登记解决", parent)
        self.care = care
        self.need = need
        self.layout_.addWidget(_need_summary(need))
        if need.handling:
            handled = QLabel(f"办理情况:{need.handling}")
            handled.setWordWrap(True)
            self.layout_.addWidget(handled)
        today = care.today()
        self.resolved_on = date_edit(today)
        self.resolved_on.setObjectName("resolved_on")
        self.resolution = _text_box(placeholder="如:已协调修缮,老人满意")
        self.resolution.setObjectName("resolution")
        self.form.add("resolved_on", "解决日期", self.resolved_on)
        self.form.add("resolution", "解决情况", self.resolution)
        self.finish()
        self.resolution.setFocus()

    def attempt(self) -> None:
        self.care.resolve_need(self.need.id, to_date(self.resolved_on.date()),
                               self.resolution.toPlainText())
