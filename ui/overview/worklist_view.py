"""工作台: the first thing the clerk sees — what is overdue and due, for whom.

Rows come sorted by section, then colour (red first), then village group. Enter on a
row records the visit (or the assessment, or the need's resolution) for that person.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carecenter import clock
from carecenter.errors import KnownError
from carecenter.rules.risk import COLOURS
from ui.widgets.colours import colour_icon, colour_text
from ui.widgets.dates import date_edit, to_date
from ui.widgets.first_paint import after_first_paint

# The list, its rules and its dialogs load with the database, after the first paint.
if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent

    from carecenter.care.care_book import CareBook
    from carecenter.overview.printed_lists import PrintedList
    from carecenter.overview.work_list import WorkItem, WorkList
    from carecenter.register.people import Register

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("类别", "风险等级", "村民小组", "姓名", "事项", "要求 / 说明", "上次", "应完成",
           "逾期天数")
OVERDUE = QColor("#b03a2e")
NAME_COLUMN = 3  # 姓名 (a helper's, on 帮扶人履职)
WHAT_COLUMN = 4  # 事项
RULE_COLUMN = 5  # 要求 / 说明


class WorkListModel(QAbstractTableModel):
    """The rows shown: whole sections one after another, each read from the work list
    only when a row of it is first drawn or asked for (a county's list holds 200,000
    items; the window shows the first screenful).

    ``part_read`` is emitted (queued) after a section was first read, with its items;
    ``unreadable`` when a section could not be read (the register closed or locked
    meanwhile, or the database refused): its rows stay empty until the list is read
    again."""

    part_read = Signal(list)
    unreadable = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.on = clock.today()
        self._parts: list[tuple[int, Callable[[], list[WorkItem]]]] = []
        self._starts: list[int] = []
        self._total = 0
        self._read: dict[int, list[WorkItem]] = {}
        self.readable: Callable[[], bool] = lambda: True

    def set_items(self, on: date, items: list[WorkItem]) -> None:
        self.set_parts(on, [(len(items), lambda: items)])

    def set_parts(self, on: date, parts: list[tuple[int, Callable[[], list[WorkItem]]]]
                  ) -> None:
        """Sections as (how many rows, how to read them), in the order shown."""
        self.beginResetModel()
        self.on = on
        self._parts = [(n, read) for n, read in parts if n]
        self._starts = list(accumulate((n for n, _ in self._parts), initial=0))[:-1]
        self._total = sum(n for n, _ in self._parts)
        self._read = {}
        self.endResetModel()

    @property
    def items(self) -> list[WorkItem]:
        """Every row shown (all sections read: printing, exporting)."""
        return [item for part in range(len(self._parts)) for item in self._part(part)]

    def _part(self, part: int) -> list[WorkItem]:
        """A section's items, read once; never an exception out of a paint."""
        found = self._read.get(part)
        if found is not None:
            return found
        message: str | None = None
        if not self.readable():  # closed, locked, or someone else's list: not read
            found, message = [], ""
        else:
            try:
                found = self._parts[part][1]()
            except KnownError as e:
                found, message = [], e.message
        self._read[part] = found
        if message is None:
            self.part_read.emit(found)
        else:
            self.unreadable.emit(message)
        return found

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def item(self, row: int) -> WorkItem | None:
        if not 0 <= row < self._total:
            return None
        part = bisect_right(self._starts, row) - 1
        found = self._part(part)
        offset = row - self._starts[part]
        return found[offset] if offset < len(found) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row())
        if item is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            from carecenter.overview.work_list import SECTIONS  # loaded: there are items

            late = item.days_late(self.on)
            values = (
                SECTIONS[item.section], colour_text(item.colour), item.group or "未分组",
                item.name, item.what, item.rule,
                f"{item.last:%Y-%m-%d}" if item.last else ("" if item.section == "need"
                                                           else "尚无"),
                f"{item.due:%Y-%m-%d}" if item.due else "",
                str(late) if late else "",
            )
            return values[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return colour_icon(item.colour or "")
        if role == Qt.ItemDataRole.ForegroundRole and item.overdue and column in (0, 7, 8):
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return item.rule
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 8:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None


class WorkTable(QTableView):
    def keyPressEvent(self, event: QKeyEvent) -> None:
        parent = self.parent()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
                parent, WorkListView):
            parent.act_on_current()
            return
        super().keyPressEvent(event)


class WorkListView(QWidget):
    """The work list with its filters; ``changed`` is called after anything is recorded.

    At start-up it is built empty, before the database is open, and ``attach`` gives it
    the database after the first paint.
    """

    def __init__(self, care: CareBook | None = None, register: Register | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.care: CareBook | None = None
        self.register: Register | None = None
        self.result: WorkList | None = None
        self.on_changed: list[Any] = []
        # Opens a person's file (the main window's): a 查看 operator's Enter.
        self.open_file: Callable[[int], object] | None = None
        self._wanted = False  # the list was asked for before the database was open

        self.day = date_edit(clock.today())
        self.day.setObjectName("worklist_day")
        self.section = QComboBox()
        self.section.setObjectName("worklist_section")
        self.section.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group = QComboBox()
        self.group.setObjectName("worklist_group")
        self.colour = QComboBox()
        self.colour.setObjectName("worklist_colour")
        self.colour.addItem("全部", None)
        for code in COLOURS:
            self.colour.addItem(colour_icon(code), colour_text(code), code)
        refresh = QPushButton("刷新")
        refresh.setObjectName("refresh")
        refresh.clicked.connect(self.reload)
        self.summary = QLabel()
        self.summary.setObjectName("worklist_summary")
        self.summary.setWordWrap(True)

        self.model = WorkListModel()
        self.table = WorkTable(self)
        self.table.setObjectName("worklist")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        # 要求 / 说明 takes the room left over; 逾期天数 stays as narrow as its figures.
        self.table.horizontalHeader().setStretchLastSection(False)
        for column, width in enumerate((76, 80, 70, 70, 86, 380, 96, 96, 72)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(
            RULE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.act_on_current())
        queued = Qt.ConnectionType.QueuedConnection  # not from inside a paint
        self.model.part_read.connect(self._fit_columns, queued)
        self.model.unreadable.connect(self._unreadable, queued)
        self._forgotten = False  # the list was dropped (closed, locked) and is due again

        bar = QHBoxLayout()
        for label, widget in (("日期", self.day), ("类别", self.section),
                              ("村民小组", self.group), ("风险等级", self.colour)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(refresh)
        for button in self._list_buttons():
            bar.addWidget(button)
        bar.addStretch(1)
        hint = QLabel("Enter:记录走访 / 评估 / 办结需求")
        hint.setStyleSheet("color: #666")
        bar.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

        self.set_groups([])
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.group.currentIndexChanged.connect(lambda _i: self.reload())
        self.section.currentIndexChanged.connect(lambda _i: self._fit_section_box())
        self.section.currentIndexChanged.connect(lambda _i: self.show_items())
        self.colour.currentIndexChanged.connect(lambda _i: self.show_items())
        if care is not None and register is not None:
            self.attach(care, register)

    def attach(self, care: CareBook, register: Register) -> None:
        """The database is open: read the groups, and the list if it was asked for."""
        self.care, self.register = care, register
        self.day.blockSignals(True)
        today = care.today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.day.blockSignals(False)
        self._fill_groups()
        if self._wanted:
            self.reload()

    def load_after_first_paint(self) -> None:
        """Read the list once the empty table has been painted (start-up stays quick)."""
        self.summary.setText("正在读取工作台……")
        after_first_paint(self.table, self._first_load)

    def _first_load(self) -> None:
        if self.result is None:
            self.reload()

    def _fill_groups(self) -> None:
        from carecenter.register.groups import GroupBook

        assert self.care is not None
        self.set_groups([(g.id, g.name) for g in GroupBook(self.care.database).list()])

    def set_groups(self, groups: Sequence[tuple[int, str]]) -> None:
        """The village groups of the filter: id and name, in the village's order."""
        current = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("全部", None)
        for group_id, name in groups:
            self.group.addItem(name, group_id)
        self.group.setCurrentIndex(max(0, self.group.findData(current)))
        self.group.blockSignals(False)

    def _fit_section_box(self) -> None:
        """The chosen 类别 and its count whole, however short the bar is of room ("全部(387"
        before, issue 20); its list as wide as its longest choice."""
        box = self.section
        if not box.count():
            return
        metrics = box.fontMetrics()
        longest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
        wanted = box.sizeHint().width()  # the longest choice's (AdjustToContents)
        box.setMinimumWidth(wanted - longest + metrics.horizontalAdvance(box.currentText()))
        view = box.view()
        if view is not None:
            view.setMinimumWidth(wanted)

    def _can_read(self) -> bool:
        """The register is open and someone is signed in (not locked)."""
        database = self.care.database if self.care is not None else None
        return database is not None and not database.closed and database.operator is not None

    def needs_reading(self) -> bool:
        """After a sign-in: the list was dropped while locked, or was someone else's."""
        return self.care is not None and (
            self._forgotten or (self.result is not None and not self.result.readable()))

    def forget(self) -> None:
        """Show nothing of a list that may no longer be read (the register closed, or
        locked); read again by ``reload`` once it can be."""
        self.result = None
        self._forgotten = True
        self.model.set_parts(self.model.on, [])
        closed = self.care is not None and self.care.database.closed
        self.summary.setText("登记册已关闭。" if closed else "")

    def _unreadable(self, message: str) -> None:
        """A section could not be read: a refusal is said; a list that is no longer the
        signed-in operator's is read again for them, or dropped while nobody is."""
        if message:
            self.summary.setText(f"读取工作台失败:{message} 请点“刷新”重试。")
        elif self._can_read():
            self.reload()
        else:
            self.forget()

    def _fit_columns(self, items: list[WorkItem] | None = None) -> None:
        """类别, 姓名 and 事项 as wide as the longest they show: of the last two, in the
        sections read so far (a section is read when first drawn); columns only grow, so
        nothing jumps."""
        from carecenter.overview.work_list import SECTIONS

        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader().fontMetrics()
        pad = 18  # the cell's margins and the grid line

        def fit(column: int, texts: set[str]) -> None:
            # A county's section holds 60,000 names: only the longest are measured.
            longest = max(map(len, texts), default=0)
            measured = sorted((t for t in texts if len(t) >= longest - 1), key=len)[-200:]
            wanted = max([header.horizontalAdvance(HEADERS[column]),
                          *(metrics.horizontalAdvance(t) for t in measured)]) + pad
            if self.table.columnWidth(column) < wanted:
                self.table.setColumnWidth(column, wanted)

        if self.result is not None:
            fit(0, {SECTIONS[c] for c, n in self.result.sizes.items() if n})
        if items:
            fit(NAME_COLUMN, {i.name for i in items})
            fit(WHAT_COLUMN, {i.what for i in items})

    def reload(self) -> None:
        if self.care is None:  # read once the database is open (attach)
            self._wanted = True
            return
        if not self._can_read():  # locked or closed: read again after the sign-in
            self._wanted = True
            self.forget()
            return
        self._forgotten = False
        from carecenter.overview import work_list as worklist
        from carecenter.overview.work_list import SECTIONS

        try:
            self.result = worklist.build(self.care.database, to_date(self.day.date()),
                                         group_id=self.group.currentData())
        except KnownError as e:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "工作台", e.message)
            return
        counts = self.result.counts()
        current = self.section.currentData()
        self.section.blockSignals(True)
        self.section.clear()
        self.section.addItem(f"全部({self.result.total})", None)
        for code, label in SECTIONS.items():
            self.section.addItem(f"{label}({counts[code]})", code)
        self.section.setCurrentIndex(max(0, self.section.findData(current)))
        self.section.blockSignals(False)
        self._fit_section_box()
        self.show_items()
        self._fit_columns()

    def show_items(self) -> None:
        if self.result is None:
            return
        from carecenter.overview.work_list import SECTIONS

        result = self.result
        self.model.readable = result.readable
        section, colour = self.section.currentData(), self.colour.currentData()
        codes = [c for c in SECTIONS if section in (None, c) and result.sizes[c]]
        if colour is None:  # each section read when the table first draws a row of it
            self.model.set_parts(result.on, [
                (result.sizes[c], partial(result.section, c)) for c in codes])
            shown = sum(result.sizes[c] for c in codes)
        else:  # one colour: the sections are read to pick it out
            items = [i for c in codes for i in result.section(c) if i.colour == colour]
            self.model.set_items(result.on, items)
            shown = len(items)
        head = f"{result.on:%Y年%m月%d日},在册 {result.persons} 人,"
        if not shown:  # an empty register, or nothing due: no empty "按风险等级:。"
            self.summary.setText(head + ("没有需要办理的事项。" if result.persons else
                                         "登记册里还没有人。"))
            return
        if colour is None and len(codes) > 1:
            # The whole list: by section (its colours and groups would need every row).
            self.summary.setText(head + f"显示 {shown} 项。按类别:" + "、".join(
                f"{SECTIONS[c]} {result.sizes[c]}" for c in codes))
        else:
            items = self.model.items
            by_colour = Counter(colour_text(i.colour) for i in items)
            by_group = Counter(i.group or "未分组" for i in items)
            self.summary.setText(
                head + f"显示 {shown} 项。"
                "按风险等级:" + "、".join(f"{k} {n}" for k, n in by_colour.items())
                + "。按村民小组:"
                + "、".join(f"{k} {n}" for k, n in list(by_group.items())[:12]))
        self.table.selectRow(0)

    def _list_buttons(self) -> list[QPushButton]:
        """打印… / 导出 Excel… of the items shown (with the filters as set)."""
        from ui.widgets.list_output import list_buttons

        def printed() -> PrintedList:
            from carecenter.overview.printed_lists import work_list

            section = self.section.currentText().split("(")[0]
            title = "工作台" + ("" if self.section.currentData() is None else f"({section})")
            return work_list(self.model.items, self.model.on, title)

        return list_buttons(self, printed, "worklist")

    def show_overdue(self, group_id: int | None) -> None:
        """One group's overdue items (from the overview); None: every group."""
        self.group.blockSignals(True)
        self.group.setCurrentIndex(max(0, self.group.findData(group_id)))
        self.group.blockSignals(False)
        self.reload()
        self.section.setCurrentIndex(max(0, self.section.findData("overdue")))
        self.table.setFocus()

    def current(self) -> WorkItem | None:
        return self.model.item(self.table.currentIndex().row())

    def act_on_current(self) -> None:
        item = self.current()
        if item is None or self.care is None or self.register is None:
            return
        from carecenter.rules.roles import CLERK, allows

        operator = self.care.database.operator
        if operator is not None and not allows(operator.role, CLERK):
            # 查看: reading only; Enter opens the person's file to read, not a form the
            # core would refuse once filled in (issue 18).
            if self.open_file is not None and item.person_id is not None:
                self.open_file(item.person_id)
            return
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        from carecenter.overview.work_list import SECTIONS
        from ui.care.assessment_dialog import AssessmentDialog
        from ui.care.visit_dialog import VisitDialog

        row = self.table.currentIndex().row()
        done = False
        if item.section == "need" and item.ref is not None:
            text, ok = QInputDialog.getMultiLineText(
                self, "办结需求", f"{item.name}:{item.rule}\n解决情况:")
            if ok:
                try:
                    self.care.resolve_need(item.ref, self.care.today(), text)
                    done = True
                except KnownError as e:
                    QMessageBox.warning(self, "办结需求", e.message)
        elif item.section == "not_qualifying":
            # The one step: exit with the verdict's reason, after a confirmation.
            answer = QMessageBox.question(
                self, "办理退出",
                f"{item.name}{item.rule}。\n\n确认为其办理退出登记吗?档案和记录全部保留,"
                "需要时可恢复在册。")
            if answer == QMessageBox.StandardButton.Yes:
                try:
                    label = self.register.exit_not_qualifying(item.person_id)
                    done = True
                    QMessageBox.information(self, "办理退出", f"{item.name}已退出({label})")
                except KnownError as e:
                    QMessageBox.warning(self, "办理退出", e.message)
        elif item.section == "event":
            from carecenter.care.events import EVENT_KINDS, EventBook, EventInput

            kind = next(iter(item.cadence.evidence)) if item.cadence else "activity"
            title, ok = QInputDialog.getText(
                self, "登记村级活动", f"{EVENT_KINDS[kind]}名称(今天举办):")
            if ok:
                try:
                    EventBook(self.care.database).record(
                        EventInput(self.care.today(), kind, title))
                    done = True
                except KnownError as e:
                    QMessageBox.warning(self, "登记村级活动", e.message)
        elif item.section in ("agreement", "unpaired", "helper", "unsafe", "whereabouts",
                              "undecided"):
            where = {"agreement": "在登记册选中此人,用“打印…”起草并打印协议。",
                     "unpaired": "在“结对帮扶”中为其指定帮扶人。",
                     "helper": "请督促帮扶人履职,并在“走访记录”中登记电话与走访。"}
            QMessageBox.information(
                self, SECTIONS[item.section],
                f"{item.name}:{item.rule}\n{item.basis}\n\n"
                + where.get(item.section, "在登记册打开此人的档案补充或修改。"))
        elif item.section == "age_out":
            done = self._age_out(item)
        elif item.section in ("assess",):
            dialog = AssessmentDialog(self.care, self.register, item.person_id, self)
            done = bool(dialog.exec())
            dialog.deleteLater()
        else:
            # What meets the duty is recorded: a visit at the door where one counts,
            # else the cadence's own record (a child's 监护人联系交流, a woman's 两癌筛查,
            # 比对核实, 生活保障评估…).
            evidence = item.cadence.evidence if item.cadence else frozenset({"home"})
            kind = "home" if "home" in evidence else min(evidence)
            note = f"{item.what}:{item.rule}"
            visit = VisitDialog(self.care, item.person_id, item.name, self, kind=kind,
                                round_id=item.ref if item.section == "round" else None,
                                note=note)
            done = bool(visit.exec())
            visit.deleteLater()
        if done:
            self.reload()
            self.table.selectRow(min(row, self.model.rowCount() - 1))
            for callback in self.on_changed:
                callback()

    def _age_out(self, item: WorkItem) -> bool:
        """The person reached the kind's age: leave that kind (or, with no other kind,
        the register), dated the birthday, after the clerk says yes."""
        from PySide6.QtWidgets import QMessageBox

        assert self.register is not None
        if item.due is None:
            return False
        answer = QMessageBox.question(
            self, "到龄退出",
            f"{item.name}:{item.rule}。\n\n确定按 {item.due:%Y-%m-%d} 办理吗?"
            "(档案保留;如还属于其他类别,只去掉这一类别)")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.register.leave_kind(item.person_id, item.kind, item.due)
        except KnownError as e:
            QMessageBox.warning(self, "到龄退出", e.message)
            return False
        return True
