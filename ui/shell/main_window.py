"""The main window: the work list (工作台) first, and the register with its search box
and filters.

At start-up (``ui.shell.app``) the window is built from the first screen
(``carecenter.register.first_screen``) and shown before the database layer is loaded;
``finish_start`` opens the database the normal way right after the first paint, or as
soon as the clerk asks for anything beyond that first screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from carecenter.errors import KnownError
from carecenter.register.columns import (
    COLUMN_KEYS,
    COLUMNS,
    KIND_FILTER,
    NO_COLOUR,
    RegisterQuery,
)
from carecenter.rules.fields import ACTIVE, EXITED
from carecenter.rules.risk import COLOURS
from carecenter.storage.location import shown
from ui.access import session_menu
from ui.access.lock import SessionGuard
from ui.overview.overview_page import OverviewPage
from ui.overview.worklist_view import WorkListView
from ui.register.register_filters import housing_filter, verdict_filter
from ui.register.register_model import RegisterModel
from ui.shell.help_menu import add_help_menu, open_guide
from ui.shell.start_page import StartPage
from ui.widgets.colours import colour_icon, colour_text
from ui.widgets.first_paint import after_first_paint
from ui.widgets.screen_fit import fit_resize

# The database layer, the rules and the dialogs load after the first paint (start-up).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from carecenter.care.care_book import CareBook
    from carecenter.overview.printed_lists import PrintedList
    from carecenter.register.first_screen import FirstScreen
    from carecenter.register.listing import Listing
    from carecenter.register.people import Register
    from carecenter.storage.database import Database
    from ui.access.login import Door
    from ui.care.needs_window import NeedsWindow

STATUS_FILTERS = (("在册", ACTIVE), ("已退出", EXITED), ("全部", None))


class RegisterTable(QTableView):
    """The table; Enter opens the file under the cursor."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            window = self.window()
            if isinstance(window, MainWindow):
                window.open_current()
                return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Down arrow moves from the search box into the table."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        window = self.window()
        if isinstance(window, MainWindow):
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


class MainWindow(QMainWindow):
    """``MainWindow(database)``; or, at start-up, ``MainWindow(first=..., open_database=...)``
    and ``finish_start()`` after the first paint."""

    def __init__(self, database: Database | None = None, *, first: FirstScreen | None = None,
                 open_database: Callable[[], Database | None] | None = None,
                 door: Door | None = None) -> None:
        super().__init__()
        self.database: Database | None = None
        # An encrypted register opens only once a password has unwrapped its key.
        self.door = door
        self._first = first
        self._open_database = open_database
        self._starting = False
        if database is not None:
            location = database.location
        else:
            assert first is not None and open_database is not None
            location = first.location
        self.location = location
        self.setWindowTitle(
            f"留守关爱 — 农村留守老人、儿童、妇女和特困群众台账  [{shown(location)}]")

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
        for label, status in STATUS_FILTERS:
            self.status_filter.addItem(label, status)

        if database is not None:
            from carecenter.register.listing import Listing

            self.listing: Listing = Listing(database)
            self.model = RegisterModel(self.listing, RegisterQuery())
        else:
            assert first is not None
            self.model = RegisterModel(first, RegisterQuery())
            self.model.before_change = self.finish_start
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
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(QLabel("村民小组"))
        filters.addWidget(self.group_filter, 1)
        filters.addWidget(QLabel("类别"))
        filters.addWidget(self.kind_filter)
        filters.addWidget(QLabel("风险等级"))
        filters.addWidget(self.colour_filter)
        for label, box in (("留守认定", self.verdict_filter), ("住房隐患", self.housing_filter),
                           ("状态", self.status_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(box)
        from ui.widgets.list_output import list_buttons

        for button in list_buttons(self, self.printed_register, "register"):
            filters.addWidget(button)
        self.register_page = register_page = QWidget()
        layout = QVBoxLayout(register_page)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.worklist = WorkListView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.worklist, "工作台")
        self.tabs.addTab(register_page, "登记册")
        # The needs ledger takes this page's place when the database is open.
        self._needs_page = QWidget()
        self.tabs.addTab(self._needs_page, "需求台账")
        self.overview = OverviewPage()
        self.overview.setObjectName("overview")
        self.tabs.addTab(self.overview, "概况")
        self._worklist_stale = False
        self._overview_stale = True
        # An empty register opens on the three ways in; the tabs once anyone is in it.
        # Looked up when clicked, so that the command is the window's at that time.
        self.start_page = StartPage(
            {way: self._when_open(partial(self._command, command))
             for way, command in (("start_import", "import_ledger"),
                                  ("start_settings", "edit_settings"),
                                  ("start_new", "new_person"))},
            lambda: open_guide(self))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.start_page)
        self.setCentralWidget(self.pages)
        self.statusBar().addWidget(self.count_label)

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

        self._build_actions()
        self.operator_actions = session_menu.add_menu(
            self, lambda: self.database if self.finish_start() else None, self.lock)
        # Nothing of the register shows until an operator signs in (issue 18).
        self.guard = SessionGuard(self, lambda: self.database if self.finish_start() else None,
                                  self._signed_in, door=door)
        if database is not None:
            self._attach(database)
        else:
            assert first is not None
            groups = first.groups()
            self._fill_groups(groups)
            self.worklist.set_groups(groups)  # a combo box takes its width when first shown
            self._update_counts()
        self._update_actions()
        self._restore_geometry()
        self.search.setFocus()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.worklist.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_actions())
        self.worklist.model.modelReset.connect(lambda: self._update_counts(totals=False))
        # The work list is read after its first paint, so it never holds the window back.
        self.worklist.load_after_first_paint()
        if self.database is not None and self.database.operator is not None:
            self.guard.unlock(self.database.operator)
        else:
            # The database opens after the first paint (of the sign-in page), which then
            # asks for the first administrator or the password.
            after_first_paint(self.guard.stack, self.guard.ask)

    def lock(self) -> None:
        self.guard.lock()

    def _signed_in(self, operator: object) -> None:
        """After a sign-in: the title names the operator; their role greys out the rest."""
        from carecenter.rules.roles import Operator

        assert isinstance(operator, Operator)
        title = self.windowTitle().split("  —  ")[0]
        self.setWindowTitle(f"{title}  —  {operator.name}({operator.role_label})")
        if self.database is not None:
            from carecenter.settings.preferences import Preferences

            self.guard.set_idle_minutes(int(Preferences(self.database).read()["lock.minutes"]))
        self._update_actions()

    def finish_start(self) -> bool:
        """Open the database the normal way and take over from the first screen; False
        if it would not open (the clerk has been told why, and the program ends)."""
        if self.database is not None:
            return True
        if self._starting or self._open_database is None:
            return False
        if self.door is not None and self.door.shut:
            return False  # nothing to open before the password (the sign-in page asks)
        self._starting = True
        try:
            database = self._open_database()
        finally:
            self._starting = False
        if database is None:
            self.close()
            QApplication.exit(1)
            return False
        self._attach(database)
        return True

    def _attach(self, database: Database) -> None:
        """Everything that reads or writes through the database layer."""
        from carecenter.care.care_book import CareBook
        from carecenter.register.listing import Listing
        from carecenter.register.people import Register
        from ui.care.needs_window import NeedsWindow

        self.database = database
        self.register: Register = Register(database)
        if self.model.before_change is not None:
            # The first screen's rows and ids are the listing's own (tests compare them).
            self.listing = Listing(database)
            self.model.listing = self.listing
            self.model.before_change = None
        if self._first is not None:
            self._first.close()
            self._first = None
        self.care: CareBook = CareBook(database)
        self.worklist.on_changed.append(lambda: self.refresh(self.current_person()))
        self.needs: NeedsWindow = NeedsWindow(self.care, load=False)
        index = self.tabs.indexOf(self._needs_page)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, self.needs, "需求台账")
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        self._needs_page.deleteLater()
        self._fill_groups()
        self._update_counts()
        self.worklist.attach(self.care, self.register)
        self.overview.attach(database)
        self.overview.colour.connect(self.show_colour)
        self.overview.verdict.connect(self.show_verdict)
        self.overview.group.connect(self.show_group_overdue)
        self.overview.people.connect(self.show_people)
        if self.door is not None:
            # The window started empty (encrypted, nothing readable before sign-in).
            self.model.reload()
            self._update_counts()
            self.worklist.load_after_first_paint()

    # -- actions ----------------------------------------------------------------------

    def _build_actions(self) -> None:
        toolbar = QToolBar("操作")
        toolbar.setObjectName("toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        menu = self.menuBar().addMenu("登记册(&R)")

        def action(text: str, slot: Callable[[], object],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                   name: str = "") -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            if shortcut is not None:
                act.setShortcut(shortcut)
                act.setToolTip(f"{text}({QKeySequence(shortcut).toString()})")
            act.triggered.connect(self._when_open(slot))
            toolbar.addAction(act)
            menu.addAction(act)
            return act

        self.new_action = action("新增(Ctrl+N)", self.new_person, QKeySequence.StandardKey.New,
                                 "new_person")
        self.open_action = action("打开档案(Enter)", self.open_current, None, "open_person")
        self.exit_action = action("退出登记…", self.exit_current, "Ctrl+D", "exit_person")
        self.reinstate_action = action("恢复在册", self.reinstate_current, None, "reinstate")
        toolbar.addSeparator()
        self.visit_action = action("记录走访(Ctrl+R)", self.visit_current, "Ctrl+R", "visit")
        self.assess_action = action("风险评估(Ctrl+E)", self.assess_current, "Ctrl+E", "assess")
        care_menu = self.menuBar().addMenu("走访与需求(&V)")
        for text, slot, keys, name in (
                ("录入走访记录表…", self.enter_sheet, "Ctrl+Shift+R", "sheet"),
                ("专项走访…", self.declare_round, None, "rounds"),
                ("需求台账", self.open_needs, "Ctrl+Shift+N", "needs")):
            act = QAction(text, self)
            act.setObjectName(name)
            if keys:
                act.setShortcut(keys)
            act.triggered.connect(self._when_open(slot))
            care_menu.addAction(act)
            toolbar.addAction(act)
        toolbar.addSeparator()
        action("村民小组…", self.edit_groups, "Ctrl+G", "groups")
        action("导入台账…", self.import_ledger, None, "import_ledger")
        action("季度报送…", self.open_reports, None, "reports")
        action("帮扶人…", self.edit_helpers, "Ctrl+H", "helpers")
        action("结对建议…", self.suggest_pairing, None, "suggest_pairing")
        action("打印…", self.print_documents, QKeySequence.StandardKey.Print, "print")
        action("刷新(F5)", self.refresh, QKeySequence.StandardKey.Refresh, "refresh")
        menu.addSeparator()
        settings = QAction("本村设置…", self)
        settings.setObjectName("settings")
        settings.triggered.connect(self._when_open(self.edit_settings))
        menu.addAction(settings)
        from ui.shell import backup_menu

        backup_menu.install(self, lambda: self.database if self.finish_start() else None,
                            self._after_restore)
        find = QAction("搜索", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        self.help_menu = add_help_menu(self, self.location)

    def _command(self, name: str) -> None:
        getattr(self, name)()

    def _when_open(self, slot: Callable[[], object]) -> Callable[[], None]:
        """An action: if start-up has not finished, the database opens first."""

        def run() -> None:
            if self.finish_start():
                slot()

        return run

    def _keep_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A column that cannot be sorted must not show the arrow: put it back."""
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

    def _update_actions(self) -> None:
        has = self.current_person() is not None
        on_worklist = self.tabs.currentWidget() is self.worklist
        status = ACTIVE if on_worklist else self.status_filter.currentData()
        self.open_action.setEnabled(has)
        self.exit_action.setEnabled(has and status != EXITED)
        self.reinstate_action.setEnabled(has and status != ACTIVE)
        self.visit_action.setEnabled(has and status == ACTIVE)
        self.assess_action.setEnabled(has and status == ACTIVE)
        session_menu.limit_actions(self, self.database.operator if self.database else None)

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

    def refresh(self, select: int | None = None) -> None:
        if not self.finish_start():
            return
        # Something was written: the work list is read again when next shown (switching
        # tabs alone reads nothing: 1.3 s at 100,000 people).
        self._worklist_stale = self.tabs.currentWidget() is not self.worklist
        self._fill_groups()
        self.model.reload()
        self._update_counts()
        if select is not None:
            self.select_person(select)
        self._update_actions()

    def _after_restore(self) -> None:
        """The register's content was replaced: everything shown is read again."""
        self.refresh()
        self.worklist.load_after_first_paint()

    def select_person(self, person_id: int) -> None:
        row = self.model.row_of(person_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _update_counts(self, totals: bool = True) -> None:
        """The status line; totals change only on a write, not on a keystroke."""
        if totals or not self._totals:
            count = self.register.count if self._first is None else self._first.count_status
            active, exited = count(ACTIVE), count(EXITED)
            self._totals = f"在册 {active} 人    已退出 {exited} 人"
            self._show_start(active + exited == 0)
            self._overview_stale = True
        # Each tab's own count: the work list's items, the register's people shown.
        current = self.tabs.currentWidget()
        if current is self.worklist:
            shown = f"工作台 {self.worklist.model.rowCount()} 项    "
        elif current is self.register_page:
            shown = f"显示 {self.model.rowCount()} 人    "
        else:
            shown = ""
        self.count_label.setText(shown + self._totals)

    def printed_register(self) -> PrintedList:
        """The register as filtered now, in the order shown."""
        from carecenter.overview.printed_lists import register_list

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
        return register_list(self.database, ids, "留守老年人名单",
                             f"{'  '.join(said)}  共 {len(ids)} 人")

    def _show_start(self, empty: bool) -> None:
        """The start page while nobody is on the register (first run)."""
        page = self.start_page if empty else self.tabs
        if self.pages.currentWidget() is not page:
            self.pages.setCurrentWidget(page)
            if empty:
                self.start_page.setFocus()
            else:
                self.search.setFocus()

    # -- from the overview to the lists behind it -------------------------------------

    def show_verdict(self, verdict: str) -> None:
        """The register, every active person with this 留守 verdict."""
        self.show_colour(None, verdict)

    def show_colour(self, colour: str | None, verdict: str | None = None) -> None:
        """The register, every active person of this colour ("": not yet assessed)."""
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

    def show_group_overdue(self, group_id: int | None) -> None:
        """The work list of one group, its overdue items."""
        self.tabs.setCurrentWidget(self.worklist)
        self.worklist.show_overdue(group_id)

    def show_people(self, title: str, what: object) -> None:
        from ui.overview.people_list import PeopleList

        assert self.database is not None  # the overview is read once the database is open
        dialog = PeopleList(self.database, title, what, self.open_person, self)
        dialog.exec()
        dialog.deleteLater()

    def current_person(self) -> int | None:
        """The person under the cursor: of the work list when it is in front."""
        if self.tabs.currentWidget() is self.worklist:
            item = self.worklist.current()
            return item.person_id if item else None
        return self.model.person_id(self.table.currentIndex().row())

    # -- commands ---------------------------------------------------------------------

    def new_person(self) -> None:
        from ui.register.person_editor import (
            PersonEditor,  # dialogs load when first opened (start-up)
        )

        # A new file is of the kind the register is filtered to (儿童: a child's form).
        kind = self.kind_filter.currentData()
        editor = PersonEditor(self.register, None, self, kinds=[kind] if kind else None)
        saved = editor.exec() and editor.saved_id is not None
        editor.deleteLater()
        if saved and editor.saved_id is not None:
            self.refresh(editor.saved_id)

    def open_current(self) -> None:
        person_id = self.current_person()
        if person_id is not None:
            self.open_person(person_id)

    def open_person(self, person_id: int) -> None:
        if not self.finish_start():
            return
        from ui.register.person_editor import PersonEditor

        editor = PersonEditor(self.register, person_id, self)
        saved = editor.exec()
        recorded = editor.care_panel is not None and editor.care_panel.touched
        editor.deleteLater()
        if saved or recorded:
            self.worklist.reload()
            self.refresh(person_id)

    def exit_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from ui.register.exit_dialog import ExitDialog

        dialog = ExitDialog(self.register, person_id, file.name, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.refresh()
            self.statusBar().showMessage(f"{file.name} 已退出登记,档案保留在“已退出”中", 8000)

    def reinstate_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, "恢复在册", f"把 {file.name} 恢复为在册?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.register.reinstate(person_id)
        except KnownError as e:
            QMessageBox.warning(self, "恢复在册", e.message)
            return
        self.refresh(person_id)

    def visit_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        file = self.register.load(person_id)
        from ui.care.visit_dialog import VisitDialog

        dialog = VisitDialog(self.care, person_id, file.name, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change(f"已记录 {file.name} 的走访")

    def assess_current(self) -> None:
        person_id = self.current_person()
        if person_id is None:
            return
        from ui.care.assessment_dialog import AssessmentDialog

        dialog = AssessmentDialog(self.care, self.register, person_id, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change("评估已保存")

    def enter_sheet(self) -> None:
        from ui.care.visit_sheet import VisitSheet

        dialog = VisitSheet(self.care, self)
        dialog.exec()
        saved = dialog.saved
        dialog.deleteLater()
        if saved:
            self.after_care_change(f"已保存 {saved} 条走访记录")

    def declare_round(self) -> None:
        q = self.query()
        narrowed = q.text.strip() or q.group_id is not None or q.colour is not None
        filtered = list(self.model.ids) if narrowed and q.status == ACTIVE else None
        from ui.care.round_dialog import RoundDialog

        dialog = RoundDialog(self.care, filtered, self)
        done = dialog.exec()
        dialog.deleteLater()
        if done:
            self.after_care_change("专项走访已建立,名单已列入工作台")

    def open_needs(self) -> None:
        self.needs.reload()
        self.tabs.setCurrentWidget(self.needs)

    def _tab_shown(self, _index: int) -> None:
        """Coming back to the work list shows what changed in the other tabs."""
        if not self.finish_start():
            return
        if self.tabs.currentWidget() is self.worklist and self._worklist_stale:
            self._worklist_stale = False
            self.worklist.reload()
        if self.tabs.currentWidget() is self.needs and not self.needs.loaded:
            self.needs.reload()
        if self.tabs.currentWidget() is self.overview and self._overview_stale:
            self._overview_stale = False
            self.overview.reload()
        self._update_actions()
        self._update_counts(totals=False)

    def after_care_change(self, message: str) -> None:
        self._overview_stale = True
        self.worklist.reload()
        self.refresh(self.current_person())
        self.statusBar().showMessage(message, 6000)

    def import_ledger(self) -> None:
        from ui.ledger.import_wizard import ImportWizard

        assert self.database is not None  # commands run once the database is open
        wizard = ImportWizard(self.database, self)
        wizard.exec()
        wizard.deleteLater()
        self.worklist.reload()
        self.refresh()

    def edit_groups(self) -> None:
        from ui.register.groups_dialog import GroupsDialog

        dialog = GroupsDialog(self.register.groups, self)
        dialog.exec()
        dialog.deleteLater()
        self.refresh()

    def open_reports(self) -> None:
        from ui.ledger.report_window import ReportWindow

        assert self.database is not None  # commands run once the database is open
        dialog = ReportWindow(self.database, self, today=self.register.today,
                              open_person=self.open_person)
        dialog.exec()
        dialog.deleteLater()

    def edit_settings(self) -> None:
        from ui.settings.settings_dialog import SettingsDialog

        assert self.database is not None  # commands run once the database is open
        dialog = SettingsDialog(self.database, self)
        dialog.exec()
        dialog.deleteLater()

    def edit_helpers(self) -> None:
        from ui.pairing.helpers_window import HelpersWindow

        assert self.database is not None  # commands run once the database is open
        dialog = HelpersWindow(self.database, self)
        dialog.exec()
        dialog.deleteLater()
        self.refresh()

    def suggest_pairing(self) -> None:
        from ui.pairing.pairing_dialog import suggest

        assert self.database is not None  # commands run once the database is open
        if suggest(self.database, self):
            self.refresh()

    # -- window state -----------------------------------------------------------------

    def print_documents(self) -> None:
        from ui.documents.print_dialog import PrintDialog

        assert self.database is not None  # commands run once the database is open
        PrintDialog(self.database, self.current_person(), self.model.ids, self).exec()

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            fit_resize(self, 1100, 700)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
