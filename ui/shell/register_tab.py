"""The register tab: its search box, its filters and its table, and the queries behind
them (a part of the main window, ``ui.shell.main_window``)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

# The columns, the filters and the model load with the tab (``_build_register_page``),
# not with the window: an encrypted register's window paints its sign-in page first.
if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QTabWidget

    from carecenter.overview.printed_lists import Pending
    from carecenter.register.columns import RegisterQuery
    from carecenter.register.first_screen import FirstScreen
    from carecenter.register.listing import Listing
    from carecenter.register.people import Register
    from carecenter.storage.database import Database

    _Window = QMainWindow
else:
    _Window = object  # a part of MainWindow, which is the QMainWindow

class RegisterTable(QTableView):
    """The table; Enter opens the file under the cursor; Ctrl+End goes to the last
    person of a search counted only so far (counted whole first)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        window = self.window()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(window,
                                                                              RegisterTab):
            window.open_current()
            return
        if (event.key() == Qt.Key.Key_End
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and isinstance(window, RegisterTab)):
            window.model.count_all()
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Down arrow moves from the search box into the table."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        window = self.window()
        if isinstance(window, RegisterTab):
            if event.key() == Qt.Key.Key_Down:
                window.table.setFocus()
                if window.model.rowCount() and not window.table.currentIndex().isValid():
                    window.table.selectRow(0)
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and window.model.rowCount():
                window.search_now()
                window.table.setFocus()
                window.table.selectRow(0)
                return
            if event.key() == Qt.Key.Key_Escape and self.text():
                self.clear()
                return
        super().keyPressEvent(event)



class RegisterTab(_Window):
    """The main window's register tab (a part of ``MainWindow``)."""

    database: Database | None
    register: Register
    tabs: QTabWidget

    if TYPE_CHECKING:
        def finish_start(self) -> bool: ...
        def open_current(self) -> None: ...
        def _update_actions(self) -> None: ...
        def _update_counts(self, totals: bool = True) -> None: ...

    def _build_register_page(self, database: Database | None,
                             first: FirstScreen | None) -> None:
        from carecenter.register.columns import COLUMNS, KIND_FILTER, NO_COLOUR, RegisterQuery
        from carecenter.rules.fields import ACTIVE, EXITED
        from carecenter.rules.risk import COLOURS
        from ui.register.register_filters import housing_filter, verdict_filter
        from ui.register.register_model import RegisterModel
        from ui.widgets.colours import colour_icon, colour_text

        self.search = SearchBox()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("搜索:姓名 / 拼音首字母(如 zgl)/ 全拼 / 身份证号 / 电话")
        self.search.setClearButtonEnabled(True)
        self.group_filter = QComboBox()
        self.group_filter.setObjectName("group_filter")
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.kind_filter.addItem("全部", None)
        for code, label in KIND_FILTER:
            self.kind_filter.addItem(label, code)
        self.colour_filter = QComboBox()
        self.colour_filter.setObjectName("colour_filter")
        self.colour_filter.addItem("全部", None)
        for code in COLOURS:
            self.colour_filter.addItem(colour_icon(code), colour_text(code), code)
        self.colour_filter.addItem(colour_icon(""), colour_text(None), NO_COLOUR)
        self.verdict_filter, self.housing_filter = verdict_filter(), housing_filter()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        for label, status in (("在册", ACTIVE), ("已退出", EXITED), ("全部", None)):
            self.status_filter.addItem(label, status)

        if database is not None:
            from carecenter.register.listing import Listing

            self.listing: Listing = Listing(database)
            self.model = RegisterModel(self.listing, RegisterQuery())
        else:
            assert first is not None
            self.model = RegisterModel(first, RegisterQuery())
            self.model.before_change = self.finish_start
        # A search counted only so far is counted whole when scrolled to its end.
        self.model.rowsInserted.connect(lambda *_: self._update_counts(totals=False))
        self.table = RegisterTable()
        self.table.setObjectName("register")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setVisible(False)
        # Each column its own width; the last one does not take what is left over.
        self.table.horizontalHeader().setStretchLastSection(False)
        for index, column in enumerate(COLUMNS):
            self.table.setColumnWidth(index, column.width)
        self.table.doubleClicked.connect(lambda _index: self.open_current())
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sort_indicator)

        self.count_label = QLabel()
        self._totals = ""
        # Two rows: the search box, where the clerk starts, wide on its own row with the
        # list's 打印/导出; the filters below. On one row at 1366 px the search box was
        # squeezed to "…" (issue 20).
        search_row = QHBoxLayout()
        metrics = self.search.fontMetrics()
        self.search.setMinimumWidth(metrics.horizontalAdvance("搜索:姓名 / 拼音首字母") + 40)
        search_row.addWidget(self.search, 1)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("村民小组"))
        filters.addWidget(self.group_filter)
        filters.addWidget(QLabel("类别"))
        filters.addWidget(self.kind_filter)
        filters.addWidget(QLabel("风险等级"))
        filters.addWidget(self.colour_filter)
        for label, box in (("留守认定", self.verdict_filter), ("住房隐患", self.housing_filter),
                           ("状态", self.status_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(box)
        filters.addStretch(1)
        from ui.widgets.list_output import list_buttons

        for button in list_buttons(self, self.printed_register, "register"):
            search_row.addWidget(button)
        self.register_page = register_page = QWidget()
        layout = QVBoxLayout(register_page)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addWidget(self.table)

    def _connect_register_page(self) -> None:
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(60)  # folds a burst of typing into one query
        self._search_timer.timeout.connect(self.search_now)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.group_filter.currentIndexChanged.connect(lambda _i: self.search_now())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.search_now())
        for box in (self.colour_filter, self.verdict_filter, self.housing_filter,
                    self.kind_filter):
            box.currentIndexChanged.connect(lambda _i: self.search_now())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())

    def _keep_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A column that cannot be sorted must not show the arrow: put it back."""
        from carecenter.register.columns import COLUMN_KEYS, COLUMNS

        if COLUMNS[column].sortable:
            return
        current = COLUMN_KEYS.index(self.model.query.sort_key)
        order = (Qt.SortOrder.DescendingOrder if self.model.query.descending
                 else Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(current, order)
        header.blockSignals(False)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- querying ---------------------------------------------------------------------

    def _fill_groups(self, groups: list[tuple[int, str]] | None = None) -> None:
        """The group filter: these groups (id, name), else the register's."""
        if groups is None:
            groups = [(g.id, g.name) for g in self.register.groups.list()]
        current = self.group_filter.currentData()
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem("全部", None)
        for group_id, name in groups:
            self.group_filter.addItem(name, group_id)
        self.group_filter.addItem("(未分组)", 0)
        index = self.group_filter.findData(current)
        self.group_filter.setCurrentIndex(max(index, 0))
        self.group_filter.blockSignals(False)

    def query(self) -> RegisterQuery:
        return replace(
            self.model.query,
            text=self.search.text(),
            group_id=self.group_filter.currentData(),
            status=self.status_filter.currentData(),
            colour=self.colour_filter.currentData(),
            kind=self.kind_filter.currentData(),
            verdict=self.verdict_filter.currentData(),
            housing=self.housing_filter.currentData(),
        )

    def search_now(self) -> None:
        self._search_timer.stop()
        if not self.finish_start():
            return
        self.model.set_query(self.query())
        self.table.scrollToTop()  # a new answer starts at its top, wherever the old one was
        self._update_counts(totals=False)
        self._update_actions()

    def select_person(self, person_id: int) -> None:
        row = self.model.row_of(person_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))


    def printed_register(self) -> Pending:
        """The register as filtered now, in the order shown (read when written: a
        county's register takes seconds, shown in a progress dialog)."""
        from carecenter.overview.printed_lists import pending_register_list

        assert self.database is not None  # the buttons act once the database is open
        q = self.query()
        said = [f"{label}:{combo.currentText()}" for label, combo in (
            ("村民小组", self.group_filter), ("风险等级", self.colour_filter),
            ("留守认定", self.verdict_filter), ("住房隐患", self.housing_filter),
            ("状态", self.status_filter)) if combo.currentData() is not None
            or combo is self.status_filter]
        if q.text.strip():
            said.insert(0, f"搜索:{q.text.strip()}")
        ids = self.model.ids
        # The kind shown names the list (儿童: 留守儿童名单); all kinds: 关爱对象名单.
        kind = self.kind_filter.currentText() if q.kind else ""
        title = f"留守{kind}名单" if kind in ("老年人", "儿童", "妇女") else (
            f"{kind}人员名单" if kind else "关爱对象名单")
        return pending_register_list(self.database, ids, title,
                                     f"{'  '.join(said)}  共 {len(ids)} 人")

    def show_verdict(self, verdict: str) -> None:
        """The register, every active person with this 留守 verdict."""
        self.show_colour(None, verdict)

    def show_colour(self, colour: str | None, verdict: str | None = None) -> None:
        """The register, every active person of this colour ("": not yet assessed)."""
        from carecenter.register.columns import NO_COLOUR
        from carecenter.rules.fields import ACTIVE

        self.tabs.setCurrentWidget(self.register_page)
        wanted = None if colour is None else colour or NO_COLOUR
        for combo, value in ((self.group_filter, None), (self.status_filter, ACTIVE),
                             (self.colour_filter, wanted), (self.verdict_filter, verdict),
                             (self.housing_filter, None)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.search_now()
        self.table.setFocus()
        if self.model.rowCount():
            self.table.selectRow(0)

