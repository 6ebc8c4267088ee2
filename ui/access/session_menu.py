"""The operator's menu on the main window and what each role may press.

操作员(&O): 修改密码…, 锁定 (Ctrl+L), 审计日志…, and for an administrator 操作员管理….
A 查看 operator finds the writing actions greyed out; the core refuses them anyway
(``Database.transaction`` checks the role), this only spares them the attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from carecenter.rules.roles import ADMIN, CLERK, allows

if TYPE_CHECKING:
    from carecenter.rules.roles import Operator
    from carecenter.storage.database import Database

# The main window's actions (by object name) each role needs.
NEEDS_CLERK = ("new_person", "exit_person", "reinstate", "visit", "assess", "sheet", "rounds",
               "groups", "import_ledger", "suggest_pairing", "reports", "helpers")
NEEDS_ADMIN = ("settings", "operators")


def allowed(operator: Operator | None, action_name: str) -> bool:
    if action_name in NEEDS_ADMIN:
        return operator is not None and allows(operator.role, ADMIN)
    if action_name in NEEDS_CLERK:
        return operator is not None and allows(operator.role, CLERK)
    return True


# Enabled by the main window by what is selected; the role can only take them away.
BY_SELECTION = ("exit_person", "reinstate", "visit", "assess")


def limit_actions(window: QMainWindow, operator: Operator | None) -> None:
    """Grey out what the operator's role does not allow (after the window's own rules);
    give back what it does (another operator signed in after a lock)."""
    for act in window.findChildren(QAction):
        name = act.objectName()
        if name not in NEEDS_CLERK and name not in NEEDS_ADMIN:
            continue
        if not allowed(operator, name):
            act.setEnabled(False)
        elif name not in BY_SELECTION:
            act.setEnabled(True)


def add_menu(window: QMainWindow, database: Callable[[], Database | None],
             lock: Callable[[], None]) -> dict[str, QAction]:
    """The 操作员 menu; its actions by name. (The windows load when first asked for: the
    database layer must not load before the first paint.)"""

    def change_password(db: Database) -> None:
        from ui.access.login import ChangePasswordDialog

        ChangePasswordDialog(db, window).exec()

    def audit_log(db: Database) -> None:
        from ui.access.audit_window import AuditWindow

        AuditWindow(db, window).exec()

    def manage(db: Database) -> None:
        from ui.access.operators_window import OperatorsWindow

        OperatorsWindow(db, window).exec()

    menu = window.menuBar().addMenu("操作员(&O)")
    made: dict[str, QAction] = {}

    def add(text: str, name: str, slot: Callable[[Database], object],
            shortcut: str | None = None) -> None:
        act = QAction(text, window)
        act.setObjectName(name)
        if shortcut:
            act.setShortcut(shortcut)

        def run() -> None:
            opened = database()
            if opened is not None:
                slot(opened)

        act.triggered.connect(run)
        menu.addAction(act)
        made[name] = act

    add("修改密码…", "change_password", change_password)
    add("审计日志…", "audit_log", audit_log)
    add("操作员管理…", "operators", manage)
    menu.addSeparator()
    lock_action = QAction("锁定", window)  # the menu shows Ctrl+L in its own column
    lock_action.setObjectName("lock")
    lock_action.setShortcut("Ctrl+L")
    lock_action.triggered.connect(lock)
    menu.addAction(lock_action)
    window.addAction(lock_action)  # works with the menu bar greyed out too
    made["lock"] = lock_action
    return made
