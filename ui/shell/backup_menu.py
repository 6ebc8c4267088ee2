"""The 备份 menu: 备份到…, 备份列表, 从备份恢复…; and the checks that follow start-up.

After the window shows, a worker thread runs SQLite's quick check on the register and,
if it is sound, takes the day's automatic backup (at most one a day, rotated). A
damaged register is reported at once, naming the newest good backup; writing is then
refused by the core (``Database.ensure_sound``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from carecenter.errors import KnownError
from ui.widgets import file_dialogs
from ui.widgets.background import run_in_background

log = logging.getLogger("carecenter")

if TYPE_CHECKING:
    from carecenter.storage.backups import Backup
    from carecenter.storage.database import Database


def install(window: QMainWindow, database: Callable[[], Database | None],
            restored: Callable[[], None]) -> None:
    """The 备份(&B) menu on the window; ``restored`` refreshes it after a restore."""
    menu = window.menuBar().addMenu("备份(&B)")
    for text, name, slot in (
            ("备份到…", "backup_to", lambda: back_up_to(window, database())),
            ("备份列表…", "backup_list", lambda: show_backups(window, database(), restored)),
            ("从备份恢复…", "restore", lambda: restore_file(window, database(), restored))):
        act = QAction(text, window)
        act.setObjectName(name)
        act.triggered.connect(slot)
        menu.addAction(act)


def back_up_to(parent: QWidget, database: Database | None) -> Path | None:
    """A backup now, into a folder the clerk picks (a USB stick)."""
    if database is None or database.path is None:
        return None
    from carecenter.storage import backups

    folder = file_dialogs.choose_folder(parent, "备份到哪个文件夹(如 U 盘)", None)
    if not folder:
        return None
    try:
        target = run_in_background(
            parent, "备份", lambda _p, _c: database.back_up(backups.MANUAL, Path(folder)),
            "正在备份登记册…", cancellable=False)
    except KnownError as e:
        QMessageBox.warning(parent, "备份", e.message)
        return None
    assert target is not None
    QMessageBox.information(parent, "备份", f"已备份到 {target}"
                            f"({backups.persons_in(target)} 人)。")
    return target


class BackupList(QDialog):
    """The register's backups, newest first: time, kind, persons, size, where."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from carecenter.storage import backups

        assert database.path is not None
        self.database = database
        self.folder = backups.folder_for(database.path)
        self.setWindowTitle("备份列表")
        self.resize(820, 420)
        self.where = QLabel(f"备份文件夹:{self.folder}")
        self.where.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("backups")
        self.table.setHorizontalHeaderLabels(["时间", "类型", "人数", "大小", "文件"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_button.setObjectName("restore_selected")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.found: list[Backup] = backups.listing(database.path, self.folder)
        for row, item in enumerate(self.found):
            self.table.insertRow(row)
            persons = "无法读取" if item.persons is None else str(item.persons)
            for column, text in enumerate((f"{item.taken:%Y-%m-%d %H:%M:%S}", item.kind_label,
                                           persons, backups.size_text(item.size),
                                           item.path.name)):
                cell = QTableWidgetItem(text)
                if column in (2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                cell.setToolTip(str(item.path))
                self.table.setItem(row, column, cell)
        if self.found:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.found))
        self.table.resizeColumnsToContents()

    def selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.found[rows[0].row()].path if rows else None


def show_backups(parent: QWidget, database: Database | None,
                 restored: Callable[[], None]) -> None:
    if database is None or database.path is None:
        return
    dialog = BackupList(database, parent)
    dialog.restore_button.clicked.connect(
        lambda: _restore_selected(dialog, database, restored))
    dialog.exec()


def _restore_selected(dialog: BackupList, database: Database,
                      restored: Callable[[], None]) -> None:
    chosen = dialog.selected()
    if chosen is not None and restore(dialog, database, chosen, restored):
        dialog.accept()


def restore_file(parent: QWidget, database: Database | None,
                 restored: Callable[[], None]) -> None:
    """从备份恢复: any backup file (one on a USB stick, say)."""
    if database is None or database.path is None:
        return
    from carecenter.storage import backups

    chosen = file_dialogs.open_file(parent, "选择要恢复的备份", backups.folder_for(database.path),
                                    "登记册备份 (*.db);;所有文件 (*)")
    if chosen:
        restore(parent, database, Path(chosen), restored)


def restore(parent: QWidget, database: Database, backup: Path,
            restored: Callable[[], None]) -> bool:
    """After the clerk confirms: check the backup, keep the current register, restore."""
    from carecenter.storage import backups

    try:
        persons = backups.verify(backup)
    except KnownError as e:
        QMessageBox.warning(parent, "从备份恢复", e.message)
        return False
    answer = QMessageBox.question(
        parent, "从备份恢复",
        f"用备份 {backup.name}({persons} 人)替换现在的登记册吗?\n\n"
        "现在的登记册会先另存到备份文件夹(类型“恢复前的原文件”),需要时可以再恢复回来。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    from carecenter.access import register_keys

    try:
        aside = run_in_background(parent, "从备份恢复",
                                  lambda _p, _c: register_keys.restore(database, backup),
                                  "正在恢复登记册…", cancellable=False)
    except KnownError as e:
        QMessageBox.warning(parent, "从备份恢复", e.message)
        return False
    restored()
    QMessageBox.information(parent, "从备份恢复", f"已从 {backup.name} 恢复({persons} 人)。"
                            f"原来的登记册已另存为 {aside}。")
    return True


class _Report(QObject):
    damaged = Signal(str)


def check_after_start(parent: QWidget | None, database: Database) -> threading.Thread:
    """The quick check and the day's backup, off the GUI thread; a damaged register is
    reported by a message box once the check has run."""
    report = _Report(parent)
    report.damaged.connect(lambda message: QMessageBox.critical(parent, "登记册已损坏", message),
                           Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        from carecenter.storage import backups

        try:
            database.ensure_sound()
        except KnownError as e:
            report.damaged.emit(e.message)
            return
        if database.path is not None:
            try:
                backups.daily(database.path)
            except KnownError as e:  # a full backup disk must not stop the clerk's work
                log.warning("每日自动备份未完成:%s", e.message)

    thread = threading.Thread(target=work, name="start-up check", daemon=True)
    thread.start()
    return thread
