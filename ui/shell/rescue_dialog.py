"""When the register cannot be opened at start (emptied, damaged, its key file not its
own): the clerk is told why and may restore it from a backup there and then, signed in
as an administrator of that backup (``carecenter.access.rescue``); the command line's
``restore`` does the same."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from carecenter.errors import DatabaseError, KnownError
from carecenter.storage.location import sqlite_file
from carecenter.storage.register_lock import RegisterLock
from ui.widgets import file_dialogs


class RescueSignIn(QDialog):
    """An administrator of the backup: name and password, then the restore."""

    def __init__(self, register: Path, backup: Path, lock: RegisterLock | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复登记册")
        self.register, self.backup, self.lock = register, backup, lock
        self.persons: int | None = None
        form = QFormLayout(self)
        form.addRow(QLabel(f"用备份 {backup.name} 替换打不开的登记册 {register.name}。\n"
                           "原来的文件会原样移到备份文件夹,不会删除。\n"
                           "请以这份备份里的管理员身份登录:"))
        self.name = QLineEdit()
        self.name.setObjectName("rescue_name")
        self.password = QLineEdit()
        self.password.setObjectName("rescue_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("管理员姓名", self.name)
        form.addRow("密码", self.password)
        self.error = QLabel()
        self.error.setObjectName("rescue_error")
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("恢复")
        ok.setObjectName("rescue_ok")
        buttons.accepted.connect(self.restore)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.name.setFocus()

    def restore(self) -> None:
        from carecenter.access import rescue

        try:
            restored = rescue.restore(self.register, self.backup, self.name.text(),
                                      self.password.text(), held=self.lock)
        except KnownError as e:
            self.error.setText(e.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.persons = restored.persons
        self.set_aside = restored.set_aside
        self.accept()


def offer(location: str, error: KnownError, lock: RegisterLock | None) -> None:
    """Tell the clerk why the register would not open; where it has backups and cannot
    be opened at all, offer to restore one. The program ends either way (restored, it
    opens anew at the next start with the backup's operators and key)."""
    path = sqlite_file(location)
    found = []
    if path is not None and isinstance(error, DatabaseError):
        from carecenter.storage import backups

        try:
            found = backups.listing(path)
        except (OSError, KnownError):
            found = []
    if path is None or not found:
        QMessageBox.critical(None, "无法打开数据库", error.message)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "无法打开登记册", error.message)
    box.setObjectName("rescue_box")
    restore = box.addButton("从备份恢复…", QMessageBox.ButtonRole.AcceptRole)
    restore.setObjectName("rescue_restore")
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return
    chosen = file_dialogs.open_file(None, "选择要恢复的备份", found[0].path,
                                    "登记册备份 (*.db);;所有文件 (*)")
    if not chosen:
        return
    dialog = RescueSignIn(path, Path(chosen), lock)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        QMessageBox.information(
            None, "已恢复", f"已从备份恢复登记册({dialog.persons} 人)。\n原来打不开的文件已"
            f"原样移到 {dialog.set_aside}。\n请重新打开“留守关爱”。")
