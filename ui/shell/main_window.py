"""The main window: the work list (工作台) first, and the register with its search box
and filters.

At start-up (``ui.shell.app``) the window is built from the first screen
(``carecenter.register.first_screen``) and shown before the database layer is loaded;
``finish_start`` opens the database the normal way right after the first paint, or as
soon as the clerk asks for anything beyond that first screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from carecenter.storage.location import shown
from ui.access import session_menu
from ui.access.lock import SessionGuard
from ui.shell.actions import Actions
from ui.shell.commands import Commands
from ui.shell.help_menu import open_guide
from ui.shell.register_tab import RegisterTab
from ui.widgets.first_paint import after_first_paint
from ui.widgets.screen_fit import fit_resize
from ui.widgets.tab_keys import tab_keys

# The database layer, the rules and the dialogs load after the first paint (start-up).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from carecenter.care.care_book import CareBook
    from carecenter.register.first_screen import FirstScreen
    from carecenter.register.people import Register
    from carecenter.storage.database import Database
    from ui.access.login import Door
    from ui.care.needs_window import NeedsWindow

def _load_database_layer() -> None:
    """Import what opening the register and signing in will need (``_attach``)."""
    import carecenter.access.operators  # noqa: F401
    import carecenter.access.register_keys  # noqa: F401
    import carecenter.care.care_book  # noqa: F401
    import carecenter.register.listing  # noqa: F401
    import carecenter.register.people  # noqa: F401
    import carecenter.settings.preferences  # noqa: F401
    import ui.care.needs_window  # noqa: F401


class MainWindow(Commands, Actions, RegisterTab, QMainWindow):
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
        self._built = False
        if database is not None:
            self.location = database.location
        else:
            assert (first is not None or door is not None) and open_database is not None
            self.location = first.location if first is not None else str(door.path)  # type: ignore[union-attr]
        self.setWindowTitle(
            f"留守关爱 — 农村留守老人、儿童、妇女和特困群众台账  [{shown(self.location)}]")
        # The shell: menus, toolbar and the sign-in page; the body (the tabs) is built in
        # its place below.
        self.setCentralWidget(QWidget())
        self._build_actions()
        self.operator_actions = session_menu.add_menu(
            self, lambda: self.database if self.finish_start() else None, self.lock)
        # Nothing of the register shows until an operator signs in (issue 18).
        self.guard = SessionGuard(self, lambda: self.database if self.finish_start() else None,
                                  self._signed_in, door=door)
        self._restore_geometry()
        if door is not None and database is None:
            # Encrypted: nothing of the register can be read before the password, so the
            # window's first paint is its sign-in page alone; the tabs are built after it,
            # while the clerk types (bench: start-up), then the database layer loads.
            after_first_paint(self.guard.stack, self._build_body)
            after_first_paint(self.guard.stack, self.guard.ask)
            after_first_paint(self.guard.stack, _load_database_layer)
            return
        self._build_body(database)
        if self.database is not None and self.database.operator is not None:
            self.guard.unlock(self.database.operator)
        else:
            # The database opens after the first paint (of the sign-in page), which then
            # asks for the first administrator or the password.
            after_first_paint(self.guard.stack, self.guard.ask)

    def _build_body(self, database: Database | None = None) -> None:
        """The tabs (work list, register, needs, overview) and the start page, in the
        place the sign-in page covers; once."""
        if self._built:
            return
        self._built = True
        from ui.overview.overview_page import OverviewPage
        from ui.overview.worklist_view import WorkListView
        from ui.shell.start_page import StartPage

        if database is None and self._first is None:
            from carecenter.register.first_screen import locked_screen

            self._first = locked_screen(self.location)
        self._build_register_page(database, self._first)
        self.worklist = WorkListView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.worklist, "工作台")
        self.tabs.addTab(self.register_page, "登记册")
        # The needs ledger takes this page's place when the database is open.
        self._needs_page = QWidget()
        self.tabs.addTab(self._needs_page, "需求台账")
        self.overview = OverviewPage()
        self.overview.setObjectName("overview")
        self.tabs.addTab(self.overview, "概况")
        tab_keys(self.tabs, self)
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
        stack = self.guard.stack
        shell = stack.widget(0)
        assert shell is not None
        stack.insertWidget(0, self.pages)  # the sign-in page stays in front
        stack.removeWidget(shell)
        shell.deleteLater()
        if not self.guard.locked:
            stack.setCurrentWidget(self.pages)
        self.statusBar().addWidget(self.count_label)
        self._connect_register_page()
        if self.guard.locked:
            self.guard.hide_actions()  # the tabs' own keys wait for the sign-in too
        if database is not None:
            self._attach(database)
        else:
            assert self._first is not None
            groups = self._first.groups()
            self._fill_groups(groups)
            self.worklist.set_groups(groups)  # a combo box takes its width when first shown
            self._update_counts()
        self._update_actions()
        self.focus_front()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.worklist.table.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_actions())
        self.worklist.model.modelReset.connect(lambda: self._update_counts(totals=False))
        # The work list is read after its first paint, so it never holds the window back.
        self.worklist.load_after_first_paint()

    @property
    def first_screen(self) -> FirstScreen | None:
        """The first screen still shown, until the database layer takes over."""
        return self._first

    def lock(self) -> None:
        self.guard.lock()

    def _signed_in(self, operator: object) -> None:
        """After a sign-in: the title names the operator; their role greys out the rest."""
        from carecenter.rules.roles import Operator

        assert isinstance(operator, Operator)
        self._build_body()
        title = self.windowTitle().split("  —  ")[0]
        self.setWindowTitle(f"{title}  —  {operator.name}({operator.role_label})")
        if self.database is not None:
            from carecenter.settings.preferences import Preferences

            self.guard.set_idle_minutes(int(Preferences(self.database).read()["lock.minutes"]))
            self._catch_up(self.database)
        if self.worklist.needs_reading():
            # Dropped while locked, or another operator's list: theirs is read now, or
            # when its tab is next shown.
            if self.tabs.currentWidget() is self.worklist:
                self.worklist.reload()
            else:
                self._worklist_stale = True
        self._update_actions()
        focused = self.focusWidget()
        if focused is None or not focused.isVisible():  # the password box, now hidden
            self.focus_front()

    def focus_front(self) -> None:
        """The keys go to what is in front, so that the clerk's first key does something:
        the work list's rows (Enter records the visit), the register's search box, the
        start page's first way in."""
        if self.pages.currentWidget() is self.start_page:
            self.start_page.setFocus()
        elif self.tabs.currentWidget() is self.worklist:
            self.worklist.table.setFocus()
        elif self.tabs.currentWidget() is self.register_page:
            self.search.setFocus()
        else:
            self.tabs.currentWidget().setFocus()

    def _catch_up(self, database: Database) -> None:
        """A register first opened for writing by this version: what it keeps by rules
        (the 留守 verdicts, the helpers' tally) worked out again by this version's, with
        progress (``carecenter.register.upkeep``); a current one costs one read."""
        from carecenter import clock
        from carecenter.errors import KnownError
        from carecenter.register import upkeep
        from ui.widgets.background import run_in_background

        if database.read_only or not upkeep.outdated(database) or not database.can_write():
            return
        try:
            caught = run_in_background(
                self, "按新规则更新登记册",
                lambda progress, _cancelled: upkeep.bring_up_to_date(
                    database, clock.today(), progress),
                "本版程序的认定规则有变,正在更新登记册…", cancellable=False)
        except KnownError as e:
            QMessageBox.warning(self, "按新规则更新登记册", e.message)
            return
        if caught is not None and caught.text():
            self.statusBar().showMessage(f"本版程序的规则有变:{caught.text()}(已记入审计日志)",
                                         30000)
            self._worklist_stale = True
            self._overview_stale = True

    def finish_start(self) -> bool:
        """Open the database the normal way and take over from the first screen; False
        if it would not open (the clerk has been told why, and the program ends)."""
        if self.database is not None:
            return True
        self._build_body()
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
        self.worklist.open_file = self.open_person
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

    def _update_actions(self) -> None:
        from carecenter.rules.fields import ACTIVE, EXITED

        has = self.current_person() is not None
        on_worklist = self.tabs.currentWidget() is self.worklist
        status = ACTIVE if on_worklist else self.status_filter.currentData()
        self.open_action.setEnabled(has)
        self.exit_action.setEnabled(has and status != EXITED)
        self.reinstate_action.setEnabled(has and status != ACTIVE)
        self.visit_action.setEnabled(has and status == ACTIVE)
        self.assess_action.setEnabled(has and status == ACTIVE)
        session_menu.limit_actions(self, self.database.operator if self.database else None)

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

    def _update_counts(self, totals: bool = True) -> None:
        """The status line; totals change only on a write, not on a keystroke."""
        if totals or not self._totals:
            from carecenter.rules.fields import ACTIVE, EXITED

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
            # A search on a server counts to 10,000 (the rest when scrolled to the end).
            more = "" if self.model.exact else "+"
            shown = f"显示 {self.model.rowCount()}{more} 人    "
        else:
            shown = ""
        self.count_label.setText(shown + self._totals)

    def _show_start(self, empty: bool) -> None:
        """The start page while nobody is on the register (first run)."""
        page = self.start_page if empty else self.tabs
        if self.pages.currentWidget() is not page:
            self.pages.setCurrentWidget(page)
            self.focus_front()

    def current_person(self) -> int | None:
        """The person under the cursor: of the work list when it is in front."""
        if self.tabs.currentWidget() is self.worklist:
            item = self.worklist.current()
            return item.person_id if item else None
        return self.model.person_id(self.table.currentIndex().row())

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

    # -- window state -----------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            fit_resize(self, 1100, 700)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
