"""The main window's menus and toolbar: each action runs one of the window's commands,
the database opened first if need be (a part of ``ui.shell.main_window``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from ui.shell.help_menu import add_help_menu

if TYPE_CHECKING:
    from carecenter.storage.database import Database

    _Window = QMainWindow
else:
    _Window = object  # a part of MainWindow, which is the QMainWindow


class Actions(_Window):
    """The menus and the toolbar (a part of ``MainWindow``)."""

    database: Database | None
    location: str

    if TYPE_CHECKING:
        def finish_start(self) -> bool: ...
        def _after_restore(self) -> None: ...
        def focus_search(self) -> None: ...
        def new_person(self) -> None: ...
        def open_current(self) -> None: ...
        def exit_current(self) -> None: ...
        def reinstate_current(self) -> None: ...
        def visit_current(self) -> None: ...
        def assess_current(self) -> None: ...
        def enter_sheet(self) -> None: ...
        def declare_round(self) -> None: ...
        def open_needs(self) -> None: ...
        def edit_groups(self) -> None: ...
        def import_ledger(self) -> None: ...
        def open_reports(self) -> None: ...
        def edit_helpers(self) -> None: ...
        def suggest_pairing(self) -> None: ...
        def print_documents(self) -> None: ...
        def refresh(self, select: int | None = None) -> None: ...
        def edit_settings(self) -> None: ...

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
